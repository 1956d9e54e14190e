"""What became of a message we sent: Twilio's status callbacks, recorded on the ledgers.

"sent" on a ledger only means Twilio accepted the message; the callback says later whether it
arrived ("delivered", "read") or not ("undelivered", "failed", with an ErrorCode such as 63016:
outside the WhatsApp window, or 30003: the handset is unreachable). Each (MessageSid, status)
is claimed once by an atomic insert, so Twilio's repeats and retries change nothing twice.
Intermediate statuses (queued, sent...) are kept in `message_statuses` but change no ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, or_, update
from sqlalchemy.exc import IntegrityError

from bot.hazards.models import HazardNotification
from bot.notices.models import NoticeSend
from bot.outages.models import OutageNotification
from bot.storage.base import utcnow
from bot.storage.db import engine_for
from bot.storage.models import MessageStatus

DELIVERED, READ, UNDELIVERED, FAILED = "delivered", "read", "undelivered", "failed"
FINAL = frozenset({DELIVERED, READ, UNDELIVERED, FAILED})
NOT_DELIVERED = (UNDELIVERED, FAILED)
LEDGERS = (NoticeSend, OutageNotification, HazardNotification)


@dataclass(frozen=True)
class StatusCallback:
    message_id: str
    status: str
    error_code: str | None = None
    channel: str | None = None


def record(database_url: str, callback: StatusCallback) -> int | None:
    """Record one callback; returns how many ledger rows it settled, or None for a repeat."""
    engine = engine_for(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                insert(MessageStatus.__table__).values(
                    message_id=callback.message_id,
                    status=callback.status,
                    channel=callback.channel,
                    error_code=callback.error_code,
                    received_at=utcnow(),
                )
            )
            if callback.status not in FINAL:
                return 0
            changed = 0
            for model in LEDGERS:
                table = model.__table__
                where = [table.c.provider_id == callback.message_id]
                if callback.status != READ:
                    # Callbacks can come out of order: a late "delivered" never undoes "read".
                    where.append(
                        or_(table.c.delivery_status.is_(None), table.c.delivery_status != READ)
                    )
                changed += int(
                    conn.execute(
                        update(table)
                        .where(*where)
                        .values(
                            delivery_status=callback.status,
                            delivery_error=callback.error_code
                            if callback.status in NOT_DELIVERED
                            else None,
                        )
                    ).rowcount
                    or 0
                )
            return changed
    except IntegrityError:
        return None


def forget(database_url: str, keep: timedelta, now: datetime | None = None) -> int:
    """Drop callbacks received more than `keep` ago: Twilio's repeats come within minutes, and
    what they settled is on the ledgers. Returns how many were dropped."""
    table = MessageStatus.__table__
    cutoff = (now or utcnow()) - keep
    with engine_for(database_url).begin() as conn:
        dropped = conn.execute(delete(table).where(table.c.received_at < cutoff))
    return int(dropped.rowcount or 0)
