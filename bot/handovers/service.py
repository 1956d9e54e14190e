"""Recording hand-over requests, and the short memory of a conversation they carry."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import null, or_, select, update
from sqlalchemy.orm import Session

from bot.handovers.models import Handover
from bot.outages.service import parse_reference
from bot.storage.base import utcnow
from bot.storage.db import engine_for
from bot.storage.models import Contact

if TYPE_CHECKING:
    from bot.dialogue.contact_rows import ContactRow

HANDOVER_PREFIX = "HO"
# What a contact row remembers of its conversation, for a hand-over: enough for an operator to
# see what went wrong, and no more (the rest is not kept).
RECENT_MESSAGES = 10
RECENT_CHARS = 500  # of each message
RECENT_FOR = timedelta(days=1)


def handover_ref(handover: Handover) -> str:
    return f"{HANDOVER_PREFIX}-{handover.id:06d}"


def remember(contact: Contact | ContactRow, at: datetime, *said: tuple[str, list[str]]) -> None:
    """Add messages to the contact's short memory (a new list, so the JSON column is saved),
    each `(by, texts)` of `said` in turn; what is older than a day is dropped: it says nothing
    about today's request. (A turn's message and its answer are given together: one time
    written, the old ones read once.)"""
    when = at.isoformat()
    entries = [
        {"at": when, "by": by, "text": text[:RECENT_CHARS]}
        for by, texts in said
        for text in texts
        if text
    ]
    if not entries:
        return
    contact.recent_messages = [*_recent(contact, at), *entries][-RECENT_MESSAGES:]


def _recent(contact: Contact | ContactRow, at: datetime) -> list[dict[str, str]]:
    since = at - RECENT_FOR
    return [e for e in contact.recent_messages or [] if datetime.fromisoformat(e["at"]) >= since]


def forget_silent(url: str, keep: timedelta, now: datetime | None = None) -> int:
    """Drop the short memory of contacts who have not written for `keep` (the retention of
    answered messages, SADEEQ_DELIVERIES_RETENTION_DAYS): what they said is kept for a
    hand-over today, not for ever. Returns how many contacts were cleared."""
    table = Contact.__table__
    cutoff = (now or utcnow()) - keep
    with engine_for(url).begin() as conn:
        cleared = conn.execute(
            update(table)
            .where(
                table.c.recent_messages.is_not(None),
                or_(table.c.last_inbound_at.is_(None), table.c.last_inbound_at < cutoff),
            )
            .values(recent_messages=null())  # SQL NULL, not the JSON "null"
        )
    return int(cleared.rowcount or 0)


def record_handover(
    session: Session,
    contact: Contact | ContactRow,
    *,
    text: str,
    lang: str,
    danger: bool,
    at: datetime,
) -> tuple[Handover, bool]:
    """The contact's hand-over request, and whether it is new. A contact with one still open
    (not yet closed by an operator) gets that one back, never a second: the messages since and
    this request are added to its transcript, and it is marked danger if this one is."""
    waiting = session.scalars(
        select(Handover)
        .where(
            Handover.channel == contact.channel,
            Handover.sender == contact.sender,
            Handover.status == "open",
        )
        .order_by(Handover.id)
        .limit(1)
    ).first()
    if waiting is not None:
        _add_to(waiting, contact, text, at)
        waiting.danger = waiting.danger or danger
        session.flush()
        return waiting, False
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
    return handover, True


def _add_to(handover: Handover, contact: Contact | ContactRow, text: str, at: datetime) -> None:
    """The messages said since the request was recorded, then the repeated request itself."""
    known = handover.transcript or []
    last = max((datetime.fromisoformat(e["at"]) for e in known), default=handover.requested_at)
    since = [e for e in _recent(contact, at) if datetime.fromisoformat(e["at"]) > last]
    asked = (
        [{"at": at.isoformat(), "by": "subscriber", "text": text[:RECENT_CHARS]}] if text else []
    )
    handover.transcript = [*known, *since, *asked]  # a new list, so the JSON column is saved


def list_handovers(session: Session, include_closed: bool = False) -> list[Handover]:
    """Danger first, then the oldest waiting first."""
    query = select(Handover).order_by(Handover.danger.desc(), Handover.requested_at, Handover.id)
    if not include_closed:
        query = query.where(Handover.status == "open")
    return list(session.scalars(query))


class HandoverNotFound(LookupError):
    pass


class HandoverClosed(ValueError):
    """The request was closed already: closing it again would overwrite the first note."""


NOTE_CHARS = 2000


def close_handover(
    session: Session, ref: str | int, *, at: datetime, note: str | None = None
) -> Handover:
    """An operator dealt with the request ("HO-000012", "12"): it leaves the open list, with
    when and the operator's note. The one way to close one, for the command line or an API."""
    number = parse_reference(ref, HANDOVER_PREFIX)
    handover = session.get(Handover, number, with_for_update=True) if number else None
    if handover is None:
        raise HandoverNotFound(f"no hand-over request {ref}")
    if handover.status != "open":
        raise HandoverClosed(f"{handover_ref(handover)} is already {handover.status}")
    handover.status = "closed"
    handover.closed_at = at
    handover.note = (note or "").strip()[:NOTE_CHARS] or None
    session.flush()
    return handover


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
        "closed_at": handover.closed_at.isoformat() if handover.closed_at else None,
        "note": handover.note,
        "transcript": handover.transcript,
    }
