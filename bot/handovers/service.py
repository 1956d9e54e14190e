"""Recording hand-over requests, and the short memory of a conversation they carry."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.handovers.models import Handover
from bot.storage.models import Contact

HANDOVER_PREFIX = "HO-"
# What a contact row remembers of its conversation, for a hand-over: enough for an operator to
# see what went wrong, and no more (the rest is not kept).
RECENT_MESSAGES = 10
RECENT_CHARS = 500  # of each message
RECENT_FOR = timedelta(days=1)


def handover_ref(handover: Handover) -> str:
    return f"{HANDOVER_PREFIX}{handover.id:06d}"


def remember(contact: Contact, at: datetime, by: str, texts: list[str]) -> None:
    """Add messages to the contact's short memory (a new list, so the JSON column is saved);
    what is older than a day is dropped: it says nothing about today's request."""
    entries = [
        {"at": at.isoformat(), "by": by, "text": text[:RECENT_CHARS]} for text in texts if text
    ]
    if not entries:
        return
    contact.recent_messages = [*_recent(contact, at), *entries][-RECENT_MESSAGES:]


def _recent(contact: Contact, at: datetime) -> list[dict[str, str]]:
    since = at - RECENT_FOR
    return [e for e in contact.recent_messages or [] if datetime.fromisoformat(e["at"]) >= since]


def record_handover(
    session: Session, contact: Contact, *, text: str, lang: str, danger: bool, at: datetime
) -> Handover:
    handover = Handover(
        channel=contact.channel,
        sender=contact.sender,
        phone=contact.phone,
        lang=lang,
        danger=danger,
        text=text[:RECENT_CHARS],
        transcript=_recent(contact, at),
        status="open",
        requested_at=at,
    )
    session.add(handover)
    session.flush()
    return handover


def list_handovers(session: Session, include_closed: bool = False) -> list[Handover]:
    """Danger first, then the oldest waiting first."""
    query = select(Handover).order_by(Handover.danger.desc(), Handover.requested_at, Handover.id)
    if not include_closed:
        query = query.where(Handover.status == "open")
    return list(session.scalars(query))


def as_json(handover: Handover) -> dict[str, Any]:
    return {
        "ref": handover_ref(handover),
        "channel": handover.channel,
        "phone": handover.phone,
        "lang": handover.lang,
        "danger": handover.danger,
        "text": handover.text,
        "status": handover.status,
        "requested_at": handover.requested_at.isoformat(),
        "transcript": handover.transcript,
    }
