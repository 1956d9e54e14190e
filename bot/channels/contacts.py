"""What the outbound senders need to know of a contact before writing to them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.storage.base import aware
from bot.storage.db import session_scope
from bot.storage.models import Contact

# A transport's error for a contact who sent STOP: permanent, never retried.
OPTED_OUT = "opted_out"


@dataclass(frozen=True)
class ContactState:
    opted_out: bool
    last_inbound_at: datetime | None


def contact_state(url: str, channel: str, sender: str) -> ContactState:
    """A contact we never heard from has not opted out and has no open WhatsApp window."""
    with session_scope(url) as session:
        contact = session.get(Contact, (channel, sender))
        if contact is None:
            return ContactState(opted_out=False, last_inbound_at=None)
        return ContactState(
            opted_out=contact.opted_out_at is not None,
            last_inbound_at=aware(contact.last_inbound_at),
        )
