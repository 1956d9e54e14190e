"""When a case started and ended, as subscribers write it: "امس من ٨ الصبح الى ٤ العصر",
"يوم الخميس ٩ بالليل ورجعت الجمعة ٣ الفجر", "١٥ جمادى الآخرة", "من اسبوعين وللحين ما خلص",
"no power since 7 this morning".

Resolved against the message time `now` (Asia/Riyadh). The words and the rules for ambiguous
hours and days are in data/times.toml, beside the words. `read_times` says, besides the
moments, which parts were read from the message and which were inferred (a day not named, an
hour with no morning/evening), so a conversation can say them back before relying on them.
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Protocol, TypeVar

from hijridate import Gregorian, Hijri

from bot import phrases as _phrases
from bot.config import RIYADH
from bot.text import fold, normalize
from bot.understanding.slots.duration import _words as duration_words
from bot.understanding.slots.duration import (
    duration_at,
    find_duration_minutes,
    is_anchor,
    length_starts,
)
from bot.understanding.slots.tokens import DASHES, parse_number, slot_tokens
from bot.understanding.vocabulary import load, number_words, ordinal_words

MAX_TOKENS = 200  # slot tokens looked at per message
_LONGEST = 4  # words in the longest phrase of the vocabulary


@dataclass(frozen=True)
class _Period:
    default: tuple[int, int]  # its usual hour, when it is tied to no prayer
    pm: frozenset[int]
    twelve: int
    bare: bool
    day: int | None
    named: bool = False  # names a moment (الفجر, المغرب: a prayer), not a span (الصبح)
    prayer: str | None = None  # its usual hour is this prayer's time on the day ("العصر")
    minutes: int = 0  # ... moved by this much ("بعد صلاة العصر": half an hour after it)
    ends_day: bool = False  # its "12" is the midnight after the day said ("امس ١٢ بالليل")
    # Its usual hour may be offered back ("من الصبح": about 8:00?); False for a part of the
    # day so loosely said that any hour offered is a guess ("من بدري"): the hour is asked.
    offered: bool = True
    # The weekday it names too ("بعد صلاة الجمعة": Friday's noon prayer, on a Friday; 0 = Monday).
    weekday: int | None = None


@dataclass(frozen=True)
class _Prayers:
    """The prayers' times by month (data/times.toml `[prayers]`) and the words that put a moment
    before a prayer ("قبل الظهر")."""

    months: dict[int, dict[str, tuple[int, int]]]  # month → prayer → (hour, minute)
    before: frozenset[str]  # "قبل", "before"
    call: frozenset[str]  # "صلاه", "اذان": between "قبل" and the prayer's name
    before_minutes: int

    def time_of(self, period: _Period, month: int, before: bool = False) -> tuple[int, int]:
        """A day part's usual hour in `month`: its prayer's time moved by its minutes, or
        `before_minutes` ahead of the prayer when the words said "before" it."""
        if period.prayer is None:
            return period.default
        hour, minute = self.months[month][period.prayer]
        moved = -self.before_minutes if before else period.minutes
        total = (hour * 60 + minute + moved) % (24 * 60)
        return divmod(total, 60)


_Value = TypeVar("_Value")
_Found = TypeVar("_Found", covariant=True)


class _Phrases(dict[tuple[str, ...], _Value]):
    """Phrases (tuples of words) → value, with the first words and the length of the longest
    phrase kept beside them, so that a word no phrase starts with is passed over at once."""

    def __init__(self, table: Mapping[tuple[str, ...], _Value]) -> None:
        super().__init__(table)
        self.firsts = frozenset(k[0] for k in self)
        self.longest = min(max((len(k) for k in self), default=0), _LONGEST)


@dataclass(frozen=True)
class _Vocabulary:
    days: _Phrases[int]
    periods: _Phrases[_Period]
    hour_parts: _Phrases[int]
    start: frozenset[str]
    end: frozenset[str]
    weak_end: frozenset[str]
    lead: _Phrases[bool]
    weekdays: _Phrases[int]
    gregorian: _Phrases[int]
    hijri: _Phrases[int]
    between: frozenset[str]
    hijri_mark: frozenset[str]
    month_word: frozenset[str]
    month_count: frozenset[str]
    relative_before: _Phrases[bool]
    relative_after: frozenset[str]
    relative_units: dict[str, int]  # duration unit word → days in one unit
    months: frozenset[str]  # "شهر": a calendar month back
    month_duals: frozenset[str]  # "شهرين"
    still: _Phrases[bool]
    negated_end: _Phrases[bool]
    negated_until: frozenset[str]
    state: _Phrases[bool]
    end_verbs: _Phrases[bool]
    now_words: _Phrases[bool]
    known: frozenset[str]
    fillers: frozenset[str]  # "شي", "about": between "من" and a length
    few: _Phrases[bool]  # "كم", "a few": before days or weeks, no day said
    hour_words: dict[str, int]  # "سبع", "ثلاث": hours 1-12 said as words (data/numbers.toml)
    day_word: frozenset[str]  # "يوم" before a weekday
    relative_heads: frozenset[str]  # first words of `relative_before`
    notice: _Phrases[bool]  # "بلغونا": a planned outage's notice time follows
    notice_until: _Phrases[bool]  # "والقطع": the outage's own times follow
    range_between: frozenset[str]  # "between": a start, whose "and" is the end
    range_and: frozenset[str]
    ahead_after: _Phrases[bool]  # "الجاي" after a weekday: the next such day
    ahead_before: _Phrases[bool]  # "next" before it
    negated_day: _Phrases[bool]  # "مو" before a day: the day taken back
    power: frozenset[str]  # "الكهربا", "طافيه": the state words are said of the power
    prayers: _Prayers
    after_start: _Phrases[int]  # "ثاني يوم": that many days after the range's start
    # "طولت لين": the planned end passed, and the time after it is when the power came back.
    overran: _Phrases[bool]
    # "around", "حوالي" next to an hour: the hour is approximate, said back before it counts.
    approximate: frozenset[str] = frozenset()
    # "العاشرة", "الحادية عشرة": a clock's hour said as an ordinal (data/numbers.toml
    # `[clock_ordinals]`), an hour only after "الساعة" or before a part of the day.
    clock_ordinals: _Phrases[int] = field(default_factory=lambda: _Phrases({}))
    ordinal_not_after: frozenset[str] = frozenset()  # "المرة الثانية": no hour
    # "لا قصدي", "عفوا", "I mean" between two hours: the hour after takes the place of one before
    # (`_corrected`); "مو ٧" after it names the hour taken back, "كانت" may stand before the new.
    corrections: _Phrases[bool] = field(default_factory=lambda: _Phrases({}))
    taken_back: _Phrases[bool] = field(default_factory=lambda: _Phrases({}))
    corrected_to: _Phrases[bool] = field(default_factory=lambda: _Phrases({}))
    eve: _Phrases[bool] = field(default_factory=lambda: _Phrases({}))  # "ليلة" before a weekday
    # "قبل اللي فات", "before last" after a weekday: a week before the last such day
    before_last: _Phrases[bool] = field(default_factory=lambda: _Phrases({}))
    # "الماضي" after a weekday, "last" before it: the last such day, never today
    last_after: _Phrases[bool] = field(default_factory=lambda: _Phrases({}))
    last_before: _Phrases[bool] = field(default_factory=lambda: _Phrases({}))
    # "الشهر الماضي", "last month": the month before the message's, said with no day.
    last_month: _Phrases[bool] = field(default_factory=lambda: _Phrases({}))
    # "الاسبوع الماضي", "last week": no day by itself (`TimeReading.last_week`); a weekday said
    # with it is read in that week (`_weekday_of_week`).
    last_week: _Phrases[bool] = field(default_factory=lambda: _Phrases({}))
    # "الماضي", "اللي فات" after a month's name: the one a year before when it is today's month.
    past_month: _Phrases[bool] = field(default_factory=lambda: _Phrases({}))
    # "يوم", "the" before a day's number answering "which day of <month>?".
    month_day_word: frozenset[str] = frozenset()
    ordinals: frozenset[str] = frozenset()  # "th" glued to a day's number ("16th")
    # "و" before an hour's minutes said with their unit ("٦ و ٢٠ دقيقه").
    minutes_and: frozenset[str] = frozenset()
    # "been off": a state said so far, whatever the place of a length said with it.
    so_far: _Phrases[bool] = field(default_factory=lambda: _Phrases({}))
    # "اول يوم", "first day of" before a month's name: its first day ("اول يوم رمضان").
    first_day: _Phrases[bool] = field(default_factory=lambda: _Phrases({}))
    # "طفت", "انقطعت": the power going off; after an end and "بعد ما" (`went_off_after`), the
    # start's words.
    went_off: _Phrases[bool] = field(default_factory=lambda: _Phrases({}))
    went_off_after: _Phrases[bool] = field(default_factory=lambda: _Phrases({}))
    # "اتصلت", "قالوا": someone's doing; an hour right after it is that doing's (`_drop_asides`).
    asides: _Phrases[bool] = field(default_factory=lambda: _Phrases({}))
    # "ما رجعت": the power said not back; after a range's end hour, that end was only planned.
    not_back: _Phrases[bool] = field(default_factory=lambda: _Phrases({}))
    # "كريم" after a month's name: "رمضان كريم" greets, it names no month of the case.
    month_greeting: frozenset[str] = frozenset()
    # "half past", "quarter to" before an hour: its minutes, said first.
    parts_before: _Phrases[int] = field(default_factory=lambda: _Phrases({}))
    # "يوم", "ثاني يوم" before a feast's name ("ثاني يوم العيد"): that day of it (0: its first).
    feast_days: _Phrases[int] = field(default_factory=lambda: _Phrases({}))
    # A feast's name → the Hijri (month, day) of each feast it may name ("العيد": either Eid).
    feasts: _Phrases[tuple[tuple[int, int], ...]] = field(default_factory=lambda: _Phrases({}))


def _key(phrase: str) -> tuple[str, ...]:
    return tuple(normalize(phrase).split())


def _flags(phrases: list[str]) -> _Phrases[bool]:
    return _Phrases({_key(p): True for p in phrases if _key(p)})


def _notice_words(notice: dict) -> list[str]:
    """The notice's words: those listed, each verb of `came` before each word of `nouns`
    ("جاني" + "اشعار": "جاني اشعار"), and each word of `named_first` before each verb of `came`
    ("والرساله" + "وصلتنا")."""
    came = notice.get("came", ())
    pairs = [f"{verb} {noun}" for verb in came for noun in notice.get("nouns", ())]
    pairs += [f"{noun} {verb}" for noun in notice.get("named_first", ()) for verb in came]
    return [*notice["words"], *pairs]


def _end_verbs(ends: dict) -> _Phrases[bool]:
    """End verbs, each True when it tells the end as past ("رجعت"), False for a plan ("ترجع")."""
    planned = {_key(p) for p in ends["planned"]}
    return _Phrases({_key(p): _key(p) not in planned for p in ends["words"] if _key(p)})


@lru_cache(maxsize=1)
def _dated_only() -> frozenset[tuple[str, ...]]:
    """End verbs that end a range only with a day or an hour after them (`ends.dated_only`)."""
    return frozenset(_key(p) for p in load("times")["ends"].get("dated_only", []))


def _now_or_nothing(toks: list[str], k: int, v: _Vocabulary) -> bool:
    return k >= len(toks) or bool(_phrase_at(toks, k, v.now_words)[1])


@lru_cache(maxsize=1)
def _vocabulary() -> _Vocabulary:
    data = load("times")
    periods: dict[tuple[str, ...], _Period] = {}
    for spec in data["periods"].values():
        for words, bare in ((spec["words"], True), (spec.get("after_hour", ()), False)):
            period = _Period(
                _hour_of(spec.get("default", "00:00")),
                frozenset(spec["pm"]),
                spec["twelve"],
                bare,
                spec.get("day"),
                bool(spec.get("named")),
                spec.get("prayer"),
                spec.get("minutes", 0),
                bool(spec.get("ends_day")),
                spec.get("offered", True),
                spec.get("weekday"),
            )
            for word in words:
                periods[_key(word)] = period
    days = _Phrases({_key(w): v for w, v in data["days"].items()})
    parts = _Phrases({_key(w): v for w, v in data["hour_parts"].items()})
    markers = {
        k: frozenset(normalize(w) for w in v) for k, v in data["markers"].items() if k != "lead"
    }
    weak_end = markers["end_after_time"]
    lead = _flags(data["markers"]["lead"])
    weekdays = _Phrases({_key(w): v for w, v in data["weekdays"].items()})
    gregorian = _Phrases(
        {_key(w): int(m) for m, ws in data["gregorian_months"].items() for w in ws}
    )
    hijri = _Phrases({_key(w): int(m) for m, ws in data["hijri_months"].items() for w in ws})
    dates, relative, ongoing = data["dates"], data["relative"], data["ongoing"]
    relative_units = _relative_units(relative["units"])
    after_start = _Phrases({_key(w): int(n) for w, n in data["days_after_start"].items()})
    tables = (
        periods,
        parts,
        days,
        weekdays,
        gregorian,
        hijri,
        lead,
        _flags(ongoing["still"]),
        _flags(ongoing["negated_end"]),
        _flags(ongoing["state"]),
        _flags(data["ends"]["words"]),
        _flags(relative["before"]),
        _flags(data["now"]["words"]),
        _flags(_notice_words(data["notice"])),
        _flags(data["notice"]["outage"]),
        after_start,
        _flags(data["ends"]["overran"]),
        _clock_ordinals(),
        _flags(data["corrections"]["words"]),
        _flags(data["corrections"]["taken_back"]),
        _flags(data["corrections"]["then"]),
        _flags(data["weekday_eve"]["words"]),
        _flags(data["weekdays_before_last"]["after"]),
        _flags(data["weekdays_last"]["after"]),
        _flags(data["weekdays_last"]["before"]),
        _flags(data["markers"]["went_off"]),
        _flags(list(data["feasts"]["days"])),
        _flags(list(data["feasts"]["names"])),
        _flags(data["markers"]["asides"]),
    )
    known = frozenset(w for table in tables for k in table for w in k)
    known |= frozenset(normalize(w) for w in dates["ordinal"] + dates["hijri_mark"])
    months = frozenset(normalize(w) for w in relative["months"])
    month_duals = frozenset(normalize(w) for w in relative["month_duals"])
    known |= months | month_duals
    known |= frozenset(normalize(w) for w in relative["fillers"])
    known |= frozenset(w for k in _flags(relative["few"]) for w in k)
    known |= frozenset(w for k in _flags(dates["last_month"]) for w in k)
    known |= frozenset(w for k in _flags(dates["last_week"]) for w in k)
    known |= frozenset(w for k in _flags(dates["past_month"]) for w in k)
    known |= frozenset(w for k in _flags(dates["first_day"]) for w in k)
    return _Vocabulary(
        days,
        _Phrases(periods),
        parts,
        markers["start"],
        markers["end"],
        weak_end,
        lead,
        weekdays,
        gregorian,
        hijri,
        frozenset(normalize(w) for w in dates["between"]),
        frozenset(normalize(w) for w in dates["hijri_mark"]),
        frozenset(normalize(w) for w in dates["month_word"]),
        frozenset(normalize(w) for w in dates["month_count"]),
        _flags(relative["before"]),
        frozenset(normalize(w) for w in relative["after"]),
        relative_units,
        months,
        month_duals,
        _flags(ongoing["still"]),
        _flags(ongoing["negated_end"]),
        frozenset(normalize(w) for w in ongoing["negated_until"]),
        _flags(ongoing["state"]),
        _end_verbs(data["ends"]),
        _flags(data["now"]["words"]),
        known,
        frozenset(normalize(w) for w in relative["fillers"]),
        _flags(relative["few"]),
        _hour_words(),
        frozenset(normalize(w) for w in dates["day_word"]),
        frozenset(k[0] for k in _flags(relative["before"])),
        _flags(_notice_words(data["notice"])),
        _flags(data["notice"]["outage"]),
        markers["between"],
        markers["between_and"],
        _flags(data["weekdays_ahead"]["after"]),
        _flags(data["weekdays_ahead"]["before"]),
        _flags(data["negated_day"]["words"]),
        frozenset(w for p in ongoing["power"] for w in _key(p)),
        _prayers(data["prayers"]),
        after_start,
        _flags(data["ends"]["overran"]),
        approximate=markers["approximate"],
        clock_ordinals=_clock_ordinals(),
        ordinal_not_after=frozenset(
            normalize(w) for w in load("numbers")["clock_ordinals"]["not_after"]
        ),
        corrections=_flags(data["corrections"]["words"]),
        taken_back=_flags(data["corrections"]["taken_back"]),
        corrected_to=_flags(data["corrections"]["then"]),
        eve=_flags(data["weekday_eve"]["words"]),
        before_last=_flags(data["weekdays_before_last"]["after"]),
        last_after=_flags(data["weekdays_last"]["after"]),
        last_before=_flags(data["weekdays_last"]["before"]),
        last_month=_flags(dates["last_month"]),
        last_week=_flags(dates["last_week"]),
        past_month=_flags(dates["past_month"]),
        month_day_word=frozenset(normalize(w) for w in dates["day_word"] + dates["month_day_word"]),
        ordinals=frozenset(normalize(w) for w in dates["ordinal"]),
        first_day=_flags(dates["first_day"]),
        minutes_and=markers["minutes_and"],
        so_far=_flags(ongoing["so_far"]),
        went_off=_flags(data["markers"]["went_off"]),
        went_off_after=_flags(data["markers"]["went_off_after"]),
        not_back=_flags(ongoing["not_back"]),
        asides=_flags(data["markers"]["asides"]),
        month_greeting=frozenset(normalize(w) for w in dates["month_greeting"]),
        parts_before=_Phrases({_key(w): n for w, n in data["hour_parts_before"].items()}),
        feast_days=_Phrases({_key(w): int(n) for w, n in data["feasts"]["days"].items()}),
        feasts=_feasts(data["feasts"]["names"]),
    )


def _feasts(names: dict[str, list[str]]) -> _Phrases[tuple[tuple[int, int], ...]]:
    """ "العيد" = ["10-1", "12-10"]: each name with the Hijri (month, day) of its feasts."""
    return _Phrases(
        {
            _key(name): tuple(_hour_of(when.replace("-", ":")) for when in days)
            for name, days in names.items()
        }
    )


def _hour_of(text: str) -> tuple[int, int]:
    hour, minute = (int(x) for x in text.split(":"))
    return hour, minute


def _prayers(spec: dict) -> _Prayers:
    order = spec["order"]
    months = {
        int(month): dict(zip(order, (_hour_of(t) for t in times), strict=True))
        for month, times in spec["months"].items()
    }
    if sorted(months) != list(range(1, 13)):
        raise ValueError("times.toml [prayers.months] needs a row for each month 1-12")
    return _Prayers(
        months,
        frozenset(normalize(w) for w in spec["before"]),
        frozenset(normalize(w) for w in spec["call"]),
        spec["before_minutes"],
    )


def _hour_words() -> dict[str, int]:
    """Number words of one word for 1 to 12 ("سبعة", "ثنتين"), as clock hours."""
    thirds = {normalize(w) for w in load("numbers")["not_hours"]["thirds"]}
    ordinals = ordinal_words() | thirds
    return {
        w: int(n)
        for w, n in number_words().items()
        if " " not in w and 1 <= n <= 12 and w not in ordinals
    }


def _clock_ordinals() -> _Phrases[int]:
    """The ordinal hours of a clock ("العاشرة", "الثانية عشرة"), data/numbers.toml."""
    hours = load("numbers")["clock_ordinals"]["hours"]
    return _Phrases({_key(w): int(n) for n, words in hours.items() for w in words})


def _relative_units(units: dict[str, int]) -> dict[str, int]:
    """Duration words of a day or a week (data/durations.toml) → days per unit; duals → days."""
    durations = load("durations")
    out: dict[str, int] = {}
    for name, days in units.items():
        for word in durations["units"][name]["words"]:
            out[normalize(word)] = days
    for word, minutes in durations["duals"].items():
        if minutes % 1440 == 0:
            out[normalize(word)] = -(minutes // 1440)  # negative: a dual carries its own count
    return out


class _Table(Protocol[_Found]):
    """What `_phrase_at` reads of a `_Phrases` (covariant, so an int table is read as an int or
    None)."""

    firsts: frozenset[str]
    longest: int

    def get(self, key: tuple[str, ...], /) -> _Found | None: ...


def _phrase_at(toks: list[str], i: int, table: _Table[_Found]) -> tuple[_Found | None, int]:
    """Longest phrase of `table` starting at token i: (value, length) or (None, 0)."""
    if i >= len(toks) or toks[i] not in table.firsts:
        return None, 0
    for size in range(min(table.longest, len(toks) - i), 0, -1):
        value = table.get(tuple(toks[i : i + size]))
        if value is not None:
            return value, size
    return None, 0


# ---------------------------------------------------------------------------------------------
# What the scan finds


@dataclass
class _Clock:
    position: int
    hour: int
    minute: int
    explicit_period: bool
    day: int | None  # from the period itself ("last night")
    ambiguous_hour: bool  # 1-12 with no period: AM or PM unknown
    default_hour: bool = False  # a day part alone ("الصبح"): its usual hour, not a stated one
    is_now: bool = False  # "الحين": the message's own time
    ago: int = 0  # "من ساعتين": that many minutes before the message (a stated start)
    period: _Period | None = None  # the day part named alone ("العصر"), for the hours after it
    named_part: bool = False  # the day part alone names a moment ("الفجر"): see `Moment.guess`
    about: bool = False  # "around 9pm", "حوالي الساعة ٩": an approximate hour
    # "١٢ بالليل", "منتصف الليل", "٢ بالليل": midnight or a small hour after it, in the night
    # that ends the day said with it ("امس ٢ بالليل": the night just over), not the one before.
    midnight: bool = False
    # The part of the day said with the hour ("٥ العصر", "5 pm"): a range's start said without
    # one may share it (`_share_period`).
    said_period: _Period | None = None

    @property
    def prayer(self) -> bool:
        """The hour is a prayer's time from the Riyadh table (`Moment.prayer`)."""
        return self.default_hour and self.period is not None and self.period.prayer is not None

    @property
    def offered(self) -> bool:
        return not self.default_hour or self.period is None or self.period.offered

    @property
    def guessed(self) -> bool:
        return self.ambiguous_hour or self.default_hour or self.about

    @property
    def guess(self) -> str | None:
        if self.ambiguous_hour:
            return "am_pm"
        if self.default_hour:
            return "named_part" if self.named_part else "day_part"
        if self.about:
            return "about"
        return None


