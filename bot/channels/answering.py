"""One inbound message through the engine, once: the path every webhook channel shares.

Claim the message id (a repeat gets the stored answer), call the engine, render and store the
answer, count it. With the real engine on SQLite or PostgreSQL the claim, the turn and the
answer are one transaction (one commit a message, nothing left behind by a turn that failed).
An engine failure becomes a polite apology, because a 500 makes providers retry a poisoned
message forever; a database outage instead raises `RetryLater` so the
channel answers 503 and the provider delivers the message again later (nothing is lost).
`Answerer.answer` is synchronous: channels run it in a worker thread, one hop per message.
Channels on the event loop call `Answerer.answer_soon` instead: the in-flight limit is then
waited for on the loop (a waiting request costs a coroutine, not a thread contending for a
semaphore), and where a turn is short and cannot wait on the network (SQLite, the embedded
billing, no Redis, no attachment to fetch) it runs on the loop itself, without a thread hop;
any other runs on the server's turn threads (bot/channels/turn_threads.py).
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import Connection

from bot.channels import deliveries
from bot.channels.database_errors import DATABASE_ERRORS
from bot.channels.metrics import DATABASE, ENGINE, record_error, record_message
from bot.channels.readiness import missing_database_file
from bot.channels.turn_threads import turn_threads
from bot.config import Settings
from bot.dialogue.messages import Inbound, Reply
from bot.i18n import texts
from bot.storage.prepared import Along

log = logging.getLogger(__name__)

# Messages doing database work at once. The engine holds a connection (and, on SQLite, the write
# lock) for its whole turn and may open a second one inside it (billing). Unbounded, requests
# waiting for the write lock take every pooled connection (SQLite's pool: 5 + 10 overflow) and
# the turn holding the lock waits for a connection: all stall until the pool times out.
# SQLite takes one writer at a time anyway, and queueing here beats its sleeping busy-retry
# (1.6x the throughput of 6 at once in bench/bench_server.py); a server database takes more.
IN_FLIGHT_SQLITE = 1
IN_FLIGHT_SERVER_DATABASE = 8


def in_flight_limit(database_url: str) -> int:
    return IN_FLIGHT_SQLITE if database_url.startswith("sqlite") else IN_FLIGHT_SERVER_DATABASE


# How long a repeat waits for the answer of the same message still being handled elsewhere.
REPEAT_WAIT_SECONDS = 5.0


class ConversationEngine(Protocol):
    """What channels need of `bot.dialogue.engine.Engine`."""

    def handle(self, message: Inbound) -> list[Reply]: ...


class Outcome(Protocol):
    replies: list[Reply]
    intent: str


class RetryLater(Exception):
    """Answer 503: the database cannot be used right now, or the same message is still being
    answered elsewhere. The provider delivers it again later."""


class _Claimed(Exception):
    """The message id was claimed before: the turn that found it out ends here."""

    def __init__(self, claim: deliveries.Claim) -> None:
        super().__init__("claimed before")
        self.claim = claim


class _ClaimInTurn:
    """The message id claimed with the engine's first statement (`Engine.respond(claim=)`)."""

    def __init__(self, channel: str, message_id: str) -> None:
        self.channel, self.message_id = channel, message_id

    def along(self) -> Along:
        return deliveries.claim_along(self.channel, self.message_id)

    def claimed_before(self, conn: Connection) -> None:
        earlier = deliveries.claimed_before(conn, self.channel, self.message_id)
        if not earlier.fresh:
            raise _Claimed(earlier)


@dataclass(frozen=True)
class Answer:
    texts: list[str]  # rendered, one per reply: what the subscriber sees
    replies: list[Reply] = field(default_factory=list)  # empty for a repeat
    repeat: bool = False  # an earlier delivery of this message was already answered
    unsent: int = 0  # how many of `texts` (the last ones) the channel still has to send


