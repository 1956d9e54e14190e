"""fixA: a "still off" report after the restoration covers the restored case (one rule,
`covering_report`): the records count that outage once, on the new report, and the old report
points to it; a report counted from after the restoration, or withdrawn, covers nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.config import RIYADH
from bot.outages import (
    compensation_cases_for_phone,
    covered_report,
    covering_report,
    report_outage,
    restore_incident,
)
from bot.outages.service import cancel_report
from bot.storage.db import session_scope

T0 = datetime(2026, 12, 2, 8, 0, tzinfo=RIYADH)
PHONE = "+966500000077"


def _report(session, at: datetime, **more):
    return report_outage(
        session,
        channel="whatsapp",
        sender=PHONE,
        phone=PHONE,
        lang="ar",
        reported_at=at,
        city="الرياض",
        district="حي الروضة",
        **more,
    )


def _restored_then_still_off(session, **more):
    first = _report(session, T0, stated_start=T0 - timedelta(hours=1))
    restore_incident(session, first.incident.reference, at=T0 + timedelta(hours=2))
    again = _report(session, T0 + timedelta(hours=3), still_off=True, **more)
    return first, again


def test_a_never_back_report_covers_the_restored_one(database_url: str) -> None:
    with session_scope(database_url) as session:
        first, again = _restored_then_still_off(session, never_back=True)
        assert covering_report(session, first.report, first.incident) is again.report
        assert covered_report(session, again.report, again.incident) == (
            first.report,
            first.incident,
        )
        restore_incident(session, again.incident.reference, at=T0 + timedelta(hours=5))
        counted = [report for report, _i, _c in compensation_cases_for_phone(session, PHONE)]
        assert counted == [again.report]  # from 07:00 to 13:00, once


def test_a_report_counted_from_after_the_restoration_covers_nothing(database_url: str) -> None:
    with session_scope(database_url) as session:
        first, again = _restored_then_still_off(session)  # no "never came back": off again
        assert covering_report(session, first.report, first.incident) is None
        assert covered_report(session, again.report, again.incident) is None


def test_a_withdrawn_report_covers_nothing(database_url: str) -> None:
    with session_scope(database_url) as session:
        first, again = _restored_then_still_off(session, never_back=True)
        cancel_report(session, again.report, T0 + timedelta(hours=3, minutes=5))
        assert covering_report(session, first.report, first.incident) is None
        counted = [report for report, _i, _c in compensation_cases_for_phone(session, PHONE)]
        assert counted == [first.report]