@dataclass
class _Day:
    """A day named in the message: one of `offset` (امس), `weekday`, or a calendar date."""

    position: int
    offset: int | None = None
    weekday: int | None = None
    gregorian: tuple[int | None, int, int] | None = None  # (year or None, month, day)
    hijri: tuple[int | None, int, int] | None = None
    months: int | None = None  # that many calendar months before today: a rough day
    rough: bool = False  # counted in weeks ("قبل اسبوعين"): a rough day, said back before money
    counted: bool = False  # counted back from the message ("قبل يومين"): that long before it
    ahead: bool = False  # a weekday said as the next one ("الخميس الجاي"), not the last
    last: bool = False  # said as the last one ("الخميس الماضي"): never today
    after_start: int | None = None  # "ثاني يوم": days after the range's start day
    # "ليلة الجمعة": the night before that weekday (Thursday evening, and Friday's small hours).
    eve: bool = False
    # "قبل اسبوعين يوم الاحد": that weekday in the week counted back to (0 = Monday).
    in_week: int | None = None
    # "الخميس اللي قبل اللي فات": that many weeks before the last such weekday.
    weeks_back: int = 0
    # "الاسبوع الماضي": last week, which day of it untold unless a weekday is said with it.
    last_week: bool = False
    # "ثاني يوم العيد": the Hijri (month, day) of each feast's day it may be, the latest taken.
    feast: tuple[tuple[int, int], ...] = ()
    # Said of a planned outage or its notice ("رسالة انقطاع مجدول يوم ١٠ ديسمبر"): a date with
    # no year a few days ahead is that one, not the one nearly a year back.
    planned: bool = False
    # Said of a cut told in the future tense ("بيقطعون يوم الاحد", "will be off on 15 December"):
    # a bare weekday, date or feast day is the next one ahead, never the last one.
    future: bool = False


@dataclass
class _Scan:
    clocks: list[_Clock] = field(default_factory=list)
    days: list[_Day] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)  # start-marker positions
    ends: list[int] = field(default_factory=list)  # end-marker positions
    still: bool = False
    negated_end: bool = False  # "ما رجعت" with no end after it (so far)
    came_back: bool = False  # an end told as past ("ورجعت ٦"), not a plan ("لين ٦")
    # Where the power was said to come back: "الا" of "ما رجعت الا ٥ العصر", "طولت لين"
    # (`back_needs_time`: with no time after it, the end is not known), or a past end verb
    # ("ورجعت الساعة ٥"). The time after it is the end, even after a planned range's own end
    # ("من ٩ الى ١٢ بس ما رجعت الا ٥": restored at 17:00, not 12:00).
    back_at: int | None = None
    back_needs_time: bool = False
    state: bool = False
    power_off: bool = False  # a no-power word ("طافية", "بدون كهرباء"), not "since" alone
    off_at: list[int] = field(default_factory=list)  # where those words are
    notices: list[int] = field(default_factory=list)  # notice-word positions
    notice_until: list[int] = field(default_factory=list)  # where the outage's times begin


_CLOCK = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?$")
_NUMERIC_DATE = re.compile(r"^(\d{1,4})[/\-](\d{1,2})(?:[/\-](\d{2,4}))?$")


def _hour_minute(token: str) -> tuple[int, int] | None:
    match = _CLOCK.match(token)
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour > 24 or minute > 59:
        return None
    return hour % 24, minute


def _digits(token: str) -> bool:
    return token.isascii() and token.isdigit()


def _day_number(token: str) -> int | None:
    return int(token) if _digits(token) and len(token) <= 2 and 1 <= int(token) <= 31 else None


def _year_at(toks: list[str], k: int, v: _Vocabulary) -> tuple[int | None, int]:
    """A year (4 digits) at k, with a Hijri mark after it skipped: (year, tokens used)."""
    if k < len(toks) and _digits(toks[k]) and len(toks[k]) == 4:
        size = 1 + (k + 1 < len(toks) and toks[k + 1] in v.hijri_mark)
        return int(toks[k]), size
    return None, 0


def _date_at(toks: list[str], i: int, v: _Vocabulary) -> tuple[_Day | None, int]:
    """A calendar date starting at i: "١٦ نوفمبر", "15 جمادى الآخرة 1448", "16/11", "Nov 16th"."""
    token = toks[i]
    # Each may be missing along the way (no year, a word that is not a month or a day).
    year: int | None
    month: int | None
    day: int | None
    numeric = _NUMERIC_DATE.match(token)
    if numeric:
        a, b, c = numeric.group(1), numeric.group(2), numeric.group(3)
        if len(a) == 4:  # 2026-11-16
            year, month, day = int(a), int(b), int(c or 0)
        else:
            day, month, year = int(a), int(b), int(c) if c else None
            if year is not None and year < 100:
                year += 2000
        if not (1 <= month <= 12 and 1 <= day <= 30 + (month != 2 or 0)):
            return None, 0
        if year is not None and 1300 <= year <= 1600:
            return _Day(i, hijri=(year, month, day)), 1
        return _Day(i, gregorian=(year, month, day)), 1
    day = _day_number(token)
    k = i + 1
    if k < len(toks) and day is not None and toks[k] in v.ordinals:
        k += 1
    _, first = (None, 0) if day is not None else _phrase_at(toks, i, v.first_day)
    if first:  # "اول يوم رمضان", "the first day of November": its 1st
        day, k = 1, i + first
    if day is not None:
        if k < len(toks) and toks[k] in v.between and toks[k] not in v.month_word:
            k += 1
        if k + 1 < len(toks) and toks[k] in v.month_word and _digits(toks[k + 1]):
            month = int(toks[k + 1])
            if 1 <= month <= 12:
                year, size = _year_at(toks, k + 2, v)
                return _Day(i, gregorian=(year, month, day)), k + 2 + size - i
        for table, kind in ((v.hijri, "hijri"), (v.gregorian, "gregorian")):
            month, size = _phrase_at(toks, k, table)
            if month is not None:
                year, year_size = _year_at(toks, k + size, v)
                when = (year, month, day)
                found = _Day(i, hijri=when) if kind == "hijri" else _Day(i, gregorian=when)
                return found, k + size + year_size - i
        return None, 0
    # English order: "Nov 16", "November 16th, 2026", "نوفمبر يوم ٥" ("شهر ١١ يوم ٥").
    month, size = _phrase_at(toks, i, v.gregorian)
    if month is not None and i + size < len(toks):
        day, skip = _day_after_month(toks, i + size, v)
        if day is not None:
            k = i + size + skip + 1
            if k < len(toks) and toks[k] in ("st", "nd", "rd", "th"):
                k += 1
            year, year_size = _year_at(toks, k, v)
            return _Day(i, gregorian=(year, int(month), day)), k + year_size - i
    return None, 0


