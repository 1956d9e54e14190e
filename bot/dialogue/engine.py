"""The conversation engine: one inbound message in, replies out.

Each message is one unit of work on the database: the subscriber's contact row (language, phone,
opt-out, open flow and its state) is loaded, the router picks what answers the message, and what
the flow left behind is committed with the replies. A restart between two messages loses nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from bot.billing import BillingAdapter, billing_adapter
from bot.billing.embedded import as_of, reading_through
from bot.config import Settings
from bot.coordination import coordination
from bot.dialogue import contact_rows
from bot.dialogue.contact_rows import ContactRow
from bot.dialogue.messages import Inbound, Reply, reply_to_json
from bot.dialogue.router import route
from bot.dialogue.turn import Turn
from bot.handovers.service import remember
from bot.i18n import texts
from bot.outages.service import reports_read
from bot.storage.db import engine_for
from bot.storage.prepared import Along, Read, sends_ahead

# What the channel stores with the turn's answer (bot/channels/answering.py): a write made
# with the contact row's (`contact_rows.save`), so that on PostgreSQL both are one round trip.
KeepAnswer = Callable[[list[Reply]], Along]


class Claim(Protocol):
    """The channel's claim of the message id, made with the turn's first statement."""

    def along(self) -> Along:
        """The claim's write (an insert that skips a duplicate key, with RETURNING)."""
        ...

    def claimed_before(self, conn: Connection) -> None:
        """The write inserted nothing: returns when this turn may go on all the same (a dead
        claim taken over), else raises what ends the turn."""
        ...


@dataclass(frozen=True)
class Outcome:
    replies: list[Reply]
    intent: str


class Engine:
    def __init__(
        self, settings: Settings | None = None, billing: BillingAdapter | None = None
    ) -> None:
        self.settings = settings or Settings.from_env()
        self.billing = billing or billing_adapter(self.settings)
        self.coordination = coordination(self.settings)

    def handle(self, message: Inbound) -> list[Reply]:
        return self.respond(message).replies

    def respond(
        self,
        message: Inbound,
        keep_answer: KeepAnswer | None = None,
        claim: Claim | None = None,
    ) -> Outcome:
        """`keep_answer(replies)` gives the write that stores the answer of the message id,
        made with the turn's last statement, just before its commit; it is not called when no
        database work is done (a rate-limited message). `claim` is made with the turn's first
        statement (the channel claims the message id with the turn's commit); what its
        `claimed_before` raises ends the turn."""
        # Over the rate limit: a "slow down" once per window, then silence; no database work.
        gate = self.coordination.admit(message)
        if gate.refused:
            return Outcome(replies=gate.replies, intent="rate_limited")
        with self.coordination.sender_lock(message.channel, message.sender):
            for attempt in range(2):
                try:
                    return self._respond_once(message, keep_answer, claim)
                except IntegrityError:
                    # Two first messages from one new sender raced to create the contact row;
                    # the second attempt finds the row the other one made.
                    if attempt:
                        raise
        raise AssertionError("unreachable")

    def _respond_once(
        self,
        message: Inbound,
        keep_answer: KeepAnswer | None,
        claim: Claim | None = None,
    ) -> Outcome:
        # One connection and one transaction a turn, committed once when the block ends (rolled
        # back if it raises): the claim, what the turn did, its stored answer. The ORM session
        # of the flows joins that transaction (its flushes write there; it commits nothing of
        # its own), and the turn's hot statements run on the connection directly.
        with engine_for(self.settings.database_url).connect() as conn, conn.begin():
            loaded = None
            ahead = self._reads_ahead(conn, message)
            if claim is not None:  # the message id, claimed in this turn's transaction
                loaded = contact_rows.load_after(
                    conn, claim.along(), message.channel, message.sender, ahead
                )
                if loaded is None:
                    claim.claimed_before(conn)  # (raises unless a dead claim was taken over)
            if loaded is None:
                loaded = contact_rows.load(conn, message.channel, message.sender, ahead)
            contact = self._fresh(loaded.contact, message, is_new=loaded.is_new)
            turn = Turn(
                message=message,
                contact=contact,
                connection=conn,
                settings=self.settings,
                billing=self.billing,
                tr=texts(contact.lang or self.settings.lang),
            )
            try:
                with reading_through(conn), as_of(turn.today):
                    route(turn)
                self._record(turn)
                if turn.made_session is not None:
                    turn.made_session.flush()  # what the flows wrote through the ORM goes first
            finally:
                turn.close_session()
            stored = keep_answer(turn.replies) if keep_answer is not None else None
            # The turn's last statement: on PostgreSQL the commit is sent with it.
            contact_rows.save(conn, loaded, along=stored, commit=True)
            return Outcome(replies=turn.replies, intent=turn.intent)

    def _reads_ahead(self, conn: Connection, message: Inbound) -> list[Read]:
        """What many turns of a sender with a phone read, sent with the turn's first statement
        on PostgreSQL, one round trip for all: their outage reports (a report, its status) and
        their accounts (a bill, a report's premises). A turn that reads them first gets them
        without a round trip; one that wrote anything before reads them again."""
        phone = message.phone
        if not phone or not sends_ahead(conn):
            return []
        reports = reports_read(channel=message.channel, sender=message.sender, phone=phone)
        return [reports, *self.billing.reads_ahead(conn, phone)]

    @staticmethod
    def _record(turn: Turn) -> None:
        """The message and its answer kept on the contact (the conversation an operator reads,
        the last answer for «تفاصيل»), and when it came."""
        contact, message = turn.contact, turn.message
        remember(
            contact,
            message.received_at,
            ("subscriber", [_inbound_text(message)]),
            ("bot", [reply.text for reply in turn.replies]),
        )
        if turn.replies:
            contact.last_replies = [reply_to_json(reply) for reply in turn.replies]
        contact.last_inbound_at = message.received_at
        contact.state_updated_at = message.received_at

    def _fresh(self, contact: ContactRow, message: Inbound, *, is_new: bool) -> ContactRow:
        """The contact as this message finds it: an idle conversation's flow is forgotten."""
        if not is_new and contact.flow and self._expired(contact, message):
            contact.flow, contact.state = None, {}
        if message.phone and contact.phone != message.phone:
            contact.phone = message.phone
        return contact

    def _expired(self, contact: ContactRow, message: Inbound) -> bool:
        last = contact.state_updated_at
        idle = timedelta(minutes=self.settings.session_idle_minutes)
        return last is None or message.received_at - last > idle


def _inbound_text(message: Inbound) -> str:
    """What the subscriber sent, as an operator reading a hand-over needs to see it."""
    parts = [message.text or ""]
    if message.location is not None:
        parts.append(f"[location {message.location.latitude:.5f},{message.location.longitude:.5f}]")
    if message.has_media:
        parts.append("[photo]" if message.media else "[attachment]")
    return " ".join(part for part in parts if part)
