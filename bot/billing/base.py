"""What the bot may ask about a subscriber's bills, whatever system answers.

One interface, `BillingAdapter`, with one implementation per source beside it
(`embedded.py` over our own database, `http.py` over the billing API). The privacy rule
(a phone sees only the bills of its own accounts) lives here, once, in `bill_for_phone`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from bot.storage.prepared import Read

BILL_STATUSES = ("paid", "unpaid", "overdue")


class BillingUnavailable(Exception):
    """The billing source cannot answer now (down, slow, or talking nonsense).

    The dialogue turns it into a polite "try again later"; the conversation goes on.
    """


@dataclass(frozen=True)
class Account:
    account: str  # ASCII digits
    name: str
    city: str
    district: str
    premise: str


@dataclass(frozen=True)
class Bill:
    account: str
    period_start: date
    period_end: date
    issue_date: date
    due_date: date
    kwh: int
    amount_sar: Decimal  # this period's charges, VAT included; 2 decimal places
    previous_balance_sar: Decimal  # unpaid amount carried over from earlier bills
    total_due_sar: Decimal  # amount_sar + previous_balance_sar
    status: str  # one of BILL_STATUSES

    def on(self, day: date) -> Bill:
        """The bill as it stands on `day` (the message's date): an unpaid bill past its due
        date is overdue, whatever day the billing system counted from."""
        if self.status == "unpaid" and day > self.due_date:
            return replace(self, status="overdue")
        return self

    def arrears_only(self, day: date) -> bool:
        """Overdue on `day` only through the unpaid balance of earlier bills: this bill's own
        amount is still ahead of its due date. "overdue" (the status) covers both cases, so
        what is overdue and since when must come from here, never from the status alone."""
        return self.status != "paid" and self.previous_balance_sar > 0 and day <= self.due_date


class BillingAdapter(ABC):
    """Looks up accounts and bills. Every method may raise `BillingUnavailable`."""

    @abstractmethod
    def accounts_for_phone(self, phone: str) -> list[Account]:
        """Accounts registered to an E.164 phone number; [] when the number is unknown."""

    @abstractmethod
    def latest_bill(self, account: str) -> Bill | None:
        """The most recent bill of an account; None when there is no such account or bill."""

    def recent_bills(self, account: str, count: int) -> list[Bill]:
        """Up to `count` latest bills of an account, newest first. A source that keeps only the
        latest bill answers with that one: the bot then says only what it knows."""
        latest = self.latest_bill(account)
        return [] if latest is None else [latest]

    def recent_bills_for_phone(self, phone: str, account: str, count: int) -> list[Bill]:
        """`recent_bills`, only if that account belongs to `phone`."""
        if all(linked.account != account for linked in self.accounts_for_phone(phone)):
            return []
        return self.recent_bills(account, count)

    def bill_for_phone(self, phone: str, account: str) -> Bill | None:
        """The latest bill of `account`, only if that account belongs to `phone`."""
        if all(linked.account != account for linked in self.accounts_for_phone(phone)):
            return None
        return self.latest_bill(account)

    def reads_ahead(self, conn: Connection, phone: str) -> list[Read]:
        """What `accounts_for_phone(phone)` will read on the turn's connection `conn`, for the
        turn to send ahead with its first statement (bot/storage/prepared.py); none when it
        reads elsewhere (an HTTP API, another database)."""
        return []

    def close(self) -> None:  # noqa: B027 - optional: only adapters holding connections need it
        """Release connections; the adapter is not used afterwards."""

    def __enter__(self) -> BillingAdapter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