def _day_after_month(toks: list[str], k: int, v: _Vocabulary) -> tuple[int | None, int]:
    """The day's number right after a month's name ("Nov 16"), or after "يوم"/"the" there
    ("نوفمبر يوم ٥"), with the words skipped before it; none when the number starts a length
    ("نوفمبر يوم ٥ ساعات" is not read as a day)."""
    skip = 1 if k < len(toks) and toks[k] in v.month_day_word else 0
    day = _day_number(toks[k + skip]) if k + skip < len(toks) else None
    if day is None or (skip and duration_at(toks, k + skip) is not None):
        return None, 0
    return day, skip


def _relative_at(toks: list[str], i: int, v: _Vocabulary) -> tuple[_Day | None, int]:
    """ "من اسبوعين", "قبل ٣ أيام", "3 days ago": a day that long before today."""
    _, lead = _phrase_at(toks, i, v.relative_before)
    k = i + lead
    if k >= len(toks):
        return None, 0
    months, size = _months_at(toks, k, v, bool(lead))
    if months:
        after = k + size < len(toks) and toks[k + size] in v.relative_after
        if not lead and not after:
            return None, 0
        return _Day(i, months=months), lead + size + after
    days_per = v.relative_units.get(toks[k])
    if days_per is not None and days_per < 0:  # a dual: "يومين", "اسبوعين"
        count, size = -days_per, 1
    elif days_per == 7 and lead:  # "من اسبوع": one week
        count, size = 7, 1
    elif (
        toks[k] in ("a", "an", "one")
        and k + 1 < len(toks)
        and v.relative_units.get(toks[k + 1], 0) > 0
    ):
        count, size = v.relative_units[toks[k + 1]], 2  # "a week ago"
    else:
        number = parse_number(toks[k], number_words()) if toks[k] else None
        unit = v.relative_units.get(toks[k + 1]) if k + 1 < len(toks) else None
        if number is None or unit is None or unit < 0 or not float(number).is_integer():
            return None, 0
        count, size = int(number) * unit, 2
    after = k + size < len(toks) and toks[k + size] in v.relative_after
    if not lead and not after:
        return None, 0
    if count <= 0 or count > 3660:
        return None, 0
    weeks = v.relative_units.get(toks[k + size - 1], 0)
    rough = weeks == 7 or (weeks < 0 and -weeks % 7 == 0)  # "اسبوعين", "3 weeks"
    return _Day(i, offset=-count, rough=rough, counted=True), lead + size + after


def _feast_at(toks: list[str], i: int, v: _Vocabulary) -> tuple[_Day | None, int]:
    """ "يوم العيد", "ثاني يوم العيد", "اول يوم عيد الاضحى": a feast's day said with its day
    (a feast named alone, "في العيد", lasts days and names none)."""
    nth, size = _phrase_at(toks, i, v.feast_days)
    feasts, name = _phrase_at(toks, i + size, v.feasts) if nth is not None else _NOTHING
    if nth is None or feasts is None:
        return None, 0
    return _Day(i, feast=tuple((month, day + nth) for month, day in feasts)), size + name


def _months_at(toks: list[str], k: int, v: _Vocabulary, lead: bool) -> tuple[int, int]:
    """(months, tokens) of "شهرين", "شهر" (after "قبل"/"من"), "3 اشهر", "a month"; (0, 0) when
    none, or when a number follows ("١٦ شهر ١١" is a date)."""

    def dated(at: int) -> bool:
        return at < len(toks) and toks[at][:1].isdigit()

    if toks[k] in v.month_duals:
        return (0, 0) if dated(k + 1) else (2, 1)
    if toks[k] in v.months and lead:
        return (0, 0) if dated(k + 1) else (1, 1)
    if k + 1 < len(toks) and toks[k + 1] in v.months and not dated(k + 2):
        if toks[k] in ("a", "an", "one"):
            return 1, 2
        number = parse_number(toks[k], number_words())
        if number is not None and float(number).is_integer() and 0 < number <= 120:
            return int(number), 2
    return 0, 0


def _weekday_after(toks: list[str], k: int, v: _Vocabulary) -> tuple[int | None, int]:
    """A weekday right after a date ("١٥ نوفمبر الأحد", "١٥/١١ يوم الأحد"): (weekday, tokens)."""
    skip = 1 if k < len(toks) and toks[k] in v.day_word else 0
    weekday, size = _phrase_at(toks, k + skip, v.weekdays)
    return (int(weekday), skip + size) if weekday is not None else (None, 0)


def _ago_at(toks: list[str], i: int, v: _Vocabulary) -> tuple[_Clock | None, int]:
    """ "من ساعتين", "من شي ساعتين ونص", "mn 3 sa3at", "since 2 hours", "an hour ago": a start
    that many minutes before the message, as stated as a clock hour (a length of days or
    weeks is a day: `_relative_at`)."""
    _, lead = _phrase_at(toks, i, v.relative_before)
    k = i + lead
    while k < len(toks) and toks[k] in v.fillers:
        k += 1
    if k >= len(toks) or (not lead and k > i):
        return None, 0
    found = duration_at(toks, k)
    if found is None or not 0 < found[0] <= 24 * 60 or found[1] >= 1440:
        return None, 0
    minutes, _unit, after = found
    if not is_anchor(toks, k, after) or round(minutes) < 1:
        # Under a minute ("half d2ay2": half a minute) is no earlier start: the clock would
        # be left without an hour.
        return None, 0
    after += after < len(toks) and toks[after] in v.relative_after
    return _Clock(i, -1, -1, True, 0, False, ago=round(minutes)), after - i


def _scan(toks: list[str], v: _Vocabulary, positions: list[int], month: int) -> _Scan:
    """What the message says at `positions`, the tokens where a finder can find anything
    (`_start_positions`); a prayer's hour is its hour in `month`, the message's."""
    units = duration_words()
    starts = _starters()
    scan = _Scan()
    negated_at: int | None = None
    between_at: int | None = None  # where "between" was, until its "and"
    said_ago = not v.relative_after.isdisjoint(toks)  # "2 hours ago": no "من" before it
    after = 0  # the first token no finder has read yet
    for i in positions:
        if i < after:
            continue
        token = toks[i]
        digit = token[0].isdigit()
        _, size = _phrase_at(toks, i, v.still)
        size = size or (_until_now(toks, i, v) if token in v.end else 0)
        if size:
            scan.still = True
            after = i + size
            continue
        _, size = _phrase_at(toks, i, v.negated_end)
        if size:
            scan.negated_end, negated_at = True, i
            scan.ends.append(i)
            after = i + size
            continue
        if scan.ends and _phrase_at(toks, i, v.went_off)[1] and _said_after(toks, i, v):
            # "رجعت الساعة ٨ بعد ما طفت البارحة ١١ بالليل": the going off told after the
            # coming back as what came before it; the time after it is the start's, not a
            # second end's ("رجعت ٥ وطفت ٨": a second outage, its hour stays the end's).
            scan.starts.append(i)
        for table, found_at in ((v.notice, scan.notices), (v.notice_until, scan.notice_until)):
            _, size = _phrase_at(toks, i, table)
            if size:
                found_at.append(i)
                break
        if size:
            after = i + size
            continue
        if negated_at is not None and token in v.negated_until:
            # "ما رجعت الكهرباء الا ٤ العصر": there is an end after all (if a time follows).
            scan.ends.append(i)
            scan.negated_end, negated_at = False, None
            scan.came_back = True  # "ما رجعت الا ٤": it did come back, at 4
            if scan.back_at is None:
                scan.back_at, scan.back_needs_time = i, True
            after = i + 1
            continue
        _, size = _phrase_at(toks, i, v.overran)
        if size:  # "طولت لين ٥ العصر": the planned end passed; it came back at 5
            scan.ends.append(i)
            scan.came_back = True
            if scan.back_at is None:
                scan.back_at, scan.back_needs_time = i, True
            after = i + size
            continue
        feast, size = _feast_at(toks, i, v) if token in v.feast_days.firsts else _NOTHING
        if feast is not None:
            if not _negated_day(toks, i, v):
                scan.days.append(feast)
            after = i + size
            continue
        asks_ago = token in v.relative_heads or (said_ago and (digit or token in starts.length))
        ago, size = _ago_at(toks, i, v) if asks_ago else _NOTHING
        if ago is not None:
            scan.clocks.append(ago)
            after = i + size
            continue
        relative, size = _relative_at(toks, i, v) if digit or token in starts.relative else _NOTHING
        if relative is not None:
            if not _negated_day(toks, i, v):
                scan.days.append(relative)
            after = i + size
            continue
        found, size = _date_at(toks, i, v) if digit or token in starts.date else _NOTHING
        if found is not None:
            weekday, weekday_size = _weekday_after(toks, i + size, v)
            found.weekday = weekday  # "١٥ نوفمبر يوم الأحد": checked against the date
            if not _negated_day(toks, i, v):
                scan.days.append(found)
            after = i + size + weekday_size
            continue
        later, size = _phrase_at(toks, i, v.after_start)  # before "اليوم" of "اليوم الثاني"
        if later is not None:
            scan.days.append(_Day(i, after_start=int(later)))
            after = i + size
            continue
        _, size = _phrase_at(toks, i, v.last_week)
        if size:  # "الاسبوع الماضي": its weekday, if said, read with it; else no day (`_read`)
            if not _negated_day(toks, i, v):
                scan.days.append(_Day(i, offset=-7, rough=True, counted=True, last_week=True))
            after = i + size
            continue
        day, size = _phrase_at(toks, i, v.days)
        if day is not None and _phrase_at(toks, i, v.periods)[1] <= size:  # not "yesterday morning"
            if not _negated_day(toks, i, v):
                scan.days.append(_Day(i, offset=int(day)))
            after = i + size
            continue
        weekday, size = _phrase_at(toks, i, v.weekdays)
        if weekday is not None:
            dated, date_size = _date_at(toks, i + size, v) if i + size < len(toks) else (None, 0)
            if dated is not None:  # "يوم الأحد ١٥ نوفمبر": the date, checked against the weekday
                dated.position, dated.weekday = i, int(weekday)
                scan.days.append(dated)
                after = i + size + date_size
                continue
            _, ahead = _phrase_at(toks, i + size, v.ahead_after)
            _, earlier = (None, 0) if ahead else _phrase_at(toks, i + size, v.before_last)
            _, last = (None, 0) if ahead or earlier else _phrase_at(toks, i + size, v.last_after)
            said_last = bool(last) or any(
                tuple(toks[max(0, i - n) : i]) in v.last_before for n in (1, 2)
            )
            said_before = any(tuple(toks[max(0, i - n) : i]) in v.ahead_before for n in (1, 2))
            eve = any(tuple(toks[max(0, i - n) : i]) in v.eve for n in (1, 2) if i - n >= 0)
            if not _negated_day(toks, i, v):
                said_ahead = bool(ahead) or said_before
                scan.days.append(
                    _Day(
                        i,
                        weekday=int(weekday),
                        ahead=said_ahead,
                        eve=eve,
                        weeks_back=1 if earlier and not said_ahead else 0,
                        last=said_last,
                    )
                )
            after = i + size + ahead + earlier + last
            continue
        _, size = _phrase_at(toks, i, v.state)
        if size:
            scan.state = True
            if token in v.start:  # "since"/"منذ" also start the range
                scan.starts.append(i)
            else:
                scan.power_off = True
                scan.off_at.append(i)
            after = i + size
            continue
        _, size = _phrase_at(toks, i, v.now_words)
        if size:
            said, _ = (
                _clock_at(toks, i + size, v, units, month) if i + size < len(toks) else _NOTHING
            )
            if said is None or said.default_hour:
                scan.clocks.append(_Clock(i, -1, -1, True, 0, False, is_now=True))
            # else "رجعت الحين الساعة ٧ وربع": the hour said is the moment "now" meant
            after = i + size
            continue
        past, size = _phrase_at(toks, i, v.end_verbs)
        if (
            size
            and tuple(toks[i : i + size]) in _dated_only()
            and _now_or_nothing(toks, i + size, v)
        ):
            size = 0  # "the power is back now": news of the restoration, not a range's end
        if size and negated_at is None:
            scan.ends.append(i)
            scan.came_back = scan.came_back or bool(past)
            if past and scan.back_at is None:
                scan.back_at = i  # "بس رجعت الساعة ٥": the end, after the plan's "الى ١٢"
            after = i + size
            continue
        if token in v.range_between:
            scan.starts.append(i)
            between_at = i
        elif (
            between_at is not None
            and token in v.range_and
            and any(c.position > between_at for c in scan.clocks)
        ):
            scan.ends.append(i)  # "between 9 am and 6 pm": the end follows
            between_at = None
        if token in v.end and (
            token not in v.weak_end or scan.clocks or scan.days or _opens_with_end(toks, i, v)
        ):
            scan.ends.append(i)
        if token in v.start:
            scan.starts.append(i)
        clock, size = (
            _clock_at(toks, i, v, units, month) if digit or token in starts.clock else _NOTHING
        )
        if clock is not None:
            scan.clocks.append(clock)
            after = i + size
            named = clock.period.weekday if clock.period is not None else None
            if named is not None and not _negated_day(toks, i, v):
                scan.days.append(_Day(i, weekday=named))  # "بعد صلاة الجمعة": that Friday
    if scan.negated_end and not scan.still:
        scan.still = True
    _weekday_of_week(scan)
    _drop_asides(toks, v, scan)
    return scan


def said_by_others(toks: list[str], i: int) -> bool:
    """A word of someone's doing (`markers.asides`: "قالوا") stands just before token i (one or
    two words back): a length there is theirs ("وقالوا ٤ ساعات"), not the case's."""
    v = _vocabulary()
    return any(_phrase_at(toks, k, v.asides)[1] == i - k for k in range(max(0, i - 3), i))


def _drop_asides(toks: list[str], v: _Vocabulary, scan: _Scan) -> None:
    """ "اتصلت على ٩٣٣ الساعة ١٠", "قالوا الفني بيوصل الساعة ٦": an hour said after a word of
    someone's doing (`markers.asides`: a call, what they said), with no start or end word, state
    or going off between, is that doing's time, not the case's: not read."""
    if v.asides.firsts.isdisjoint(toks):
        return
    asides = [p for p in range(len(toks)) if _phrase_at(toks, p, v.asides)[1]]
    told = [*scan.starts, *scan.ends, *scan.off_at, *scan.notice_until]
    told += [p for p in range(len(toks)) if _phrase_at(toks, p, v.went_off)[1]]

    def aside(clock: _Clock) -> bool:
        said = [p for p in asides if p < clock.position]
        return bool(said) and not any(said[-1] < p <= clock.position for p in told)

    scan.clocks = [c for c in scan.clocks if c.is_now or not aside(c)]


