"""Hazard reports joined into hazards, the photos kept with them, and the operator's actions.

Every function takes a SQLAlchemy Session the caller owns: nothing here commits, so a report and
the dialogue's own state are saved together.

Near-duplicates: a report joins an open hazard of the same kind reported within the last day
that is within JOIN_DISTANCE_M of its shared location, or, when neither has a location, that
has the same place in words (spelling aside) naming a known district of one city: a landmark
alone ("عند المدرسة", "عند بيتنا") or with a city only could be anywhere, so reports are never
joined on it. Nor do two reports of one kind that name different equipment ("sparks from the
meter" and "smoke from the transformer": both sparks or fire) join. Worded differently, two reports
naming the same known district join within DISTRICT_JOIN_WINDOW ("صندوق مفتوح جنب المدرسة بحي
الياسمين", then "طبلون مفتوح في الياسمين قريب من المدرسة"): a district may hold two such hazards,
but rarely two reported within the hour. Every reporter keeps a report of their own; a
reporter who reports the same hazard again gets their first report back.

Reports of one kind arriving at the same moment must not each open a hazard: on PostgreSQL the
search and the insert run under a transaction-scoped advisory lock per kind (held until the
caller commits, so keep slow work such as fetching photos before `report_hazard`). SQLite takes
one writer at a time anyway.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, text
from sqlalchemy.orm import Session

from bot.dialogue.messages import Media
from bot.hazards.media import Fetched, stored_fields
from bot.hazards.models import (
    ASSIGNED,
    HAZARD_PREFIX,
    OPEN,
    REPORT_PREFIX,
    RESOLVED,
    Hazard,
    HazardMedia,
    HazardReport,
)
from bot.hazards.vocabulary import hazard_kinds_named, is_urgent_kind, names_area
from bot.outages.area import bounding_box, distance_km, normalize_place
from bot.outages.places import find_place
from bot.outages.service import parse_reference
from bot.outages.times import as_utc
from bot.text import ascii_digits

JOIN_DISTANCE_M = 200
JOIN_WINDOW = timedelta(days=1)
DISTRICT_JOIN_WINDOW = timedelta(hours=1)
ADVISORY_LOCK_SPACE = 7_320_715  # any fixed number of ours: the first key of the lock


class HazardError(ValueError):
    """An operator request that cannot be carried out; the message says why, in one line."""


class HazardNotFound(HazardError):
    pass


@dataclass(frozen=True)
class HazardOutcome:
    report: HazardReport
    hazard: Hazard
    is_new_report: bool
    reporters_count: int  # reporters of the hazard, this one included


def report_hazard(
    session: Session,
    *,
    channel: str,
    sender: str,
    phone: str | None,
    lang: str,
    reported_at: datetime,
    kind: str,
    danger: bool = False,
    text: str | None = None,
    place: str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    address: str | None = None,
) -> HazardOutcome:
    reported_at = as_utc(reported_at)
    _one_reporter_of_a_kind_at_a_time(session, kind)
    located = latitude is not None and longitude is not None
    place_key = None if located else _place_key(place)
    hazard = _near_duplicate(session, kind, reported_at, latitude, longitude, place_key)
    if hazard is not None and not _same_equipment(session, hazard, kind, text):
        hazard = None
    if hazard is None:
        hazard = Hazard(
            kind=kind,
            urgent=False,
            status=OPEN,
            latitude=latitude,
            longitude=longitude,
            place=place,
            place_key=place_key,
            first_reported_at=reported_at,
            last_reported_at=reported_at,
        )
        session.add(hazard)
        session.flush()
    else:
        existing = _reporter_in(session, hazard, channel, sender, phone)
        if existing is not None:
            return HazardOutcome(existing, hazard, False, reporters_count(session, hazard))
    report = HazardReport(
        hazard_id=hazard.id,
        channel=channel,
        sender=sender,
        phone=phone,
        lang=(lang or "ar")[:2],
        reported_at=reported_at,
        kind=kind,
        danger=danger,
        text=text,
        place=place,
        latitude=latitude,
        longitude=longitude,
        address=address,
    )
    session.add(report)
    hazard.urgent = bool(hazard.urgent or danger or is_urgent_kind(kind))
    hazard.last_reported_at = max(as_utc(hazard.last_reported_at), reported_at)
    hazard.first_reported_at = min(as_utc(hazard.first_reported_at), reported_at)
    if hazard.place is None and place:
        hazard.place = place
    session.flush()
    return HazardOutcome(report, hazard, True, reporters_count(session, hazard))


def add_city(session: Session, report: HazardReport, city: str) -> None:
    """The city of a district named without one ("حي الروضة": Riyadh or Jeddah), told after the
    report was recorded: added to the report, and to its hazard when the hazard's place is the
    one this report gave (what the team reads to find it)."""
    hazard = session.get(Hazard, report.hazard_id)
    before = report.place
    report.place = f"{before}، {city}" if before else city
    if hazard is not None and hazard.place == before:
        hazard.place = report.place
    session.flush()


def note_on_report(session: Session, report: HazardReport, text: str | None) -> None:
    """What the reporter said after the report (why they want it withdrawn), kept with their
    words for the team."""
    if text:
        report.text = f"{report.text}\n{text}" if report.text else text
        session.flush()


def correct_place(session: Session, report: HazardReport, place: str) -> None:
    """The place put right after the report was recorded ("لا غلطت، حي النخيل مو النزهة"): the
    report's place is the one said now, and so is its hazard's when the hazard's place was the
    one this report gave (what the team reads to find it)."""
    hazard = session.get(Hazard, report.hazard_id)
    before = report.place
    report.place = place
    if hazard is not None and hazard.place == before:
        hazard.place = place
        if hazard.latitude is None:
            hazard.place_key = _place_key(place)
    session.flush()


def add_place(
    session: Session,
    report: HazardReport,
    *,
    place: str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    address: str | None = None,
) -> None:
    """Where it is, sent after the report was recorded: kept with the report, and with its
    hazard when the hazard could not be placed until now (no location, no findable place)."""
    hazard = session.get(Hazard, report.hazard_id)
    if latitude is not None and longitude is not None:
        report.latitude, report.longitude = latitude, longitude
        report.address = address or report.address
        if hazard is not None and hazard.latitude is None:
            hazard.latitude, hazard.longitude = latitude, longitude
    if place:
        report.place = f"{report.place}، {place}" if report.place else place
        if hazard is not None and hazard.place_key is None:
            hazard.place = report.place
            if hazard.latitude is None:
                hazard.place_key = _place_key(report.place)
    session.flush()


def _place_key(place: str | None) -> str | None:
    return (normalize_place(place)[:200] or None) if names_area(place) else None


def keep_media(
    session: Session, report: HazardReport, media: Media, fetched: Fetched
) -> HazardMedia:
    """The photo with the report: its bytes, or its reference and why they are missing."""
    row = HazardMedia(report_id=report.id, **stored_fields(media, fetched))
    session.add(row)
    session.flush()
    return row


def reporters_count(session: Session, hazard: Hazard) -> int:
    return (
        session.scalar(
            select(func.count(HazardReport.id)).where(HazardReport.hazard_id == hazard.id)
        )
        or 0
    )


def reports_of(session: Session, hazard: Hazard) -> list[HazardReport]:
    return list(
        session.scalars(
            select(HazardReport)
            .where(HazardReport.hazard_id == hazard.id)
            .order_by(HazardReport.reported_at, HazardReport.id)
        )
    )


def media_of(session: Session, report_ids: list[int]) -> list[HazardMedia]:
    if not report_ids:
        return []
    return list(
        session.scalars(
            select(HazardMedia)
            .where(HazardMedia.report_id.in_(report_ids))
            .order_by(HazardMedia.id)
        )
    )


def find_report(session: Session, ref: str | int) -> HazardReport | None:
    number = parse_reference(ref, REPORT_PREFIX)
    return session.get(HazardReport, number) if number is not None else None


def latest_report_of(
    session: Session,
    *,
    channel: str,
    sender: str,
    phone: str | None,
    report: int | None = None,
    hazard: int | None = None,
    kind: str | None = None,
) -> tuple[HazardReport, Hazard] | None:
    """The sender's latest safety report and its hazard: by phone across channels when known,
    else by channel+sender (never another number's). `report`: only that report ("HAZ-000012"),
    `hazard`: only a report of theirs on that hazard ("HZ-000012"); None when it is not theirs.
    `kind`: only a report of that kind ("بلاغ الكيبل": a cable), or on a hazard of it."""
    same_sender = (HazardReport.channel == channel) & (HazardReport.sender == sender)
    who = or_(HazardReport.phone == phone, same_sender) if phone else same_sender
    if report is not None:
        who = who & (HazardReport.id == report)
    if hazard is not None:
        who = who & (HazardReport.hazard_id == hazard)
    if kind is not None:
        who = who & or_(HazardReport.kind == kind, Hazard.kind == kind)
    row = session.execute(
        select(HazardReport, Hazard)
        .join(Hazard, Hazard.id == HazardReport.hazard_id)
        .where(who)
        .order_by(HazardReport.reported_at.desc(), HazardReport.id.desc())
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else None


def open_reports_of(
    session: Session, *, channel: str, sender: str, phone: str | None, limit: int = 3
) -> list[tuple[HazardReport, Hazard]]:
    """The sender's safety reports whose hazards are not made safe yet, newest first, one per
    hazard (found as `latest_report_of`), at most `limit`."""
    same_sender = (HazardReport.channel == channel) & (HazardReport.sender == sender)
    who = or_(HazardReport.phone == phone, same_sender) if phone else same_sender
    rows = session.execute(
        select(HazardReport, Hazard)
        .join(Hazard, Hazard.id == HazardReport.hazard_id)
        .where(who, Hazard.status != RESOLVED)
        .order_by(HazardReport.reported_at.desc(), HazardReport.id.desc())
    )
    found: dict[int, tuple[HazardReport, Hazard]] = {}
    for report, hazard in rows:
        found.setdefault(hazard.id, (report, hazard))
        if len(found) >= limit:
            break
    return list(found.values())


def find_hazard(session: Session, ref: str | int) -> Hazard:
    """ "HZ-000012" (or "12") names a hazard; a reporter's "HAZ-000034" names the hazard it joined."""
    text = ref if isinstance(ref, int) else ascii_digits(ref.strip()).upper()
    hazard = None
    if isinstance(text, str) and text.startswith(REPORT_PREFIX):
        report = find_report(session, text)
        hazard = session.get(Hazard, report.hazard_id) if report is not None else None
    else:
        number = parse_reference(text, HAZARD_PREFIX)
        hazard = session.get(Hazard, number) if number is not None else None
    if hazard is None:
        raise HazardNotFound(f"no hazard {ref!r}")
    return hazard


def list_hazards(session: Session, *, include_resolved: bool = False) -> list[Hazard]:
    """Urgent ones first, then the most recently reported."""
    query = select(Hazard).order_by(
        Hazard.urgent.desc(), Hazard.last_reported_at.desc(), Hazard.id.desc()
    )
    if not include_resolved:
        query = query.where(Hazard.status != RESOLVED)
    return list(session.scalars(query))


def assign_hazard(session: Session, ref: str | int, *, to: str, at: datetime) -> Hazard:
    hazard = find_hazard(session, ref)
    name = to.strip()
    if not name:
        raise HazardError("say who it is assigned to (--to)")
    if hazard.is_resolved:
        raise HazardError(f"{hazard.reference} is already resolved")
    hazard.assigned_to, hazard.assigned_at, hazard.status = name[:80], as_utc(at), ASSIGNED
    session.flush()
    return hazard


def resolve_hazard(
    session: Session, ref: str | int, *, at: datetime, note: str | None = None
) -> Hazard:
    """Made safe at `at`. Resolving a resolved hazard again changes nothing (for reruns)."""
    hazard = find_hazard(session, ref)
    if hazard.is_resolved:
        return hazard
    at = as_utc(at)
    if at < as_utc(hazard.first_reported_at):
        raise HazardError("the time it was made safe is before it was reported")
    hazard.status, hazard.resolved_at = RESOLVED, at
    hazard.resolution = (note or "").strip() or None
    session.flush()
    return hazard


def _one_reporter_of_a_kind_at_a_time(session: Session, kind: str) -> None:
    if session.get_bind().dialect.name == "postgresql":
        key = zlib.crc32(kind.encode()) & 0x7FFFFFFF
        session.execute(
            text("SELECT pg_advisory_xact_lock(:space, :key)"),
            {"space": ADVISORY_LOCK_SPACE, "key": key},
        )


def _near_duplicate(
    session: Session,
    kind: str,
    reported_at: datetime,
    latitude: float | None,
    longitude: float | None,
    place_key: str | None,
) -> Hazard | None:
    recent = (
        (Hazard.kind == kind)
        & (Hazard.status != RESOLVED)
        & (Hazard.last_reported_at >= reported_at - JOIN_WINDOW)
    )
    if latitude is not None and longitude is not None:
        km = JOIN_DISTANCE_M / 1000
        min_lat, max_lat, min_lon, max_lon = bounding_box(latitude, longitude, km)
        candidates = session.scalars(
            select(Hazard).where(
                recent,
                Hazard.latitude.between(min_lat, max_lat),
                Hazard.longitude.between(min_lon, max_lon),
            )
        )
        scored = [
            (distance_km(latitude, longitude, h.latitude, h.longitude), h.id, h)
            for h in candidates
            if h.latitude is not None and h.longitude is not None  # as `between` keeps them
        ]
        near = [item for item in scored if item[0] <= km]
        return min(near, key=lambda item: item[:2])[2] if near else None
    district = _district_of(place_key)
    if district is not None and district[1] is not None:
        # Two places in words are one only when they name the same known district of one city:
        # a city alone, or a landmark ("عند بيتنا", "جنب المدرسة"), could be anywhere in it.
        same = session.scalars(
            select(Hazard)
            .where(recent, Hazard.latitude.is_(None), Hazard.place_key == place_key)
            .order_by(Hazard.id)
            .limit(1)
        ).first()
        if same is not None:
            return same
        lately = session.scalars(
            select(Hazard)
            .where(
                recent,
                Hazard.latitude.is_(None),
                Hazard.place_key.is_not(None),
                Hazard.last_reported_at >= reported_at - DISTRICT_JOIN_WINDOW,
            )
            .order_by(Hazard.id)
        )
        return next((h for h in lately if _district_of(h.place_key) == district), None)
    return None


def _same_equipment(session: Session, hazard: Hazard, kind: str, text: str | None) -> bool:
    """The report and the hazard name the same equipment besides their kind, or one of them
    names none ("شرار من العداد" is not "دخان من المحول", though both are sparks or fire)."""
    mine = hazard_kinds_named(text) - {kind}
    if not mine:
        return True
    theirs = frozenset().union(*(hazard_kinds_named(r.text) for r in reports_of(session, hazard)))
    theirs -= {kind}
    return not theirs or bool(mine & theirs)


def _district_of(place_key: str | None) -> tuple[str, str | None] | None:
    """The known district (with its city, when one) a place in words names, else None."""
    named = find_place(place_key or "")
    return (named.district, named.city) if named.district is not None else None


def _reporter_in(
    session: Session, hazard: Hazard, channel: str, sender: str, phone: str | None
) -> HazardReport | None:
    same_sender = (HazardReport.channel == channel) & (HazardReport.sender == sender)
    who = or_(HazardReport.phone == phone, same_sender) if phone else same_sender
    return session.scalars(
        select(HazardReport)
        .where(HazardReport.hazard_id == hazard.id, who)
        .order_by(HazardReport.id)
        .limit(1)
    ).first()
