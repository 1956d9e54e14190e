"""Clock times and intervals: "من ٨ الصبح الى ٢ الظهر", "امس العصر", "since 7 pm yesterday".

Resolved against the message time `now` (Asia/Riyadh); the rules for ambiguous hours are
written down in data/times.toml, beside the words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

from bot.config import RIYADH
from bot.text import normalize
from bot.understanding.slots.tokens import slot_tokens
from bot.understanding.vocabulary import load

MAX_TOKENS = 200  # slot tokens looked at per message


@dataclass(frozen=True)
class _Period:
    default: tuple[int, int]
    pm: frozenset[int]
    twelve: int
    bare: bool
    day: int | None


@dataclass(frozen=True)
class _Vocabulary:
    days: dict[tuple[str, ...], int]
    periods: dict[tuple[str, ...], _Period]
    hour_parts: dict[tuple[str, ...], int]
    start: frozenset[str]
    end: frozenset[str]
    lead: dict[tuple[str, ...], bool]
    known: frozenset[str]
    longest: int = field(default=4)


def _key(phrase: str) -> tuple[str, ...]:
    return tuple(normalize(phrase).split())


@lru_cache(maxsize=1)
def _vocabulary() -> _Vocabulary:
    data = load("times")
    periods = {}
    for spec in data["periods"].values():
        hours, minutes = (int(x) for x in spec["default"].split(":"))
        for words, bare in ((spec["words"], True), (spec.get("after_hour", ()), False)):
            period = _Period((hours, minutes), frozenset(spec["pm"]), spec["twelve"], bare,
                             spec.get("day"))
            for word in words:
                periods[_key(word)] = period
    days = {_key(w): v for w, v in data["days"].items()}
    parts = {_key(w): v for w, v in data["hour_parts"].items()}
    markers = {k: frozenset(normalize(w) for w in v) for k, v in data["markers"].items()
               if k != "lead"}
    lead = {_key(w): True for w in data["markers"]["lead"]}
    known = frozenset(w for k in (*periods, *parts, *days) for w in k)
    return _Vocabulary(days, periods, parts, markers["start"], markers["end"], lead, known)


def _phrase_at(toks: list[str], i: int, table: dict[tuple[str, ...], object]) -> tuple[object, int]:
    """Longest phrase of `table` starting at token i: (value, length) or (None, 0)."""
    for size in range(4, 0, -1):
        value = table.get(tuple(toks[i:i + size]))
        if value is not None and i + size <= len(toks):
            return value, size
    return None, 0


@dataclass
class _Point:
    position: int
    hour: int
    minute: int
    explicit_period: bool
    day: int | None  # from the period itself ("last night")
    ambiguous_hour: bool  # 1-12 with no period: AM or PM unknown


_CLOCK = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?$")


def _hour_minute(token: str) -> tuple[int, int] | None:
    match = _CLOCK.match(token)
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour > 24 or minute > 59:
        return None
    return hour % 24, minute


def _points(toks: list[str], v: _Vocabulary) -> tuple[list[_Point], dict[int, int], list[int]]:
    """Time points, day words (position → offset) and end-marker positions."""
    from bot.understanding.slots.duration import _words as duration_words

    units = duration_words()
    points: list[_Point] = []
    days: dict[int, int] = {}
    ends: list[int] = []
    i = 0
    while i < len(toks):
        day, size = _phrase_at(toks, i, v.days)
        if day is not None:
            days[i] = int(day)  # type: ignore[arg-type]
            i += size
            continue
        if toks[i] in v.end:
            ends.append(i)
        _, lead_size = _phrase_at(toks, i, v.lead)
        j = i + lead_size
        clock = _hour_minute(toks[j]) if j < len(toks) else None
        if clock is not None:
            hour, minute = clock
            k = j + 1
            part, size = _phrase_at(toks, k, v.hour_parts)
            if part is not None:
                minute += int(part)  # type: ignore[call-overload]
                k += size
            period, size = _phrase_at(toks, k, v.periods)
            nxt = toks[k] if k < len(toks) else None
            marker_before = i > 0 and (toks[i - 1] in v.start or toks[i - 1] in v.end)
            is_duration = nxt is not None and (nxt in units.unit or nxt in units.duals)
            if (lead_size or ":" in toks[j] or period is not None or marker_before) and not is_duration:
                if period is not None:
                    hour = _apply_period(hour, period)  # type: ignore[arg-type]
                    k += size
                if minute < 0:
                    hour, minute = (hour - 1) % 24, minute + 60
                points.append(_Point(i, hour, minute % 60, period is not None,
                                     getattr(period, "day", None),
                                     period is None and 1 <= hour <= 12 and ":" not in toks[j]))
                i = k
                continue
        period, size = _phrase_at(toks, i, v.periods)
        if period is not None and period.bare:  # type: ignore[attr-defined]
            hour, minute = period.default  # type: ignore[attr-defined]
            points.append(_Point(i, hour, minute, True, period.day, False))  # type: ignore[attr-defined]
            i += size
            continue
        i += 1
    return points, days, ends


def _apply_period(hour: int, period: _Period) -> int:
    if hour == 12:
        return period.twelve
    return hour + 12 if hour in period.pm else hour


def find_times(raw: str, now: datetime, *, folded: str | None = None
               ) -> tuple[datetime | None, datetime | None]:
    """(start, end) of the time or interval the message mentions; either may be None."""
    from bot.understanding.slots import folded_text

    v = _vocabulary()
    toks = slot_tokens(folded_text(raw, folded), _all_slot_words())[:MAX_TOKENS]
    points, days, ends = _points(toks, v)
    if not points:
        return None, None
    now = now.astimezone(RIYADH)
    # A point is an end when the closest start/end marker before it is an end marker.
    start_point = end_point = None
    for point in points:
        markers_before = [p for p in ends if p <= point.position]
        starts_before = [p for p, t in enumerate(toks[: point.position + 1]) if t in v.start]
        is_end = bool(markers_before) and (not starts_before or max(markers_before) > max(starts_before))
        if is_end and end_point is None:
            end_point = point
        elif not is_end and start_point is None:
            start_point = point
    boundary = end_point.position if end_point else len(toks)
    if start_point is not None and end_point is not None and end_point.position < start_point.position:
        boundary = start_point.position
    start_day = _day_for(start_point, days, 0, boundary) if start_point else None
    end_day = _day_for(end_point, days, boundary, len(toks)) if end_point else None
    if end_day is None and end_point is not None:
        end_day = start_day
    start = _resolve(start_point, start_day, now) if start_point else None
    # An end alone may be ahead ("until 5 pm" for a planned outage); with a start it follows it.
    end = _resolve(end_point, end_day, now, past_only=False) if end_point else None
    ambiguous_end = end_point is not None and end_point.ambiguous_hour
    if start and end and ambiguous_end and end <= start < end + timedelta(hours=12):
        end += timedelta(hours=12)  # "من 8 الى 2": 2 in the afternoon
    if start and end and end <= start:
        end += timedelta(days=1)
    return start, end


def _day_for(point: _Point, days: dict[int, int], lo: int, hi: int) -> int | None:
    if point.day is not None:
        return point.day
    in_clause = [offset for pos, offset in sorted(days.items()) if lo <= pos < hi]
    return in_clause[0] if in_clause else None


def _resolve(point: _Point, day: int | None, now: datetime, past_only: bool = True) -> datetime:
    base = now.replace(hour=point.hour, minute=point.minute, second=0, microsecond=0)
    if day is not None:
        return base + timedelta(days=day)
    if not past_only:
        return base
    if point.ambiguous_hour:
        # The latest of h:00 and (h+12):00 that is not after the message.
        candidates = [base, base.replace(hour=(point.hour + 12) % 24)]
        past = [c for c in candidates if c <= now]
        if past:
            return max(past)
        return max(candidates) - timedelta(days=1)
    return base if base <= now else base - timedelta(days=1)


def _all_slot_words() -> frozenset[str]:
    from bot.understanding.slots.duration import _words as duration_words

    return duration_words().known
