"""A reporter's case over (restored, or ended at the hour they told) is never the report of a
new outage: `OutageReport.case_over` is the one rule, and `report_outage` follows it."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.config import RIYADH
from bot.outages import flag_urgent, report_outage, restore_incident
from bot.outages.service import record_stated_end
from bot.storage.db import session_scope

T0 = datetime(2026, 12, 3, 7, 0, tzinfo=RIYADH)
PHONE = "+966500000004"


def report(session, at: datetime, sender: str = PHONE, **extra):
    return report_outage(
        session,
        channel="whatsapp",
        sender=sender,
        phone=sender,
        lang="ar",
        reported_at=at,
        **({"city": "الرياض", "district": "العليا"} | extra),
    )


def test_a_new_outage_after_the_told_end_is_a_new_report_apart(database_url: str) -> None:
    with session_scope(database_url) as session:
        first = report(session, T0, stated_start=T0 - timedelta(hours=9))
        record_stated_end(session, first.report, T0 - timedelta(hours=1))
        assert first.report.case_over(first.incident) and not first.report.is_current(
            first.incident
        )
        later = T0 + timedelta(days=5)
        second = report(session, later, stated_start=later - timedelta(hours=2))
        assert second.is_new_report and second.report.id != first.report.id
        assert second.incident.id != first.incident.id and second.incident.is_open
        assert second.report.is_current(second.incident)
        # The first case keeps its told end; another sender there joins the area's incident.
        assert first.report.stated_end is not None
        neighbour = report(session, later, sender="+966500000009")
        assert neighbour.incident.id == first.incident.id
        # A third outage after the second's told end follows the second, apart again.
        record_stated_end(session, second.report, later + timedelta(hours=1))
        third = report(session, later + timedelta(days=1))
        assert third.incident.id not in (first.incident.id, second.incident.id)


def test_a_report_whose_case_is_over_is_never_flagged_urgent(database_url: str) -> None:
    with session_scope(database_url) as session:
        told = report(session, T0)
        record_stated_end(session, told.report, T0 + timedelta(hours=1))
        assert flag_urgent(session, channel="whatsapp", sender=PHONE, phone=PHONE) is None
        assert not told.report.urgent
        other = "+966500000008"
        restored = report(session, T0, sender=other, district="الملز")
        restore_incident(session, restored.incident.reference, at=T0 + timedelta(hours=1))
        assert flag_urgent(session, channel="whatsapp", sender=other, phone=other) is None
        assert not restored.report.urgent
        current = report(session, T0 + timedelta(days=1), sender=other, district="الملز")
        assert flag_urgent(session, channel="whatsapp", sender=other, phone=other) is not None
        assert current.report.urgent
