"""The terminal's transport for messages the bot starts itself (outage and hazard notices).

`sadeeq outages restore` and `sadeeq chat` are different processes, so a notice for a number
that talks in the terminal is written to `terminal_messages`; the chat of that number shows it
(and marks it shown) while it is open, or as soon as it is opened. "Sent" means it is in that
mailbox, as for Twilio it means Twilio took it: nothing is lost when no chat is open.
"""

from __future__ import annotations

from sqlalchemy import insert, select, update

from bot.channels.contacts import OPTED_OUT, contact_state
from bot.channels.outbound import Outbound, OutboundSender, SendResult
from bot.storage.base import utcnow
from bot.storage.db import engine_for
from bot.storage.models import TerminalMessage

TABLE = TerminalMessage.__table__


class TerminalSender(OutboundSender):
    def __init__(self, database_url: str) -> None:
        self.database_url = database_url

    def send(self, message: Outbound) -> SendResult:
        if contact_state(self.database_url, "terminal", message.address).opted_out:
            return SendResult(ok=False, permanent=True, error=OPTED_OUT)
        with engine_for(self.database_url).begin() as conn:
            row = conn.execute(
                insert(TABLE)
                .values(phone=message.address, text=message.text, created_at=utcnow())
                .returning(TABLE.c.id)
            ).one()
        return SendResult(ok=True, provider_id=f"terminal-{row.id}")


def take_unshown(database_url: str, phone: str) -> list[str]:
    """The messages for `phone` not shown yet, oldest first, each marked shown. A message two
    chats of one number reach at once goes to the one that marks it first."""
    taken = []
    with engine_for(database_url).begin() as conn:
        waiting = conn.execute(
            select(TABLE.c.id, TABLE.c.text)
            .where(TABLE.c.phone == phone, TABLE.c.shown_at.is_(None))
            .order_by(TABLE.c.id)
        ).all()
        for message_id, text in waiting:
            marked = conn.execute(
                update(TABLE)
                .where(TABLE.c.id == message_id, TABLE.c.shown_at.is_(None))
                .values(shown_at=utcnow())
            )
            if marked.rowcount == 1:
                taken.append(text)
    return taken
