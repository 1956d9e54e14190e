"""Shared state for one process: threading locks and counters in memory.

Used when no Redis is configured (one worker, the terminal, the tests) and as the fallback while
Redis is unreachable, when each worker counts and locks for itself and the database's own row
lock keeps two workers from writing one contact at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

# Expired counters and flags are swept once this many keys have piled up (and again at twice
# what a sweep leaves, so many live keys never make every call pay for a sweep).
SWEEP_AT = 10_000


class InProcessState:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._guard = threading.Lock()
        self._counters: dict[str, tuple[int, float]] = {}  # key -> (count, expires at)
        self._flags: dict[str, float] = {}  # key -> expires at
        self._locks: dict[str, _Held] = {}
        self._sweep_counters_at = self._sweep_flags_at = SWEEP_AT

    def count(self, key: str, ttl_seconds: int) -> int:
        now = self._clock()
        with self._guard:
            value, expires = self._counters.get(key, (0, 0.0))
            if expires <= now:
                value, expires = 0, now + ttl_seconds
            self._counters[key] = (value + 1, expires)
            if len(self._counters) > self._sweep_counters_at:
                self._counters = {k: v for k, v in self._counters.items() if v[1] > now}
                self._sweep_counters_at = max(SWEEP_AT, 2 * len(self._counters))
            return value + 1

    def uncount(self, key: str) -> None:
        now = self._clock()
        with self._guard:
            value, expires = self._counters.get(key, (0, 0.0))
            if value > 0 and expires > now:
                self._counters[key] = (value - 1, expires)

    def flag(self, key: str, ttl_seconds: int) -> None:
        now = self._clock()
        with self._guard:
            self._flags[key] = now + ttl_seconds
            if len(self._flags) > self._sweep_flags_at:
                self._flags = {k: v for k, v in self._flags.items() if v > now}
                self._sweep_flags_at = max(SWEEP_AT, 2 * len(self._flags))

    def is_flagged(self, key: str) -> bool:
        with self._guard:
            return self._flags.get(key, 0.0) > self._clock()

    def count_then_lock(
        self, key: str, ttl_seconds: int, limit: int, lock_key: str, lease_seconds: float
    ) -> tuple[int, str | None]:
        # No round trip to save here: the lock is taken by `lock` as usual.
        return self.count(key, ttl_seconds), None

    @contextmanager
    def lock(
        self, key: str, lease_seconds: float, wait_seconds: float, token: str | None = None
    ) -> Iterator[bool]:
        # Threads of one process cannot die while holding the lock, so the lease is not needed.
        # No token is ever handed out here (`count_then_lock`), so there is none to honour.
        with self._guard:
            held = self._locks.setdefault(key, _Held())
            held.users += 1
        acquired = held.lock.acquire(timeout=wait_seconds)
        try:
            yield acquired
        finally:
            if acquired:
                held.lock.release()
            with self._guard:
                held.users -= 1
                if held.users == 0:  # nobody holds or waits: forget it, memory stays bounded
                    del self._locks[key]


class _Held:
    __slots__ = ("lock", "users")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.users = 0
