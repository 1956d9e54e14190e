"""Tables of the embedded billing data (the demo subscribers, or a nightly export).

Money is stored in halalas (integers): exact on every database, and fast to bulk insert.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base


class BillingAccount(Base):
    __tablename__ = "billing_accounts"

    account: Mapped[str] = mapped_column(String(14), primary_key=True)
    phone: Mapped[str] = mapped_column(String(20), index=True)  # E.164
    name: Mapped[str] = mapped_column(String(120))
    city: Mapped[str] = mapped_column(String(60))
    district: Mapped[str] = mapped_column(String(60))
    premise: Mapped[str] = mapped_column(String(160))
    customer_class: Mapped[str] = mapped_column(String(32))  # a class of tariff.toml
    breaker_amps: Mapped[int] = mapped_column(Integer)


class BillingBill(Base):
    __tablename__ = "billing_bills"

    account: Mapped[str] = mapped_column(
        String(14), ForeignKey("billing_accounts.account", ondelete="CASCADE"), primary_key=True
    )
    issue_date: Mapped[date] = mapped_column(Date, primary_key=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    kwh: Mapped[int] = mapped_column(Integer)
    amount_halalas: Mapped[int] = mapped_column(Integer)
    previous_balance_halalas: Mapped[int] = mapped_column(Integer, default=0)
    paid: Mapped[bool] = mapped_column(default=False)
