"""Deterministic demo subscribers and their bills, priced with the real tariff.

`seed_demo` is idempotent (rows already there are left alone) and deterministic: everything
about a generated subscriber comes from a random generator seeded with its account number.
The fixed identities the README and the tests use are in `demo.toml`.
"""

from __future__ import annotations

import random
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from importlib.resources import files
from itertools import islice
from typing import Any

import holidays
from sqlalchemy import Connection, Table, and_, func, insert, select

from bot.billing.embedded import riyadh_today, sar_to_halalas
from bot.billing.embedded_models import BillingAccount, BillingBill
from bot.billing.tariff import bill_amount, billing_period, due_date, issue_dates
from bot.config import RIYADH
from bot.service_requests import ServiceRequest
from bot.storage.db import create_schema, engine_for

DEMO_PHONE = "+966500000001"  # two accounts, unpaid bills, three service requests
OVERDUE_PHONE = "+966500000002"
PAID_PHONE = "+966500000003"
UNKNOWN_PHONE = "+966500000004"  # no accounts
FIXED_SUBSCRIBERS = 3  # phones with accounts among the fixed identities

_CHUNK = 20_000


@dataclass(frozen=True)
class DemoSubscriber:
    phone: str
    account: str
    name: str
    city: str
    district: str
    premise: str
    customer_class: str
    breaker_amps: int
    base_kwh: int
    latest: str  # "unpaid" | "paid" | "overdue"


@dataclass(frozen=True)
class SeedReport:
    accounts_added: int
    bills_added: int
    requests_added: int


@cache
def _data() -> dict[str, Any]:
    return tomllib.loads(files("bot.billing").joinpath("demo.toml").read_text(encoding="utf-8"))


def fixed_subscribers() -> list[DemoSubscriber]:
    return [DemoSubscriber(**entry) for entry in _data()["fixed"]]


def generated_phone(k: int) -> str:
    """The k-th generated subscriber's phone (k from 0): +966500001000, +966500001001, ..."""
    return f"+9665{1000 + k:08d}"


def generated_account(k: int) -> str:
    return f"3002{k:07d}"


def demo_phone_numbers(n: int) -> list[str]:
    """Phones of the first n generated subscribers, each with one account (for benchmarks)."""
    return [generated_phone(k) for k in range(n)]


def generated_subscriber(k: int) -> DemoSubscriber:
    account = generated_account(k)
    rng = random.Random(int(account))
    spec = _data()["generated"]
    classes = spec["classes"]
    customer_class = rng.choices(list(classes), [c["weight"] for c in classes.values()])[0]
    klass = classes[customer_class]
    city = rng.choice(list(spec["cities"]))
    family = rng.choice(spec["names"]["family"])
    if customer_class == "residential":
        name = f"{rng.choice(spec['names']['given'])} {family}"
        premise = rng.choice(spec["premises"]["residential"])
    else:
        name = spec["names"]["business"][customer_class].format(family=family)
        premise = rng.choice(spec["premises"]["other"])
    latest = rng.choices(list(spec["latest"]), list(spec["latest"].values()))[0]
    return DemoSubscriber(
        phone=generated_phone(k),
        account=account,
        name=name,
        city=city,
        district=rng.choice(spec["cities"][city]),
        premise=premise.format(
            n=rng.randint(1, 60),
            m=rng.randint(1, 40),
            street=rng.choice(spec["premises"]["streets"]),
        ),
        customer_class=customer_class,
        breaker_amps=rng.choice(klass["breakers"]),
        base_kwh=rng.randint(*klass["base_kwh"]),
        latest=latest,
    )


def demo_subscribers(subscribers: int) -> Iterator[DemoSubscriber]:
    """The fixed identities, then generated ones up to `subscribers` phones with accounts."""
    yield from fixed_subscribers()
    for k in range(max(0, subscribers - FIXED_SUBSCRIBERS)):
        yield generated_subscriber(k)


def bills_of(subscriber: DemoSubscriber, today: date, months: int) -> list[dict[str, Any]]:
    """Rows of `billing_bills` for the last `months` issue dates up to `today`."""
    rng = random.Random(int(subscriber.account) + 1)
    factors = _data()["season"]["factors"]
    dates = issue_dates(today, max(months, 2))  # one more to price a carried balance
    rows = []
    for issue in dates:
        start, end = billing_period(issue)
        kwh = round(subscriber.base_kwh * factors[start.month - 1] * rng.uniform(0.9, 1.1))
        amount = bill_amount(kwh, subscriber.customer_class, subscriber.breaker_amps)
        rows.append(
            {
                "account": subscriber.account,
                "issue_date": issue,
                "period_start": start,
                "period_end": end,
                "due_date": due_date(issue),
                "kwh": kwh,
                "amount_halalas": sar_to_halalas(amount),
                "previous_balance_halalas": 0,
                "paid": True,
            }
        )
    latest, before = rows[-1], rows[-2]
    latest["paid"] = subscriber.latest == "paid"
    if subscriber.latest == "overdue":
        before["paid"] = False
        latest["previous_balance_halalas"] = before["amount_halalas"]
    return rows[-months:]


