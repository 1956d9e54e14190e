"""A local stand-in for the Telegram Bot API, enough for python-telegram-bot and TelegramSender.

Answers getMe, sendMessage, setWebhook, deleteWebhook, getWebhookInfo (the webhook last set),
setMyCommands, getUpdates (from `updates`, honouring the offset) and getFile (for `files`, by
file_id, then the file itself under /file/bot<token>/<file_path>); records every sendMessage
(reply_markup decoded to a dict) and the parameters of every other call in `requests`:

    with FakeTelegram() as telegram:
        Application.builder().token(FakeTelegram.TOKEN).base_url(telegram.base_url)...
        telegram.sent  # [{"chat_id": "42", "text": "...", "reply_markup": {...}}, ...]
        telegram.fail_next(403, "Forbidden: bot was blocked by the user")
        telegram.requests  # [("setWebhook", {"url": ..., "secret_token": ...}), ...]
        telegram.files["AgACphoto1"] = b"\xff\xd8..."   # a photo getFile can hand out
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qsl

from tests.support.local_http import JSONHandler, LocalHTTPServer

BOT_USER = {
    "id": 7000001,
    "is_bot": True,
    "first_name": "صديق",
    "username": "sadeeq_test_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


@dataclass
class FakeTelegram:
    TOKEN = "7000001:TEST-token_for-the-fake-api"
    sent: list[dict] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)  # method names, in order
    failures: list[tuple[int, str, int | None]] = field(default_factory=list)
    updates: list[dict] = field(default_factory=list)  # what getUpdates hands out (polling)
    requests: list[tuple[str, dict]] = field(default_factory=list)  # (method, parameters)
    webhook: dict = field(default_factory=dict)  # the parameters of the last setWebhook
    files: dict[str, bytes] = field(default_factory=dict)  # file_id → content, for getFile

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._http = LocalHTTPServer(_handler_for(self))

    @property
    def base_url(self) -> str:
        """What PTB's `base_url(...)` and TELEGRAM_API_BASE take (the token is appended)."""
        return f"{self._http.url}/bot"

    def fail_next(self, status: int, description: str, retry_after: int | None = None) -> None:
        """The next sendMessage answers `status`; a 429 tells the client to wait `retry_after` s."""
        with self._lock:
            self.failures.append((status, description, retry_after))

    def __enter__(self) -> FakeTelegram:
        self._http.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._http.stop()

    def _answer_path(self, path: str, params: dict) -> tuple[int, dict]:
        prefix = f"/bot{FakeTelegram.TOKEN}/"
        if not path.startswith(prefix):
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        return self._answer(path[len(prefix) :], params)

    def _answer(self, method: str, params: dict) -> tuple[int, dict]:
        with self._lock:
            self.calls.append(method)
            if method != "sendMessage":
                self.requests.append((method, params))
            if method == "sendMessage" and self.failures:
                status, description, retry_after = self.failures.pop(0)
                failure = {"ok": False, "error_code": status, "description": description}
                if retry_after is not None:
                    failure["parameters"] = {"retry_after": retry_after}
                return status, failure
            if method == "getMe":
                return 200, {"ok": True, "result": BOT_USER}
            if method == "setWebhook":
                self.webhook = params
            if method == "deleteWebhook":
                self.webhook = {}
            if method in ("setWebhook", "deleteWebhook", "setMyCommands", "close", "logOut"):
                return 200, {"ok": True, "result": True}
            if method == "getWebhookInfo":
                return 200, {
                    "ok": True,
                    "result": {
                        "url": self.webhook.get("url", ""),
                        "has_custom_certificate": False,
                        "pending_update_count": 0,
                    },
                }
            if method == "getUpdates":
                offset = int(params.get("offset") or 0)
                return 200, {
                    "ok": True,
                    "result": [u for u in self.updates if u["update_id"] >= offset],
                }
            if method == "getFile":
                file_id = str(params.get("file_id") or "")
                if file_id not in self.files:
                    return 400, {
                        "ok": False,
                        "error_code": 400,
                        "description": "Bad Request: invalid file_id",
                    }
                return 200, {
                    "ok": True,
                    "result": {
                        "file_id": file_id,
                        "file_unique_id": f"u{file_id}",
                        "file_size": len(self.files[file_id]),
                        "file_path": f"photos/{file_id}.jpg",
                    },
                }
            if method == "sendMessage":
                self.sent.append(params)
                chat_id = int(params["chat_id"])
                return 200, {
                    "ok": True,
                    "result": {
                        "message_id": len(self.sent),
                        "date": int(time.time()),
                        "chat": {"id": chat_id, "type": "private"},
                        "from": BOT_USER,
                        "text": params.get("text", ""),
                    },
                }
        return 404, {"ok": False, "error_code": 404, "description": "Not Found"}


def _decode(content_type: str, body: bytes) -> dict:
    if content_type.startswith("application/json"):
        return json.loads(body or b"{}")
    params: dict = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    # PTB sends nested objects (reply_markup...) as JSON text inside the form.
    for key, value in params.items():
        if value[:1] in ("{", "["):
            params[key] = json.loads(value)
    return params


def _handler_for(fake: FakeTelegram) -> type[BaseHTTPRequestHandler]:
    class Handler(JSONHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_json(*self._call(body))

        def do_GET(self) -> None:  # noqa: N802
            files = f"/file/bot{FakeTelegram.TOKEN}/photos/"
            path = self.path.split("?", 1)[0]
            if path.startswith(files):
                self._send_file(path[len(files) :].removesuffix(".jpg"))
                return
            query = dict(parse_qsl(self.path.partition("?")[2]))
            self.send_json(*fake._answer_path(path, query))

        def _send_file(self, file_id: str) -> None:
            content = fake.files.get(file_id)
            if content is None:
                self.send_json(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                return
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def _call(self, body: bytes) -> tuple[int, dict]:
            path = self.path.split("?", 1)[0]
            return fake._answer_path(path, _decode(self.headers.get("Content-Type", ""), body))

    return Handler
