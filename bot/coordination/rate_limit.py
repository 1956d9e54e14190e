"""Per-sender rate limit: at most N messages a minute are answered; the first one over the limit
gets a "slow down" answer, the rest of that minute get silence, and none of them reach the
engine. Fixed one-minute windows: one shared counter per sender and minute, one atomic step."""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import Enum

from bot.coordination.state import SharedState

WINDOW_SECONDS = 60


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

    def admit(self, channel: str, sender: str) -> Admission:
        if self.per_minute <= 0:  # 0 turns the limit off
            return Admission.ANSWER
        window = int(self.clock() // WINDOW_SECONDS)
        # The key expires with its window (plus a margin for clocks a little apart).
        seen = self.state.count(f"rate:{channel}:{sender}:{window}", WINDOW_SECONDS + 5)
        if seen <= self.per_minute:
            return Admission.ANSWER
        return Admission.SLOW_DOWN if seen == self.per_minute + 1 else Admission.SILENCE
