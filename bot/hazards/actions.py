"""The operator's actions on a hazard, as the token API and the console both run them. The
caller tells the reporters after answering: `notify_resolved` in a background task."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.channels.outbound import OutboundSender
from bot.hazards.models import HazardMedia
from bot.hazards.notify import undeliverable_channels
from bot.hazards.service import (
    HazardError,
    HazardNotFound,
    assign_hazard,
    find_hazard,
    reports_of,
    resolve_hazard,
)
from bot.hazards.views import hazard_view
from bot.storage.db import session_scope


class NoTransport(HazardError):
    """The reporters could not be told: nothing is done (the operator fixes the settings)."""


def assign(database_url: str, ref: str, to: str) -> dict:
    with session_scope(database_url) as session:
        hazard = assign_hazard(session, ref, to=to, at=datetime.now(UTC))
        return hazard_view(session, hazard)


def resolve(
    database_url: str, ref: str, sender: OutboundSender, at: datetime | None, note: str | None
) -> tuple[dict, int]:
    """Made safe at `at` (default now): the hazard's view and id, once every reporter's channel
    has a transport (else NoTransport, and nothing changed)."""
    with session_scope(database_url) as session:
        hazard = find_hazard(session, ref)
        missing = undeliverable_channels(session, hazard.id, sender)
        if missing:
            raise NoTransport(f"no transport configured for {', '.join(missing)}; nothing changed")
        hazard = resolve_hazard(session, hazard.id, at=at or datetime.now(UTC), note=note)
        return hazard_view(session, hazard), hazard.id


def photo(database_url: str, ref: str, photo_id: int) -> tuple[bytes, str]:
    """A photo kept with one of the hazard's reports: its bytes and content type."""
    with session_scope(database_url) as session:
        hazard = find_hazard(session, ref)
        found = session.get(HazardMedia, photo_id)
        reports = {r.id for r in reports_of(session, hazard)}
        if found is None or found.report_id not in reports or found.data is None:
            raise HazardNotFound(f"no stored photo {photo_id} on {hazard.reference}")
        return found.data, found.content_type or "application/octet-stream"