def _said_after(toks: list[str], i: int, v: _Vocabulary) -> bool:
    """The verb at i comes after "بعد ما", "after" (`markers.went_off_after`)."""
    return any(tuple(toks[i - n : i]) in v.went_off_after for n in (1, 2, 3) if i - n >= 0)


def _until_now(toks: list[str], i: int, v: _Vocabulary) -> int:
    """ "la7ad al7een", "لين هسي", "ولا رجعت لين اليوم": an end word before "now", or before
    "today" with no hour or part of the day after it, says the case is still going on so far
    (never an end at the message): the tokens it takes, or 0."""
    _, size = _phrase_at(toks, i + 1, v.now_words)
    if size:
        return 1 + size
    day, size = _phrase_at(toks, i + 1, v.days)
    k = i + 1 + size
    if day != 0 or not size or _phrase_at(toks, k, v.periods)[1]:
        return 0
    if _phrase_at(toks, i + 1, v.after_start)[1]:  # "الى اليوم الثاني": the day after the start
        return 0
    hour = k < len(toks) and (toks[k][0].isdigit() or bool(_phrase_at(toks, k, v.lead)[1]))
    return 0 if hour else 1 + size


# How far apart a weekday and the weeks counted back may be said and still name one day
# ("الاسبوع الماضي انقطعت الكهرباء عندنا يوم الثلاثاء": six words apart).
WEEKDAY_OF_WEEK_WORDS = 8


def _weekday_of_week(scan: _Scan) -> None:
    """ "قبل اسبوعين يوم الاحد", "يوم الاحد قبل اسبوعين", "الخميس اللي قبل اسبوع": a weekday said
    beside weeks counted back is that weekday of the week (Sunday to Saturday) counted back to,
    one day: never the counted day's own weekday, nor the last such weekday."""
    for counted in [d for d in scan.days if d.rough and d.counted and d.offset is not None]:
        near = [
            d
            for d in scan.days
            if d.weekday is not None
            and d.gregorian is None
            and d.hijri is None
            and not d.ahead
            and abs(d.position - counted.position) <= WEEKDAY_OF_WEEK_WORDS
            and not any(
                min(d.position, counted.position) < p < max(d.position, counted.position)
                for p in scan.starts + scan.ends
            )
        ]
        if near:
            counted.in_week = near[0].weekday
            scan.days.remove(near[0])


_NOTHING = (None, 0)
_RANGE_START = normalize(load("times")["markers"]["start"][0])
_RANGE_END = normalize(load("times")["markers"]["end"][0])
_GLUED_UNTIL = "ل"  # "until" glued to the word after it ("لخمسة")


def _negated_day(toks: list[str], i: int, v: _Vocabulary) -> bool:
    """The day at i is taken back: "مو امس", "مو من امس", "not yesterday", "not from Sunday"."""
    k = i - 1 if i > 0 and toks[i - 1] in v.start else i
    return any(tuple(toks[max(0, k - n) : k]) in v.negated_day for n in (1, 2) if k - n >= 0)


@dataclass(frozen=True)
class _Starts:
    """The words, besides a word that starts with a digit, at which the scan can find anything
    (`any`), and those at which each finder that reads several tables can: the scan passes over
    any other word at once, as it would after asking every table and finding nothing. Made from
    the same data the finders read (data/times.toml, durations.toml, numbers.toml)."""

    any: frozenset[str]
    length: frozenset[str]  # a length: "ساعتين", "ثلاث", "نص" (then "ago": "2 hours ago")
    relative: frozenset[str]  # "قبل", "يومين", "ثلاث", "a" (week ago)
    date: frozenset[str]  # a month's name first ("Nov 16")
    clock: frozenset[str]  # a day part, a lead word ("الساعه") or an hour word ("سبع")
    # Words that only begin phrases of several words ("el" of "el sob7", "في" of "في الليل"):
    # the words that may follow them. Such a word followed by none of them starts nothing.
    continued: Mapping[str, frozenset[str]]


@lru_cache(maxsize=1)
def _starters() -> _Starts:
    v = _vocabulary()
    length = length_starts()
    relative = (
        v.relative_before.firsts
        | v.month_duals
        | frozenset(v.relative_units)
        | frozenset(number_words())
        | {"a", "an", "one"}
    )
    date = v.gregorian.firsts | v.first_day.firsts
    clock = v.periods.firsts | v.lead.firsts | frozenset(v.hour_words) | v.clock_ordinals.firsts
    clock |= v.parts_before.firsts
    tables: tuple[_Phrases, ...] = (v.still, v.negated_end, v.days, v.weekdays, v.state)
    tables += (v.now_words, v.end_verbs, v.notice, v.notice_until, v.after_start, v.overran)
    tables += (v.last_week, v.went_off, v.feast_days)
    firsts = frozenset(word for table in tables for word in table.firsts)
    markers = v.start | v.end | v.negated_until | v.relative_heads | v.range_between | v.range_and
    any_ = firsts | markers | length | relative | date | clock
    return _Starts(any_, length, relative, date, clock, _continued(v, any_, length, relative))


def _continued(
    v: _Vocabulary, any_: frozenset[str], length: frozenset[str], relative: frozenset[str]
) -> dict[str, frozenset[str]]:
    """Starting words that count only as the first word of a phrase of several words, with the
    second words of those phrases: every other finder needs a digit, a number or unit word, a
    marker or a phrase of one word there."""
    phrases: tuple[_Phrases, ...] = (v.still, v.negated_end, v.days, v.weekdays, v.state)
    phrases += (v.now_words, v.end_verbs, v.relative_before, v.gregorian, v.periods, v.lead)
    phrases += (v.notice, v.notice_until, v.after_start, v.overran, v.clock_ordinals)
    phrases += (v.last_week, v.first_day, v.went_off, v.feast_days)
    alone = length | relative | frozenset(v.hour_words) | v.start | v.end | v.negated_until
    alone |= v.range_between | v.range_and
    alone |= v.relative_heads | {k[0] for table in phrases for k in table if len(k) == 1}
    second: dict[str, set[str]] = {}
    for table in phrases:
        for k in table:
            if len(k) > 1 and k[0] in any_ and k[0] not in alone and not k[0][0].isdigit():
                second.setdefault(k[0], set()).add(k[1])
    return {word: frozenset(after) for word, after in second.items()}


def _start_positions(toks: list[str], starts: _Starts) -> list[int]:
    """Where in `toks` the scan can find anything."""
    words, continued = starts.any, starts.continued
    found = [i for i, token in enumerate(toks) if token in words or token[0].isdigit()]
    return [i for i in found if toks[i] not in continued or _continues(toks, i, continued)]


def _continues(toks: list[str], i: int, continued: Mapping[str, frozenset[str]]) -> bool:
    return i + 1 < len(toks) and toks[i + 1] in continued[toks[i]]


def _clock_at(
    toks: list[str], i: int, v: _Vocabulary, units, month: int
) -> tuple[_Clock | None, int]:
    period, size = _phrase_at(toks, i, v.periods)
    if period is not None and period.bare:
        # A day part before the hour: "الصبح الساعة ٨", "الليلة الساعة ٢".
        after, after_size = _hour_at(toks, i + size, v, units, period)
        if after is not None:
            return after, size + after_size
        before = period.prayer is not None and _before_prayer(toks, i, v)
        hour, minute = v.prayers.time_of(period, month, before)
        return (
            _Clock(
                i,
                hour,
                minute,
                True,
                period.day,
                False,
                True,
                period=period,
                named_part=period.named or before,  # "قبل العصر": a moment, as a prayer is
                midnight=period.ends_day and (hour, minute) == (0, 0),
            ),
            size,
        )
    return _hour_at(toks, i, v, units, None)


def _before_prayer(toks: list[str], i: int, v: _Vocabulary) -> bool:
    """The prayer's word at i comes after "قبل"/"before" ("قبل الظهر", "قبل صلاة الظهر",
    "قبيل اذان المغرب", "before the dhuhr prayer")."""
    k = i - 1
    while k >= 0 and toks[k] in v.prayers.call:
        k -= 1
    return k >= 0 and toks[k] in v.prayers.before


def _oclock_at(toks: list[str], i: int, v: _Vocabulary) -> bool:
    """A digit hour at i said with "oclock" after it: an hour, whatever stands before it."""
    if i >= len(toks) or _hour_minute(toks[i]) is None:
        return False
    part, _ = _phrase_at(toks, i + 1, v.hour_parts)
    return part is not None and int(part) == 0


def _digit_after_part(toks: list[str], i: int, units) -> bool:
    """ "tuesday morning 7", "الثلاثاء الصبح ٧": a digit hour right after a span of the day (not
    a prayer's moment) is that hour in it, unless a unit follows ("الصبح ٣ ساعات")."""
    said = _hour_minute(toks[i]) if i < len(toks) and toks[i][:1].isdigit() else None
    if said is None or not 1 <= said[0] <= 12:
        return False
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    return nxt is None or not (nxt in units.unit or nxt in units.duals)


def _hour_at(
    toks: list[str], i: int, v: _Vocabulary, units, period_before: _Period | None
) -> tuple[_Clock | None, int]:
    _, lead_size = _phrase_at(toks, i, v.lead)
    if (
        period_before is not None
        and not lead_size
        and not (period_before.prayer is None and _digit_after_part(toks, i, units))
    ):
        return None, 0
    j = i + lead_size
    ahead, ahead_size = _phrase_at(toks, j, v.parts_before)  # "half past nine"
    j += ahead_size
    clock = _hour_minute(toks[j]) if j < len(toks) else None
    ordinal, said_size = _ordinal_hour_at(toks, j, v) if clock is None else (None, 1)
    worded = clock is None and (ordinal is not None or (j < len(toks) and toks[j] in v.hour_words))
    if worded:  # "سبع الصبح", "الساعة ثلاث العصر": an hour said as a word, read like a digit
        clock = (ordinal if ordinal is not None else v.hour_words[toks[j]], 0)
    if clock is not None:
        hour, minute = clock
        minute += ahead or 0
        k = j + said_size
        part, size = _minutes_at(toks, k, v, units)
        if part is not None:
            minute += part
            k += size
        period, size = _phrase_at(toks, k, v.periods)
        consumed = size if period is not None else 0
        period = period or period_before
        if period is None and lead_size == 0 and i > 0 and _oclock_at(toks, i, v):
            # "since morning 6 oclock": the part of the day just before the hour is its own
            told, told_size = _phrase_at(toks, i - 1, v.periods)
            period = told if told_size == 1 else None
        nxt = toks[k] if k < len(toks) else None
        before = toks[i - 1] if i > 0 else ""
        marker_before = (
            before in v.start
            or before in v.end
            or before in v.range_between
            or (
                before in v.range_and and any(t in v.range_between for t in toks[max(0, i - 5) : i])
            )
            or before in v.negated_until
            or any(tuple(toks[max(0, i - n) : i]) in v.end_verbs for n in (1, 2, 3))
        )
        is_duration = nxt is not None and (nxt in units.unit or nxt in units.duals)
        # "monday 9 to 1", "يوم الاثنين ٩ الى ١": a bare number after a day, then "to" and an
        # hour, is the range's first hour (it was dropped, and the start asked again)
        range_first = (
            not worded
            and nxt in v.end
            and k + 1 < len(toks)
            and _hour_minute(toks[k + 1]) is not None
            and not (k + 2 < len(toks) and toks[k + 2] in units.unit | units.duals)
            and _day_before(toks, i, v)
        )
        said = (
            lead_size
            or period is not None
            or (not worded and (":" in toks[j] or marker_before))
            or range_first
            or ahead is not None  # "half past 9": a clock's, never a length
            # "من تلاتة العصر لخمسة ونص", "إلى الحادية عشرة والربع": an hour said as a word
            # after an end word is the end of a range whose start was said as an hour.
            or (worded and before in v.end and _hour_range_before(toks, i, v))
            # "انقطعت ٩ الا ربع": minutes taken off a number make it a clock's hour, never a
            # length ("٢ ونص" alone may be two and a half hours).
            or (not worded and part is not None and part < 0)
        )
        if said and not is_duration:
            midnight = (
                period is not None
                and period.ends_day
                and (hour == 12 or (1 <= hour < 12 and hour not in period.pm))
            )
            if period is not None:
                hour = _apply_period(hour, period)
                k += consumed
            if minute < 0:
                hour, minute = (hour - 1) % 24, minute + 60
            # "7:30" is as open as "7" (people write the 12-hour clock); a leading zero
            # ("07:30") is the 24-hour clock's, read as written.
            ambiguous = period is None and 1 <= hour <= 12 and not toks[j].startswith("0")
            near = toks[max(0, i - 1) : j] + toks[k : k + 1]
            about = any(t in v.approximate for t in near)  # "around 9pm", "٩ تقريبا"
            return _Clock(
                i,
                hour,
                minute % 60,
                period is not None,
                getattr(period, "day", None),
                ambiguous,
                about=about,
                midnight=midnight,
                said_period=period,
            ), k - i
    return None, 0


def _minutes_at(toks: list[str], k: int, v: _Vocabulary, units) -> tuple[int | None, int]:
    """The minutes said right after an hour: a part of it ("ونص", "الا ربع", "وعشر"), or "و"
    and a number of minutes with its unit ("و ٢٠ دقيقه"); a minute's unit after a part is the
    part's ("وعشر دقايق"). (minutes, tokens), or (None, 0)."""
    part, size = _phrase_at(toks, k, v.hour_parts)
    if part is None and k + 2 < len(toks) and toks[k] in v.minutes_and:
        number = parse_number(toks[k + 1], units.numbers)
        if number is not None and units.unit.get(toks[k + 2]) == 1 and 0 < number < 60:
            return int(number), 3
    if part is None:
        return None, 0
    if k + size < len(toks) and int(part) and units.unit.get(toks[k + size]) == 1:
        size += 1
    return int(part), size


def _ordinal_hour_at(toks: list[str], j: int, v: _Vocabulary) -> tuple[int | None, int]:
    """ "العاشرة", "الثانية عشرة" at j: (hour, tokens), or (None, 1) (one token, as a digit's).
    Read as an hour by `_hour_at` only after "الساعة" or before a part of the day, as a number
    word is; never after "المرة" ("للمرة الثانية": the second time)."""
    hour, size = _phrase_at(toks, j, v.clock_ordinals)
    if hour is None or (j > 0 and toks[j - 1] in v.ordinal_not_after):
        return None, 1
    return int(hour), size


