"""The HTTP billing adapter against a real local billing API (tests/support/billing_server.py)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from decimal import Decimal

import pytest

from bot.billing import BillingUnavailable, billing_adapter
from bot.billing.demo import DEMO_PHONE
from bot.billing.embedded import EmbeddedBilling
from bot.billing.http import HttpBilling
from bot.config import Settings
from tests.support.billing_server import BillingServer, bill_json, to_json

TOKEN = "s3cret-token"
TIMEOUT = 0.5
# A budget for a lookup that must succeed: a first connection on a loaded machine (a suite with
# other jobs) took over TIMEOUT and failed a test of which adapter the settings pick.
ANSWERING_TIMEOUT = 5.0


@pytest.fixture
def server(seeded_database_url: str) -> Iterator[BillingServer]:
    with BillingServer(seeded_database_url, token=TOKEN) as running:
        yield running


@pytest.fixture
def adapter(server: BillingServer) -> Iterator[HttpBilling]:
    with HttpBilling(
        server.url, token=TOKEN, timeout_seconds=TIMEOUT, backoff_seconds=0.02
    ) as http:
        yield http


def test_same_answers_as_the_embedded_data(adapter: HttpBilling, seeded_database_url: str) -> None:
    embedded = EmbeddedBilling(seeded_database_url)
    for phone in (DEMO_PHONE, "+966500000002", "+966500000003"):
        accounts = adapter.accounts_for_phone(phone)
        assert accounts == embedded.accounts_for_phone(phone) and accounts
        for account in accounts:
            assert adapter.latest_bill(account.account) == embedded.latest_bill(account.account)


def test_money_is_decimal_with_two_places(adapter: HttpBilling) -> None:
    bill = adapter.latest_bill("30011112222")
    assert bill is not None and bill.previous_balance_sar > 0
    for money in (bill.amount_sar, bill.previous_balance_sar, bill.total_due_sar):
        assert isinstance(money, Decimal) and money.as_tuple().exponent == -2


def test_request_shapes_and_bearer_token(adapter: HttpBilling, server: BillingServer) -> None:
    adapter.accounts_for_phone(DEMO_PHONE)
    adapter.latest_bill("30012345678")
    assert [seen.path for seen in server.requests] == [
        "/subscribers?phone=%2B966500000001",
        "/accounts/30012345678/bill",
    ]
    assert {seen.authorization for seen in server.requests} == {f"Bearer {TOKEN}"}


def test_no_token_no_authorization_header(seeded_database_url: str) -> None:
    with BillingServer(seeded_database_url) as server, HttpBilling(server.url) as http:
        assert http.accounts_for_phone(DEMO_PHONE)
        assert server.requests[0].authorization is None


def test_wrong_token_is_unavailable_without_retrying(
    seeded_database_url: str, server: BillingServer
) -> None:
    with (
        HttpBilling(server.url, token="wrong", timeout_seconds=TIMEOUT) as http,
        pytest.raises(BillingUnavailable),
    ):
        http.accounts_for_phone(DEMO_PHONE)
    assert len(server.requests) == 1


def test_unknown_phone_has_no_accounts(adapter: HttpBilling) -> None:
    assert adapter.accounts_for_phone("+966500000004") == []


def test_unknown_account_is_none_and_404_is_not_retried(
    adapter: HttpBilling, server: BillingServer
) -> None:
    assert adapter.latest_bill("99999999999") is None
    assert len(server.requests) == 1


def test_account_that_is_not_digits_never_reaches_the_api(
    adapter: HttpBilling, server: BillingServer
) -> None:
    assert adapter.latest_bill("../subscribers") is None
    assert adapter.latest_bill("٣٠٠١٢٣٤٥٦٧٨") is None  # callers normalise digits first
    assert server.requests == []


def test_privacy_rule_over_http(adapter: HttpBilling) -> None:
    assert adapter.bill_for_phone(DEMO_PHONE, "30087654321") is not None
    assert adapter.bill_for_phone(DEMO_PHONE, "30033334444") is None


def test_server_down_is_unavailable(server: BillingServer) -> None:
    http = HttpBilling(server.url, timeout_seconds=TIMEOUT, backoff_seconds=0.02)
    server.stop()
    started = time.monotonic()
    with pytest.raises(BillingUnavailable):
        http.accounts_for_phone(DEMO_PHONE)
    assert time.monotonic() - started < TIMEOUT + 0.5


def test_503_is_retried_then_unavailable(adapter: HttpBilling, server: BillingServer) -> None:
    server.mode = "unavailable"
    with pytest.raises(BillingUnavailable):
        adapter.latest_bill("30012345678")
    assert len(server.requests) == 3  # one try and two retries


def test_a_retry_can_succeed(adapter: HttpBilling, server: BillingServer) -> None:
    server.fail_next(2, 502)
    assert adapter.accounts_for_phone(DEMO_PHONE)
    assert len(server.requests) == 3


def test_slow_api_is_unavailable_within_the_timeout(
    adapter: HttpBilling, server: BillingServer
) -> None:
    server.mode = "slow"
    started = time.monotonic()
    with pytest.raises(BillingUnavailable):
        adapter.accounts_for_phone(DEMO_PHONE)
    elapsed = time.monotonic() - started
    assert TIMEOUT * 0.8 <= elapsed < TIMEOUT * 3  # retries + 1 attempts at most


def test_garbage_is_unavailable(adapter: HttpBilling, server: BillingServer) -> None:
    server.mode = "garbage"
    with pytest.raises(BillingUnavailable):
        adapter.accounts_for_phone(DEMO_PHONE)
    with pytest.raises(BillingUnavailable):
        adapter.latest_bill("30012345678")


def _good_bill(server: BillingServer) -> dict:
    bill = server.billing.latest_bill("30012345678")
    assert bill is not None
    return bill_json(bill)


BROKEN_BILLS = {
    "missing total": lambda b: b.pop("total_due_sar"),
    "kwh as text": lambda b: b.update(kwh="5390"),
    "kwh as boolean": lambda b: b.update(kwh=True),
    "negative kwh": lambda b: b.update(kwh=-1),
    "money as text": lambda b: b.update(amount_sar="12.50"),
    "money not finite": lambda b: b.update(amount_sar=float("nan")),
    "money null": lambda b: b.update(previous_balance_sar=None),
    "bad date": lambda b: b.update(due_date="next week"),
    "unknown status": lambda b: b.update(status="pending"),
    "someone else's account": lambda b: b.update(account="30011112222"),
}


@pytest.mark.parametrize("breakage", BROKEN_BILLS.values(), ids=BROKEN_BILLS.keys())
def test_malformed_bill_is_unavailable(
    adapter: HttpBilling, server: BillingServer, breakage
) -> None:
    bill = _good_bill(server)
    breakage(bill)
    server.mode = "canned"
    server.canned = (200, to_json(bill))
    with pytest.raises(BillingUnavailable):
        adapter.latest_bill("30012345678")


def test_canned_good_bill_is_read(adapter: HttpBilling, server: BillingServer) -> None:
    bill = _good_bill(server)
    bill.update(amount_sar=1139.88, previous_balance_sar=0, total_due_sar=1139.88)  # float, int
    server.mode = "canned"
    server.canned = (200, json.dumps(bill).encode())
    read = adapter.latest_bill("30012345678")
    assert read is not None and read.total_due_sar == Decimal("1139.88")
    assert read.previous_balance_sar == Decimal("0.00")
    assert read.previous_balance_sar.as_tuple().exponent == -2


@pytest.mark.parametrize(
    "body",
    [
        b"[]",
        b"null",
        b'{"accounts": {}}',
        b'{"accounts": [{"account": "30012345678"}]}',
        b'{"accounts": [{"account": 30012345678, "name": "", "city": "", "district": "", "premise": ""}]}',
        b'{"accounts": [{"account": "3001-234", "name": "", "city": "", "district": "", "premise": ""}]}',
        b'{"accounts": ["30012345678"]}',
        b"\xd8\xa7",
        b"",
    ],
)
def test_malformed_accounts_are_unavailable(
    adapter: HttpBilling, server: BillingServer, body: bytes
) -> None:
    server.mode = "canned"
    server.canned = (200, body)
    with pytest.raises(BillingUnavailable):
        adapter.accounts_for_phone(DEMO_PHONE)


def test_settings_pick_the_adapter(server: BillingServer, seeded_database_url: str) -> None:
    embedded = billing_adapter(Settings(database_url=seeded_database_url))
    assert isinstance(embedded, EmbeddedBilling)
    with billing_adapter(
        Settings(
            database_url=seeded_database_url,
            billing_url=server.url,
            billing_token=TOKEN,
            billing_timeout_seconds=ANSWERING_TIMEOUT,
        )
    ) as http:
        assert isinstance(http, HttpBilling)
        assert http.accounts_for_phone(DEMO_PHONE) == embedded.accounts_for_phone(DEMO_PHONE)


def test_an_api_dripping_a_byte_at_a_time_is_unavailable_within_the_budget(
    adapter: HttpBilling, server: BillingServer
) -> None:
    server.mode, server.drip_seconds = "drip", 0.05  # each read succeeds; the answer takes 20 s
    started = time.monotonic()
    with pytest.raises(BillingUnavailable, match="too slow"):
        adapter.accounts_for_phone(DEMO_PHONE)
    assert time.monotonic() - started < TIMEOUT + 0.2  # one deadline for the whole lookup
