"""A planned outage on record, as an operator leaves it: one subscriber's report filed at 08:05
on 1 December 2026 (Riyadh), its incident marked planned and begun at 08:00."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.config import RIYADH
from bot.outages import report_outage, update_incident
from bot.outages.service import ReportOutcome

STARTED = datetime(2026, 12, 1, 8, 0, tzinfo=RIYADH)
REPORTED = datetime(2026, 12, 1, 8, 5, tzinfo=RIYADH)


def file_planned_outage(
    session: Session,
    *,
    phone: str,
    city: str,
    district: str,
    lang: str = "ar",
    sender: str | None = None,
    notice_at: datetime | None = None,
) -> ReportOutcome:
    """The report filed and its incident marked planned (`notice_at`: when its notice went out,
    None for none on record)."""
    filed = report_outage(
        session,
        channel="whatsapp",
        sender=sender or phone,
        phone=phone,
        city=city,
        district=district,
        lang=lang,
        reported_at=REPORTED,
    )
    update_incident(
        session, filed.incident.reference, planned=True, notice_at=notice_at, started_at=STARTED
    )
    return filed
