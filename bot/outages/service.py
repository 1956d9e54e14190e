"""Outage reports joined into incidents, and the operator's changes to an incident.

Every function takes a SQLAlchemy Session the caller owns: nothing here commits, so a report and
the dialogue's own state are saved together. Joining is safe under concurrency: the open incident
of an area is claimed by an atomic insert into `outage_open_areas` (ON CONFLICT DO NOTHING); the
loser of a race drops the incident it had just made and joins the winner's.

"Still off" after restoration: the reporter's premise gets an open incident again. If their area
already has an open incident they join it; otherwise a new incident opens for the area, linked to
the closed one by `reopened_from_id`, and starting at its first report, like any incident: the
closed one's start would pay every reporter who joins it for hours before their power went off
(and a restoration and an outage again look alike to us). The closed incident stays closed and
keeps its case, for this reporter too; one who says when the power went off is counted from there,
and one who says it never came back keeps the closed incident's start (their one case).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, delete, func, insert, inspect, or_, select, update
from sqlalchemy.orm import Session, configure_mappers, make_transient_to_detached
from sqlalchemy.orm.attributes import instance_state, manager_of_class

from bot.outages.area import (
    JOIN_DISTANCE_KM,
    Place,
    area_key,
    bounding_box,
    distance_km,
)
from bot.outages.models import (
    CANCELLED,
    INCIDENT_PREFIX,
    OPEN,
    REPORT_PREFIX,
    RESTORED,
    WITHDRAWN,
    Incident,
    OpenArea,
    OutageMedia,
    OutageNotification,
    OutageReport,
    standing_reports,
)
from bot.outages.times import as_utc, local_iso
from bot.storage.base import aware, utcnow
from bot.storage.db import connection_of
from bot.storage.prepared import Prepared, Read
from bot.text import ascii_digits

if TYPE_CHECKING:
    from bot.dialogue.messages import Media
    from bot.hazards.media import Fetched

# Operators type a cause for reporters to read; a paragraph at most.
MAX_CAUSE_CHARS = 300
_CLAIM_ATTEMPTS = 5

# The statements of a report's turn, built once (a turn only binds new values).
# A sender's reports are found through their own few rows, never by the incident's: with
# `incident_id` in the WHERE, SQLite walks every report of the incident, thousands in a burst.
_SENDER = (OutageReport.channel == bindparam("channel")) & (
    OutageReport.sender == bindparam("sender")
)
_NEWEST_FIRST = (OutageReport.reported_at.desc(), OutageReport.id.desc())
# A sender's reports with their incidents, one statement (most reporters have none: a bare
# Core read, ORM objects made only for the rows found, `_attached`). Each column labelled by
# its place, the report's first.
_REPORT_COLUMNS = tuple(OutageReport.__table__.columns)
_INCIDENT_COLUMNS = tuple(Incident.__table__.columns)


def _reports_where(where: Any) -> Prepared:
    return Prepared(
        select(
            *(column.label(f"r{i}") for i, column in enumerate(_REPORT_COLUMNS)),
            *(column.label(f"i{i}") for i, column in enumerate(_INCIDENT_COLUMNS)),
        )
        .join_from(OutageReport, Incident, Incident.id == OutageReport.incident_id)
        .where(where)
        .order_by(*_NEWEST_FIRST)
    )


_REPORTS_OF_SENDER = _reports_where(_SENDER)
_REPORTS_OF_PHONE = _reports_where(or_(OutageReport.phone == bindparam("phone"), _SENDER))
# A cancelled report is nobody's report of the outage: not counted ("two reports, yours one of
# them" was said with the other one withdrawn), and sent no notice (`notify._enqueue`).
_REPORTERS_OF = Prepared(select(standing_reports(bindparam("incident_id"))))
_REPORTS = OutageReport.__table__
_INCIDENTS = Incident.__table__
_OPEN_AREAS = OpenArea.__table__
# The open incident of an area as a bare row, with its reporters counted in the same statement
# (a report's turn needs both; the ORM's query machinery cost more than the query itself).
_OPEN_INCIDENT_OF_AREA = Prepared(
    select(
        *_INCIDENTS.columns,
        standing_reports(_INCIDENTS.c.id).label("reporters_before"),
    )
    .join_from(_INCIDENTS, _OPEN_AREAS, _OPEN_AREAS.c.incident_id == _INCIDENTS.c.id)
    .where(_OPEN_AREAS.c.area_key == bindparam("area_key"), _INCIDENTS.c.status == OPEN)
    # A join against a withdrawal (cancel_report locks the row FOR UPDATE): the weakest lock,
    # so joins never wait on each other, but a withdrawal in flight is waited for and its
    # incident, withdrawn meanwhile, is not joined (PostgreSQL reads the row again after the
    # wait and the status test drops it). SQLite writes one at a time and renders no lock.
    .with_for_update(read=True, key_share=True, of=_INCIDENTS)
)
_INSERT_REPORT: dict[
    str, Prepared
] = {}  # per dialect: INSERT ... ON CONFLICT DO NOTHING RETURNING id
# A new area's incident, its row returned whole; then its claim of the area (per dialect:
# INSERT ... ON CONFLICT DO NOTHING RETURNING area_key, a row only when the claim is ours).
_NEW_INCIDENT_COLUMNS = (
    "area_key",
    "city",
    "district",
    "latitude",
    "longitude",
    "status",
    "started_at",
    "start_set_by_operator",
    "estimate_version",
    "force_majeure",
    "planned",
    "reopened_from_id",
)
_INSERT_INCIDENT = Prepared(
    insert(_INCIDENTS)
    .values({name: bindparam(name) for name in _NEW_INCIDENT_COLUMNS})
    .returning(*_INCIDENTS.columns)
)
_CLAIM_AREA: dict[str, Prepared] = {}


class OutageError(ValueError):
    """An operator request that cannot be carried out; the message says why, in one line."""


class IncidentNotFound(OutageError):
    pass


@dataclass(frozen=True)
class ReportOutcome:
    report: OutageReport
    incident: Incident
    is_new_report: bool
    joined_existing: bool  # the incident already had reporters before this message
    reporters_count: int


def report_outage(
    session: Session,
    *,
    channel: str,
    sender: str,
    phone: str | None,
    lang: str,
    reported_at: datetime,
    account: str | None = None,
    city: str | None = None,
    district: str | None = None,
    premise: str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    address: str | None = None,
    still_off: bool = False,
    stated_start: datetime | None = None,
    urgent: bool = False,
    sender_reports: list[tuple[OutageReport, Incident]] | None = None,
    never_back: bool = False,
) -> ReportOutcome:
    """Record one report. `stated_start`: when the reporter said the power went off (kept on
    their report, and their case counts from it; ignored when it is after the report).
    `urgent`: someone there depends on medical equipment (kept once said, never unset here).
    `sender_reports`: what `reports_by_sender` just gave the caller in this transaction (read
    here when not given). `never_back`: a "still off" reporter said their power never came
    back after the restoration: with no start of their own, they keep the closed incident's
    start for them (that incident's case is then superseded by this one, never paid twice)."""
    reported_at = as_utc(reported_at)
    stated_start = as_utc(stated_start) if stated_start is not None else None
    if stated_start is not None and stated_start > reported_at:
        stated_start = None
    place = Place(city, district, latitude, longitude, account, premise)
    reopened_from: Incident | None = None
    if sender_reports is None:
        sender_reports = reports_by_sender(session, channel=channel, sender=sender, phone=phone)
    if still_off:
        previous = sender_reports[0] if sender_reports else None
        if previous is not None and not previous[1].is_open:
            old_report, reopened_from = previous
            if _is_blank(place):
                place = _place_of(old_report)

    key = area_key(place, channel=channel, sender=sender)
    # At the same place it is the same outage, never ended there: its start is theirs.
    if never_back and reopened_from is not None and stated_start is None:
        stated_start = (
            as_utc(sender_reports[0][0].start_in(reopened_from))
            if key == reopened_from.area_key
            else None
        )
    incident, created, before = _open_incident(session, key, place, reported_at, reopened_from)

    existing = _report_on(sender_reports, incident)
    while existing is not None and existing.case_over(incident):
        # They told us when their power came back, the area's incident still open: this is a
        # new outage of theirs, an incident apart (that report keeps its case and its money),
        # never that report reopened. The key names the report it follows, so a third outage
        # follows the second.
        incident, created, before = _open_incident(
            session, f"after:{existing.id}", place, reported_at, None, nearest=False
        )
        existing = _report_on(sender_reports, incident)
    if existing is not None and existing.status == CANCELLED:  # reported again: it stands again
        existing.status, existing.cancelled_at = OPEN, None
        if urgent:
            existing.urgent = True
        return ReportOutcome(existing, incident, True, True, before + 1)  # counted again
    if existing is not None:
        if stated_start is not None and existing.stated_start is None:
            existing.stated_start = stated_start
        if urgent:
            existing.urgent = True
        return ReportOutcome(existing, incident, False, True, before)

    values = dict(
        incident_id=incident.id,
        channel=channel,
        sender=sender,
        phone=phone,
        lang=(lang or "ar")[:2],
        reported_at=reported_at,
        account=account,
        city=city,
        district=district,
        premise=premise,
        latitude=latitude,
        longitude=longitude,
        address=address,
        still_off=still_off,
        status=OPEN,
        stated_start=stated_start,
        urgent=urgent,
    )
    report = _insert_report(session, values)
    inserted = report is not None
    if report is None:  # the same sender's other message won a race for the same incident
        report = session.scalars(
            select(OutageReport).where(
                OutageReport.incident_id == incident.id,
                OutageReport.channel == channel,
                OutageReport.sender == sender,
            )
        ).one()

    _widen_start(incident, reported_at)
    if place.located and incident.latitude is None:
        incident.latitude, incident.longitude = place.latitude, place.longitude
    # Counted before this report: one more when it is ours; a race lost to the sender's other
    # message is counted again, that message's report being committed after the first count.
    count = before + 1 if inserted else reporters_count(session, incident)
    if "reporters_count" in incident.__dict__:  # else not read yet: loaded when read, as is
        session.expire(incident, ["reporters_count"])  # reloads on next access, with this report
    joined = not created or count > 1
    if urgent and not report.urgent:  # the same sender's other message won the race
        report.urgent = True
    return ReportOutcome(report, incident, inserted, joined, count)


def _report_on(
    reports: list[tuple[OutageReport, Incident]], incident: Incident
) -> OutageReport | None:
    return next((r for r, _ in reports if r.incident_id == incident.id), None)


def latest_report(
    session: Session,
    *,
    channel: str,
    sender: str,
    phone: str | None,
    report: int | None = None,
    incident: int | None = None,
) -> tuple[OutageReport, Incident] | None:
    """The sender's latest report: by phone across channels when known, else by channel+sender.
    `report`: only that report ("OUT-000012"), `incident`: only a report of theirs on that
    incident ("INC-000012"); None when it is not theirs (never another number's)."""
    reports = reports_by_sender(session, channel=channel, sender=sender, phone=phone)
    return latest_of(reports, report=report, incident=incident)


def latest_of(
    reports: list[tuple[OutageReport, Incident]],
    *,
    report: int | None = None,
    incident: int | None = None,
) -> tuple[OutageReport, Incident] | None:
    """The first of a sender's reports (newest first) that is `report` / on `incident`."""
    return next(
        (
            (filed, on)
            for filed, on in reports
            if (report is None or filed.id == report) and (incident is None or on.id == incident)
        ),
        None,
    )


def reports_read(*, channel: str, sender: str, phone: str | None) -> Read:
    """The statement `reports_by_sender` reads the sender's reports with (a turn sends it
    ahead with its first statement: bot/dialogue/engine.py)."""
    if phone:
        return _REPORTS_OF_PHONE, {"phone": phone, "channel": channel, "sender": sender}
    return _REPORTS_OF_SENDER, {"channel": channel, "sender": sender}


def reports_by_sender(
    session: Session, *, channel: str, sender: str, phone: str | None
) -> list[tuple[OutageReport, Incident]]:
    """The sender's reports (one per incident, so few), newest first: by phone across channels
    when known, else by channel+sender."""
    query, values = reports_read(channel=channel, sender=sender, phone=phone)
    session._autoflush()  # what the turn changed through the ORM is read, as by an ORM query
    rows = query.all(connection_of(session), values)
    if not rows:
        return []
    reports = len(_REPORT_COLUMNS)
    report_keys = [column.key for column in _REPORT_COLUMNS]
    incident_keys = [column.key for column in _INCIDENT_COLUMNS]
    return [
        (
            _attached(session, OutageReport, dict(zip(report_keys, row[:reports], strict=True))),
            _attached(session, Incident, dict(zip(incident_keys, row[reports:], strict=True))),
        )
        for row in rows
    ]


def note_power_back(report: OutageReport, at: datetime) -> bool:
    """The reporter says their power is back: kept on the report for operators (the incident
    is restored by an operator, for every reporter at once). False when already said."""
    if report.power_back_at is not None:
        return False
    report.power_back_at = as_utc(at)
    return True


def note_still_off(report: OutageReport, at: datetime) -> None:
    """The reporter says their power is still off («للحين ما رجعت», the outage told again): a
    restore time they tell later is after this (`OutageReport.back_after`)."""
    said = aware(report.still_off_said_at)
    if said is None or said < at:
        report.still_off_said_at = as_utc(at)


def undo_power_back(report: OutageReport) -> bool:
    """The reporter takes back their own "it's back" ("لا غلطان ما رجعت"): the report stands as
    before it, for operators too. False when they had said nothing of it."""
    if report.power_back_at is None and report.stated_end is None:
        return False
    report.power_back_at = None
    report.stated_end = None
    return True


def off_again(report: OutageReport, incident: Incident, at: datetime) -> tuple[datetime, datetime]:
    """The reporter's power came back, then went off again at `at` ("رجعت وطفت مرة ثانية"): their
    report now counts a new outage from `at`, and the one that ended (its start and the end they
    told; returned) is no longer on it."""
    began = report.start_in(incident)
    back = aware(report.stated_end) or aware(report.power_back_at) or as_utc(at)
    report.power_back_at = None
    report.stated_end = None
    report.offered_start = None
    report.stated_day = None
    report.stated_start = as_utc(at)
    return began, back


def cancel_report(session: Session, report: OutageReport, at: datetime) -> Incident | None:
    """The reporter withdraws the report: it stays on record, and no notice goes to it. When it
    was the open incident's last standing report, the incident is withdrawn too (returned) and
    its area freed: a later report there opens a new one."""
    # The incident row locked first: a report joining it meanwhile (its insert holds a key
    # share lock on the row until it commits) is waited for and counted below, and a join
    # after this waits for the withdrawal and opens a new incident (_OPEN_INCIDENT_OF_AREA).
    incident = session.scalars(
        select(Incident)
        .where(Incident.id == report.incident_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    report.status = CANCELLED
    report.cancelled_at = as_utc(at)
    session.flush()
    if incident is None or not incident.is_open:
        return None
    standing = session.scalar(
        select(func.count(OutageReport.id)).where(
            OutageReport.incident_id == incident.id, OutageReport.status != CANCELLED
        )
    )
    if standing:
        return None
    incident.status = WITHDRAWN
    session.execute(delete(OpenArea).where(OpenArea.incident_id == incident.id))
    session.flush()
    return incident


def record_stated_end(session: Session, report: OutageReport, at: datetime) -> None:
    """The reporter said their power came back at `at`: their case ends there (kept on the
    report; the incident stays as operators run it, for the other reporters)."""
    report.stated_end = as_utc(at)
    session.flush()


def record_offered_start(report: OutageReport, at: datetime) -> None:
    """The reporter said when their power went off only vaguely, and we offered an hour back
    (`at`): kept, not counted from, until they confirm it or give the hour."""
    report.offered_start = as_utc(at)


def record_stated_day(report: OutageReport, day: date) -> None:
    """The reporter said the day their power went off, with no hour ("من يوم السبت"): kept, not
    counted from, so the hour they give later is read on it and asked for until then."""
    report.stated_day = day


def record_stated_start(report: OutageReport, at: datetime) -> None:
    """The reporter said when their power went off, after reporting: their case starts there."""
    report.stated_start = as_utc(at)


def reporters_count(session: Session, incident: Incident) -> int:
    return _REPORTERS_OF.scalar(connection_of(session), {"incident_id": incident.id}) or 0


def urgent_reports(session: Session, incident: Incident) -> int:
    """How many reporters of the incident have someone on medical equipment."""
    return (
        session.scalar(
            select(func.count(OutageReport.id)).where(
                OutageReport.incident_id == incident.id,
                OutageReport.urgent.is_(True),
                OutageReport.status != CANCELLED,
            )
        )
        or 0
    )


def flag_urgent(
    session: Session, *, channel: str, sender: str, phone: str | None
) -> OutageReport | None:
    """Flag the sender's latest report urgent if it is current (`OutageReport.is_current`); that
    report, or None when they have none (a restored case is never flagged: the outage now is a
    new report)."""
    found = latest_report(session, channel=channel, sender=sender, phone=phone)
    if found is None or not found[0].is_current(found[1]):
        return None
    found[0].urgent = True
    session.flush()
    return found[0]


def find_incident(session: Session, ref: str | int) -> Incident:
    number = parse_reference(ref, INCIDENT_PREFIX)
    incident = session.get(Incident, number) if number is not None else None
    if incident is None:
        raise IncidentNotFound(f"no incident {ref!r}")
    return incident


def reports_of(session: Session, incident: Incident) -> list[OutageReport]:
    """Every report of the incident, in the order they came."""
    return list(
        session.scalars(
            select(OutageReport)
            .where(OutageReport.incident_id == incident.id)
            .order_by(OutageReport.reported_at, OutageReport.id)
        )
    )


def keep_media(
    session: Session, report: OutageReport, media: Media, fetched: Fetched
) -> OutageMedia:
    """A photo or voice note with the report: its bytes, or its reference and why they are missing."""
    from bot.hazards.media import stored_fields

    row = OutageMedia(report_id=report.id, **stored_fields(media, fetched))
    session.add(row)
    session.flush()
    return row


def media_count(session: Session, incident: Incident) -> int:
    """Photos and voice notes kept with the incident's reports (fetched or not)."""
    return (
        session.scalar(
            select(func.count(OutageMedia.id))
            .join(OutageReport, OutageReport.id == OutageMedia.report_id)
            .where(OutageReport.incident_id == incident.id)
        )
        or 0
    )


def undelivered_notices(session: Session, incident: Incident) -> list[OutageNotification]:
    """The incident's notices Twilio accepted but reported undelivered or failed."""
    return list(
        session.scalars(
            select(OutageNotification)
            .where(
                OutageNotification.incident_id == incident.id,
                OutageNotification.delivery_status.in_(["undelivered", "failed"]),
            )
            .order_by(OutageNotification.id)
        )
    )


def find_report(session: Session, ref: str | int) -> OutageReport | None:
    number = parse_reference(ref, REPORT_PREFIX)
    return session.get(OutageReport, number) if number is not None else None


def list_incidents(session: Session, *, include_closed: bool = False) -> list[Incident]:
    # Incidents with someone on medical equipment first (in a report still standing: a
    # cancelled one asks for nothing), then the newest.
    has_urgent = (
        select(OutageReport.id)
        .where(
            OutageReport.incident_id == Incident.id,
            OutageReport.urgent.is_(True),
            OutageReport.status != CANCELLED,
        )
        .exists()
    )
    query = select(Incident).order_by(
        has_urgent.desc(), Incident.started_at.desc(), Incident.id.desc()
    )
    if not include_closed:
        query = query.where(Incident.status == OPEN)
    return list(session.scalars(query))


def update_incident(
    session: Session,
    ref: str | int,
    *,
    eta: datetime | None = None,
    cause: str | None = None,
    force_majeure: bool | None = None,
    planned: bool | None = None,
    notice_at: datetime | None = None,
    started_at: datetime | None = None,
    city_wide: bool | None = None,
) -> Incident:
    """Apply an operator's update. A new estimate bumps `estimate_version` (one notice each)."""
    incident = find_incident(session, ref)
    if eta is not None:
        if incident.status == WITHDRAWN:
            raise OutageError(f"{incident.reference} was withdrawn: every report was cancelled")
        if not incident.is_open:
            raise OutageError(
                f"{incident.reference} is already restored; an estimate makes no sense"
            )
        eta = as_utc(eta)
    if started_at is not None:
        started_at = as_utc(started_at)
        end = incident.end
        if end is not None and started_at > end:
            raise OutageError("the start cannot be after the restoration time")
        incident.started_at = started_at
        incident.start_set_by_operator = True
    if eta is not None:
        if eta < incident.start:
            raise OutageError("the estimate is before the outage started")
        current = incident.estimated_restoration_at
        if current is None or as_utc(current) != eta:
            incident.estimated_restoration_at = eta
            incident.estimate_version = (incident.estimate_version or 0) + 1
    if cause is not None:
        if len(cause) > MAX_CAUSE_CHARS:  # it goes into every reporter's notice
            raise OutageError(f"the cause is {len(cause)} characters; at most {MAX_CAUSE_CHARS}")
        incident.cause = cause.strip() or None
    if force_majeure is not None:
        incident.force_majeure = force_majeure
    if planned is not None:
        incident.planned = planned
    if city_wide is not None:
        incident.city_wide = city_wide
    if notice_at is not None:
        if not incident.planned:
            raise OutageError("--notice-at applies to planned outages only (add --planned)")
        incident.notice_at = as_utc(notice_at)
    session.flush()
    return incident


# How far ahead of this machine's clock a restoration time may be (clocks differ a little).
RESTORE_CLOCK_SLACK = timedelta(minutes=2)


def restore_incident(
    session: Session, ref: str | int, *, at: datetime, now: datetime | None = None
) -> Incident:
    """Close the incident at `at`. Restoring again at the same time is a no-op (for reruns).
    A time still ahead is refused: reporters would be told power is back before it is."""
    incident = find_incident(session, ref)
    at = as_utc(at)
    if at > as_utc(now or datetime.now(UTC)) + RESTORE_CLOCK_SLACK:
        raise OutageError(f"the restoration time {local_iso(at)} is in the future")
    if incident.status == WITHDRAWN:
        raise OutageError(f"{incident.reference} was withdrawn: every report was cancelled")
    if not incident.is_open:
        if incident.end == at:
            return incident
        raise OutageError(f"{incident.reference} was already restored at {local_iso(incident.end)}")
    if at < incident.start:
        raise OutageError("the restoration time is before the outage started")
    standing = session.scalars(
        select(OutageReport).where(
            OutageReport.incident_id == incident.id, OutageReport.status != CANCELLED
        )
    ).all()
    later = sorted((r for r in standing if r.reported > at), key=lambda r: r.reported)
    if later and len(later) == len(standing):
        raise OutageError(
            f"every report of {incident.reference} was filed after {local_iso(at)}: "
            "the power was still off for them then"
        )
    incident.status = RESTORED
    incident.restored_at = at
    session.execute(delete(OpenArea).where(OpenArea.incident_id == incident.id))
    session.execute(
        update(OutageReport)
        .where(
            OutageReport.incident_id == incident.id,
            OutageReport.status != CANCELLED,
            OutageReport.reported_at <= at,
        )
        .values(status=RESTORED)
    )
    if later:
        # Filed after the restoration time, saying the power was off: not restored by it (nor
        # told it came back before they wrote). They stay open in an incident of the area
        # linked to this one and counted from the first of them, as a "still off" report is.
        first = later[0]
        reopened, _created, _before = _open_incident(
            session, incident.area_key, _place_of(first), first.reported, incident
        )
        for moved in later:
            moved.incident_id = reopened.id
    session.flush()
    return incident


def left_open_after(session: Session, incident: Incident) -> list[tuple[OutageReport, Incident]]:
    """The reports filed after `incident`'s restoration time that are open in an incident
    reopened from it (`restore_incident` leaves them there), for the operator to see."""
    rows = session.execute(
        select(OutageReport, Incident)
        .join(Incident, OutageReport.incident_id == Incident.id)
        .where(
            Incident.reopened_from_id == incident.id,
            Incident.status == OPEN,
            OutageReport.status == OPEN,
            OutageReport.reported_at > incident.restored_at,
        )
        .order_by(OutageReport.reported_at)
    ).all()
    return [(r, i) for r, i in rows]


def parse_reference(ref: str | int, prefix: str) -> int | None:
    """ "INC-000045", "inc45", "45" and "٤٥" all name incident 45."""
    if isinstance(ref, int):
        return ref
    text = ascii_digits(ref.strip()).upper()
    match = re.fullmatch(rf"(?:{prefix}\s*-?\s*)?0*(\d{{1,12}})", text)
    return int(match.group(1)) if match else None


def _open_incident(
    session: Session,
    key: str,
    place: Place,
    reported_at: datetime,
    reopened_from: Incident | None,
    *,
    nearest: bool = True,
) -> tuple[Incident, bool, int]:
    """The area's open incident (made and claimed when there is none), whether it was made
    here, and how many reports it had before this one. `nearest`: a shared location may join
    the nearest open incident (not for an outage kept apart from its area's)."""
    for _ in range(_CLAIM_ATTEMPTS):
        session.flush()  # as the ORM's own query would: what the turn changed is seen
        row = _OPEN_INCIDENT_OF_AREA.first(connection_of(session), {"area_key": key})
        if row is not None:
            values = row._asdict()
            before = values.pop("reporters_before")
            return _attached(session, Incident, values), False, before
        # A report reopened into an incident joins only its own area's, never a neighbour's.
        near = None
        if place.located and reopened_from is None and nearest:
            near = _nearest_open(session, place)
        if near is not None:
            return near, False, reporters_count(session, near)

        # Written with Core, the row it wrote taken back whole (RETURNING) and attached as the
        # ORM would load it: the unit of work of `session.add` and its flush cost as much as
        # the rest of a new area's report.
        conn = connection_of(session)
        row = _INSERT_INCIDENT.first(
            conn,
            {
                "area_key": key,
                "city": place.city,
                "district": place.district,
                "latitude": place.latitude,
                "longitude": place.longitude,
                "status": OPEN,
                "started_at": reported_at,
                "start_set_by_operator": False,
                "estimate_version": 0,
                "force_majeure": False,
                "planned": False,
                "reopened_from_id": reopened_from.id if reopened_from else None,
            },
        )
        assert row is not None  # an INSERT without a conflict clause returns its one row
        incident = _attached(session, Incident, row._asdict())
        claimed = _claim_of(session).first(conn, {"area_key": key, "incident_id": incident.id})
        if claimed is not None:
            return incident, True, 0
        # Another worker opened this area's incident meanwhile: drop ours and join theirs.
        session.delete(incident)
        session.flush()
    raise RuntimeError(f"could not claim the open incident of area {key!r}")


def _claim_of(session: Session) -> Prepared:
    """The claim of an area's open incident, built once for the session's dialect."""
    dialect = connection_of(session).dialect.name
    claim = _CLAIM_AREA.get(dialect)
    if claim is None:
        values: dict[str, Any] = {
            "area_key": bindparam("area_key"),
            "incident_id": bindparam("incident_id"),
        }
        claim = _CLAIM_AREA[dialect] = Prepared(
            _insert_ignoring(session, OpenArea, values, ["area_key"]).returning(
                _OPEN_AREAS.c.area_key
            )
        )
    return claim


def _nearest_open(session: Session, place: Place) -> Incident | None:
    lat, lon = place.latitude, place.longitude
    if lat is None or lon is None:
        return None
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, JOIN_DISTANCE_KM)
    candidates = session.scalars(
        select(Incident)
        .where(
            Incident.status == OPEN,
            Incident.latitude.between(min_lat, max_lat),
            Incident.longitude.between(min_lon, max_lon),
        )
        .with_for_update(read=True, key_share=True)  # waits for a withdrawal, as the area join
    )
    best: tuple[float, Incident] | None = None
    for incident in candidates:
        if incident.latitude is None or incident.longitude is None:  # `between` keeps none
            continue
        km = distance_km(lat, lon, incident.latitude, incident.longitude)
        if km <= JOIN_DISTANCE_KM and (best is None or km < best[0]):
            best = (km, incident)
    return best[1] if best else None


def _insert_report(session: Session, values: dict) -> OutageReport | None:
    """The new report, or None when the sender already has one in the incident (a race).
    Inserted with a Core statement built once; the ORM object is made from the values written
    (RETURNING only the id, which tells whether the row is ours) instead of being loaded."""
    values = {**values, "created_at": utcnow()}
    conn = connection_of(session)
    statement = _INSERT_REPORT.get(conn.dialect.name)
    if statement is None:
        columns: dict[str, Any] = {name: bindparam(name) for name in values}
        statement = _INSERT_REPORT[conn.dialect.name] = Prepared(
            _insert_ignoring(
                session, _REPORTS, columns, ["incident_id", "channel", "sender"]
            ).returning(_REPORTS.c.id)
        )
    new_id = statement.scalar(conn, values)
    if new_id is None:
        return None
    return _attached(session, OutageReport, {"id": new_id, **values})


def _attached(session: Session, model: Any, values: dict[str, Any]) -> Any:
    """The object of a row read or written with Core, in the session as if the ORM had loaded
    it (later changes to it are saved); the session's own object when it already has one."""
    new_instance, identity_class = _loading_of(model)
    key = (identity_class, (values["id"],), None)
    known = session.identity_map.get(key)
    if known is not None:
        return known
    # Filled as the ORM fills a loaded object (no attribute events: nothing is a change yet).
    instance = new_instance()
    instance.__dict__.update(values)
    dispatch = session.dispatch
    if dispatch.before_attach or dispatch.after_attach or dispatch.detached_to_persistent:
        # Someone watches objects joining the session: the public way, which tells them.
        make_transient_to_detached(instance)
        session.add(instance)
        return instance
    # Attached as `loading.py` attaches a row it has just read: the identity key, the session,
    # the identity map. (`Session.add` of a detached object walks its relationships for
    # cascades, none of them loaded here, and expires every attribute not given: a tenth of
    # an outage report's CPU.) An attribute not given (a deferred column, a relationship)
    # is loaded when read, as on a loaded object.
    state = instance_state(instance)
    session._autobegin_t()  # the session joins the turn's transaction, as `add` would make it
    state.key, state.identity_token = key, None
    state.session_id = session.hash_key
    session.identity_map._add_unpresent(state, key)
    return instance


@cache
def _loading_of(model: Any) -> tuple[Callable[[], Any], type]:
    # The mappers are configured first, as a constructor would do itself: until then the
    # attributes have no implementation and reading one fails.
    configure_mappers()
    mapper = inspect(model)
    return manager_of_class(model).new_instance, mapper._identity_class


def _widen_start(incident: Incident, reported_at: datetime) -> None:
    # Reports can arrive out of order in a burst; the outage began at the earliest one.
    if not incident.start_set_by_operator and reported_at < incident.start:
        incident.started_at = reported_at


def _is_blank(place: Place) -> bool:
    return not (place.district or place.located or place.account or place.premise)


def _place_of(report: OutageReport) -> Place:
    return Place(
        report.city,
        report.district,
        report.latitude,
        report.longitude,
        report.account,
        report.premise,
    )


def _insert_ignoring(session: Session, model: Any, values: dict, conflict_columns: list[str]):
    """INSERT ... ON CONFLICT DO NOTHING on SQLite and PostgreSQL (add RETURNING to learn whether the row is new)."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return (
            sqlite_insert(model)
            .values(**values)
            .on_conflict_do_nothing(index_elements=conflict_columns)
        )
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgres_insert

        return (
            postgres_insert(model)
            .values(**values)
            .on_conflict_do_nothing(index_elements=conflict_columns)
        )
    raise NotImplementedError(f"outage incidents need SQLite or PostgreSQL, not {dialect}")


__all__ = [
    "IncidentNotFound",
    "OutageError",
    "ReportOutcome",
    "find_incident",
    "find_report",
    "flag_urgent",
    "latest_report",
    "list_incidents",
    "parse_reference",
    "report_outage",
    "reporters_count",
    "reports_by_sender",
    "reports_of",
    "restore_incident",
    "update_incident",
    "urgent_reports",
]
