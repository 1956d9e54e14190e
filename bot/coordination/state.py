"""What several workers must share, as four primitives: a counter per time window, a flag with
an expiry, and a lock with a lease (and a count and a lock in one step). Policies (rate limits, the account guard, sender locks) are
written once on top of these; `InProcessState` and `RedisState` are the two implementations."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol


class SharedState(Protocol):
    def count(self, key: str, ttl_seconds: int) -> int:
        """Add one to `key` and return the new value; the counter disappears `ttl_seconds` after
        its first count, so a window's counts never outlive the window."""
        ...

    def uncount(self, key: str) -> None:
        """Take one back from `key` (never below zero; nothing once the counter is gone)."""
        ...

    def flag(self, key: str, ttl_seconds: int) -> None:
        """Raise `key` for `ttl_seconds` (raising it again restarts the time)."""
        ...

    def is_flagged(self, key: str) -> bool: ...

    def lock(
        self, key: str, lease_seconds: float, wait_seconds: float, token: str | None = None
    ) -> AbstractContextManager[bool]:
        """Hold `key` for the block; yields False when it could not be had within `wait_seconds`.
        The lease ends a lock whose holder died, so a crash never blocks a sender for good.
        `token`: the lock was already taken by `count_then_lock`, which returned it."""
        ...

    def count_then_lock(
        self, key: str, ttl_seconds: int, limit: int, lock_key: str, lease_seconds: float
    ) -> tuple[int, str | None]:
        """`count(key)`, and if the count is within `limit`, the lock `lock_key` when it is
        free now: one step where a round trip costs (Redis). Returns the count and a token
        for `lock` (None: not taken, `lock` takes it as usual)."""
        ...
