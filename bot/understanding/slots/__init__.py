"""Slots: the facts a message carries (account, duration, times, standard).

Every finder takes the raw message (as typed) and returns None when the message does not
carry that fact; nothing is guessed. `extract` runs them all on one message for `understand`.
"""

from __future__ import annotations

from datetime import datetime

from bot.text import fold
from bot.understanding.slots.account import find_account
from bot.understanding.slots.duration import find_duration_minutes
from bot.understanding.slots.standard import find_standard
from bot.understanding.slots.times import find_times

__all__ = ["extract", "find_account", "find_duration_minutes", "find_standard", "find_times"]


def extract(raw: str, folded: str, now: datetime) -> dict[str, str | int]:
    """All slots of one message; `folded` is `bot.text.fold(raw)`, computed once by the caller."""
    slots: dict[str, str | int] = {}
    account = find_account(raw)
    if account:
        slots["account"] = account
    minutes = find_duration_minutes(raw, folded=folded)
    if minutes is not None:
        slots["duration_minutes"] = minutes
    start, end = find_times(raw, now, folded=folded)
    if start is not None:
        slots["start"] = start.isoformat()
    if end is not None:
        slots["end"] = end.isoformat()
    standard = find_standard(raw, folded=folded)
    if standard:
        slots["standard"] = standard
    return slots


def folded_text(raw: str, folded: str | None) -> str:
    return fold(raw) if folded is None else folded