def _apply_period(hour: int, period: _Period) -> int:
    if hour == 12:
        return period.twelve
    return hour + 12 if hour in period.pm else hour


# ---------------------------------------------------------------------------------------------
# What the message says, resolved


@dataclass(frozen=True)
class Moment:
    """One end of a case. `day` is always set; `clock` is None when only the day was given.

    `day_stated`: the day was named (امس, الخميس, ١٦ نوفمبر, من يومين); otherwise it was
    inferred (today, or yesterday when the hour is still ahead). `hour_guessed`: the hour came
    with no morning/evening and AM or PM was chosen by the rule in data/times.toml.
    """

    day: date
    clock: time | None
    day_stated: bool
    hour_guessed: bool = False
    # A weekday written with a date that is not on it ("الخميس ٢٧ نوفمبر", a Friday): `day` is
    # the date's, and this is the weekday, so the two can be offered back.
    other_weekday: int | None = None
    # How a guessed hour was chosen: "am_pm" (an hour 1-12 with no morning or evening),
    # "day_part" (a span's usual hour: "الصبح" 08:00), "named_part" (a named moment's usual hour:
    # "الفجر" 05:00, "المغرب"); None when the hour was said.
    guess: str | None = None
    # The day was counted from the start ("الى ثاني يوم"): our reading, said back before money.
    from_start: bool = False
    # The hour is a prayer's time ("بعد صلاة الفجر", "المغرب", "العصر") from a table for
    # Riyadh: elsewhere (Jeddah, Dammam) the prayer comes up to ~40 minutes apart, so the hour
    # is approximate, said as "about" and confirmed before any money.
    prayer: bool = False
    # False for a part of the day whose usual hour is never offered back ("من بدري", "early
    # morning": any hour offered is a guess); its hour is asked with none suggested.
    offered: bool = True
    # An hour said with no day whose moment today is just ahead of the message ("since 2am" at
    # 01:00): read as yesterday's, nearly a day back, so said back before any money.
    just_ahead: bool = False

    @property
    def day_part(self) -> bool:
        """The hour is a day part's usual hour ("من الفجر": 05:00), not one the subscriber wrote."""
        return self.guess in ("day_part", "named_part")

    @property
    def at(self) -> datetime | None:
        return datetime.combine(self.day, self.clock, RIYADH) if self.clock is not None else None

    @property
    def inferred(self) -> bool:
        return not self.day_stated or self.hour_guessed or self.just_ahead

    def readings(self) -> list[datetime]:
        """The moments its hour may mean: itself, and twelve hours off when which half of the
        day was our guess (an hour 1-12 said with no morning or evening, read either way, or a
        morning hour guessed); never for an "about" hour. A past "١١" read as last night's 23:00
        is 11:00 after a morning start, so each caller picks among both, never one half."""
        at = self.at
        assert at is not None
        if not self.hour_guessed or self.guess == "about":
            return [at]
        if self.guess == "am_pm":
            return [at, at + timedelta(hours=12 if at.hour < 12 else -12)]
        return [at, at + timedelta(hours=12)] if at.hour < 12 else [at]

    def slot(self) -> str:
        """ISO 8601: a local datetime, or a date alone when no hour was given."""
        at = self.at
        return at.isoformat() if at is not None else self.day.isoformat()


@dataclass(frozen=True)
class NamedMonth:
    """A month the message names with no day of it ("في رمضان", "سبتمبر", "الشهر الماضي"): the
    latest such month begun by the message's day (its year when one is written). Never a day:
    the day is asked, the month said back with the question."""

    year: int
    month: int
    hijri: bool  # an Umm al-Qura month ("رمضان 1447"); otherwise a Gregorian one
    first: date  # its first and last days, Gregorian
    last: date

    @classmethod
    def of(cls, year: int, month: int, hijri: bool) -> NamedMonth:
        """The month `month` of `year`, Hijri (Umm al-Qura) or Gregorian."""
        if not hijri:
            first = date(year, month, 1)
            return cls(year, month, False, first, date(year, month, monthrange(year, month)[1]))
        start = Hijri(year, month, 1)
        first = date(*start.to_gregorian().datetuple())
        return cls(year, month, True, first, first + timedelta(days=start.month_length() - 1))

    @property
    def days(self) -> int:
        """How many days it has."""
        return (self.last - self.first).days + 1

    def dump(self) -> dict[str, int | bool]:
        """What a conversation's state keeps of it (`load` gives it back)."""
        return {"year": self.year, "month": self.month, "hijri": self.hijri}

    @classmethod
    def load(cls, kept: dict | list) -> NamedMonth:
        if isinstance(kept, list):  # [year, month, 1 for Hijri]: kept so before, still read
            return cls.of(int(kept[0]), int(kept[1]), bool(kept[2]))
        return cls.of(int(kept["year"]), int(kept["month"]), bool(kept["hijri"]))

    def day(self, number: int) -> date | None:
        """Its day `number` ("١٥" answering "which day of Ramadan?"), or None past its end."""
        if not 1 <= number <= self.days:
            return None
        return self.first + timedelta(days=number - 1)


@dataclass(frozen=True)
class TimeReading:
    start: Moment | None = None
    end: Moment | None = None
    ongoing: bool = False
    notice: Moment | None = None  # when a planned outage was announced ("بلغونا امس ٨ المسا")
    # The message says the power is off ("طافية", "بدون كهرباء"; "النت مقطوع" does not).
    power_off: bool = False
    power_named: bool = False  # it speaks of the power ("الكهربا", "طافية"), not the water
    # The end is told as past ("ورجعت ٦ المغرب"): the range is over, not a planned end.
    end_past: bool = False
    # The start's day is said only as "a few days ago" ("من كم يوم"): no day, none read.
    vague_day: bool = False
    # The start's hour said with such a vague day ("من كم يوم الساعة ٨ الصبح"), when not a guess
    # between morning and evening: kept by the caller, only the day is asked.
    vague_clock: time | None = None
    # "still" said beside a range that ended ("6-7am, then again at 9 and still off"): the range
    # was an earlier outage, and the one going on began after it.
    still_after_range: bool = False
    # A month named with no day ("انقطعت في رمضان الساعة ١٠ الليل"): no moment is read from it
    # (`vague_day`, and an hour told with it is `vague_clock`); the day is asked in that month.
    month: NamedMonth | None = None
    # "الاسبوع الماضي" with no weekday: no day is read (a week back is a guess, and the day
    # decides the money); which day of last week is asked, the answer read in that week
    # (`in_last_week`).
    last_week: bool = False
    # The end's hour said with the `vague_clock` ("من كم يوم من ٨ الصبح الى ٤ العصر"): kept by
    # the caller with it, so only the day is asked.
    vague_end_clock: time | None = None


def read_times(
    raw: str, now: datetime, *, folded: str | None = None, tokens: list[str] | None = None
) -> TimeReading:
    """The start, end and ongoing state the message states; parts it does not carry are None.
    `tokens`: the message's `slot_tokens(folded, slot_words())`, when the caller has them."""
    # One turn reads the same message at the same moment several times (understanding it,
    # then the flows: is there a start? a correction? news?): read once. A reading depends on
    # the text and the instant only (`folded` and `tokens` are worked out from the text, and
    # aware datetimes of one instant are equal in any zone); it is immutable.
    key = (raw, now)
    reading = _readings.get(key)
    if reading is None:
        reading = _read(raw, now, folded, tokens)
        if len(_readings) >= _READINGS_KEPT:
            _readings.clear()
        _readings[key] = reading
    return reading


_READINGS_KEPT = 64
_readings: dict[tuple[str, datetime], TimeReading] = {}


def _read(raw: str, now: datetime, folded: str | None, tokens: list[str] | None) -> TimeReading:
    if tokens is None:
        tokens = slot_tokens(fold(raw) if folded is None else folded, slot_words())
    v = _vocabulary()
    toks = months_by_number(tokens[:MAX_TOKENS])
    toks = _corrected(_hour_ranges(_glued_until(_negated_hours(toks, v), v), v), v)
    positions = _start_positions(toks, _starters())
    now = now.astimezone(RIYADH)
    month = _named_month(toks, _vocabulary(), now.date())
    if not positions:
        # No time word, number word or digit: nothing to read, but a month named alone.
        return TimeReading(vague_day=month is not None, month=month)
    scan = _scan(toks, _vocabulary(), positions, now.month)
    if not (scan.clocks or scan.days or scan.still):
        # No moment and nothing still going on: what the rest would say, unless "a few days"
        # or a month with no day, or a length the power has been off so far.
        few = _few_days_ago(toks, _vocabulary())
        return TimeReading(
            vague_day=few or month is not None,
            month=None if few else month,
            ongoing=_off_for_a_length(raw, toks, scan, positions),
        )
    if scan.notices or _phrases.mentions(raw, "outage_planned"):
        for day in scan.days:
            day.planned = True
    notice_clock, notice_day = _notice_times(scan)
    if (
        notice_day is not None
        and (_day_of(notice_day, now.date(), None) or now.date()) > now.date()
    ):
        # "وصلتني رسالة فصل مجدول الاحد الجاي الساعة ٩": no notice came on a day still to come;
        # that day is the outage's, and so is an hour said after it.
        scan.days = sorted([*scan.days, notice_day], key=_position)
        if notice_clock is not None and notice_clock.position > notice_day.position:
            scan.clocks = sorted([*scan.clocks, notice_clock], key=_position)
            notice_clock = None
        notice_day = None
    if _phrases.mentions(raw, "outage_ahead"):
        for day in scan.days:  # the notice's own day ("وصلتني رسالة يوم الخميس") is out already
            day.future = True
    _day_part_to_hours(scan)
    start_clock = None
    end_clocks: list[_Clock] = []
    for clock in scan.clocks:
        if clock.is_now:
            clock.hour, clock.minute = now.hour, now.minute
        if clock.ago:
            at = now - timedelta(minutes=clock.ago)
            clock.hour, clock.minute, clock.day = at.hour, at.minute, (at.date() - now.date()).days
        if _in_end(clock.position, scan):
            end_clocks.append(clock)
        elif not clock.is_now:  # a case does not start "now"
            start_clock = start_clock or clock
    start_day = next((d for d in scan.days if not _in_end(d.position, scan)), None)
    end_days = [d for d in scan.days if _in_end(d.position, scan)]
    end_clock, end_day = _restoration(end_clocks, end_days, scan.back_at, scan.back_needs_time)
    if end_clock is not None and _not_back_after(toks, end_clock.position, scan):
        # "القطع المبرمج كان من ٨ الى ١٢ بس للحين ما رجعت": 12 was the plan's end; the power
        # has not come back, so no end is known and the case goes on.
        end_clock, end_day, scan.still = None, None, True
    vague = start_day is None and end_day is None and _few_days_ago(toks, _vocabulary())
    week = next((d for d in scan.days if d.last_week and d.in_week is None), None)
    last_week = week is not None and start_day in (None, week) and end_day in (None, week)
    if last_week:  # "الاسبوع الماضي من ٨ الصبح", "من ٨ لين ٤ الاسبوع الماضي": which day?
        vague, start_day, end_day = True, None, None
    if (
        month is not None
        and not vague
        and start_day is None
        and end_day is None
        and not any(c.day is not None or c.ago or c.is_now for c in scan.clocks)
    ):
        # "في رمضان الساعة ١٠ الليل": a month and no day of it; never today's date.
        vague = True
    else:
        month = None
    vague_clock = vague_end_clock = None
    if vague:  # "من كم يوم الساعة ٨": the hour of no known day; no moment is read
        if start_clock is not None and not start_clock.guessed and start_clock.day is None:
            vague_clock = time(start_clock.hour, start_clock.minute)
        if vague_clock and end_clock and not end_clock.guessed and end_clock.day is None:
            vague_end_clock = time(end_clock.hour, end_clock.minute)  # "… الى ٤ العصر"
        start_clock = end_clock = None
    if (
        start_day is None
        and end_day is not None
        and start_clock is not None
        and start_clock.day is None
        and (end_clock is None or end_day.position > end_clock.position)
    ):
        # "من ٨ الصبح لين ٤ العصر امس": a day said after the whole range is the range's day
        # (not when the start's hour says its own: "من ١٠ مساء امس حتى ٥ صباحا اليوم").
        start_day, end_day = end_day, None
    elif (
        start_day is None
        and end_day is not None
        and start_clock is not None
        and scan.back_at is not None
        and end_day.position < scan.back_at
    ):
        # "8am to 11am yesterday but power only came back at 6pm": the day said with the plan is
        # its start's day too (and the coming back's, when that says none of its own).
        start_day = end_day
    if end_day is None:
        _share_period(start_clock, end_clock, toks, _vocabulary())
    start = _moment(start_clock, start_day, now, None) if start_clock or start_day else None
    end = None
    if end_clock or end_day:
        end = _moment(end_clock, end_day, now, start, is_end=True, past=scan.came_back)
    if start and end:
        end = _after_start(start, end, end_clock)
    if start and end and start_clock is not None:
        start, end = _range_in_past(
            start, end, start_clock, end_clock, end_day, now, scan.power_off
        )
    if start and end and start_clock is not None:
        start, end = _night_before(start, end, start_clock, now)
    ongoing = end is None and (
        scan.still
        or (start is not None and scan.state and not _over_by_length(toks, start, now))
        or (start is None and _off_for_a_length(raw, toks, scan, positions))
    )
    notice = None
    if notice_clock is not None and notice_clock.is_now:
        notice_clock.hour, notice_clock.minute = now.hour, now.minute
    if notice_clock or notice_day:
        notice = _moment(notice_clock, notice_day, now, None)
    if notice is not None and notice_clock is None and notice_day is not None:
        notice = _counted_back(notice, notice_day, now)
    power = any(_power_word(t, _vocabulary()) for t in toks)
    return TimeReading(
        start,
        end,
        ongoing,
        notice,
        scan.power_off and power,
        power,
        end is not None and scan.came_back,
        vague,
        vague_clock,
        end is not None and scan.still,
        month,
        last_week,
        vague_end_clock,
    )


@lru_cache(maxsize=1)
def _not_now() -> frozenset[str]:
    """Denied ("مو طافية") or told as past ("كانت طافية"): not said to be off now."""
    return frozenset((*_phrases.phrases("negation"), *_phrases.phrases("past_state")))


