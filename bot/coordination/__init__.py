"""Coordination of several workers: per-sender rate limits, sender locks, the account guard.

Redis (SADEEQ_REDIS_URL) when configured, shared by every worker; otherwise, and while Redis is
unreachable, each process keeps its own counters and locks. Chosen here, in one place:

    coordination(settings).admit(message)            # Gate: answer, or slow down / silence
    with coordination(settings).sender_lock(channel, sender): ...
    account_guard(settings).record_miss(sender); account_guard(settings).is_blocked(sender)
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from bot.config import Settings
from bot.coordination.account_guard import AccountGuard
from bot.coordination.coordinator import Coordinator, Gate
from bot.coordination.in_process import InProcessState
from bot.coordination.rate_limit import Admission, RateLimiter
from bot.coordination.state import SharedState

__all__ = [
    "Admission",
    "AccountGuard",
    "Coordinator",
    "Gate",
    "SharedState",
    "account_guard",
    "coordination",
    "locks_senders",
    "shared_state",
]


@lru_cache(maxsize=64)
def _state_for(redis_url: str | None, database_url: str, key_secret: str = "") -> SharedState:
    # Keys are kept apart per database: two deployments (or two test databases) sharing one
    # Redis never count each other's messages.
    namespace = "sadeeq:" + hashlib.sha256(database_url.encode()).hexdigest()[:12]
    if redis_url:
        from bot.coordination.redis_state import RedisState

        return RedisState(redis_url, namespace, key_secret=key_secret)
    return InProcessState()


def shared_state(settings: Settings) -> SharedState:
    # The deployment's own secrets key the hash of senders in Redis keys (same in every worker).
    return _state_for(settings.redis_url, settings.database_url, "|".join(settings.secrets()))


def coordination(settings: Settings) -> Coordinator:
    limiter = RateLimiter(shared_state(settings), settings.rate_limit_per_minute)
    return Coordinator(
        shared_state(settings),
        limiter,
        default_lang=settings.lang,
        locked_by_database=locks_senders(settings.database_url),
    )


def locks_senders(database_url: str) -> bool:
    """Whether a turn on this database locks its sender's contact row with its first statement
    until its commit (`Coordinator`'s `locked_by_database`): PostgreSQL. SQLite's lock is the
    whole file's, taken at the first write, not the first read: its turns keep the sender lock."""
    return database_url.startswith("postgresql")


def account_guard(settings: Settings) -> AccountGuard:
    return AccountGuard(shared_state(settings), misses_allowed=settings.account_misses_per_hour)
