"""This month's bill for many subscriptions at once.

A million notices cannot afford one adapter call each, so with the embedded billing data the
bills of a whole batch come from one query on its tables; with the billing API (HTTP) each
account is asked for on its own through the adapter, which also applies the privacy rule.
Either way the answer for each (account, phone) is the bill, or why there is none.
"""

from __future__ import annotations

import calendar
from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import date

from sqlalchemy import select

from bot.billing import Bill, BillingAdapter, billing_adapter
from bot.billing.embedded import bill_status, halalas_to_sar, riyadh_today
from bot.billing.embedded_models import BillingAccount, BillingBill
from bot.config import Settings
from bot.storage.db import engine_for

NOT_LINKED = "not_linked"  # the account no longer belongs to the subscribed phone
NO_BILL = "no_bill_this_month"

Target = tuple[str, str | None]  # (account, phone the subscription was made from)
Lookup = dict[Target, Bill | str]  # a bill, or NOT_LINKED / NO_BILL


def month_bounds(month: str) -> tuple[date, date]:
    """ "2026-11" → (2026-11-01, 2026-11-30): bills issued in that month (on the 28th)."""
    year, mon = (int(part) for part in month.split("-"))
    return date(year, mon, 1), date(year, mon, calendar.monthrange(year, mon)[1])


class BillSource(ABC):
    @abstractmethod
    def bills_for_accounts(self, targets: Sequence[Target], month: str) -> Lookup: ...


class EmbeddedBillSource(BillSource):
    """One query per batch, straight from the embedded billing tables."""

    def __init__(self, database_url: str, today: date | None = None) -> None:
        self.engine = engine_for(database_url)
        self.today = today or riyadh_today()

    def bills_for_accounts(self, targets: Sequence[Target], month: str) -> Lookup:
        first, last = month_bounds(month)
        accounts = sorted({account for account, _ in targets})
        query = (
            select(
                BillingBill.account,
                BillingAccount.phone,
                BillingBill.period_start,
                BillingBill.period_end,
                BillingBill.issue_date,
                BillingBill.due_date,
                BillingBill.kwh,
                BillingBill.amount_halalas,
                BillingBill.previous_balance_halalas,
                BillingBill.paid,
            )
            .join(BillingAccount, BillingAccount.account == BillingBill.account)
            .where(BillingBill.account.in_(accounts), BillingBill.issue_date.between(first, last))
        )
        found: dict[str, tuple[str, Bill]] = {}
        with self.engine.connect() as conn:
            for (
                account,
                owner_phone,
                start,
                end,
                issued,
                due,
                kwh,
                amount,
                previous,
                paid,
            ) in conn.execute(query):
                amount_sar, previous_sar = halalas_to_sar(amount), halalas_to_sar(previous)
                found[account] = (
                    owner_phone,
                    Bill(
                        account=account,
                        period_start=start,
                        period_end=end,
                        issue_date=issued,
                        due_date=due,
                        kwh=kwh,
                        amount_sar=amount_sar,
                        previous_balance_sar=previous_sar,
                        total_due_sar=amount_sar + previous_sar,
                        status=bill_status(paid, due, previous, self.today),
                    ),
                )
            if len(found) < len(accounts):
                owners = dict(
                    conn.execute(
                        select(BillingAccount.account, BillingAccount.phone).where(
                            BillingAccount.account.in_([a for a in accounts if a not in found])
                        )
                    ).all()
                )
            else:
                owners = {}
        lookup: Lookup = {}
        for account, phone in targets:
            if account in found:
                owner, bill = found[account]
                lookup[(account, phone)] = bill if owner == phone else NOT_LINKED
            else:
                lookup[(account, phone)] = NO_BILL if owners.get(account) == phone else NOT_LINKED
        return lookup


class AdapterBillSource(BillSource):
    """Any billing adapter (the HTTP one): the linked, latest bill of each account in turn."""

    def __init__(self, adapter: BillingAdapter) -> None:
        self.adapter = adapter

    def bills_for_accounts(self, targets: Sequence[Target], month: str) -> Lookup:
        first, last = month_bounds(month)
        lookup: Lookup = {}
        for account, phone in targets:
            if phone is None or all(
                a.account != account for a in self.adapter.accounts_for_phone(phone)
            ):
                lookup[(account, phone)] = NOT_LINKED
                continue
            bill = self.adapter.latest_bill(account)
            ok = bill is not None and first <= bill.issue_date <= last
            lookup[(account, phone)] = bill if ok and bill is not None else NO_BILL
        return lookup


def bill_source(settings: Settings) -> BillSource:
    if settings.billing_url:
        return AdapterBillSource(billing_adapter(settings))
    return EmbeddedBillSource(settings.database_url)
