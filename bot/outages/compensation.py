"""What a reporter of a restored outage is owed, computed by the standards engine only.

The same function feeds the restoration notice and the dialogue's compensation answer, so a
subscriber always sees one figure. The outage runs from the reporter's own start (the time
they said the power went off), else the incident's start (its first report, or the start an
operator set), to its restoration (or to when the reporter said their power came back). A planned outage has two cases: the restoration
(`planned_outage_restoration`) and the notice given (`planned_outage_notice`; no notice recorded
means none was given); an unplanned one is an `emergency_outage`. Force majeure, flagged by the
operator, makes every case not eligible, with the reason.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session, aliased

from bot.outages.models import CANCELLED, RESTORED, Incident, OutageReport
from bot.storage.base import aware

if TYPE_CHECKING:
    from bot.standards import Compensation

EMERGENCY = "emergency_outage"
PLANNED_RESTORATION = "planned_outage_restoration"
PLANNED_NOTICE = "planned_outage_notice"


TOTAL_BLACKOUT = "total_blackout"


def restoration_standard(incident: Incident) -> str:
    """The standard that sets how soon this outage's power must be back: a city-wide blackout
    (marked by an operator) is a total blackout; otherwise planned or emergency."""
    if incident.city_wide:
        return TOTAL_BLACKOUT
    return PLANNED_RESTORATION if incident.planned else EMERGENCY


def compensations_for_report(report: OutageReport | None, incident: Incident) -> list[Compensation]:
    """Every case of this outage for this reporter, restoration first; [] while still open."""
    from bot.standards import Case, compensation_for

    span = case_span(report, incident)
    if span is None:
        return []
    start, end = span
    fm = bool(incident.force_majeure)
    restoration = compensation_for(
        Case(restoration_standard(incident), start=start, end=end, force_majeure=fm)
    )
    notice = notice_compensation(incident, end)
    return [restoration] if notice is None else [restoration, notice]


def case_span(report: OutageReport | None, incident: Incident) -> tuple[datetime, datetime] | None:
    """The reporter's own case, from its start to its end, as the engine counts it (and as the
    restoration notice says its length): None while it has no end."""
    end = report.end_in(incident) if report is not None else incident.end
    if end is None:
        return None
    if report is None:
        return min(incident.start, end), end
    return min(report.start_in(incident), end), end


def notice_compensation(incident: Incident, end=None) -> Compensation | None:
    """A planned outage's notice case (no notice recorded means none was given); None for an
    unplanned one. It is settled once the outage starts, so an outage still open has it too
    (`end`: when the case ended, for its pay-by date; None while still open)."""
    from bot.standards import Case, compensation_for

    if not incident.planned:
        return None
    return compensation_for(
        Case(
            PLANNED_NOTICE,
            start=incident.start,
            end=end,
            notice_at=aware(incident.notice_at),
            force_majeure=bool(incident.force_majeure),
        )
    )


def compensation_for_report(report: OutageReport, incident: Incident) -> Compensation | None:
    """The restoration case (the one most subscribers ask about); None while still open."""
    cases = compensations_for_report(report, incident)
    return cases[0] if cases else None


def covering_report(
    session: Session, report: OutageReport, incident: Incident
) -> OutageReport | None:
    """The later report whose case covers this one's (`_covers`): this outage is paid there,
    once, and this report points to it; None when none does (or the incident is open)."""
    if incident.restored_at is None:
        return None
    later = aliased(Incident)
    return session.scalars(
        select(OutageReport)
        .join(later, later.id == OutageReport.incident_id)
        .where(
            _covers(
                OutageReport,
                later,
                incident.id,
                incident.restored_at,
                (report.phone, report.channel, report.sender),
            )
        )
        .order_by(OutageReport.reported_at.desc(), OutageReport.id.desc())
        .limit(1)
    ).first()


def covered_report(
    session: Session, report: OutageReport, incident: Incident
) -> tuple[OutageReport, Incident] | None:
    """The earlier report (and its restored incident) that this one covers, else None: the
    same rule (`covering_report`) read from the other end."""
    if incident.reopened_from_id is None:
        return None
    earlier = session.get(Incident, incident.reopened_from_id)
    if earlier is None:
        return None
    for old in session.scalars(select(OutageReport).where(OutageReport.incident_id == earlier.id)):
        if _same_reporter(old, report) and covering_report(session, old, earlier) is report:
            return old, earlier
    return None


def _same_reporter(one: OutageReport, other: OutageReport) -> bool:
    same_phone = one.phone is not None and one.phone == other.phone
    return same_phone or (one.channel, one.sender) == (other.channel, other.sender)


def _covers(later_report, later, incident_id, restored_at, reporter: tuple) -> ColumnElement[bool]:
    """When a later report covers an earlier one's case, the one rule: the same reporter
    (`reporter`: their phone, channel and sender), on an incident reopened from the earlier one,
    counted from a start stated no later than its restoration, and not withdrawn (its place put
    right, it covers nothing). Their power never came back, so that case runs through the
    restored one's: one outage, paid once. Each argument but `later_report` and `later` may be a
    column of the earlier report's row (a correlated query) or a value."""
    phone, channel, sender = reporter
    same = and_(later_report.channel == channel, later_report.sender == sender)
    if phone is not None:
        same = or_(same, later_report.phone == phone)
    return and_(
        later.reopened_from_id == incident_id,
        same,
        later_report.stated_start <= restored_at,
        later_report.status != CANCELLED,
    )


def compensation_cases_for_phone(
    session: Session, phone: str
) -> list[tuple[OutageReport, Incident, Compensation]]:
    """Restored outages this phone reported, newest first, one row per case (a planned outage
    gives two). An outage covered by a later report (`covering_report`) is left out: their
    reopened case covers it, never paid twice."""
    later = aliased(Incident)
    later_report = aliased(OutageReport)
    reporter = (phone, OutageReport.channel, OutageReport.sender)
    superseded = (
        select(later_report.id)
        .join(later, later.id == later_report.incident_id)
        .where(_covers(later_report, later, Incident.id, Incident.restored_at, reporter))
        .exists()
    )
    rows = session.execute(
        select(OutageReport, Incident)
        .join(Incident, Incident.id == OutageReport.incident_id)
        .where(
            OutageReport.phone == phone,
            or_(Incident.status == RESTORED, OutageReport.stated_end.is_not(None)),
            ~superseded,
        )
        .order_by(Incident.restored_at.desc(), OutageReport.id.desc())
    ).all()
    cases: list[tuple[OutageReport, Incident, Compensation]] = []
    for report, incident in rows:
        cases += [(report, incident, c) for c in compensations_for_report(report, incident)]
    return cases
