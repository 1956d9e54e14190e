"""Which guaranteed standard a message is about, from the keyword rules in data/standards.toml."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

from bot.text import normalize, words
from bot.understanding.vocabulary import load
from bot.understanding.word_table import WordTable

# Attached conjunctions and prepositions, then the article, may precede a rule word.
CONJUNCTIONS = frozenset("وفبلك")
ARTICLES = frozenset(("ال", "لل"))
# Before a city's name (which carries its own "ال"): "بالرياض", "والدمام".
_CITY_CLITIC_LETTERS = ("و", "ف", "ب", "ل")
_CITY_CLITICS = rf"(?:{'|'.join(_CITY_CLITIC_LETTERS)})?"


def _either(words: list[str]) -> str:
    alternatives = sorted({normalize(w) for w in words}, key=len, reverse=True)
    return "|".join(re.escape(a) for a in alternatives)


@dataclass(frozen=True)
class _WholeCity:
    pattern: re.Pattern[str]
    # The first word of every city name and generic place, bare or with an attached و/ف/ب/ل:
    # the pattern only matches whole words, so a message with none of them names no city and
    # the (long) pattern is not tried. Most outage messages name none.
    places: frozenset[str]

    def named_in(self, text: str, words_: list[str]) -> bool:
        return not self.places.isdisjoint(words_) and self.pattern.search(text) is not None


@dataclass(frozen=True)
class _Rule:
    standard: str
    groups: frozenset[int]  # numbers of its word groups: every one must be found
    needs_end: bool
    whole_city: _WholeCity | None  # a whole city named, too


@dataclass(frozen=True)
class _Rules:
    rules: tuple[_Rule, ...]
    # Every rule word of one word by its first two letters, with the number of its group: one
    # pass over the message's words finds every group at once (a regex per group tried every
    # word of the message again). What a word finds is kept for the next message with it.
    words: dict[str, tuple[tuple[str, int], ...]]
    # The rule words of several words ("ما رجع") by the word of the message they start in: their
    # first word, maybe after an attached و/ف/ب/ل/ك and ال/لل ("وما" for "ما رجع").
    # Each with the group and where in that word it starts.
    phrases: dict[str, tuple[tuple[str, int, int], ...]]


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    rules: list[_Rule] = []
    by_start: dict[str, list[tuple[str, int]]] = {}
    phrases: dict[str, set[tuple[str, int, int]]] = {}
    group = 0
    for rule in load("standards")["rule"]:
        numbers = []
        for words_ in rule["all"]:
            for word in sorted({normalize(w) for w in words_}):
                if len(word) < 2:
                    raise ValueError(f"standards.toml: {word!r} is too short to be a rule word")
                if " " in word:
                    first = word.split(" ", 1)[0]
                    for conjunction in ("", *CONJUNCTIONS):
                        for article in ("", *ARTICLES):
                            attached = len(conjunction + article)
                            phrases.setdefault(conjunction + article + first, set()).add(
                                (word, group, attached)
                            )
                else:
                    by_start.setdefault(word[:2], []).append((word, group))
            numbers.append(group)
            group += 1
        whole_city = _WholeCity(_whole_city(), _place_starts()) if rule.get("whole_city") else None
        rules.append(
            _Rule(rule["standard"], frozenset(numbers), rule.get("when") == "ended", whole_city)
        )
    return _Rules(
        tuple(rules),
        {k: tuple(v) for k, v in by_start.items()},
        {k: tuple(sorted(v)) for k, v in phrases.items()},
    )


def named_place(names: list[str]) -> str:
    """A pattern for one of the places `names`, maybe after an attached و/ف/ب/ل ("بالرياض")."""
    return rf"{_CITY_CLITICS}(?:{_either(names)})"


def _whole_city() -> re.Pattern[str]:
    """A whole city or governorate, by name or not: "الرياض كلها", "كل جدة", "the whole city"."""
    data = load("cities")
    place = named_place(data["names"] + data["generic"])
    before, after = _either(data["whole_before"]), _either(data["whole_after"])
    return re.compile(rf"(?:^| )(?:(?:{before}) {place}|{place} (?:{after}))(?= |$)")


@lru_cache(maxsize=1)
def _whole_city_pattern() -> re.Pattern[str]:
    return _whole_city()


def names_whole_city(text: str) -> bool:
    """The message names a whole city or governorate: "الرياض كلها", "كل جدة", "all of Riyadh"."""
    return _whole_city_pattern().search(words(normalize(text))) is not None


def _place_starts() -> frozenset[str]:
    data = load("cities")
    firsts = {normalize(place).split(" ")[0] for place in data["names"] + data["generic"]}
    return frozenset(clitic + first for first in firsts for clitic in ("", *_CITY_CLITIC_LETTERS))


def _add_groups_of(
    word: str, by_start: dict[str, tuple[tuple[str, int], ...]], found: set[int]
) -> None:
    """Add the groups of the rule words (of one word) that a word of the message starts with,
    maybe after an attached و/ف/ب/ل/ك and then ال/لل: "سدد" is in "وسددت"."""
    heads = (0, 1) if word[:1] in CONJUNCTIONS else (0,)
    for head in heads:
        for at in (head, head + 2) if word[head : head + 2] in ARTICLES else (head,):
            for rule_word, group in by_start.get(word[at : at + 2], ()):
                if word.startswith(rule_word, at):
                    found.add(group)


_NO_GROUP: frozenset[int] = frozenset()  # most words': one object for all of them


def _groups_of_word(word: str) -> frozenset[int]:
    """The groups a word of the message finds with the rule words of one word."""
    found: set[int] = set()
    _add_groups_of(word, _rules().words, found)
    return frozenset(found) if found else _NO_GROUP


# What a word finds, kept by word (longer words, hostile pastes, are not kept).
_word_groups = WordTable(_groups_of_word, most=2**15, longest=24)


def know_words(words_: Iterable[str]) -> None:
    """Work out at start-up what these words find, kept for good (`prepare` gives the intent
    model's own words: most words of most messages, read from the model file)."""
    _word_groups.know(words_)


def groups_found(text: str) -> set[int]:
    """The rule groups found in `text` (single-spaced words)."""
    rules = _rules()
    words_ = text.split(" ")
    found = set().union(*map(_word_groups.__getitem__, words_))
    if not rules.phrases.keys().isdisjoint(words_):  # a word may start a rule word of several words
        at = 0
        for word in words_:
            for phrase, group, attached in rules.phrases.get(word, ()):
                if text.startswith(phrase, at + attached):
                    found.add(group)
            at += len(word) + 1
    return found


def forget_words() -> None:
    """Forget the words met, as after a restart (the benchmark's first round)."""
    _word_groups.forget()
    _standards_found.clear()


def find_standard(
    raw: str, *, folded: str | None = None, ended: bool = False, normalized: str | None = None
) -> str | None:
    """`ended`: the message gives the end of its case (a rule marked `when = "ended"` needs it).
    `normalized`: `bot.text.words(folded)`, when the caller has it."""
    if normalized is None:
        from bot.understanding.slots import folded_text

        normalized = words(folded_text(raw, folded))
    text = _paid_since(normalized[:1000])
    rules = _rules()
    # A turn asks about its message twice (understanding it; then whether an outage's start
    # told is about this outage): the answer depends on the text, `ended` and the rules only.
    key = (id(rules), text, ended)
    if key in _standards_found:
        return _standards_found[key]
    standard = _standard_of(rules, text, ended)
    if len(_standards_found) >= _STANDARDS_KEPT:
        _standards_found.clear()
    _standards_found[key] = standard
    return standard


_STANDARDS_KEPT = 64
_standards_found: dict[tuple[int, str, bool], str | None] = {}


def _standard_of(rules: _Rules, text: str, ended: bool) -> str | None:
    found = groups_found(text)
    if not found:
        return None  # most messages: no rule word at all
    words_ = text.split(" ")
    for rule in rules.rules:
        if rule.needs_end and not ended:
            continue
        if rule.groups <= found and (
            rule.whole_city is None or rule.whole_city.named_in(text, words_)
        ):
            return rule.standard
    return None


def _paid_since(text: str) -> str:
    """ "فصلوا علي عشان ما سددت، سددت الفاتورة الساعة ١٠ ورجعت الساعة ٣": the bills not paid
    are why it was cut, the payment told after them is the case (a reconnection counted from
    it), so the not-paid words before a payment are not read as "no payment at all"."""
    if _unpaid_said().search(text) is None:
        return text  # most messages: one scan, not one a phrase
    from bot.phrases import phrases  # bot.phrases imports this package: here, not above

    unpaid = [normalize(p) for p in phrases("not_paid")]
    found = [(m.start(), m.end()) for p in unpaid for m in _word(p).finditer(text)]
    if not found:
        return text
    last = max(end for _, end in found)
    paid = [normalize(p) for p in phrases("paid")]
    if not any(_word(p).search(text, last) for p in paid):
        return text
    for start, end in sorted(found, reverse=True):
        text = text[:start] + text[end:]
    return text


@lru_cache(maxsize=64)
def _word(phrase: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)[وف]?{re.escape(phrase)}(?!\w)")


@cache
def _unpaid_said() -> re.Pattern[str]:
    """Found where `_word` finds one of the not-paid phrases (the alternatives are tried at each
    position as each phrase's own pattern would be)."""
    from bot.phrases import phrases

    unpaid = [re.escape(normalize(p)) for p in phrases("not_paid")]
    if not unpaid:
        return re.compile(r"(?!)")
    return re.compile(rf"(?<!\w)[وف]?(?:{'|'.join(unpaid)})(?!\w)")