class Answerer:
    def __init__(self, engine: ConversationEngine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self._limit = in_flight_limit(settings.database_url)
        self._in_flight = threading.BoundedSemaphore(self._limit)
        # The in-flight limit as seen by `answer_soon`'s callers, one per event loop (a test
        # client runs each app in a loop of its own).
        self._gates: dict[asyncio.AbstractEventLoop, asyncio.Semaphore] = {}
        respond = getattr(engine, "respond", None)
        self._keeps_answers = respond is not None and "keep_answer" in _parameters(respond)
        self._claims_in_turn = (
            respond is not None
            and self._keeps_answers
            and "claim" in _parameters(respond)
            and deliveries.claims_in_turn(settings.database_url)
        )
        self._short_turns = self._claims_in_turn and _turns_stay_local(engine, settings)

    async def answer_soon(
        self, inbound: Inbound, render: Callable[[Reply], str], *, sent_later: bool = False
    ) -> Answer:
        """`answer` for a channel on the event loop. A turn that only touches the local SQLite
        file runs right here (a thread hop and the wake-ups around it cost more than such a turn
        on a busy server); any other in a worker thread. Either way at most the in-flight limit
        at once, waited for here (every caller on the loop must come this way: a turn on the
        loop must never wait for the threads' semaphore held by a slow turn in a thread).
        The price: while another process holds the SQLite file's write lock (a `sadeeq`
        command writing to it), the loop waits with the turn, up to the lock wait of
        bot/storage/db.py, instead of answering /healthz meanwhile."""
        loop = asyncio.get_running_loop()
        gate = self._gates.get(loop)
        if gate is None:
            for old in [old for old in self._gates if old.is_closed()]:
                del self._gates[old]
            gate = self._gates[loop] = asyncio.Semaphore(self._limit)
        async with gate:
            if self._short_turns and not inbound.media and not inbound.audio:
                return self.answer(inbound, render, sent_later=sent_later)
            return await turn_threads.run(self.answer, inbound, render, sent_later=sent_later)

    def answer(
        self, inbound: Inbound, render: Callable[[Reply], str], *, sent_later: bool = False
    ) -> Answer:
        """`sent_later`: the channel sends the replies itself after this returns (Telegram), and
        reports each one with `record_sent`; until then a redelivery gets them as unsent."""
        channel, message_id = inbound.channel, inbound.message_id
        if missing := missing_database_file(self.settings.database_url):
            # Writes would go to the deleted file and be lost: let the provider come back later.
            record_error(channel, DATABASE)
            raise RetryLater(missing)
        with self._in_flight:
            if message_id is None:
                return self._answer_afresh(inbound, render, sent_later)
            if self._claims_in_turn:
                try:
                    return self._answer_afresh(inbound, render, sent_later, claim_in_turn=True)
                except _Claimed as claimed:
                    self._not_counted(inbound)
                    claim = claimed.claim
            else:
                claim = self._claim(channel, message_id)
                if claim.fresh:
                    return self._answer_afresh(inbound, render, sent_later)
        if claim.replies is not None:
            return Answer(texts=claim.replies, repeat=True, unsent=claim.unsent)
        return Answer(texts=self._wait_for_answer(channel, message_id), repeat=True)

    def record_sent(self, channel: str, message_id: str | None, unsent: int) -> None:
        """`unsent` replies of that message's answer are left to send (0: all went out)."""
        if message_id is None:
            return
        try:
            deliveries.record_sent(self.settings.database_url, channel, message_id, unsent)
        except DATABASE_ERRORS:
            # The reply went out; a redelivery would send it again, which beats losing one.
            record_error(channel, DATABASE)
            log.warning("could not record a sent reply of %s %s", channel, message_id)

    def _answer_afresh(
        self,
        inbound: Inbound,
        render: Callable[[Reply], str],
        sent_later: bool = False,
        claim_in_turn: bool = False,
    ) -> Answer:
        """`claim_in_turn`: the message id is claimed as the turn's first statement (raising
        `_Claimed` when it was claimed before), else the caller has claimed it already."""
        started = time.perf_counter()
        url, channel, message_id = self.settings.database_url, inbound.channel, inbound.message_id
        stored: list[list[str]] = []  # the rendered answer, once the turn stored it itself

        def keep_answer(replies: list[Reply]) -> Along:
            # Made with the turn's last statement: committed with what the turn did.
            stored[:] = [[render(reply) for reply in replies]]
            unsent = len(stored[0]) if sent_later else 0
            assert message_id is not None  # only a message with an id has its answer kept
            return deliveries.answer_along(channel, message_id, stored[0], unsent)

        try:
            replies, intent = self._turn(
                inbound,
                keep_answer if message_id is not None else None,
                _ClaimInTurn(channel, message_id) if claim_in_turn and message_id else None,
            )
        except DATABASE_ERRORS as exc:
            record_error(channel, DATABASE)  # the channel logs the 503 with this reason
            if message_id is not None and not claim_in_turn:  # (else rolled back with the turn)
                self._release(channel, message_id)
            raise RetryLater(f"database unavailable: {_first_line(exc)}") from exc
        except _Claimed:
            raise
        except Exception:
            record_error(channel, ENGINE)
            log.exception("engine failed on %s message %s; sending an apology", channel, message_id)
            replies, intent = [self.apology()], "error"
            stored.clear()  # rolled back with the turn
        rendered = stored[0] if stored else [render(reply) for reply in replies]
        unsent = len(rendered) if sent_later else 0
        if message_id is not None and not stored:
            try:
                # A turn that stored nothing (rate limited, or failed and rolled back) claimed
                # nothing either when the claim was in it: claim the message now, with its answer.
                earlier = deliveries.claim(url, channel, message_id) if claim_in_turn else None
                if earlier is not None and earlier.replies is not None:
                    self._not_counted(inbound)  # a redelivery that met the rate limit
                    return Answer(texts=earlier.replies, repeat=True, unsent=earlier.unsent)
                if earlier is None or earlier.fresh:
                    deliveries.record_replies(url, channel, message_id, rendered, unsent)
            except DATABASE_ERRORS:
                # The answer goes out anyway; a repeat will be handled again once the lease ends.
                record_error(channel, DATABASE)
                log.warning("could not store the answer of %s %s", channel, message_id)
        record_message(channel, intent, time.perf_counter() - started)
        return Answer(texts=rendered, replies=replies, unsent=unsent)

    def _turn(
        self,
        inbound: Inbound,
        keep_answer: Callable[[list[Reply]], Along] | None,
        claim: _ClaimInTurn | None = None,
    ) -> tuple[list[Reply], str]:
        """The replies and the intent, when the engine tells it (`Engine.respond`); an engine
        that takes `keep_answer` stores the answer in its own commit (and `claim`: claims the
        message id in it too)."""
        respond = getattr(self.engine, "respond", None)
        if respond is None:
            return self.engine.handle(inbound), "unknown"
        if claim is not None:
            outcome: Outcome = respond(inbound, keep_answer=keep_answer, claim=claim)
        elif keep_answer is not None and self._keeps_answers:
            outcome = respond(inbound, keep_answer=keep_answer)
        else:
            outcome = respond(inbound)
        return outcome.replies, outcome.intent

    def _not_counted(self, inbound: Inbound) -> None:
        """The engine counted this message against its sender's rate limit before its claim
        found it answered already (the claim is in the turn): a redelivery is no new message."""
        coordination = getattr(self.engine, "coordination", None)
        if coordination is not None:
            coordination.refund(inbound)

    def apology(self) -> Reply:
        tr = texts(self.settings.lang)
        return Reply(
            text=tr._(
                "Sorry, something went wrong on our side. Please try again in a few minutes."
            ),
            lang=tr.lang,
        )

    def _claim(self, channel: str, message_id: str) -> deliveries.Claim:
        try:
            return deliveries.claim(self.settings.database_url, channel, message_id)
        except DATABASE_ERRORS as exc:
            record_error(channel, DATABASE)
            raise RetryLater(f"database unavailable: {_first_line(exc)}") from exc

    def _wait_for_answer(self, channel: str, message_id: str) -> list[str]:
        """The answer of the same message being handled by another request right now."""
        try:
            stored = deliveries.wait_for_replies(
                self.settings.database_url, channel, message_id, REPEAT_WAIT_SECONDS
            )
        except DATABASE_ERRORS as exc:
            record_error(channel, DATABASE)
            raise RetryLater(f"database unavailable: {_first_line(exc)}") from exc
        if stored is None:  # still not answered: ask the provider to come back later
            raise RetryLater(f"{channel} message {message_id} is still being answered")
        return stored

    def _release(self, channel: str, message_id: str) -> None:
        try:
            deliveries.release(self.settings.database_url, channel, message_id)
        except DATABASE_ERRORS:
            log.warning(
                "could not release %s %s; it is retried after the lease", channel, message_id
            )


def _turns_stay_local(engine: ConversationEngine, settings: Settings) -> bool:
    """Whether a turn of this engine works only on the local SQLite file and in this process:
    no billing API, no Redis (what a turn could wait on for seconds). Attachments, which a turn
    may fetch, are checked per message."""
    from bot.billing.embedded import EmbeddedBilling

    return (
        settings.database_url.startswith("sqlite")
        and not settings.redis_url
        and isinstance(getattr(engine, "billing", None), EmbeddedBilling)
    )


def _parameters(function: Callable) -> set[str]:
    try:
        return set(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return set()


def _first_line(exc: BaseException) -> str:
    return (
        str(getattr(exc, "orig", None) or exc).splitlines()[0][:300]
        if str(exc)
        else type(exc).__name__
    )
