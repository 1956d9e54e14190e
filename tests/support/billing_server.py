"""A real billing API on 127.0.0.1 for tests, serving the contract from the embedded data.

    with BillingServer(seeded_database_url, token="s3cret") as server:
        adapter = HttpBilling(server.url, token="s3cret", timeout_seconds=0.5)
        server.mode = "slow"        # or "ok", "unavailable" (503), "garbage", "canned",
                                    # "drip" (the answer a byte every `drip_seconds`)
        server.fail_next(1, 502)    # the next request fails, then the mode answers again
        server.stop()               # from now on: connection refused

Every request is recorded in `server.requests` (method, path with query, Authorization).
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from bot.billing.base import Bill
from bot.billing.embedded import EmbeddedBilling
from tests.support.local_http import JSONHandler, LocalHTTPServer

MODES = ("ok", "unavailable", "slow", "garbage", "canned", "drip")
_MONEY = "@money:"


@dataclass(frozen=True)
class Seen:
    method: str
    path: str  # with the query string, as sent
    authorization: str | None


class BillingServer:
    def __init__(self, database_url: str, token: str | None = None) -> None:
        self.billing = EmbeddedBilling(database_url)
        self.token = token  # when set, requests without this Bearer token get 401
        self.mode = "ok"
        self.slow_seconds = 5.0
        self.drip_seconds = 0.2
        self.canned: tuple[int, bytes] = (200, b"{}")  # the answer in "canned" mode
        self.requests: list[Seen] = []
        self._failures: list[int] = []  # statuses for the next requests, before the mode
        self._release = threading.Event()  # wakes slow handlers when the server stops
        self._http = LocalHTTPServer(_handler_for(self))

    @property
    def url(self) -> str:
        return self._http.url

    def fail_next(self, times: int, status: int = 503) -> None:
        self._failures = [status] * times

    def start(self) -> BillingServer:
        self._http.start()
        return self

    def stop(self) -> None:
        self._release.set()
        self._http.stop()

    def __enter__(self) -> BillingServer:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    # --- what the API answers, per the contract ---------------------------------------------

    def answer(
        self,
        path: str,
        query: dict[str, list[str]],
        authorization: str | None,
    ) -> tuple[int, bytes]:
        if self._failures:
            return self._failures.pop(), b"failing on purpose"
        if self.mode == "unavailable":
            return 503, b"Service Unavailable"
        if self.mode == "slow":
            self._release.wait(self.slow_seconds)
        if self.mode == "garbage":
            return 200, b"<html>\xff\xfe not json"
        if self.mode == "canned":
            return self.canned
        if self.token and authorization != f"Bearer {self.token}":
            return 401, to_json({"error": "unauthorized"})
        if path == "/subscribers":
            phone = query.get("phone", [""])[0]
            accounts = [vars(a) for a in self.billing.accounts_for_phone(phone)]
            return 200, to_json({"accounts": accounts})
        match = re.fullmatch(r"/accounts/([^/]+)/bill", path)
        if match:
            bill = self.billing.latest_bill(unquote(match.group(1)))
            if bill is None:
                return 404, to_json({"error": "no such account"})
            return 200, to_json(bill_json(bill))
        return 404, to_json({"error": "no such route"})


def bill_json(bill: Bill) -> dict[str, Any]:
    """The contract's bill object; money stays Decimal until `to_json` writes it."""
    return {
        key: value.isoformat() if isinstance(value, date) else value
        for key, value in vars(bill).items()
    }


def to_json(payload: Any) -> bytes:
    """JSON with Decimal money as numbers with exactly two decimals (json.dumps cannot)."""
    text = json.dumps(payload, ensure_ascii=False, default=_money_marker)
    return re.sub(f'"{_MONEY}(-?\\d+\\.\\d\\d)"', r"\1", text).encode()


def _money_marker(value: object) -> str:
    if isinstance(value, Decimal):
        return f"{_MONEY}{value:.2f}"
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _handler_for(server: BillingServer) -> type[BaseHTTPRequestHandler]:
    class Handler(JSONHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a real API would
        disable_nagle_algorithm = True  # headers and body leave at once: no 40 ms stalls

        def do_GET(self) -> None:  # the name http.server looks for
            authorization = self.headers.get("Authorization")
            server.requests.append(Seen("GET", self.path, authorization))
            parts = urlsplit(self.path)
            status, body = server.answer(parts.path, parse_qs(parts.query), authorization)
            if server.mode == "drip":
                self._drip(status, body)
            else:
                self.send_json(status, body)

        def _drip(self, status: int, body: bytes) -> None:
            """The whole answer, status line and headers too, one byte at a time."""
            raw = (
                f"HTTP/1.1 {status} OK\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            ).encode() + body
            try:
                for index in range(len(raw)):
                    if server._release.wait(server.drip_seconds):
                        return
                    self.wfile.write(raw[index : index + 1])
                    self.wfile.flush()
            except OSError:
                pass
            self.close_connection = True

    return Handler
