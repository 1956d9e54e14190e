"""A local stand-in for Twilio's REST API, enough for sending messages.

It records every POST to /2010-04-01/Accounts/{sid}/Messages.json and answers like Twilio
(201 with a message resource), or fails on demand with Twilio's error shape:

    with FakeTwilio() as twilio:
        sender = TwilioSender("AC123", "token", database_url=url, sms_from="+15005550006",
                              api_base=twilio.url)          # or TWILIO_API_BASE=twilio.url
        twilio.fail_next(429)                                # the next POST answers 429
        twilio.sent  # [{"To": ..., "From": ..., "Body": ...}, ...] (accepted messages only)
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qsl

from tests.support.local_http import JSONHandler, LocalHTTPServer

MESSAGES_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<sid>AC\w+)/Messages\.json$")
# Twilio's error codes for the statuses tests ask for.
ERROR_CODES = {400: 21211, 401: 20003, 404: 20404, 429: 20429, 500: 20500, 503: 20503}


@dataclass
class Failure:
    status: int
    code: int | None = None


@dataclass
class FakeTwilio:
    sent: list[dict[str, str]] = field(default_factory=list)
    requests: list[dict[str, str]] = field(default_factory=list)  # every POST, failed or not
    failures: list[Failure] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._http = LocalHTTPServer(_handler_for(self))

    @property
    def url(self) -> str:
        return self._http.url

    def fail_next(self, status: int, code: int | None = None, times: int = 1) -> None:
        """The next `times` message POSTs answer `status` (e.g. 400 with code 21610)."""
        with self._lock:
            self.failures += [Failure(status, code)] * times

    def __enter__(self) -> FakeTwilio:
        self._http.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._http.stop()

    def _answer(self, account_sid: str, form: dict[str, str]) -> tuple[int, dict]:
        with self._lock:
            self.requests.append(form)
            if self.failures:
                failure = self.failures.pop(0)
                code = failure.code or ERROR_CODES.get(failure.status, 20001)
                return failure.status, {
                    "code": code,
                    "message": f"fake failure {code}",
                    "more_info": f"https://www.twilio.com/docs/errors/{code}",
                    "status": failure.status,
                }
            self.sent.append(form)
            sid = f"SM{len(self.sent):032x}"
        return 201, {
            "sid": sid,
            "account_sid": account_sid,
            "to": form.get("To"),
            "from": form.get("From"),
            "body": form.get("Body"),
            "status": "queued",
            "messaging_service_sid": form.get("MessagingServiceSid"),
            "num_segments": "1",
            "direction": "outbound-api",
            "api_version": "2010-04-01",
            "uri": f"/2010-04-01/Accounts/{account_sid}/Messages/{sid}.json",
        }


def _handler_for(fake: FakeTwilio) -> type[BaseHTTPRequestHandler]:
    class Handler(JSONHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            match = MESSAGES_PATH.match(self.path.split("?", 1)[0])
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8")
            if match is None:
                self.send_json(404, {"code": 20404, "message": "not found", "status": 404})
                return
            self.send_json(
                *fake._answer(match["sid"], dict(parse_qsl(body, keep_blank_values=True)))
            )

    return Handler
