"""One subscriber message being answered: everything a flow needs, in one object.

A flow reads `turn.text`, `turn.phone`, `turn.state`; answers with `turn.say(...)`; moves the
conversation with `turn.begin(flow, **state)` and `turn.finish()`. The engine persists what the flow
left in `contact.flow` / `contact.state` when the turn ends, so a restart resumes mid-flow.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from bot.billing import BillingAdapter, BillingUnavailable
from bot.config import RIYADH, Settings
from bot.dialogue.messages import Choice, Inbound, Reply
from bot.i18n import Texts, texts

if TYPE_CHECKING:
    from bot.billing import Account
    from bot.dialogue.contact_rows import ContactRow


# A closed Session, kept per thread for the next turn that needs one: a new Session sets up its
# identity map, its transaction state and its event dispatch again, about 15 us of an outage
# report's turn; a closed one holds no object, no transaction and no connection, only the
# settings it was made with (below), and takes the new turn's connection as its bind.
_idle = threading.local()


def _session_on(connection: Connection) -> Session:
    session: Session | None = getattr(_idle, "session", None)
    if session is None:
        return Session(bind=connection, expire_on_commit=False)
    _idle.session = None
    session.bind = connection
    return session


@dataclass
class Turn:
    message: Inbound
    contact: ContactRow
    # The turn's connection, in its transaction; the ORM session of the flows is made on it
    # when a flow first asks for one (`session`): most turns (a bill, a question) never do.
    connection: Connection
    settings: Settings
    billing: BillingAdapter
    tr: Texts
    replies: list[Reply] = field(default_factory=list)
    intent: str = "unknown"
    # What the flows read: the message text cleaned by the router (bidi marks gone, length
    # capped, a choice's label turned back into its key). The raw text stays on `message`.
    text: str = ""
    made_session: Session | None = field(default=None, repr=False)
    # The sender's outage reports as read this turn, with the (channel, sender, phone) they
    # were read for: several questions of one turn ask for them
    # (`handlers.common.sender_outage_reports`). The ORM's objects of the turn's session, so a
    # flow's change to one is seen by the next question; forgotten when the turn makes a report.
    outage_reports: tuple[tuple[str, str, str | None], list] | None = field(
        default=None, repr=False
    )
    # The sender's phone and their accounts by it (or the billing's failure to tell them),
    # asked once a turn (billing is an HTTP request with the HTTP adapter):
    # `handlers.common.phone_accounts`.
    sender_accounts: tuple[str, list[Account] | BillingUnavailable] | None = field(
        default=None, repr=False
    )

    @property
    def session(self) -> Session:
        """The flows' ORM session: it joins the turn's transaction (its flushes write there; it
        commits nothing of its own, the engine commits the turn once)."""
        session = self.made_session
        if session is None:
            session = self.made_session = _session_on(self.connection)
        return session

    def close_session(self) -> None:
        """The flows' session closed at the end of the turn (its objects detached), and kept
        for this thread's next turn that needs one."""
        session, self.made_session = self.made_session, None
        if session is not None:
            session.close()
            _idle.session = session  # only once closed: a reused session starts empty

    @property
    def now(self) -> datetime:
        return self.message.received_at

    @property
    def today(self) -> date:
        """Riyadh's date at the message: a message's clock is often UTC, which is still
        yesterday until 03:00 in Riyadh."""
        return self.now.astimezone(RIYADH).date() if self.now.tzinfo else self.now.date()

    @property
    def lang(self) -> str:
        return self.tr.lang

    @property
    def phone(self) -> str | None:
        """The number this subscriber is vouched for by: the channel's, or a shared contact."""
        return self.message.phone or self.contact.phone

    @property
    def flow(self) -> str | None:
        return self.contact.flow

    @property
    def state(self) -> dict[str, Any]:
        return self.contact.state

    @property
    def asking(self) -> bool:
        """A flow is waiting for an answer; one left open only for what may follow (a bill
        card's «تفاصيل», a hazard report's photo, a case answered) is not: "تمام" then is no answer to repeat."""
        if self.flow is None or set(self.state) - {"shown_month"} == {"shown"}:
            return False
        # A hazard report's photo, or a compensation answered (kept for a correction).
        return self.state.get("stage") not in ("photo", "answered")

    def say(self, text: str, choices: list[Choice] | tuple[Choice, ...] = ()) -> None:
        self.replies.append(Reply(text=text, choices=tuple(choices), lang=self.lang))

    def begin(self, flow: str, **state: Any) -> None:
        self.contact.flow = flow
        self.contact.state = dict(state)

    def remember(self, **state: Any) -> None:
        # A new dict, so SQLAlchemy sees the JSON column change.
        self.contact.state = {**self.contact.state, **state}

    def finish(self) -> None:
        self.contact.flow = None
        self.contact.state = {}

    def switch_language(self, lang: str) -> None:
        self.contact.lang = lang
        self.tr = texts(lang)
