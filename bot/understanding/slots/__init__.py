"""Slots: the facts a message carries (account, duration, times, ongoing, standard).

Every finder takes the raw message (as typed) and returns None when the message does not
carry that fact; nothing is guessed. `extract` runs them all on one message for `understand`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot import phrases as _phrases
from bot.text import fold
from bot.understanding.slots.account import find_account
from bot.understanding.slots.duration import find_duration_minutes
from bot.understanding.slots.standard import find_standard
from bot.understanding.slots.times import (
    Moment,
    TimeReading,
    find_times,
    read_answer_hour,
    read_times,
    says_now,
    says_power_off,
    slot_words,
)
from bot.understanding.slots.tokens import slot_tokens

__all__ = [
    "Moment",
    "TimeReading",
    "extract",
    "find_account",
    "find_duration_minutes",
    "find_standard",
    "find_times",
    "read_answer_hour",
    "read_times",
    "says_now",
    "says_power_off",
    "stated_duration",
]


def extract(
    raw: str, folded: str, now: datetime, normalized: str | None = None
) -> dict[str, str | int | bool]:
    """All slots of one message; `folded` is `bot.text.fold(raw)` and `normalized` is
    `bot.text.words(folded)`, computed once by the caller."""
    slots: dict[str, str | int | bool] = {}
    account = find_account(raw)
    if account:
        slots["account"] = account
    tokens = slot_tokens(folded, slot_words())  # read once for the time and duration finders
    times = read_times(raw, now, folded=folded, tokens=tokens)
    minutes = stated_duration(raw, times.ongoing, folded=folded, tokens=tokens)
    if minutes is not None:
        slots["duration_minutes"] = minutes
    if times.start is not None and not _day_of_a_length(times, minutes):
        slots["start"] = times.start.slot()
    if times.end is not None:
        slots["end"] = times.end.slot()
    if times.ongoing:
        slots["ongoing"] = True
    # A case with its end, or a length on a day already past ("انقطعت ٥ ساعات امس"), is over;
    # "من يومين" is a length and its start at once (ongoing, most likely), not a past case.
    ended = times.end is not None or bool(
        minutes
        and times.start is not None
        and times.start.day < now.date()
        and times.start.day != (now - timedelta(minutes=minutes)).date()
        and not times.ongoing
    )
    standard = find_standard(raw, folded=folded, ended=ended, normalized=normalized)
    if standard == _FAULT and _announced(raw, times, now):
        standard = _PLANNED
    if standard:
        slots["standard"] = standard
    return slots


_FAULT = "emergency_outage"
_PLANNED = "planned_outage_restoration"


def _announced(raw: str, times: TimeReading, now: datetime) -> bool:
    """A cut told in the future tense on a day still to come ("the power will be off tomorrow
    from 9 to 5", "بتنقطع بكرة الساعة ٩"): no fault is known before it happens, so it is planned
    work announced, whatever word of power off it carries."""
    start = times.start
    return start is not None and start.day > now.date() and _phrases.mentions(raw, "outage_ahead")


def _day_of_a_length(times: TimeReading, minutes: int | None) -> bool:
    """ "امس انقطعت الكهربا ساعتين ونص": a day alone told with how long a case now over lasted
    (no end, not going on): which day, not when it began; no start moment is given (a slot is
    a moment, never guessed). A case going on keeps its day ("طافية من يومين": since then). The
    flows read the day from `read_times` all the same."""
    start = times.start
    return (
        start is not None
        and start.clock is None
        and minutes is not None
        and times.end is None
        and not times.ongoing
    )


def stated_duration(
    raw: str, ongoing: bool, *, folded: str | None = None, tokens: list[str] | None = None
) -> int | None:
    """How long the case lasted, in minutes. "قبل اسبوعين ... ٧ ساعات" lasted 7 hours: a length
    after "قبل"/"من"/"ago" says when it began, and counts as the length only for a case still
    going on ("طافية من يومين": two days so far) when no other length is stated, and not said
    as a moment ("paid my bill 3 hours ago and still no power": a time, not 3 hours of it)."""
    minutes = find_duration_minutes(raw, folded=folded, anchors=False, tokens=tokens)
    if minutes is None and ongoing:
        minutes = find_duration_minutes(raw, folded=folded, moments=False, tokens=tokens)
    return minutes


def folded_text(raw: str, folded: str | None) -> str:
    return fold(raw) if folded is None else folded
