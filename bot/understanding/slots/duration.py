"""Durations: "ساعتين ونص" → 150, "ربع ساعة" → 15, "5 hours" → 300, "يومين" → 2880."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.text import normalize
from bot.understanding.slots.tokens import parse_number, slot_tokens
from bot.understanding.vocabulary import load, number_words, ordinal_words


@dataclass(frozen=True)
class _Words:
    unit: dict[str, int]  # word → minutes in one unit
    plural: frozenset[str]  # "ساعات", "hours": a unit never of a fraction ("تلت ساعات" is 3)
    alone: frozenset[str]
    alone_after_since: frozenset[str]  # "men sa3a": one unit, only after "since"
    duals: dict[str, int]
    fractions: dict[str, float]
    add: frozenset[str]
    subtract: frozenset[str]
    one: frozenset[str]
    of: frozenset[str]  # "a quarter of an hour"
    asked: frozenset[str]  # "كم" before a unit said alone: "كم ساعة؟" asks, tells no hour
    numbers: dict[str, int]
    known: frozenset[str]
    compact: re.Pattern[str]  # "5h20": hours and minutes in one word


@lru_cache(maxsize=1)
def _words() -> _Words:
    data = load("durations")
    unit: dict[str, int] = {}
    plural: set[str] = set()
    alone: set[str] = set()
    after_since: set[str] = set()
    for spec in data["units"].values():
        for word in spec["words"]:
            unit[normalize(word)] = spec["minutes"]
        plural.update(normalize(w) for w in spec.get("plural", ()))
        alone.update(normalize(w) for w in spec.get("alone", ()))
        after_since.update(normalize(w) for w in spec.get("alone_after_since", ()))
    duals = {normalize(k): v for k, v in data["duals"].items()}
    fractions = {normalize(k): v for k, v in data["fractions"].items()}
    joiners = {k: frozenset(normalize(w) for w in v) for k, v in data["joiners"].items()}
    ordinals = ordinal_words()
    numbers = {w: n for w, n in number_words().items() if w not in ordinals}  # no "first day"
    known = frozenset(unit) | frozenset(duals) | frozenset(fractions) | frozenset(number_words())
    known |= _time_words()
    return _Words(
        unit,
        frozenset(plural),
        frozenset(alone),
        frozenset(after_since),
        duals,
        fractions,
        joiners["add"],
        joiners["subtract"],
        joiners["one"],
        joiners["of"],
        joiners["asked"],
        numbers,
        known,
        _compact_pattern(data["compact"]),
    )


def _compact_pattern(spec: dict[str, list[str]]) -> re.Pattern[str]:
    def either(words: list[str]) -> str:
        return "|".join(re.escape(normalize(w)) for w in sorted(words, key=len, reverse=True))

    return re.compile(
        rf"^(\d{{1,3}})(?:{either(spec['hour'])})([0-5]?\d)(?:{either(spec['minute'])})?$"
    )


def _time_words() -> frozenset[str]:
    from bot.understanding.slots.times import _vocabulary

    return _vocabulary().known


def find_duration_minutes(
    raw: str,
    *,
    folded: str | None = None,
    anchors: bool = True,
    moments: bool = True,
    tokens: list[str] | None = None,
) -> int | None:
    """Minutes of the first duration in the message, or None. With `anchors=False` a length
    that says WHEN rather than how long ("قبل اسبوعين", "من ٣ ايام", "2 days ago") is passed
    over: "قبل اسبوعين انقطعت ٧ ساعات" lasted 7 hours, not two weeks. With `moments=False` only
    those said as a moment are ("قبل ساعتين", "3 hours ago"; "من ساعتين" is also how long so
    far). `tokens`: the message's `slot_tokens` with `times.slot_words()`, when the caller has
    them."""
    if tokens is None:
        from bot.understanding.slots import folded_text

        tokens = slot_tokens(folded_text(raw, folded), _words().known)
    toks = _times.months_by_number(tokens)  # "شهر 11 يوم ٥": a date, not 11 days
    starts = length_starts()
    i = 0
    while i < len(toks):
        # A word no length can start at (most words of a message) is passed over at once.
        found = duration_at(toks, i) if toks[i] in starts or toks[i][0].isdigit() else None
        if found is None:
            i += 1
            continue
        if (
            (not anchors and is_anchor(toks, i, found[2]))
            or (not moments and is_anchor(toks, i, found[2], moment=True))
            or _clock_minutes(toks, i, found)
            or _times.said_by_others(toks, i)
        ):
            i = found[2]
            continue
        if found[0] > 0:
            return round(found[0])
        i += 1
    return None


def _clock_minutes(toks: list[str], i: int, found: tuple[float, int, int]) -> bool:
    """The minutes at i are a clock's, after its hour and "و" (times.toml `minutes_and`):
    "الساعة ٦ وعشر دقايق" is 18:10, no length of 10 minutes."""
    words = _words()
    if found[1] != 1 or not 0 < found[0] < 60 or i < 2 or toks[i - 1] not in _minutes_and():
        return False
    hour = toks[i - 2]
    if hour[0].isdigit():
        return _CLOCK.match(hour) is not None
    number = words.numbers.get(hour)
    return number is not None and 1 <= number <= 12


@lru_cache(maxsize=1)
def _minutes_and() -> frozenset[str]:
    return frozenset(normalize(w) for w in load("times")["markers"]["minutes_and"])


@lru_cache(maxsize=1)
def length_starts() -> frozenset[str]:
    """The words, besides a word that starts with a digit, at which a length can start: a dual
    ("ساعتين"), a fraction or "one" before a unit ("نص ساعة"), a number word, a unit said alone."""
    w = _words()
    starts = frozenset(w.duals) | frozenset(w.fractions) | w.one | frozenset(w.numbers)
    return starts | w.alone | w.alone_after_since


@lru_cache(maxsize=1)
def _one_after() -> frozenset[str]:
    """ "واحد" after a unit said alone ("يوم واحد"): still that one unit."""
    return frozenset(normalize(w) for w in load("durations")["joiners"].get("one_after", ()))


def lone_unit_minutes(raw: str) -> int | None:
    """A unit said alone, as the answer to "how long before?": "يوم", "بيوم", "a day",
    "يوم واحد", "اسبوع" → one unit; None when the message says anything else."""
    words = _words()
    said = normalize(raw).split()
    if len(said) > 1 and said[-1] in _one_after() and said[-2].removeprefix("ب") in words.unit:
        said = said[:-1]  # "يوم واحد": "واحد" is never taken apart as "و" + "احد" here
    toks = slot_tokens(" ".join(said), words.known)
    anchor = _anchor_words()
    units = [t for t in toks if t in words.unit]
    rest = [
        t
        for t in toks
        if t not in words.unit
        and t not in words.one
        and t not in anchor.fillers
        and (t,) not in anchor.before
        and t not in ("ب", "by")
    ]
    return words.unit[units[0]] if len(units) == 1 and not rest else None


def duration_at(toks: list[str], i: int) -> tuple[float, int, int] | None:
    """(minutes, minutes of its last unit, next index) of the duration starting at token i:
    "ساعتين ونص", "ساعة و 20 دقيقة", "ساعة الا ربع"; None when none starts there."""
    words = _words()
    found = _component(toks, i, words)
    if found is None:
        return None
    total, unit, i = found
    # Further parts joined by "و"/"and"/"الا": "ساعتين ونص", "ساعة و 20 دقيقة", "ساعة الا ربع".
    while i + 1 < len(toks) and (toks[i] in words.add or toks[i] in words.subtract):
        sign = -1 if toks[i] in words.subtract else 1
        if toks[i + 1] in words.fractions:
            total += sign * words.fractions[toks[i + 1]] * unit
            i += 2
            continue
        if toks[i + 1] == "a" and i + 2 < len(toks) and toks[i + 2] in words.fractions:
            total += sign * words.fractions[toks[i + 2]] * unit  # "and a half"
            i += 3
            continue
        more = _component(toks, i + 1, words)
        if more is None:
            break
        total += sign * more[0]
        unit, i = more[1], more[2]
    return total, unit, i


def is_anchor(toks: list[str], first: int, after: int, moment: bool = False) -> bool:
    """The duration toks[first:after] is a relative anchor: after "قبل"/"من"/"منذ"/"since"
    (a filler like "شي"/"about" may stand between) or before "ago". With `moment`, only an
    anchor that says a moment ("قبل", "ago"), never a length so far."""
    anchor = _anchor_words()
    before_words = anchor.moment_before if moment else anchor.before
    after_words = anchor.moment_after if moment else anchor.after
    k = first - 1
    while k >= 0 and toks[k] in anchor.fillers:
        k -= 1
    before = any(k - n + 1 >= 0 and tuple(toks[k - n + 1 : k + 1]) in before_words for n in (1, 2))
    return before or (after < len(toks) and toks[after] in after_words)


@dataclass(frozen=True)
class _Anchor:
    before: frozenset[tuple[str, ...]]
    after: frozenset[str]
    fillers: frozenset[str]
    moment_before: frozenset[tuple[str, ...]]  # "قبل": a moment, not a length so far
    moment_after: frozenset[str]  # "ago"


@lru_cache(maxsize=1)
def _anchor_words() -> _Anchor:
    relative = load("times")["relative"]
    before = frozenset(tuple(normalize(w).split()) for w in relative["before"])
    after = frozenset(normalize(w) for w in relative["after"])
    moment = {tuple(normalize(w).split()) for w in relative["moment"]}
    return _Anchor(
        before,
        after,
        frozenset(normalize(w) for w in relative["fillers"]),
        frozenset(before & moment),
        frozenset(w for w in after if (w,) in moment),
    )


def _component(toks: list[str], i: int, w: _Words) -> tuple[float, int, int] | None:
    """(minutes, minutes per unit, next index) for one "N unit" / dual / "نص ساعة" at i."""
    token = toks[i]
    compact = w.compact.match(token)
    if compact:
        return float(int(compact.group(1)) * 60 + int(compact.group(2))), 1, i + 1
    if token in w.duals:
        per_unit = w.duals[token] // 2
        return float(w.duals[token]), per_unit, i + 1
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    if token in w.fractions and nxt in w.unit and nxt not in w.plural:
        return w.fractions[token] * w.unit[nxt], w.unit[nxt], i + 2
    if token in w.fractions:
        # "half an hour", "a quarter of an hour": the "an" is the fraction's, not one hour.
        k = i + 1 + (nxt in w.of)
        if k + 1 < len(toks) and toks[k] in w.one and toks[k + 1] in w.unit:
            return w.fractions[token] * w.unit[toks[k + 1]], w.unit[toks[k + 1]], k + 2
    if token in w.one and nxt in w.unit:
        return float(w.unit[nxt]), w.unit[nxt], i + 2
    if nxt in w.unit:
        number = parse_number(token, w.numbers)
        if number is not None and ":" not in token and 0 < number <= 10000:
            return number * w.unit[nxt], w.unit[nxt], i + 2
    if nxt in w.add:
        # "three and a half hours", "٣ ونص ساعات": the fraction is the number's, and the unit
        # after it the whole length's (read alone, "a half hours" was 30 minutes).
        k = i + 2 + (i + 2 < len(toks) and toks[i + 2] == "a")
        fraction = w.fractions.get(toks[k]) if k + 1 < len(toks) else None
        number = parse_number(token, w.numbers) if fraction is not None else None
        unit = w.unit.get(toks[k + 1]) if number is not None and ":" not in token else None
        if fraction is not None and number is not None and unit and 0 < number <= 1000:
            return (number + fraction) * unit, unit, k + 2
    if (
        (token in w.alone and not (i > 0 and toks[i - 1] in w.asked))
        or (token in w.alone_after_since and i > 0 and (toks[i - 1],) in _anchor_words().before)
    ) and not _clock_hour_at(toks, i + 1, w):
        return float(w.unit[token]), w.unit[token], i + 1
    return None


def _clock_hour_at(toks: list[str], i: int, w: _Words) -> bool:
    """A digit hour at i with no unit after it: after a unit said alone ("من ساعه ٦", "mn sa3a 6")
    the unit is the clock's, and the number its hour, not one hour and then a number."""
    if i >= len(toks) or not toks[i][0].isdigit():
        return False
    if i + 1 < len(toks) and (toks[i + 1] in w.unit or toks[i + 1] in w.duals):
        return False
    return _CLOCK.match(toks[i]) is not None


_CLOCK = re.compile(r"^(?:[01]?\d|2[0-4])(?:[:.][0-5]\d)?$")


# Last: times imports this module's names at its top, so it is imported once this module is
# whole (it was imported inside `find_duration_minutes`, once a message).
from bot.understanding.slots import times as _times  # noqa: E402