def says_power_off(raw: str) -> bool:
    """The message says the power is off, whatever times it carries ("الكهربا طافية عندنا",
    "النور قاطع", "power is out"): a `state` word of [ongoing] other than "since", not denied
    just before ("مو طافية"), with the power named ("النت مقطوع" is no outage of ours)."""
    v = _vocabulary()
    toks = slot_tokens(fold(raw), slot_words())[:MAX_TOKENS]
    if not any(_power_word(t, v) for t in toks):
        return False
    for i, token in enumerate(toks):
        _, size = _phrase_at(toks, i, v.state)
        if size and token not in v.start and _off_now(toks, i):
            return True
    return False


def _off_now(toks: list[str], i: int) -> bool:
    """The state word at i is said of now: not denied ("مو طافية") nor told as past ("كانت
    طافية") just before it."""
    not_now = _not_now()
    before = toks[max(0, i - 2) : i]
    return not any(" ".join(before[-n:]) in not_now for n in (1, 2) if len(before) >= n)


def _off_for_a_length(raw: str, toks: list[str], scan: _Scan, positions: list[int]) -> bool:
    """ "ثمان ساعات والكهرباء طافية", "has been off for 30 minutes": the power said off now, and
    a length said before it (after it, with a state said so far: "been off"), no day: how long
    it has been off so far (unless supposed: "how much if the power is out for 8 hours",
    `bot.phrases.supposes`). "طافية ٥ ساعات ابي تعويض" may tell a case over: not read so."""
    off = [p for p in scan.off_at if _off_now(toks, p)]
    if not off:
        return False
    v = _vocabulary()
    until = len(toks) if any(_phrase_at(toks, p, v.so_far)[1] for p in off) else max(off)
    starts = length_starts()
    said = any(
        duration_at(toks, p) is not None
        for p in positions
        if p < until and (toks[p] in starts or toks[p][0].isdigit())
    )
    return said and not _phrases.supposes(raw)


def _over_by_length(toks: list[str], start: Moment, now: datetime) -> bool:
    """ "البارحة الكهربا طافية ساعة وربع من الساعة ١١ بالليل": a length said of the case (not
    since when: "صار لها ساعتين") that ran out from the start's hour well before the message
    (`hours.so_far_minutes`: "since 8, 3 hours now" at 11:10 is so far); the state word tells
    how it was, and the case is over (its end untold)."""
    at = start.at
    if at is None:
        return False
    minutes = find_duration_minutes("", anchors=False, tokens=toks)
    if minutes is None:
        return False
    margin = load("times")["hours"]["so_far_minutes"]
    return at + timedelta(minutes=minutes + margin) <= now


def says_now(raw: str) -> bool:
    """The message says "now" («الحين», «توها», "just now", the [now] words): what it tells
    happened at the message, no time of it left to ask."""
    v = _vocabulary()
    toks = slot_tokens(fold(raw), slot_words())[:MAX_TOKENS]
    return any(_phrase_at(toks, i, v.now_words)[1] for i in range(len(toks)))


def _not_back_after(toks: list[str], position: int, scan: _Scan) -> bool:
    """The power is said not back ("ما رجعت", `ongoing.not_back`) after the end's hour at
    `position`, with no hour after that ("ما رجعت الا ٥" has its end)."""
    v = _vocabulary()
    if v.not_back.firsts.isdisjoint(toks[position + 1 :]):
        return False
    said = [p for p in range(position + 1, len(toks)) if _phrase_at(toks, p, v.not_back)[1]]
    return bool(said) and not any(c.position > said[0] for c in scan.clocks)


def _restoration(
    clocks: list[_Clock], days: list[_Day], back_at: int | None, needs_time: bool
) -> tuple[_Clock | None, _Day | None]:
    """The end's hour and day among those said after end words: the first of each; but when
    the power came back at a time said after the range's own end ("قطع مجدول من ٩ الى ١٢ بس ما
    رجعت الا ٥ العصر", "بس رجعت الساعة ٥", "وطولت لين ٥"), that end was the plan, and the end is
    the time said with the coming back (on the plan's end day when no day of its own is said:
    "من الخميس ٩ الى الجمعة ١٢ بس ما رجعت الا ٥"). With no time after "الا" or "طولت لين"
    ("ما رجعت الا بعدها بكثير": `needs_time`) the end is not known: none is read, and it is
    asked, never taken from the plan; a past verb alone ("من ٩ الى ١٢ ورجعت") keeps the range's."""
    first_clock = clocks[0] if clocks else None
    first_day = days[0] if days else None
    said = [x.position for x in (first_clock, first_day) if x is not None]
    if back_at is None or not said or min(said) > back_at:
        return first_clock, first_day
    clock = next((c for c in clocks if c.position > back_at), None)
    day = next((d for d in days if d.position > back_at), None)
    if clock is None and day is None and not needs_time:
        return first_clock, first_day
    if day is None and clock is not None:
        day = first_day
    return clock, day


def day_in_month(text: str, month: NamedMonth, now: datetime) -> str | None:
    """ "١٥" (or "يوم ١٥ الساعة ٨", "يوم ٥ العصر") answering "which day of Ramadan?": that day
    of `month`, written as its date with the rest of the answer; None when no day of it is read:
    the text names a day of its own ("١٥ شوال", "امس"), starts with an hour ("١٠ الليل",
    "الساعة ١٠") or with a number past the month's end ("٣٠" in a month of 29 days). A number
    after "يوم"/"day" is always the day."""
    v = _vocabulary()
    toks = slot_tokens(fold(text), slot_words())
    lead = 1 if toks and toks[0] in v.month_day_word else 0
    number = _day_number(toks[lead]) if lead < len(toks) else None
    if number is None:
        return None
    k = lead + 1
    k += k < len(toks) and toks[k] in v.ordinals  # "16th"
    hour_next = _phrase_at(toks, k + (k < len(toks) and toks[k] == "و"), v.periods)[1]
    if not lead and hour_next:  # "١٠ الليل", "8 pm": an hour, not a day
        return None
    said = read_times(" ".join(toks[lead:]), now).start
    day = month.day(number)
    if day is None or (said is not None and said.day_stated):
        return None
    return f"{day.isoformat()} {' '.join(toks[k:])}".strip()


def in_last_week(text: str) -> str:
    """An answer to "which day of last week?" ("الثلاثاء", "الثلاثاء الساعة ٨") written as
    said of last week: that weekday of last week (Sunday to Saturday), not the latest one. Put
    first, so no end word ("ورجعت ١٢") stands between it and the weekday. An answer naming no
    weekday ("امس", "٢٥ نوفمبر") is its own day, kept as it is."""
    v = _vocabulary()
    toks = slot_tokens(fold(text), slot_words())
    if not any(_phrase_at(toks, i, v.weekdays)[1] for i in range(len(toks))):
        return text
    return f"{' '.join(next(iter(v.last_week)))} {text}"


def day_untold(text: str, now: datetime) -> bool:
    """An answer to "which day of <month>?" that `day_in_month` reads no day of, yet tells an
    hour or a number ("الساعة ١٠", "٣٠" in a month of 29 days), naming no day of its own
    ("امس", "١٥ شوال"): the day is asked again, never read as today's. A text with no time
    ("ما اذكر") is not: it is read as it is."""
    said = read_times(text, now).start
    if said is not None:
        return not said.day_stated
    return any(_digits(t) for t in slot_tokens(fold(text), slot_words()))


def _named_month(toks: list[str], v: _Vocabulary, today: date) -> NamedMonth | None:
    """The month the message names with no day beside it ("في رمضان", "شهر ٩" is not read
    here, "سبتمبر", "الشهر الماضي"), or None. A name of under 4 letters ("رجب", "صفر", "اب",
    "may") counts only after "شهر"/"month", where it cannot be another word."""
    if all(table.firsts.isdisjoint(toks) for table in (v.last_month, v.hijri, v.gregorian)):
        return None  # most messages: no word a month's name begins with (3 look-ups a word)
    for i, token in enumerate(toks):
        if _phrase_at(toks, i, v.last_month)[1]:
            first = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
            return NamedMonth.of(first.year, first.month, False)
        named = i > 0 and toks[i - 1] in v.month_word
        dated = (i > 0 and _day_number(toks[i - 1]) is not None) or (
            i > 1 and toks[i - 1] in v.between and _day_number(toks[i - 2]) is not None
        )
        for table, hijri in ((v.hijri, True), (v.gregorian, False)):
            number, size = _phrase_at(toks, i, table)
            if number is None or dated or (size == 1 and len(token) < 4 and not named):
                continue
            if i + size < len(toks) and toks[i + size] in v.month_greeting:
                continue  # "رمضان كريم": a greeting, no month the case is told in
            if not hijri and _day_after_month(toks, i + size, v)[0] is not None:
                continue  # "Nov 16", "نوفمبر يوم ٥": a date
            year, _ = _year_at(toks, i + size, v)
            past = bool(_phrase_at(toks, i + size, v.past_month)[1])
            return _latest_month(int(number), hijri, year, past, today)
    return None


def _latest_month(
    month: int, hijri: bool, year: int | None, past: bool, today: date
) -> NamedMonth | None:
    """That month in `year`, or the latest one begun by `today` (the one before it when `past`
    and it is today's month)."""
    if hijri:
        now = Gregorian(today.year, today.month, today.day).to_hijri()
        this_year, this_month = now.year, now.month
    else:
        this_year, this_month = today.year, today.month
    if year is None:
        year = (
            this_year if month < this_month or (month == this_month and not past) else this_year - 1
        )
    try:
        return NamedMonth.of(year, month, hijri)
    except (ValueError, OverflowError):
        return None


def months_by_number(toks: list[str]) -> list[str]:
    """A month's number after "شهر"/"الشهر" ("شهر ١١", "الشهر 11") as the month's name
    ("نوفمبر"): November, never a day's number, an hour or a length ("شهر 11 يوم ٥" is the 5th
    of November, not 11 days). Every reader of times and lengths takes the tokens so."""
    v = _vocabulary()
    if v.month_word.isdisjoint(toks):
        return toks
    out: list[str] = []
    i = 0
    while i < len(toks):
        number = toks[i + 1] if toks[i] in v.month_word and i + 1 < len(toks) else ""
        counted = i + 2 < len(toks) and toks[i + 2] in v.month_count  # "الشهر ٣ مرات"
        if _digits(number) and 1 <= int(number) <= 12 and not counted:
            out.extend(_month_name(int(number)))
            i += 2
            continue
        out.append(toks[i])
        i += 1
    return out


@lru_cache(maxsize=12)
def _month_name(month: int) -> tuple[str, ...]:
    """The first name of a Gregorian month in data/times.toml, as tokens."""
    return next(key for key, number in _vocabulary().gregorian.items() if number == month)


def _few_days_ago(toks: list[str], v: _Vocabulary) -> bool:
    """ "من كم يوم", "قبل عدة ايام", "a few days ago", "since a couple of days": some days or
    weeks back, no day said."""
    for i in range(len(toks)):
        few, size = _phrase_at(toks, i, v.few)
        if not few:
            continue
        k = i + size + (i + size < len(toks) and toks[i + size] == "of")
        if k >= len(toks):
            continue
        if v.relative_units.get(toks[k], -1) <= 0 and toks[k] not in v.months:
            continue
        lead = any(
            _phrase_at(toks, j, v.relative_before)[1] == i - j for j in range(max(0, i - 3), i)
        )
        if lead or (k + 1 < len(toks) and toks[k + 1] in v.relative_after):
            return True
    return False


def _power_word(token: str, v: _Vocabulary) -> bool:
    return token in v.power or (token[:1] in ("و", "ب") and token[1:] in v.power)


_HOUR_RANGE = re.compile(r"^(\d{1,2}(?:[:.]\d{2})?)[-–](\d{1,2}(?:[:.]\d{2})?)$")


# How far back from an end word the range's start may be said ("من الساعة السابعة والنصف صباحا
# الى ..."): a start word and its hour within this many words.
_RANGE_WORDS = 8


def _hour_range_before(toks: list[str], i: int, v: _Vocabulary) -> bool:
    """A start word followed by an hour ("من ٣", "من تلاتة", "من الساعة السابعة") stands shortly
    before i: what follows the end word at i - 1 is the range's end hour."""
    for j in range(max(0, i - 1 - _RANGE_WORDS), i - 1):
        if toks[j] not in v.start:
            continue
        k = j + 1 + _phrase_at(toks, j + 1, v.lead)[1]
        if k < i and (_is_hour(toks, k, v) or _phrase_at(toks, k, v.clock_ordinals)[1]):
            return True
    return False


def _glued_until(toks: list[str], v: _Vocabulary) -> list[str]:
    """ "لخمسة ونص": the end word "ل" glued to an hour said as a word, taken apart when a range's
    start hour was said just before ("من تلاتة العصر لخمسة ونص"); elsewhere such a word stays
    whole ("لست متاكد" is "I am not sure")."""
    out: list[str] = []
    for i, token in enumerate(toks):
        if (
            len(token) > 2
            and token[0] == _GLUED_UNTIL
            and token[1:] in v.hour_words
            and _hour_range_before(toks, i + 1, v)
        ):
            out += [_GLUED_UNTIL, token[1:]]
        else:
            out.append(token)
    return out


def _corrected(toks: list[str], v: _Vocabulary) -> list[str]:
    """An hour corrected in the message itself takes the place of the one it corrects: "الساعة ٩
    الصبح.. لا لا قصدي ١٠" is 10 in the morning, "من ٧ الصبح لين ١٢ الظهر، عفوا مو ٧ كانت ٨" is
    from 8, "from 9am, I mean 10am" from 10. With an end word ("الى ٢ الظهر، لا قصدي الى ٦
    المغرب") the end's hour is the one corrected, with "من" the start's; a day after the
    correction ("امس … لا مو امس، قبل امس") takes the day's place. The hour taken back is the one "مو ٧" names, else the
    last hour before the correction; its part of the day is kept when the new hour says none.
    When "مو ٥" names no hour said before, which one is corrected is not known: no hour of the
    message is read, so the hours are asked, never taken from the first."""
    if not toks or v.corrections.firsts.isdisjoint(toks):
        return toks
    for m in range(1, len(toks)):
        _, size = _phrase_at(toks, m, v.corrections)
        if not size:
            continue
        earlier = [p for p in range(m) if _is_hour(toks, p, v)]
        k = m + size
        _, negated = _phrase_at(toks, k, v.taken_back)
        named = None
        if negated and k + negated < len(toks) and _is_hour(toks, k + negated, v):
            named, k = toks[k + negated], k + negated + 1
            k += _phrase_at(toks, k, v.corrected_to)[1]
        head = _correction_head(toks, m, v)
        if named is None and (day := _corrected_day(toks, head, k, v)) is not None:
            return _corrected(day, v)  # "امس … لا مو امس، قبل امس": the day corrected
        # "لا قصدي الى ٦ المغرب": the end's hour corrected ("من" before it: the start's).
        marker = toks[k] if k < len(toks) and (toks[k] in v.end or toks[k] in v.start) else None
        k += marker is not None
        k += _phrase_at(toks, k, v.lead)[1]
        if not earlier or k >= len(toks) or not _is_hour(toks, k, v):
            continue
        if marker is not None and named is None:
            markers = v.end if marker in v.end else v.start
            said = [q for q in range(m) if toks[q] in markers]
            after = [p for p in earlier if said and p > said[-1]]
            earlier = after[:1] or earlier
        new_tail = _hour_tail(toks, k, v)
        if named is not None:
            taken = [p for p in earlier if toks[p] == named]
            if not taken:  # "مو ٥" where no 5 was said: which hour is meant is not known
                return [
                    t for p, t in enumerate(toks[:head]) if p not in _hours_said(earlier, toks, v)
                ]
            p = taken[-1]
        else:
            p = earlier[-1]
        old_tail = _hour_tail(toks, p, v)
        tail = toks[k + 1 : k + 1 + new_tail] or toks[p + 1 : p + 1 + old_tail]
        new = [toks[k], *tail]
        rest = toks[k + 1 + new_tail :]
        return _corrected([*toks[:p], *new, *toks[p + 1 + old_tail : head], *rest], v)
    return toks


