"""Per-sender rate limit: at most N messages a minute are answered; the first one over the limit
gets a "slow down" answer, the rest of that minute get silence, and none of them reach the
engine. Fixed one-minute windows: one shared counter per sender and minute, one atomic step."""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import Enum

from bot.coordination.state import SharedState

WINDOW_SECONDS = 60
WINDOW_TTL = WINDOW_SECONDS + 5  # a margin for workers' clocks a little apart


class Admission(Enum):
    ANSWER = "answer"
    SLOW_DOWN = "slow_down"  # the first message over the limit in this window
    SILENCE = "silence"  # every later one in the same window


class RateLimiter:
    def __init__(
        self, state: SharedState, per_minute: int, clock: Callable[[], float] = time.time
    ) -> None:
        self.state = state
        self.per_minute = per_minute
        self.clock = clock

    @property
    def on(self) -> bool:
        return self.per_minute > 0  # 0 turns the limit off

    def admit(self, channel: str, sender: str) -> Admission:
        if not self.on:
            return Admission.ANSWER
        return self.judge(self.state.count(self.window_key(channel, sender), WINDOW_TTL))

    def refund(self, channel: str, sender: str) -> None:
        """A message admitted and then found to be a redelivery of one already answered: it does
        not count against the sender (a provider's retries must not silence the next message).
        At a window's turn this takes one from the new window: one message more, never fewer."""
        if self.on:
            self.state.uncount(self.window_key(channel, sender))

    def window_key(self, channel: str, sender: str) -> str:
        """The sender's counter in the current window, which expires with it (`WINDOW_TTL`)."""
        return f"rate:{channel}:{sender}:{int(self.clock() // WINDOW_SECONDS)}"

    def judge(self, seen: int) -> Admission:
        """What the `seen`-th message of a window gets."""
        if seen <= self.per_minute:
            return Admission.ANSWER
        return Admission.SLOW_DOWN if seen == self.per_minute + 1 else Admission.SILENCE
