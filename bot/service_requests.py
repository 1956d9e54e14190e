"""Service requests of a subscriber (meter registration, bill complaints, reconnections...).

The compensation flow reads them to tell a subscriber what each late case is owed. Filled by
the demo data for now (`bot.billing.demo`); a CRM export would fill the same table.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from bot.storage.base import Base


class ServiceRequest(Base):
    __tablename__ = "service_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    phone: Mapped[str] = mapped_column(String(20), index=True)  # E.164
    account: Mapped[str] = mapped_column(String(14))
    standard: Mapped[str] = mapped_column(String(40))  # a standard id from domain.md
    requested_at: Mapped[datetime] = mapped_column()
    completed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    network: Mapped[str | None] = mapped_column(String(2), nullable=True)  # lv | mv | hv
    note: Mapped[str] = mapped_column(Text, default="")


def requests_for_phone(session: Session, phone: str) -> list[ServiceRequest]:
    """The phone's requests, newest first."""
    query = (
        select(ServiceRequest)
        .where(ServiceRequest.phone == phone)
        .order_by(ServiceRequest.requested_at.desc(), ServiceRequest.id.desc())
    )
    return list(session.scalars(query))