def _opens_with_end(toks: list[str], i: int, v: _Vocabulary) -> bool:
    """ "الى ٤ العصر", "to 7 pm" alone (an answer): the message opens with the end word, an hour
    just after it; the end, never a start."""
    if i != 0:
        return False
    k = 1 + _phrase_at(toks, 1, v.lead)[1]
    return k < len(toks) and _is_hour(toks, k, v)


def _correction_head(toks: list[str], m: int, v: _Vocabulary) -> int:
    """Where the correction at m begins: "لا لا قصدي", "عفوا غلطت" (the "no" and any correction
    word just before belong to it)."""
    head = m
    while head > 0:
        if toks[head - 1] in ("لا", "no"):
            head -= 1
            continue
        size = (
            next((n for n in (1, 2) if _phrase_at(toks, head - n, v.corrections)[1] == n), 0)
            if head >= 1
            else 0
        )
        if not size:
            return head
        head -= size
    return head


def negates_an_hour(raw: str) -> bool:
    """The message takes an hour back ("مو من ٨", "not from 8"): `_negated_hours` drops one."""
    toks = slot_tokens(fold(raw), slot_words())[:MAX_TOKENS]
    return len(_negated_hours(toks, _vocabulary())) != len(toks)


def _negated_hours(toks: list[str], v: _Vocabulary) -> list[str]:
    """An hour said taken back after a start word ("طفت من الفجر مو من ٨", "not from 8, from
    dawn", "مو الساعة ٨"): not the case's hour, so not read at all (the words of `negated_day`,
    then "من" or "الساعة", then the hour and its part of the day). "مو ٧" with neither, as in
    "عفوا مو ٧ كانت ٨", is the correction's (`_corrected`)."""
    if v.negated_day.firsts.isdisjoint(toks):
        return toks
    out: list[str] = []
    i = 0
    while i < len(toks):
        _, size = _phrase_at(toks, i, v.negated_day)
        if size:
            k = i + size
            marked = k < len(toks) and toks[k] in v.start
            k += marked
            lead = _phrase_at(toks, k, v.lead)[1]
            k += lead
            if (marked or lead) and k < len(toks) and _is_hour(toks, k, v):
                i = k + 1 + _hour_tail(toks, k, v)
                continue
        out.append(toks[i])
        i += 1
    return out


def _corrected_day(toks: list[str], head: int, k: int, v: _Vocabulary) -> list[str] | None:
    """ "امس … لا مو امس، قبل امس", "امس … عفوا قصدي قبل امس": a day said after a correction
    takes the place of the one said before it (two days in a row: the first names the day taken
    back, the second is the one meant). None when no day is corrected so."""
    _, size = _phrase_at(toks, k, v.days)
    if not size:
        return None
    _, second = _phrase_at(toks, k + size, v.days)
    if second:  # the first is the day taken back, the second the one meant
        named, (k, size) = toks[k : k + size], (k + size, second)
    else:
        named = None
    earlier = []
    p = 0
    while p < head:
        _, n = _phrase_at(toks, p, v.days)
        if n and (named is None or toks[p : p + n] == named):
            earlier.append((p, n))
        p += n or 1
    if not earlier:
        return None
    p, n = earlier[-1]
    return [*toks[:p], *toks[k : k + size], *toks[p + n : head], *toks[k + size :]]


def _hours_said(hours: list[int], toks: list[str], v: _Vocabulary) -> set[int]:
    """The positions of the hours at `hours` and of the tokens that belong to each."""
    return {p + n for p in hours for n in range(1 + _hour_tail(toks, p, v))}


def _is_hour(toks: list[str], i: int, v: _Vocabulary) -> bool:
    """The token at i is a clock hour: "9", "9:30", "سبع"."""
    return _hour_minute(toks[i]) is not None or toks[i] in v.hour_words


def _hour_tail(toks: list[str], i: int, v: _Vocabulary) -> int:
    """How many tokens after the hour at i belong to it: a part of the hour ("و نص") and a part
    of the day ("الصبح", "am")."""
    k = i + 1
    k += _phrase_at(toks, k, v.hour_parts)[1]
    k += _phrase_at(toks, k, v.periods)[1]
    return k - i - 1


def _hour_ranges(toks: list[str], v: _Vocabulary) -> list[str]:
    """Two hours with a dash are a range, read as "من 9 الى 6" (the first words of
    `markers.start` and `markers.end` put around them): "9am-6pm", "9:30-11", "8:30 - 14:00"
    always (the first is plainly an hour); bare numbers ("9-6", "٩ - ٦") after a day, "from" or
    "الساعة" ("yesterday 9-6", "الاحد 8-2", "من 9-6"), or before "am" / "الصبح" ("6-7am"):
    "16-11" alone stays a date."""
    out: list[str] = []
    for i, token in enumerate(toks):
        match = _HOUR_RANGE.match(token) if token[:1].isdigit() else None
        if (
            match
            and all(_hour_minute(h) for h in match.groups())
            and (_day_before(toks, i, v) or _period_after(toks, i, match.groups(), v))
        ):
            first, second = match.groups()
            out += [*_range_start(toks, i, v), first, *_shared_period(toks, i, first, second, v)]
            out += [_RANGE_END, second]
        elif token in DASHES and _dashed_range(toks, i, v):
            if _hour_minute(toks[i - 1]) and ":" not in toks[i - 1]:  # "9 - 6": a bare number
                out[len(out) - 1 : len(out)] = [*_range_start(toks, i - 1, v), toks[i - 1]]
            out.append(_RANGE_END)
        else:
            out.append(token)
    return out


def _period_after(toks: list[str], i: int, hours: tuple[str, ...], v: _Vocabulary) -> bool:
    """ "6-7am", "6-7 الصبح": two hours of a twelve-hour clock and then "am" or a part of the day
    are a range of hours, never the date 6 July (a blind test's outage moved months back)."""
    if i + 1 >= len(toks) or not all(int(re.split(r"[:.]", h)[0]) <= 12 for h in hours):
        return False
    return _phrase_at(toks, i + 1, v.periods)[0] is not None


def _shared_period(toks: list[str], i: int, first: str, second: str, v: _Vocabulary) -> list[str]:
    """ "6-7am": the "am" after the range is its first hour's too, when that hour comes before
    the second on the same clock (not "9-6pm"); nothing to add otherwise."""
    if not _period_after(toks, i, (first, second), v):
        return []
    a, b = _hour_minute(first), _hour_minute(second)
    return [toks[i + 1]] if a is not None and b is not None and a < b else []


def _dashed_range(toks: list[str], i: int, v: _Vocabulary) -> bool:
    """The dash at i joins two hours: an hour (or an hour and its "am") before it, an hour after."""
    if i == 0 or i + 1 >= len(toks) or not _hour_minute(toks[i + 1]):
        return False
    before = toks[i - 1]
    if _hour_minute(before):
        return ":" in before or "." in before or _day_before(toks, i - 1, v)
    period, size = _phrase_at(toks, i - 1, v.periods)  # "9am-6pm": "am" (one word) before it
    return period is not None and size == 1 and i > 1 and bool(_hour_minute(toks[i - 2]))


def _range_start(toks: list[str], i: int, v: _Vocabulary) -> list[str]:
    """The start marker to put before the range's first hour at i, unless one is there."""
    return [] if i > 0 and toks[i - 1] in v.start else [_RANGE_START]


def _day_before(toks: list[str], i: int, v: _Vocabulary) -> bool:
    if i > 0 and (toks[i - 1] in v.start or (toks[i - 1],) in v.lead):
        return True
    tables: tuple[_Table[object], ...] = (v.days, v.weekdays)
    return any(_phrase_at(toks, k, t)[1] for k in range(max(0, i - 4), i) for t in tables)


def _share_period(
    start: _Clock | None, end: _Clock | None, toks: list[str], v: _Vocabulary
) -> None:
    """ "from 2 to 5 pm", "من ٢ لين ٥ العصر": in a range said in one breath (the start's hour,
    an end word, the end's hour) the part of the day said with the end is the start's too, when
    the start says none and that makes it earlier than the end on the same day (14:00 to 17:00,
    not 02:00); "from 9 to 5 pm" stays 9 in the morning. Two hours told apart ("سددت الساعة ٣
    ورجعت ٦ المغرب") share nothing: the first stays a guess, said back."""
    if (
        start is None
        or end is None
        or not start.ambiguous_hour
        or start.ago
        or start.is_now
        or end.said_period is None
        or end.default_hour
        or end.ago
    ):
        return
    hour = start.position + _phrase_at(toks, start.position, v.lead)[1]  # past "الساعة"
    between = toks[hour + 1 + _hour_tail(toks, hour, v) : end.position]
    if not (between and between[0] in v.end and all(t in v.end or (t,) in v.lead for t in between)):
        return
    hour = _apply_period(start.hour, end.said_period)
    if hour == start.hour and start.hour < 12 <= end.hour:
        # "من ٥ الى ٩ بالليل": the night's small hours are not its evening ones, but a start
        # in the end's half of the day is what the range means (17:00 to 21:00, not 05:00).
        hour = start.hour + 12
    if hour != start.hour and (hour, start.minute) < (end.hour, end.minute):
        start.hour, start.ambiguous_hour, start.explicit_period = hour, False, True


def _range_in_past(
    start: Moment,
    end: Moment,
    start_clock: _Clock,
    end_clock: _Clock | None,
    end_day: _Day | None,
    now: datetime,
    off_now: bool,
) -> tuple[Moment, Moment | None]:
    """ "من ٩ الى ٦" at 21:00 with no day: 09:00 to 18:00 today, not 21:00 to 06:00 tomorrow;
    "من ١٠ الى ٣" at 10:00: 22:00 last night to 03:00, not today 10:00 to 15:00 (an end never
    dropped as ahead). A start hour with no morning or evening and no day, whose range would end
    after the message, is read as the latest range over: of its two hours today or yesterday,
    the one whose range ends last before the message (a guess still, said back before money).
    With the power said off now ("طافية من ٩ الى ٣" at 10:00), only today's hours: a range
    begun today and ending ahead is the case going on (`_range_running` in the handlers)."""
    at = end.at
    clock = start.clock
    if (
        not start_clock.ambiguous_hour
        or start.day_stated
        or clock is None
        or at is None
        or at <= now
    ):
        return start, end
    over: list[tuple[datetime, datetime, Moment, Moment]] = []
    for back in (0,) if off_now else (0, 1):
        for hour in (clock.hour % 12, clock.hour % 12 + 12):
            day = now.date() - timedelta(days=back)
            begun = datetime.combine(day, clock.replace(hour=hour), now.tzinfo)
            if begun > now:
                continue
            earlier = replace(start, day=day, clock=clock.replace(hour=hour))
            again = _moment(end_clock, end_day, now, earlier, is_end=True)
            again = _after_start(earlier, again, end_clock) if again is not None else None
            if again is not None and again.at is not None and again.at <= now:
                over.append((again.at, begun, earlier, again))
    if not over:
        return start, end
    *_, earlier, again = max(over, key=lambda found: found[:2])
    return earlier, again


def _night_before(
    start: Moment, end: Moment, start_clock: _Clock, now: datetime
) -> tuple[Moment, Moment]:
    """ "طفت البارحة الساعة ١١ ورجعت الساعة ٤ الفجر": an hour with no morning or evening before
    a morning end on the next day is the night before (23:00 → 04:00), not the morning a day
    earlier (11:00 → 04:00, 17 hours). The range's days are read together; the start stays a
    guess (said back before any money). With no day said, the night is the last one over."""
    s, e = start.at, end.at
    if (
        not start_clock.ambiguous_hour
        or s is None
        or e is None
        or s.hour >= 12
        or e.hour >= 12
        or e.date() != s.date() + timedelta(days=1)
    ):
        return start, end
    night, back = s + timedelta(hours=12), timedelta(0)
    if not start.day_stated and e > now:
        back = timedelta(days=1)  # "الساعة ١١ ورجعت ٤ الفجر" at 13:00: last night, this dawn
    if e - back > now:
        return start, end
    night, e = night - back, e - back
    return (
        replace(start, day=night.date(), clock=night.time()),
        replace(end, day=e.date(), clock=e.time()),
    )


def _position(item: _Clock | _Day) -> int:
    return item.position


def _notice_times(scan: _Scan) -> tuple[_Clock | None, _Day | None]:
    """The hour and day right after a notice word, taken out of the scan: they say when the
    subscriber was told, not when the case began. They end at a marker, at the outage's own
    word ("والقطع"), or at a second day or hour."""
    if not scan.notices:
        return None, None
    at = scan.notices[0]
    stop = min((p for p in scan.starts + scan.ends + scan.notice_until if p > at), default=None)
    items: list[_Clock | _Day] = [*scan.clocks, *scan.days]
    found = sorted((x for x in items if x.position > at), key=_position)
    clock: _Clock | None = None
    day: _Day | None = None
    lead: _Clock | None = None
    for item in found:
        if stop is not None and item.position > stop:
            break
        if isinstance(item, _Clock):
            if clock is None and day is None and item.ago:
                # "وصلنا اشعار قبل ١٠ ساعات بس، القطع كان امس من ٩": the notice's lead (read by
                # the case as how long before), never the outage's start.
                lead = item
                break
            if item.is_now and clock is None and day is None:
                # "وصلتني رسالة الحين ان الكهربا بتنقطع بكرة": the notice came just now
                clock = item
                break
            if clock is not None or item.is_now or item.ago:
                break
            clock = item
        elif day is None:
            day = item
        else:
            break
    scan.clocks = [c for c in scan.clocks if c is not clock and c is not lead]
    scan.days = [d for d in scan.days if d is not day]
    return clock, day


