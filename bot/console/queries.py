"""What the console's pages read that no operator command reads yet: reports with their
reporters masked, and the notices of every event counted by outcome. Nothing here changes data."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.channels.delivery_status import NOT_DELIVERED
from bot.hazards.models import HAZARD_PREFIX, HazardNotification
from bot.hazards.models import REPORT_PREFIX as HAZARD_REPORT_PREFIX
from bot.hazards.models import format_reference as hazard_reference
from bot.logs import mask_numbers
from bot.notices import ledger
from bot.notices.models import NoticeSend
from bot.outages.models import (
    INCIDENT_PREFIX,
    REPORT_PREFIX,
    OutageMedia,
    OutageNotification,
    OutageReport,
    format_reference,
)
from bot.storage.db import engine_for

FAILURES_SHOWN = 200  # the newest; the CLI (`outages show`) lists every one
DELIVERED = ("delivered", "read")


def masked(text: str | None) -> str:
    return mask_numbers(text) if text else ""


def incident_reports(session: Session, incident_id: int) -> list[dict]:
    """Every report of an incident with what an operator may see of its reporter."""
    media: dict[int, list[OutageMedia]] = defaultdict(list)
    for item in session.scalars(
        select(OutageMedia)
        .join(OutageReport, OutageReport.id == OutageMedia.report_id)
        .where(OutageReport.incident_id == incident_id)
        .order_by(OutageMedia.id)
    ):
        media[item.report_id].append(item)
    reports = session.scalars(
        select(OutageReport)
        .where(OutageReport.incident_id == incident_id)
        .order_by(OutageReport.reported_at, OutageReport.id)
    )
    return [
        {
            "reference": r.reference,
            "channel": r.channel,
            "who": masked(r.phone or r.sender),
            "reported_at": r.reported_at,
            "stated_start": r.stated_start,
            "place": " / ".join(p for p in (r.city, r.district) if p),
            "address": masked(r.address),
            "premise": masked(r.premise),
            "latitude": r.latitude,
            "longitude": r.longitude,
            "urgent": bool(r.urgent),
            "still_off": bool(r.still_off),
            "media": [
                {"id": m.id, "status": m.status, "type": m.content_type or "", "error": m.error}
                for m in media.get(r.id, [])
            ],
        }
        for r in reports
    ]


def outage_media(session: Session, incident_id: int, media_id: int) -> OutageMedia | None:
    item = session.get(OutageMedia, media_id)
    if item is None or item.data is None:
        return None
    report = session.get(OutageReport, item.report_id)
    return item if report is not None and report.incident_id == incident_id else None


def _counted(rows) -> dict:
    counts = {"sent": 0, "pending": 0, "failed": 0, "delivered": 0, "undelivered": 0, "all": 0}
    for status, delivery, n in rows:
        counts["all"] += n
        if status in ("sent", "failed"):
            counts[status] += n
        elif status in ("pending", "sending"):
            counts["pending"] += n
        if delivery in DELIVERED:
            counts["delivered"] += n
        elif delivery in NOT_DELIVERED:
            counts["undelivered"] += n
    return counts


def incident_notices(session: Session, incident_id: int | None = None) -> list[dict]:
    """Each incident event ("estimate:2", "restored") with its notices counted by outcome."""
    N = OutageNotification
    query = select(N.incident_id, N.event, N.status, N.delivery_status, func.count()).group_by(
        N.incident_id, N.event, N.status, N.delivery_status
    )
    if incident_id is not None:
        query = query.where(N.incident_id == incident_id)
    grouped: dict[tuple[int, str], list] = defaultdict(list)
    for incident, event, status, delivery, n in session.execute(query):
        grouped[(incident, event)].append((status, delivery, n))
    return [
        {
            "target": format_reference(INCIDENT_PREFIX, incident),
            "event": event,
            **_counted(rows),
        }
        for (incident, event), rows in sorted(grouped.items(), key=lambda kv: (-kv[0][0], kv[0][1]))
    ]


def hazard_notices(session: Session) -> list[dict]:
    N = HazardNotification
    grouped: dict[tuple[int, str], list] = defaultdict(list)
    for hazard, event, status, delivery, n in session.execute(
        select(N.hazard_id, N.event, N.status, N.delivery_status, func.count()).group_by(
            N.hazard_id, N.event, N.status, N.delivery_status
        )
    ):
        grouped[(hazard, event)].append((status, delivery, n))
    return [
        {"target": hazard_reference(HAZARD_PREFIX, hazard), "event": event, **_counted(rows)}
        for (hazard, event), rows in sorted(grouped.items(), key=lambda kv: -kv[0][0])
    ]


def notice_failures(session: Session, incident_id: int | None = None) -> list[dict]:
    """Outage and hazard notices that failed to send or were not delivered, newest first."""
    failed = []
    sources: tuple[tuple[Any, str, str], ...] = (
        (OutageNotification, INCIDENT_PREFIX, "incident_id"),
        (HazardNotification, HAZARD_PREFIX, "hazard_id"),
    )
    for model, prefix, owner in sources:
        if incident_id is not None and model is not OutageNotification:
            continue
        query = (
            select(model)
            .where(or_(model.status == "failed", model.delivery_status.in_(NOT_DELIVERED)))
            .order_by(model.id.desc())
            .limit(FAILURES_SHOWN)
        )
        if incident_id is not None:
            query = query.where(model.incident_id == incident_id)
        for note in session.scalars(query):
            failed.append(
                {
                    "target": format_reference(prefix, getattr(note, owner)),
                    "report": format_reference(
                        REPORT_PREFIX if model is OutageNotification else HAZARD_REPORT_PREFIX,
                        note.report_id,
                    ),
                    "event": note.event,
                    "status": note.delivery_status or note.status,
                    "code": note.delivery_error or "",
                    "error": masked(note.error),
                    "at": note.sent_at or note.created_at,
                }
            )
    return failed


def broadcasts(database_url: str, session: Session) -> list[dict]:
    """Each month's bill-notice broadcast, as `sadeeq notices report` counts it."""
    engine = engine_for(database_url)
    months = session.scalars(
        select(NoticeSend.month).distinct().order_by(NoticeSend.month.desc()).limit(24)
    )
    result = []
    for month in months:
        states = ledger.counts(engine, month)
        result.append(
            {
                "month": month,
                "sent": states["sent"],
                "pending": states["pending"] + states["sending"],
                "failed": states["failed"],
                "delivered": ledger.delivered(engine, month),
                "undelivered": sum(ledger.undelivered(engine, month).values()),
                "failures": {
                    **{masked(k): v for k, v in ledger.failures(engine, month).items()},
                    **ledger.undelivered(engine, month),
                },
            }
        )
    return result