def seed_demo(
    database_url: str,
    subscribers: int = 200,
    today: date | None = None,
    months: int = 12,
) -> SeedReport:
    """Create the schema if needed and add the demo data that is not there yet.

    `subscribers` counts phones with accounts, the fixed identities included; each generated
    subscriber has one account. `months` bills per account, the latest issued on the last 28th
    on or before `today` (default: today in Riyadh). A million subscribers with `months=1`
    takes a few minutes on SQLite.
    """
    if months < 1:
        raise ValueError("months must be at least 1")
    today = today or riyadh_today()
    create_schema(database_url)
    accounts = BillingAccount.__table__
    bills = BillingBill.__table__
    wanted = issue_dates(today, months)
    with engine_for(database_url).begin() as conn:
        before = _counts(conn)
        if not _already_seeded(conn, subscribers, wanted):
            rows = demo_subscribers(subscribers)
            while chunk := list(islice(rows, _CHUNK)):
                _insert_new(conn, accounts, [account_row(s) for s in chunk])
                _insert_new(conn, bills, [b for s in chunk for b in bills_of(s, today, months)])
        requests_added = _seed_service_requests(conn, today)
        after = _counts(conn)
    return SeedReport(after[0] - before[0], after[1] - before[1], requests_added)


def account_row(s: DemoSubscriber) -> dict[str, Any]:
    return {
        "account": s.account,
        "phone": s.phone,
        "name": s.name,
        "city": s.city,
        "district": s.district,
        "premise": s.premise,
        "customer_class": s.customer_class,
        "breaker_amps": s.breaker_amps,
    }


def _counts(conn: Connection) -> tuple[int, int]:
    accounts = conn.scalar(select(func.count()).select_from(BillingAccount.__table__)) or 0
    bills = conn.scalar(select(func.count()).select_from(BillingBill.__table__)) or 0
    return accounts, bills


def _already_seeded(conn: Connection, subscribers: int, wanted: Sequence[date]) -> bool:
    """Everything is there when the last subscriber we would add has its oldest and newest
    bill: rows go in in order, in one transaction."""
    generated = subscribers - FIXED_SUBSCRIBERS
    last = generated_subscriber(generated - 1) if generated > 0 else fixed_subscribers()[-1]
    bills = BillingBill.__table__
    found = conn.scalar(
        select(func.count())
        .select_from(bills)
        .where(
            and_(bills.c.account == last.account, bills.c.issue_date.in_([wanted[0], wanted[-1]]))
        )
    )
    return found == len({wanted[0], wanted[-1]})


def _insert_new(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Bulk insert, skipping rows whose key is already there."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgres_insert

        conn.execute(postgres_insert(table).on_conflict_do_nothing(), rows)
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        conn.execute(sqlite_insert(table).on_conflict_do_nothing(), rows)


# --- service requests for the compensation flow ----------------------------------------------


def _business_days_after(day: date, n: int) -> date:
    """The n-th business day after `day` (Sunday to Thursday, public holidays excluded)."""
    off = holidays.country_holidays("SA", years=range(day.year - 1, day.year + 2))
    while n > 0:
        day += timedelta(days=1)
        if day.weekday() not in (4, 5) and day not in off:  # Friday, Saturday
            n -= 1
    return day


def _previous_business_day(day: date) -> date:
    off = holidays.country_holidays("SA", years=range(day.year - 1, day.year + 1))
    while day.weekday() in (4, 5) or day in off:
        day -= timedelta(days=1)
    return day


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=RIYADH)


def demo_service_requests(today: date) -> list[dict[str, Any]]:
    """Three cases of the demo phone, all within the last 60 days before `today`:
    a bill complaint answered 8 business days after it was filed (deadline 5: late),
    a meter registration done in 2 business days (deadline 3: on time), and a reconnection
    restored 3 h 20 min after payment (deadline 2 h: late)."""
    complaint_day = _previous_business_day(today - timedelta(days=40))
    registration_day = _previous_business_day(today - timedelta(days=30))
    paid_at = _at(today - timedelta(days=10), 19, 5)
    account = fixed_subscribers()[0].account
    return [
        {
            "phone": DEMO_PHONE,
            "account": account,
            "standard": "billing_complaint",
            "requested_at": _at(complaint_day, 10, 15),
            "completed_at": _at(_business_days_after(complaint_day, 8), 13),
            "network": None,
            "note": "complaint about an estimated meter reading",
        },
        {
            "phone": DEMO_PHONE,
            "account": account,
            "standard": "meter_registration",
            "requested_at": _at(registration_day, 9, 30),
            "completed_at": _at(_business_days_after(registration_day, 2), 12),
            "network": None,
            "note": "meter registered in the subscriber's name",
        },
        {
            "phone": DEMO_PHONE,
            "account": account,
            "standard": "reconnection_after_payment",
            "requested_at": paid_at,
            "completed_at": paid_at + timedelta(hours=3, minutes=20),
            "network": None,
            "note": "service cut for non-payment, restored after payment",
        },
    ]


def _seed_service_requests(conn: Connection, today: date) -> int:
    table = ServiceRequest.__table__
    if conn.scalar(select(func.count()).select_from(table).where(table.c.phone == DEMO_PHONE)):
        return 0
    rows = demo_service_requests(today)
    conn.execute(insert(table), rows)
    return len(rows)
