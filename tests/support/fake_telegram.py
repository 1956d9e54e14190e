"""A local stand-in for the Telegram Bot API, enough for python-telegram-bot and TelegramSender.

Answers getMe, sendMessage, setWebhook, deleteWebhook, getWebhookInfo and getUpdates (from
`updates`, honouring the offset), and records every sendMessage (reply_markup decoded to a dict):

    with FakeTelegram() as telegram:
        Application.builder().token(FakeTelegram.TOKEN).base_url(telegram.base_url)...
        telegram.sent  # [{"chat_id": "42", "text": "...", "reply_markup": {...}}, ...]
        telegram.fail_next(403, "Forbidden: bot was blocked by the user")
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qsl

from tests.support.local_http import JSONHandler, LocalHTTPServer

BOT_USER = {"id": 7000001, "is_bot": True, "first_name": "صديق", "username": "sadeeq_test_bot",
            "can_join_groups": False, "can_read_all_group_messages": False,
            "supports_inline_queries": False}


@dataclass
class FakeTelegram:
    TOKEN = "7000001:TEST-token_for-the-fake-api"
    sent: list[dict] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)  # method names, in order
    failures: list[tuple[int, str, int | None]] = field(default_factory=list)
    updates: list[dict] = field(default_factory=list)  # what getUpdates hands out (polling)

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

    def _answer(self, method: str, params: dict) -> tuple[int, dict]:
        with self._lock:
            self.calls.append(method)
            if method == "sendMessage" and self.failures:
                status, description, retry_after = self.failures.pop(0)
                failure = {"ok": False, "error_code": status, "description": description}
                if retry_after is not None:
                    failure["parameters"] = {"retry_after": retry_after}
                return status, failure
            if method == "getMe":
                return 200, {"ok": True, "result": BOT_USER}
            if method in ("setWebhook", "deleteWebhook", "close", "logOut"):
                return 200, {"ok": True, "result": True}
            if method == "getWebhookInfo":
                return 200, {"ok": True, "result": {"url": "", "has_custom_certificate": False,
                                                    "pending_update_count": 0}}
            if method == "getUpdates":
                offset = int(params.get("offset") or 0)
                return 200, {"ok": True, "result": [u for u in self.updates if u["update_id"] >= offset]}
            if method == "sendMessage":
                self.sent.append(params)
                chat_id = int(params["chat_id"])
                return 200, {"ok": True, "result": {
                    "message_id": len(self.sent), "date": int(time.time()),
                    "chat": {"id": chat_id, "type": "private"}, "from": BOT_USER,
                    "text": params.get("text", "")}}
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
            self.send_json(*self._call(b""))

        def _call(self, body: bytes) -> tuple[int, dict]:
            prefix = f"/bot{FakeTelegram.TOKEN}/"
            path = self.path.split("?", 1)[0]
            if not path.startswith(prefix):
                return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
            return fake._answer(path[len(prefix):], _decode(self.headers.get("Content-Type", ""), body))

    return Handler
