"""One inbound message through the engine, once: the path every webhook channel shares.

Claim the message id (a repeat gets the stored answer), call the engine, render and store the
answer, count it. An engine failure becomes a polite apology, because a 500 makes providers
retry a poisoned message forever; a database outage instead raises `RetryLater` so the
channel answers 503 and the provider delivers the message again later (nothing is lost).
Synchronous on purpose: channels run it in a worker thread, one hop per message.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from bot.channels import deliveries
from bot.channels.database_errors import DATABASE_ERRORS
from bot.channels.metrics import DATABASE, ENGINE, record_error, record_message
from bot.config import Settings
from bot.dialogue.messages import Inbound, Reply
from bot.i18n import texts

log = logging.getLogger(__name__)

# How long a repeat waits for the answer of the same message still being handled elsewhere.
REPEAT_WAIT_SECONDS = 5.0


class ConversationEngine(Protocol):
    """What channels need of `bot.dialogue.engine.Engine`."""

    def handle(self, message: Inbound) -> list[Reply]: ...


class RetryLater(Exception):
    """Answer 503: the database cannot be used right now, or the same message is still being
    answered elsewhere. The provider delivers it again later."""


@dataclass(frozen=True)
class Answer:
    texts: list[str]  # rendered, one per reply: what the subscriber sees
    replies: list[Reply] = field(default_factory=list)  # empty for a repeat
    repeat: bool = False  # an earlier delivery of this message was already answered


class Answerer:
    def __init__(self, engine: ConversationEngine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings

    def answer(self, inbound: Inbound, render: Callable[[Reply], str]) -> Answer:
        started = time.perf_counter()
        url, channel, message_id = self.settings.database_url, inbound.channel, inbound.message_id
        if message_id is not None:
            stored = self._claim(channel, message_id)
            if stored is not None:
                return Answer(texts=stored, repeat=True)
        try:
            replies = self.engine.handle(inbound)
        except DATABASE_ERRORS as exc:
            record_error(channel, DATABASE)
            log.warning("database unavailable while answering %s %s: %s", channel, message_id, exc)
            if message_id is not None:
                self._release(channel, message_id)
            raise RetryLater(str(exc)) from exc
        except Exception:
            record_error(channel, ENGINE)
            log.exception("engine failed on %s message %s; sending an apology", channel, message_id)
            replies = [self.apology()]
        rendered = [render(reply) for reply in replies]
        if message_id is not None:
            try:
                deliveries.record_replies(url, channel, message_id, rendered)
            except DATABASE_ERRORS:
                # The answer goes out anyway; a repeat will be handled again once the lease ends.
                record_error(channel, DATABASE)
                log.warning("could not store the answer of %s %s", channel, message_id)
        # The engine does not report the intent yet; "unknown" until it does.
        record_message(channel, "unknown", time.perf_counter() - started)
        return Answer(texts=rendered, replies=replies)

    def apology(self) -> Reply:
        tr = texts(self.settings.lang)
        return Reply(text=tr._("Sorry, something went wrong on our side. Please try again in a few minutes."))

    def _claim(self, channel: str, message_id: str) -> list[str] | None:
        """None when this call owns the message; otherwise the answer to repeat."""
        url = self.settings.database_url
        try:
            claim = deliveries.claim(url, channel, message_id)
            if claim.fresh:
                return None
            if claim.replies is not None:
                return claim.replies
            stored = deliveries.wait_for_replies(url, channel, message_id, REPEAT_WAIT_SECONDS)
        except DATABASE_ERRORS as exc:
            record_error(channel, DATABASE)
            raise RetryLater(str(exc)) from exc
        if stored is None:  # still being answered elsewhere: ask the provider to come back
            raise RetryLater(f"{channel} message {message_id} is still being answered")
        return stored

    def _release(self, channel: str, message_id: str) -> None:
        try:
            deliveries.release(self.settings.database_url, channel, message_id)
        except DATABASE_ERRORS:
            log.warning("could not release %s %s; it is retried after the lease", channel, message_id)