def _day_part_to_hours(scan: _Scan) -> None:
    """A day part named alone, then an hour before any end word: "this morning from 7 to 11",
    "امس العصر من ١ الى ٥", "this morning the power went off at 7". The day part is not a time of
    its own there: it gives the hour its day ("this morning": today) and, to an hour said
    without morning or evening, its part (1 → 13:00)."""
    clocks = sorted(scan.clocks, key=_position)
    for part, hour in zip(clocks, clocks[1:], strict=False):
        period = part.period
        if (
            period is None
            or hour.period is not None
            or hour.is_now
            or hour.ago
            or any(part.position < p <= hour.position for p in scan.ends)
        ):
            continue
        if hour.day is None:
            hour.day = period.day
        if hour.ambiguous_hour:
            hour.hour = _apply_period(hour.hour, period)
            hour.ambiguous_hour, hour.explicit_period = False, True
        scan.clocks.remove(part)


def _in_end(position: int, scan: _Scan) -> bool:
    """A time or day belongs to the end when the closest marker before it is an end marker."""
    ends = [p for p in scan.ends if p <= position]
    starts = [p for p in scan.starts if p <= position]
    return bool(ends) and (not starts or max(ends) > max(starts))


def _moment(
    clock: _Clock | None,
    day: _Day | None,
    now: datetime,
    start: Moment | None,
    is_end: bool = False,
    past: bool = False,
) -> Moment | None:
    """The moment of a clock and day said; `past` when it is an end told as past ("ورجعت ٥"):
    with no day and no start, the power came back before the message, never later today."""
    today = now.date()
    if day is not None:
        resolved = _day_of(day, today, start.day if start else None)
        if resolved is None:
            return None
        if start is None and _weekday_today(day, clock, resolved, now):
            resolved = today
        if day.eve and (
            clock is None or clock.midnight or clock.hour >= 12 or clock.ambiguous_hour
        ):
            # "ليلة الجمعة": the night before Friday; its evening hours are Thursday's, its
            # small hours ("٣ الفجر") Friday's.
            resolved -= timedelta(days=1)
        if clock is not None and _night_end(clock, resolved, now):
            resolved += timedelta(days=1)  # "امس ١٢ بالليل": the night of that day
        # "قبل شهرين" names no exact day, and a weekday that is not the date's ("الأحد ١٦
        # نوفمبر", a Monday) leaves the day in doubt: either is said back before any money.
        agrees = _weekday_agrees(day, resolved)
        stated = day.months is None and not day.rough and agrees
        other = None if agrees else day.weekday
        counted = day.after_start is not None
        if clock is None:
            return Moment(resolved, None, stated, other_weekday=other, from_start=counted)
        return _clock_moment(clock, resolved, stated, other_weekday=other, from_start=counted)
    assert clock is not None
    if clock.day is not None:
        said = today + timedelta(days=clock.day)
        return _clock_moment(clock, said + timedelta(days=_night_end(clock, said, now)), True)
    if start is not None:  # an end with no day of its own: the start's day (or the next)
        return _clock_moment(clock, start.day, start.day_stated)
    if is_end and not past:  # an end alone may be ahead ("until 5 pm" of a planned outage)
        return _clock_moment(clock, today, False)
    return _latest_past(clock, now)


def _weekday_today(day: _Day, clock: _Clock | None, resolved: date, now: datetime) -> bool:
    """A start on a weekday alone said on that very weekday ("من يوم الخميس الساعة ٨ الصبح" on
    a Thursday at 10:00): today, when its hour (if any) has passed; a week back otherwise."""
    plain = day.gregorian is None and day.hijri is None and day.offset is None
    if (
        day.weekday is None
        or not plain
        or day.ahead
        or day.last
        or day.eve
        or day.weeks_back
        or day.in_week is not None
        or resolved != now.date() - timedelta(days=7)
    ):
        return False
    if clock is None:
        return True
    # "الخميس ٢ بالليل": which night is meant is not clear from the day alone; kept a week back
    return (
        not clock.midnight
        and datetime.combine(now.date(), time(clock.hour, clock.minute), now.tzinfo) <= now
    )


def _night_end(clock: _Clock, day: date, now: datetime) -> bool:
    """The clock is midnight or a small hour of the night that ends `day` ("امس ٢ بالليل" said
    in the morning: today 02:00), and that moment is already past; said before it ("امس ٢
    بالليل" at 01:00), the day's own small hours are the ones over."""
    if not clock.midnight:
        return False
    after = datetime.combine(day + timedelta(days=1), time(clock.hour, clock.minute), now.tzinfo)
    return clock.hour == 0 and clock.minute == 0 or after <= now


def _clock_moment(
    clock: _Clock,
    day: date,
    day_stated: bool,
    at: time | None = None,
    other_weekday: int | None = None,
    from_start: bool = False,
) -> Moment:
    """The moment of `clock` on `day` (at its own hour, or `at`), with what the clock knows of
    how its hour was found (guessed, a prayer's, offered back or not)."""
    return Moment(
        day,
        at if at is not None else time(clock.hour, clock.minute),
        day_stated,
        clock.guessed,
        other_weekday,
        clock.guess,
        from_start=from_start,
        prayer=clock.prayer,
        offered=clock.offered,
    )


def _counted_back(moment: Moment, day: _Day, now: datetime) -> Moment:
    """ "وصلنا اشعار قبل يومين": a notice counted back in days from the message is that moment,
    two days before it (its lead before the outage is the outage's start minus it), never a
    lead of two days. Counted in weeks or months it stays a rough day."""
    if not day.counted or day.rough:
        return moment
    at = now.replace(second=0, microsecond=0) + timedelta(days=day.offset or 0)
    return replace(moment, day=at.date(), clock=at.time())


def _weekday_agrees(day: _Day, resolved: date) -> bool:
    dated = day.gregorian is not None or day.hijri is not None
    return day.weekday is None or not dated or resolved.weekday() == day.weekday


def _latest_past(clock: _Clock, now: datetime) -> Moment:
    """An hour with no day: the latest such moment not after the message."""
    base = now.replace(hour=clock.hour, minute=clock.minute, second=0, microsecond=0)
    candidates = [base]
    if clock.ambiguous_hour:
        candidates.append(base.replace(hour=(clock.hour + 12) % 24))
    past = [c for c in candidates if c <= now]
    chosen = max(past) if past else max(candidates) - timedelta(days=1)
    moment = _clock_moment(clock, chosen.date(), False, at=chosen.time())
    window = timedelta(minutes=load("times")["hours"]["just_ahead_minutes"])
    if not past and not clock.guessed and base - now <= window:
        return replace(moment, just_ahead=True)
    return moment


def _day_of(day: _Day, today: date, after: date | None) -> date | None:
    """The date a named day means: for a start the latest such day before today (or today
    for امس/اليوم-like offsets); for an end (`after` = the start's day) the first on or after."""
    year: int | None  # a named date may leave out its year
    if day.after_start is not None:  # "ثاني يوم": only an end has a start to count from
        return after + timedelta(days=day.after_start) if after is not None else None
    if day.offset is not None:
        counted = today + timedelta(days=day.offset)
        if day.in_week is not None:  # that weekday of the counted day's week (Sunday first)
            sunday = counted - timedelta(days=(counted.weekday() + 1) % 7)
            return sunday + timedelta(days=(day.in_week + 1) % 7)
        return counted
    if day.months is not None:
        month = today.year * 12 + today.month - 1 - day.months
        year, month = divmod(month, 12)
        return date(year, month + 1, min(today.day, monthrange(year, month + 1)[1]))
    if day.weekday is not None and day.gregorian is None and day.hijri is None:
        if after is not None:
            return after + timedelta(days=(day.weekday - after.weekday()) % 7)
        if day.ahead or _plain_future(day):
            return today + timedelta(days=(day.weekday - today.weekday()) % 7 or 7)
        back = (today.weekday() - day.weekday) % 7 or 7
        if day.eve and back == 7:
            back = 0  # "ليلة الجمعة" said on a Friday: the night just over
        return today - timedelta(days=back + 7 * day.weeks_back)
    if day.feast:
        return _feast_day(day.feast, today, after, day.future)
    if day.gregorian is not None:
        year, month, number = day.gregorian
        return _calendar_day(
            lambda y: date(y, month, number),
            year,
            today.year,
            today,
            after,
            day.weekday,
            day.planned,
            day.future,
        )
    if day.hijri is not None:
        year, month, number = day.hijri
        this_year = Gregorian.fromdate(today).to_hijri().year

        def gregorian_of(y: int) -> date:
            return date(*Hijri(y, month, number).to_gregorian().datetuple())

        return _calendar_day(
            gregorian_of, year, this_year, today, after, day.weekday, day.planned, day.future
        )
    return None


def _plain_future(day: _Day) -> bool:
    """A weekday told of a cut to come ("بيقطعون يوم الاحد"), with no word of its own that puts
    it back ("الاحد الماضي", "قبل اسبوعين يوم الاحد", "ليلة الجمعة")."""
    return (
        day.future
        and not day.last
        and not day.eve
        and not day.weeks_back
        and day.in_week is None
        and not day.last_week
    )


def _feast_day(
    feasts: tuple[tuple[int, int], ...], today: date, after: date | None, future: bool = False
) -> date | None:
    """The latest of the feasts' days not after today (for an end, the first on or after the
    start's day): "العيد" said in Shawwal is Eid al-Fitr's, not last year's Eid al-Adha. Told
    of a cut to come (`future`), the first on or after today: the coming Eid."""
    this_year = Gregorian.fromdate(today).to_hijri().year
    found = []
    for month, number in feasts:

        def gregorian_of(y: int, month: int = month, number: int = number) -> date:
            return date(*Hijri(y, month, number).to_gregorian().datetuple())

        day = _calendar_day(gregorian_of, None, this_year, today, after, future=future)
        if day is not None:
            found.append(day)
    if not found:
        return None
    return min(found) if after is not None or future else max(found)


# How far ahead a named date with its weekday may be read as coming ("السبت ١٩ ديسمبر" of a
# planned outage this month): further off, the past date is kept and its weekday asked about.
_DATE_AHEAD = timedelta(days=31)


def _calendar_day(
    make,
    year: int | None,
    this_year: int,
    today: date,
    after: date | None,
    weekday: int | None = None,
    planned: bool = False,
    future: bool = False,
) -> date | None:
    """A named date with no year: the latest such day not after today (for an end, the first
    on or after the start); but when its weekday is named too and only the next such date is
    that weekday ("السبت ١٩ ديسمبر" said on 2 December 2026), or it is said of a planned outage
    or its notice ("انقطاع مجدول يوم ١٠ ديسمبر" said on 7 December), the date ahead, within a
    month, is the one meant."""
    try:
        if year is not None:
            return make(year)
        candidates = [make(y) for y in (this_year - 1, this_year, this_year + 1)]
    except (ValueError, OverflowError):
        return None
    if after is not None or future:
        # an end: the first on or after its start; a cut to come: the first from today on
        later = [c for c in candidates if c >= (after or today)]
        return min(later) if later else None
    past = [c for c in candidates if c <= today]
    latest = max(past) if past else None
    ahead = min((c for c in candidates if c > today), default=None)
    if (
        ahead is not None
        and ahead - today <= _DATE_AHEAD
        and (
            planned
            or (
                weekday is not None
                and ahead.weekday() == weekday
                and (latest is None or latest.weekday() != weekday)
            )
        )
    ):
        return ahead
    return latest


def _after_start(start: Moment, end: Moment, end_clock: _Clock | None) -> Moment | None:
    """Put the end after the start: "من 8 الى 2" is 14:00; an end before the start is the next
    day when the end had no day of its own; a named end day before the start is dropped."""
    if start.clock is None or end.clock is None:
        return end if end.day >= start.day else None
    s, e = start.at, end.at
    assert s is not None and e is not None
    hour_guessed, guess = end.hour_guessed, end.guess
    if end_clock is not None and end_clock.ambiguous_hour and e <= s < e + timedelta(hours=12):
        e += timedelta(hours=12)
        hour_guessed, guess = True, "am_pm"
    if e <= s and end.day == start.day:
        e += timedelta(days=1)
    if e < s:
        return None
    return Moment(
        e.date(),
        e.time(),
        end.day_stated,
        hour_guessed,
        guess=guess,
        from_start=end.from_start,
        prayer=end.prayer and guess == end.guess,
        offered=end.offered,
    )


def span_may_have_begun(start: Moment, now: datetime) -> bool:
    """A span of the day named alone with no day ("من العصر" at 15:10, Asr's usual hour 15:15):
    read as yesterday's, its usual hour is so little ahead today (`[spans]` in data/times.toml)
    that today's span may have begun, or not yet. Either day is a guess, and a day's money
    apart: the hour (and the day, if not today) is asked, none offered. The one rule for the
    outage report and the compensation questions alike."""
    at = start.at
    if start.guess != "day_part" or at is None or start.day_stated:
        return False
    today = now.astimezone(RIYADH).date()
    ahead = timedelta(minutes=load("times")["spans"]["may_have_begun_minutes"])
    return start.day == today - timedelta(days=1) and at + timedelta(days=1) - now <= ahead


def read_answer_hour(raw: str, now: datetime) -> Moment | None:
    """The answer to "at what time?": an hour alone ("6 ونص", "7") is one, read as if it came
    after "الساعة" (a bare number in any other message is not an hour)."""
    return read_times(answer_hour_text(raw), now).start


def answer_hour_text(raw: str) -> str:
    """The answer to "at what time?" as if it came after "الساعة" ("٧": "الساعة ٧")."""
    lead = " ".join(_key(load("times")["markers"]["lead"][0]))
    return f"{lead} {raw}"


def find_times(
    raw: str, now: datetime, *, folded: str | None = None
) -> tuple[datetime | None, datetime | None]:
    """(start, end) of the time or interval the message mentions, where an hour was given."""
    reading = read_times(raw, now, folded=folded)
    return (reading.start.at if reading.start else None, reading.end.at if reading.end else None)


@lru_cache(maxsize=1)
def slot_words() -> frozenset[str]:
    """The words `slot_tokens` splits off a number or an attached "و"/"ب" for the time and
    duration finders (the duration words already hold the time words)."""
    return duration_words().known | _vocabulary().known
