"""What the engine asks before handling a message: may this sender be answered now (rate
limit), and the sender's lock, so two messages from one sender are never handled at once."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from bot.coordination.rate_limit import WINDOW_TTL, Admission, RateLimiter
from bot.coordination.state import SharedState
from bot.dialogue.messages import Inbound, Reply
from bot.i18n import texts
from bot.logs import mask_numbers

log = logging.getLogger(__name__)

# A turn takes well under a second; the billing API may hold one for its timeout (3 s). A
# lock left by a dead worker ends with Twilio's 15 s wait, so the retry it caused gets it.
LOCK_LEASE_SECONDS = 15.0
LOCK_WAIT_SECONDS = 10.0
# The terminal is the operator's own keyboard: nothing to protect, and a piped script may be long.
UNLIMITED_CHANNELS = frozenset({"terminal"})


@dataclass(frozen=True)
class Gate:
    admission: Admission
    replies: list[Reply] = field(default_factory=list)  # what a refused message gets

    @property
    def refused(self) -> bool:
        return self.admission is not Admission.ANSWER


class Coordinator:
    """`admit` then `sender_lock`, in that order, in one thread (the engine's turn). With the
    rate limit on, `admit` also takes the sender's lock in the same step (one Redis round trip
    instead of two) and leaves it, for this thread only, to the `sender_lock` that follows.

    `locked_by_database`: the turn's first statement locks the sender's contact row until its
    commit (PostgreSQL's `FOR UPDATE`, bot/dialogue/contact_rows.py), which keeps a sender's
    messages one at a time across every worker by itself: `sender_lock` then takes nothing
    (two Redis round trips a message saved, a tenth of a PostgreSQL worker's CPU). The row's
    lock ends with its transaction, a dead worker's with its connection, so no lease is needed;
    two first messages of a new sender both insert the row, and the second one's insert waits
    for the first's commit, fails, and its turn runs again after it (`Engine.respond`)."""

    def __init__(
        self,
        state: SharedState,
        rate_limiter: RateLimiter,
        default_lang: str = "ar",
        locked_by_database: bool = False,
    ) -> None:
        self.state = state
        self.rate_limiter = rate_limiter
        self.default_lang = default_lang
        self.locked_by_database = locked_by_database
        self._taken = threading.local()  # .lock: (lock key, token) taken by admit, not yet used

    def admit(self, message: Inbound) -> Gate:
        if message.channel in UNLIMITED_CHANNELS or not self.rate_limiter.on:
            return Gate(Admission.ANSWER)
        window = self.rate_limiter.window_key(message.channel, message.sender)
        if self.locked_by_database:
            seen = self.state.count(window, WINDOW_TTL)
        else:
            self._let_go_unused()
            key = _lock_key(message.channel, message.sender)
            seen, token = self.state.count_then_lock(
                window, WINDOW_TTL, self.rate_limiter.per_minute, key, LOCK_LEASE_SECONDS
            )
            if token is not None:
                self._taken.lock = (key, token)
        admission = self.rate_limiter.judge(seen)
        if admission is Admission.SLOW_DOWN:
            # Masked here too: a process that never called configure_logging has no mask filter.
            log.info(
                "rate limit reached by %s on %s", mask_numbers(message.sender), message.channel
            )
            return Gate(admission, [slow_down(self._lang_of(message.text))])
        return Gate(admission)

    def refund(self, message: Inbound) -> None:
        """`message` was counted by `admit` but is a redelivery of one already answered."""
        if message.channel not in UNLIMITED_CHANNELS:
            self.rate_limiter.refund(message.channel, message.sender)

    @contextmanager
    def sender_lock(self, channel: str, sender: str) -> Iterator[None]:
        if self.locked_by_database:  # the turn's contact row lock (see the class)
            yield
            return
        key = _lock_key(channel, sender)
        taken = getattr(self._taken, "lock", None)
        self._taken.lock = None
        token = taken[1] if taken is not None and taken[0] == key else None
        if taken is not None and token is None:  # taken for another sender: not to be kept
            self._let_go(taken)
        with self.state.lock(key, LOCK_LEASE_SECONDS, LOCK_WAIT_SECONDS, token=token) as held:
            if not held:
                # Better late than never: the contact row lock still keeps the writes apart.
                log.warning(
                    "sender lock for %s on %s not had in %.0f s; going on without it",
                    mask_numbers(sender),
                    channel,
                    LOCK_WAIT_SECONDS,
                )
            yield

    def _let_go_unused(self) -> None:
        """A lock `admit` took that no `sender_lock` used (a caller that stopped in between)
        is let go before the next message, instead of at the end of its lease."""
        taken = getattr(self._taken, "lock", None)
        if taken is not None:
            self._taken.lock = None
            self._let_go(taken)

    def _let_go(self, taken: tuple[str, str]) -> None:
        key, token = taken
        with self.state.lock(key, LOCK_LEASE_SECONDS, 0, token=token):
            pass

    def _lang_of(self, text: str) -> str:
        """The refused message is not read further, but is answered in the language it is in."""
        if not any(ch.isalpha() for ch in text[:200]):
            return self.default_lang
        from bot.understanding import detect_lang

        return detect_lang(text[:200])


def _lock_key(channel: str, sender: str) -> str:
    return f"lock:{channel}:{sender}"


def slow_down(lang: str) -> Reply:
    tr = texts(lang)
    return Reply(
        text=tr._(
            "You are sending messages too quickly. Please wait a minute, then send "
            "your request again."
        ),
        lang=tr.lang,
    )
