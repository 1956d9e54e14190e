"""The operator's actions on an incident, as the token API and the console both run them.

Each checks first that every reporter can be told (a transport for their channel), changes the
incident in one transaction, and says which notice event is due; the caller sends it with
`notify_incident_event` after answering (a background task), as `sadeeq outages` does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bot.channels.outbound import OutboundSender
from bot.outages.models import Incident, OutageReport
from bot.outages.notify import ESTIMATE, RESTORED_EVENT, channels_to_notify, notify_pending
from bot.outages.service import (
    find_incident,
    reporters_count,
    restore_incident,
    update_incident,
    urgent_reports,
)
from bot.outages.views import incident_view
from bot.storage.db import session_factory, session_scope

TransportProblem = Callable[[set[str]], str | None]


class NoTransport(Exception):
    """A reporter's channel has no transport: nothing is changed or sent."""


def summary(session: Session, incident) -> dict:
    """The incident as the API lists it (reporters, urgent ones)."""
    return incident_view(
        incident, reporters_count(session, incident), urgent_reports(session, incident)
    )


def summaries(session: Session, incidents: list[Incident]) -> list[dict]:
    """`summary` of many incidents, their reporters counted in one query (a list of thirty
    incidents with ten thousand reports would otherwise make sixty)."""
    ids = [incident.id for incident in incidents]
    counts: dict[int, tuple[int, int]] = {}
    for start in range(0, len(ids), 500):  # a bounded IN list
        chunk = ids[start : start + 500]
        counts.update(
            (incident_id, (int(reporters), int(urgent or 0)))
            for incident_id, reporters, urgent in session.execute(
                select(
                    OutageReport.incident_id,
                    func.count(OutageReport.id),
                    func.sum(case((OutageReport.urgent.is_(True), 1), else_=0)),
                )
                .where(OutageReport.incident_id.in_(chunk))
                .group_by(OutageReport.incident_id)
            )
        )
    return [incident_view(i, *counts.get(i.id, (0, 0))) for i in incidents]


def require_transports(
    session: Session, incident_id: int, problem: TransportProblem, *, pending_only: bool = False
) -> None:
    channels = channels_to_notify(session, incident_id, pending_only=pending_only)
    if found := problem(channels):
        raise NoTransport(found)


def update(
    database_url: str, ref: str, changes: Mapping[str, Any], problem: TransportProblem
) -> tuple[dict, int, str | None]:
    """`changes`: update_incident's keyword arguments (None: unchanged). Returns the incident's
    summary, its id, and ESTIMATE when the estimate changed (None otherwise)."""
    with session_scope(database_url) as session:
        incident = find_incident(session, ref)
        before = incident.estimate_version
        if changes.get("eta") is not None:
            require_transports(session, incident.id, problem)
        incident = update_incident(session, ref, **changes)
        event = ESTIMATE if incident.estimate_version != before else None
        return summary(session, incident), incident.id, event


def restore(
    database_url: str, ref: str, at: datetime | None, problem: TransportProblem
) -> tuple[dict, int]:
    """Power is back at `at` (default: now; a rerun keeps the first restoration time)."""
    with session_scope(database_url) as session:
        incident = find_incident(session, ref)
        require_transports(session, incident.id, problem)
        ended = incident.end if not incident.is_open else None
        when = at or ended or datetime.now(UTC)
        incident = restore_incident(session, ref, at=when)
        return summary(session, incident), incident.id


def resume_notices(
    database_url: str,
    ref: str,
    sender: OutboundSender,
    problem: TransportProblem,
    *,
    resend_unconfirmed: bool = False,
) -> int:
    """Send what a crash or a failed send left unsent for this incident; how many went out."""
    with session_scope(database_url) as session:
        incident_id = find_incident(session, ref).id
        require_transports(session, incident_id, problem, pending_only=True)
    return notify_pending(
        session_factory(database_url),
        sender,
        incident_id=incident_id,
        resend_unconfirmed=resend_unconfirmed,
    )


__all__ = [
    "RESTORED_EVENT",
    "NoTransport",
    "require_transports",
    "restore",
    "resume_notices",
    "summary",
    "update",
]
