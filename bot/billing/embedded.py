"""Bills from our own database: the demo data by default (see `demo.py`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.exc import SQLAlchemyError

from bot.billing.base import Account, Bill, BillingAdapter, BillingUnavailable
from bot.billing.embedded_models import BillingAccount, BillingBill
from bot.config import RIYADH
from bot.storage.db import engine_for
from bot.storage.prepared import Prepared, Read


def riyadh_today() -> date:
    return datetime.now(RIYADH).date()


def halalas_to_sar(halalas: int) -> Decimal:
    return Decimal(halalas).scaleb(-2)


def sar_to_halalas(sar: Decimal) -> int:
    return int(sar.scaleb(2))


def bill_status(paid: bool, due: date, previous_balance_halalas: int, today: date) -> str:
    """Paid; overdue when past its due date or carrying arrears of an earlier bill; else unpaid."""
    if paid:
        return "paid"
    if today > due or previous_balance_halalas > 0:
        return "overdue"
    return "unpaid"


_ACCOUNTS = BillingAccount.__table__
_BILLS = BillingBill.__table__
# Built once: every lookup of a turn runs one of these with new values only.
_ACCOUNTS_OF_PHONE = Prepared(
    select(
        _ACCOUNTS.c.account,
        _ACCOUNTS.c.name,
        _ACCOUNTS.c.city,
        _ACCOUNTS.c.district,
        _ACCOUNTS.c.premise,
    )
    .where(_ACCOUNTS.c.phone == bindparam("phone"))
    .order_by(_ACCOUNTS.c.account)
)
# Only bills issued by the day looked up on (`as_of`): never one issued after it.
_RECENT_BILLS = Prepared(
    select(_BILLS)
    .where(_BILLS.c.account == bindparam("account"), _BILLS.c.issue_date <= bindparam("as_of"))
    .order_by(_BILLS.c.issue_date.desc())
    .limit(bindparam("count"))
)
# The same, only when the account belongs to the phone: the privacy rule of
# `BillingAdapter.recent_bills_for_phone`, checked in the query instead of by a second one.
_RECENT_BILLS_OF_PHONE = Prepared(
    select(_BILLS)
    .join(_ACCOUNTS, _ACCOUNTS.c.account == _BILLS.c.account)
    .where(
        _BILLS.c.account == bindparam("account"),
        _ACCOUNTS.c.phone == bindparam("phone"),
        _BILLS.c.issue_date <= bindparam("as_of"),
    )
    .order_by(_BILLS.c.issue_date.desc())
    .limit(bindparam("count"))
)


# The connection of the turn being answered, when the billing tables are in its database: see
# `reading_through`.
_turn_connection: ContextVar[Connection | None] = ContextVar("_turn_connection", default=None)


@contextmanager
def reading_through(conn: Connection) -> Iterator[None]:
    """While a turn runs, the embedded billing reads through the turn's own connection when it
    is one to the same database: no second connection taken from the pool and handed back (a
    checkout, and on PostgreSQL an isolation level set and reset, about a fifth of a bill
    lookup's cost), and the same snapshot as the turn. A billing read that fails (a statement
    cut by the statement timeout) leaves the turn's transaction as it was: the bill is
    unavailable for a moment, the turn goes on (`Prepared.all`'s `guarded`: on PostgreSQL a
    savepoint around the read, in its round trip)."""
    token = _turn_connection.set(conn)
    try:
        yield
    finally:
        _turn_connection.reset(token)


# The day of the turn being answered (its message's, which `sadeeq chat --now` sets): the bills
# are those issued by then, with their status on that day. See `as_of`.
_turn_day: ContextVar[date | None] = ContextVar("_turn_day", default=None)


@contextmanager
def as_of(day: date) -> Iterator[None]:
    """While a turn runs, bills are looked up on its day, not the clock's: a conversation
    replayed at another moment never sees a bill issued after its now (the demo bills are
    seeded up to the day of `sadeeq setup`), and an unpaid bill is overdue only after its due
    date as of that day."""
    token = _turn_day.set(day)
    try:
        yield
    finally:
        _turn_day.reset(token)


class EmbeddedBilling(BillingAdapter):
    def __init__(self, database_url: str, today: Callable[[], date] = riyadh_today) -> None:
        self.database_url = database_url
        self._today = today  # statuses move from unpaid to overdue as days pass

    def accounts_for_phone(self, phone: str) -> list[Account]:
        return [Account(*row) for row in self._rows(_ACCOUNTS_OF_PHONE, {"phone": phone})]

    def reads_ahead(self, conn: Connection, phone: str) -> list[Read]:
        if conn.engine is not engine_for(self.database_url):  # (`_rows` reads elsewhere)
            return []
        return [(_ACCOUNTS_OF_PHONE, {"phone": phone})]

    def latest_bill(self, account: str) -> Bill | None:
        bills = self.recent_bills(account, 1)
        return bills[0] if bills else None

    def recent_bills(self, account: str, count: int) -> list[Bill]:
        day = self._day()
        rows = self._rows(_RECENT_BILLS, {"account": account, "count": count, "as_of": day})
        return [self._bill(row, day) for row in rows]

    def recent_bills_for_phone(self, phone: str, account: str, count: int) -> list[Bill]:
        day = self._day()
        values = {"phone": phone, "account": account, "count": count, "as_of": day}
        return [self._bill(row, day) for row in self._rows(_RECENT_BILLS_OF_PHONE, values)]

    def _day(self) -> date:
        """The turn's day while a turn runs (`as_of`), else today."""
        return _turn_day.get() or self._today()

    def bill_for_phone(self, phone: str, account: str) -> Bill | None:
        bills = self.recent_bills_for_phone(phone, account, 1)
        return bills[0] if bills else None

    def _rows(self, query: Prepared, values: dict[str, Any]) -> Sequence[Any]:
        shared = _turn_connection.get()
        try:
            if shared is not None and shared.engine is engine_for(self.database_url):
                return query.all(shared, values, guarded=True)
            with engine_for(self.database_url).connect() as conn:
                if conn.dialect.name == "postgresql":
                    # One statement, no transaction to open and roll back: one round trip,
                    # not three (BEGIN, the query, ROLLBACK on return to the pool).
                    conn.execution_options(isolation_level="AUTOCOMMIT")
                return query.all(conn, values)
        except SQLAlchemyError as exc:
            raise BillingUnavailable(str(exc)) from exc

    def _bill(self, row: Any, day: date) -> Bill:
        amount = halalas_to_sar(row.amount_halalas)
        previous = halalas_to_sar(row.previous_balance_halalas)
        return Bill(
            account=row.account,
            period_start=row.period_start,
            period_end=row.period_end,
            issue_date=row.issue_date,
            due_date=row.due_date,
            kwh=row.kwh,
            amount_sar=amount,
            previous_balance_sar=previous,
            total_due_sar=amount + previous,
            status=bill_status(row.paid, row.due_date, row.previous_balance_halalas, day),
        )
