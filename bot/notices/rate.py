"""How fast notices leave: a token bucket per process, or one shared window through Redis.

Providers (and carriers behind them) throttle senders; the operator sets messages per second
with `--rate`. The clock and the sleep are passed in so tests can run on a fake clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class TokenBucket:
    """`rate` tokens a second, at most `burst` saved up; `acquire` waits for one.

    The default burst is 50 ms worth of sends, so that sleeping a little late or a pause to
    prepare the next batch is made up for, instead of dragging the rate below the limit.
    """

    def __init__(
        self,
        rate: float | None,
        burst: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rate = rate
        self.burst = max(burst if burst is not None else (rate or 0) / 20, 1.0)
        self.clock = clock
        self.sleep = sleep
        self.tokens = 1.0  # no burst at the start
        self.updated = clock()

    def acquire(self) -> None:
        if not self.rate:
            return
        while True:
            now = self.clock()
            self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
            self.updated = now
            # The epsilon stops float rounding from asking for sleeps shorter than the clock ticks.
            if self.tokens >= 1.0 - 1e-9:
                self.tokens = max(self.tokens - 1.0, 0.0)
                return
            self.sleep((1.0 - self.tokens) / self.rate)


class RedisWindowLimiter:
    """At most `rate` sends in each wall-clock second across every worker sharing `redis`."""

    def __init__(
        self,
        redis,
        key: str,
        rate: float | None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.redis = redis
        self.key = key
        self.rate = rate
        self.clock = clock
        self.sleep = sleep

    def acquire(self) -> None:
        if not self.rate:
            return
        while True:
            now = self.clock()
            second = int(now)
            slot_key = f"{self.key}:{second}"
            pipe = self.redis.pipeline()
            pipe.incr(slot_key)
            pipe.expire(slot_key, 5)
            count, _ = pipe.execute()
            if count <= self.rate:
                return
            self.sleep(max(second + 1 - now, 0.001))
