"""Bills from the billing API over HTTP (the contract is in README, "Billing lookup adapter").

Every failure of the API (refused, 5xx, too slow, nonsense JSON) becomes `BillingUnavailable`,
which the dialogue answers with "the service is busy, try again": a conversation never crashes
on it. Connection errors and 5xx are retried with a short backoff, within one time budget per
lookup, so a subscriber waits `timeout_seconds` at most. The budget is a deadline for the whole
lookup, not httpx's per-read timeout (which an API dripping a byte a second never reaches):
each request runs on a helper thread that the lookup stops waiting for at the deadline, and
that thread drops the response at the next chunk past it.
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as WaitTimeout
from datetime import date
from decimal import Decimal
from typing import Any

import httpx

from bot.billing.base import BILL_STATUSES, Account, Bill, BillingAdapter, BillingUnavailable
from bot.billing.tariff import to_money

_NOT_FOUND = object()  # a 404, told apart from a JSON `null` body
MAX_CONNECTIONS = 20
MAX_BODY_BYTES = 1024 * 1024  # a subscriber's accounts or one bill: far less


class _TooSlow(BillingUnavailable):
    pass


class HttpBilling(BillingAdapter):
    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        timeout_seconds: float = 3.0,
        retries: int = 2,
        backoff_seconds: float = 0.1,
    ) -> None:
        headers = {"Accept": "application/json", "User-Agent": "sadeeq-billing/1"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.timeout_seconds = timeout_seconds
        self.retries = retries
        self.backoff_seconds = backoff_seconds
        # One client per adapter: connections are pooled and kept alive between lookups.
        self._client = httpx.Client(
            base_url=base_url.rstrip("/") + "/",
            headers=headers,
            timeout=timeout_seconds,
            limits=httpx.Limits(max_connections=MAX_CONNECTIONS, max_keepalive_connections=10),
        )
        self._requests = ThreadPoolExecutor(MAX_CONNECTIONS, thread_name_prefix="billing-http")

    def accounts_for_phone(self, phone: str) -> list[Account]:
        payload = self._get("subscribers", params={"phone": phone})
        if payload is _NOT_FOUND:
            return []
        return _parsed(_accounts, payload)

    def latest_bill(self, account: str) -> Bill | None:
        if not _is_account_number(account):
            return None  # nothing to ask: and nothing but digits ever goes into the path
        payload = self._get(f"accounts/{account}/bill")
        if payload is _NOT_FOUND:
            return None
        bill = _parsed(_bill, payload)
        if bill.account != account:
            raise BillingUnavailable(f"asked for account {account}, got {bill.account}")
        return bill

    def close(self) -> None:
        self._requests.shutdown(wait=False, cancel_futures=True)
        self._client.close()

    def _get(self, path: str, params: dict[str, str] | None = None) -> Any:
        """The decoded JSON answer, or _NOT_FOUND on 404; retries what a retry can fix."""
        deadline = time.monotonic() + self.timeout_seconds
        problem = "no attempt made"
        for attempt in range(self.retries + 1):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                status, content = self._fetch(path, params, deadline)
            except (httpx.TimeoutException, _TooSlow) as exc:
                raise BillingUnavailable(f"billing API too slow ({path})") from exc
            except httpx.TransportError as exc:
                problem = f"cannot reach the billing API: {exc.__class__.__name__}"
            else:
                if status == 404:
                    return _NOT_FOUND
                if status == 200:
                    return _json(content)
                problem = f"billing API answered {status}"
                if status < 500 and status != 429:
                    break  # our request or our token is wrong: asking again will not help
            pause = min(self.backoff_seconds * 2**attempt, deadline - time.monotonic())
            if attempt < self.retries and pause > 0:
                time.sleep(pause)
        raise BillingUnavailable(problem)

    def _fetch(
        self, path: str, params: dict[str, str] | None, deadline: float
    ) -> tuple[int, bytes]:
        """Status and body of one GET, or `_TooSlow` when the deadline comes first."""
        future = self._requests.submit(self._read, path, params, deadline)
        try:
            return future.result(timeout=max(0.0, deadline - time.monotonic()))
        except WaitTimeout as exc:
            future.cancel()
            raise _TooSlow(f"billing API too slow ({path})") from exc

    def _read(self, path: str, params: dict[str, str] | None, deadline: float) -> tuple[int, bytes]:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _TooSlow(f"billing API too slow ({path})")
        with self._client.stream("GET", path, params=params, timeout=remaining) as response:
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if time.monotonic() > deadline:
                    raise _TooSlow(f"billing API too slow ({path})")
                if len(body) > MAX_BODY_BYTES:
                    raise BillingUnavailable(f"billing API answer over {MAX_BODY_BYTES} bytes")
            return response.status_code, bytes(body)


# --- reading the answers: anything unexpected is the API's fault, never a crash -------------


def _json(content: bytes) -> Any:
    try:
        return json.loads(content, parse_float=Decimal)
    except ValueError as exc:  # includes UnicodeDecodeError
        raise BillingUnavailable("billing API answered something that is not JSON") from exc


def _parsed(reader: Any, payload: Any) -> Any:
    try:
        return reader(payload)
    except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
        raise BillingUnavailable(f"billing API answer has the wrong shape: {exc!r}") from exc


def _accounts(payload: Any) -> list[Account]:
    items = _field(payload, "accounts", list)
    accounts = []
    for item in items:
        number = _field(item, "account", str)
        if not _is_account_number(number):
            raise ValueError(f"account number {number!r}")
        accounts.append(
            Account(
                number,
                _field(item, "name", str),
                _field(item, "city", str),
                _field(item, "district", str),
                _field(item, "premise", str),
            )
        )
    return accounts


def _bill(payload: Any) -> Bill:
    status = _field(payload, "status", str)
    if status not in BILL_STATUSES:
        raise ValueError(f"status {status!r}")
    kwh = _field(payload, "kwh", int)
    if kwh < 0:
        raise ValueError(f"kwh {kwh}")
    return Bill(
        account=_field(payload, "account", str),
        period_start=_date(payload, "period_start"),
        period_end=_date(payload, "period_end"),
        issue_date=_date(payload, "issue_date"),
        due_date=_date(payload, "due_date"),
        kwh=kwh,
        amount_sar=_money(payload, "amount_sar"),
        previous_balance_sar=_money(payload, "previous_balance_sar"),
        total_due_sar=_money(payload, "total_due_sar"),
        status=status,
    )


def _field(payload: Any, key: str, kind: type) -> Any:
    if not isinstance(payload, dict):
        raise TypeError(f"expected an object, got {type(payload).__name__}")
    value = payload[key]
    if not isinstance(value, kind) or isinstance(value, bool):  # JSON true is not a number
        raise TypeError(f"{key}: expected {kind.__name__}, got {type(value).__name__}")
    return value


def _date(payload: Any, key: str) -> date:
    return date.fromisoformat(_field(payload, key, str))


def _money(payload: Any, key: str) -> Decimal:
    value = payload.get(key) if isinstance(payload, dict) else None
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise TypeError(f"{key}: expected a number, got {type(value).__name__}")
    amount = Decimal(value)
    if not amount.is_finite():
        raise ValueError(f"{key}: {value}")
    return to_money(amount)


def _is_account_number(text: str) -> bool:
    return text.isascii() and text.isdigit() and 6 <= len(text) <= 14
