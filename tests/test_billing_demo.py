"""The demo data: fixed identities, real tariff, every status, deterministic and idempotent."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import holidays
from sqlalchemy import select

from bot.billing import Account, billing_adapter
from bot.billing.demo import (
    DEMO_PHONE,
    demo_phone_numbers,
    generated_subscriber,
    seed_demo,
)
from bot.billing.embedded import EmbeddedBilling, halalas_to_sar
from bot.billing.embedded_models import BillingAccount, BillingBill
from bot.billing.tariff import bill_amount, latest_issue_date
from bot.config import RIYADH, Settings
from bot.service_requests import requests_for_phone
from bot.storage.db import session_scope

SEED_DAY = date(2026, 3, 5)


def _rows(url: str) -> tuple[list[tuple], list[tuple]]:
    with session_scope(url) as session:
        accounts = [tuple(r) for r in session.execute(select(BillingAccount.__table__))]
        bills = [
            tuple(r)
            for r in session.execute(
                select(BillingBill.__table__).order_by(BillingBill.account, BillingBill.issue_date)
            )
        ]
    return sorted(accounts), bills


def test_fixed_identities(seeded_database_url: str) -> None:
    billing = billing_adapter(Settings(database_url=seeded_database_url))
    assert billing.accounts_for_phone(DEMO_PHONE) == [
        Account(
            "30012345678", "عبدالله بن محمد العتيبي", "الرياض", "العليا", "فيلا 12، شارع التحلية"
        ),
        Account(
            "30087654321", "مؤسسة عبدالله العتيبي للتجارة", "الرياض", "الملز", "محل 4، شارع الستين"
        ),
    ]
    [jeddah] = billing.accounts_for_phone("+966500000002")
    assert (jeddah.account, jeddah.city, jeddah.district) == ("30011112222", "جدة", "الروضة")
    [dammam] = billing.accounts_for_phone("+966500000003")
    assert (dammam.account, dammam.city, dammam.district) == ("30033334444", "الدمام", "الفيصلية")
    assert billing.accounts_for_phone("+966500000004") == []


def test_demo_shows_every_status(seeded_database_url: str) -> None:
    billing = EmbeddedBilling(seeded_database_url)
    unpaid = billing.latest_bill("30012345678")
    overdue = billing.latest_bill("30011112222")
    paid = billing.latest_bill("30033334444")
    assert unpaid is not None and overdue is not None and paid is not None
    assert unpaid.status == "unpaid" and unpaid.previous_balance_sar == 0
    assert overdue.status == "overdue" and overdue.previous_balance_sar > 0
    assert overdue.total_due_sar == overdue.amount_sar + overdue.previous_balance_sar
    assert paid.status == "paid"


def test_unpaid_bill_turns_overdue_after_its_due_date(database_url: str) -> None:
    seed_demo(database_url, subscribers=3, today=SEED_DAY)
    on_due = EmbeddedBilling(database_url, today=lambda: date(2026, 3, 30)).latest_bill(
        "30012345678"
    )
    after = EmbeddedBilling(database_url, today=lambda: date(2026, 3, 31)).latest_bill(
        "30012345678"
    )
    assert on_due is not None and on_due.due_date == date(2026, 3, 30) and on_due.status == "unpaid"
    assert after is not None and after.status == "overdue"


def test_twelve_monthly_bills_priced_with_the_tariff(database_url: str) -> None:
    seed_demo(database_url, subscribers=30, today=SEED_DAY)
    with session_scope(database_url) as session:
        accounts = {a.account: a for a in session.scalars(select(BillingAccount))}
        bills = list(session.scalars(select(BillingBill)))
    assert len(accounts) == 31  # 4 fixed accounts (3 phones) + 27 generated subscribers
    assert len(bills) == 31 * 12
    assert {b.issue_date for b in bills} == {date(2025, m, 28) for m in range(3, 13)} | {
        date(2026, 1, 28),
        date(2026, 2, 28),
    }
    for bill in bills:
        account = accounts[bill.account]
        expected = bill_amount(bill.kwh, account.customer_class, account.breaker_amps)
        assert halalas_to_sar(bill.amount_halalas) == expected
        assert bill.period_end < bill.issue_date < bill.due_date
    summer = [b.kwh for b in bills if b.account == "30012345678" and b.period_start.month == 7]
    assert summer[0] > 6000  # the demo villa crosses into the second tier in summer


def test_money_has_two_decimals(seeded_database_url: str) -> None:
    bill = EmbeddedBilling(seeded_database_url).latest_bill("30087654321")
    assert bill is not None
    for money in (bill.amount_sar, bill.previous_balance_sar, bill.total_due_sar):
        assert isinstance(money, Decimal) and money.as_tuple().exponent == -2


def test_seed_is_deterministic(tmp_path) -> None:
    first, second = (f"sqlite:///{tmp_path / name}" for name in ("a.sqlite", "b.sqlite"))
    seed_demo(first, subscribers=25, today=SEED_DAY)
    seed_demo(second, subscribers=25, today=SEED_DAY)
    assert _rows(first) == _rows(second)
    assert generated_subscriber(7) == generated_subscriber(7)


def test_seed_is_idempotent_and_grows_on_demand(database_url: str) -> None:
    first = seed_demo(database_url, subscribers=10, today=SEED_DAY)
    assert (first.accounts_added, first.bills_added, first.requests_added) == (11, 132, 3)
    before = _rows(database_url)
    again = seed_demo(database_url, subscribers=10, today=SEED_DAY)
    assert (again.accounts_added, again.bills_added, again.requests_added) == (0, 0, 0)
    assert _rows(database_url) == before
    more = seed_demo(database_url, subscribers=12, today=SEED_DAY)
    assert (more.accounts_added, more.bills_added) == (2, 24)


def test_bulk_accounts_with_only_the_latest_bill(database_url: str) -> None:
    seed_demo(database_url, subscribers=500, today=SEED_DAY, months=1)
    billing = EmbeddedBilling(database_url, today=lambda: SEED_DAY)
    phones = demo_phone_numbers(497)
    assert len(set(phones)) == 497 and all(p.startswith("+9665") and len(p) == 13 for p in phones)
    [account] = billing.accounts_for_phone(phones[-1])
    bill = billing.latest_bill(account.account)
    assert bill is not None and bill.issue_date == latest_issue_date(SEED_DAY)


def test_privacy_rule_only_shows_own_accounts(seeded_database_url: str) -> None:
    billing = EmbeddedBilling(seeded_database_url)
    assert billing.bill_for_phone(DEMO_PHONE, "30012345678") is not None
    assert billing.bill_for_phone(DEMO_PHONE, "30011112222") is None  # someone else's
    assert billing.bill_for_phone("+966500000004", "30012345678") is None
    assert billing.latest_bill("99999999999") is None


def test_demo_service_requests(database_url: str) -> None:
    seed_demo(database_url, subscribers=3, today=SEED_DAY)
    with session_scope(database_url) as session:
        requests = {r.standard: r for r in requests_for_phone(session, DEMO_PHONE)}
        assert requests_for_phone(session, "+966500000002") == []
    assert set(requests) == {
        "billing_complaint",
        "meter_registration",
        "reconnection_after_payment",
    }
    start_of_window = datetime.combine(SEED_DAY - timedelta(days=60), datetime.min.time(), RIYADH)
    end_of_window = datetime.combine(SEED_DAY, datetime.min.time(), RIYADH)
    for request in requests.values():
        assert request.requested_at.tzinfo is not None and request.completed_at is not None
        assert start_of_window <= request.requested_at < request.completed_at <= end_of_window
    reconnection = requests["reconnection_after_payment"]
    assert reconnection.completed_at - reconnection.requested_at == timedelta(hours=3, minutes=20)
    complaint = requests["billing_complaint"]
    filed = complaint.requested_at.astimezone(RIYADH).date()
    answered = complaint.completed_at.astimezone(RIYADH).date()
    off = holidays.country_holidays("SA", years=[filed.year, answered.year])
    business_days = [
        filed + timedelta(days=n)
        for n in range(1, (answered - filed).days + 1)
        if (filed + timedelta(days=n)).weekday() not in (4, 5)
        and filed + timedelta(days=n) not in off
    ]
    assert len(business_days) == 8 and business_days[-1] == answered  # deadline is 5: late
