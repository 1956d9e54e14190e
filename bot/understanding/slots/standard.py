"""Which guaranteed standard a message is about, from the keyword rules in data/standards.toml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.text import normalize, words
from bot.understanding.vocabulary import load

# Attached conjunctions and prepositions, then the article, may precede a rule word.
CONJUNCTIONS = frozenset("وفبلك")
ARTICLES = frozenset(("ال", "لل"))
# Before a city's name (which carries its own "ال"): "بالرياض", "والدمام".
_CITY_CLITICS = r"(?:و|ف|ب|ل)?"


def _either(words: list[str]) -> str:
    alternatives = sorted({normalize(w) for w in words}, key=len, reverse=True)
    return "|".join(re.escape(a) for a in alternatives)


@dataclass(frozen=True)
class _Rule:
    standard: str
    groups: frozenset[int]  # numbers of its word groups: every one must be found
    needs_end: bool
    whole_city: re.Pattern[str] | None  # a whole city named, too


@dataclass(frozen=True)
class _Rules:
    rules: tuple[_Rule, ...]
    # Every rule word by its first two letters, with the number of its group: one pass over the
    # message's words finds every group at once (a regex a group tried every word per group).
    words: dict[str, tuple[tuple[str, int], ...]]


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    rules, by_start, group = [], {}, 0
    for rule in load("standards")["rule"]:
        numbers = []
        for words_ in rule["all"]:
            for word in sorted({normalize(w) for w in words_}):
                if len(word) < 2:
                    raise ValueError(f"standards.toml: {word!r} is too short to be a rule word")
                by_start.setdefault(word[:2], []).append((word, group))
            numbers.append(group)
            group += 1
        whole_city = _whole_city() if rule.get("whole_city") else None
        rules.append(
            _Rule(rule["standard"], frozenset(numbers), rule.get("when") == "ended", whole_city)
        )
    return _Rules(tuple(rules), {k: tuple(v) for k, v in by_start.items()})


def _whole_city() -> re.Pattern[str]:
    """A whole city or governorate, by name or not: "الرياض كلها", "كل جدة", "the whole city"."""
    data = load("cities")
    place = rf"{_CITY_CLITICS}(?:{_either(data['names'] + data['generic'])})"
    before, after = _either(data["whole_before"]), _either(data["whole_after"])
    return re.compile(rf"(?:^| )(?:(?:{before}) {place}|{place} (?:{after}))(?= |$)")


def groups_found(text: str, by_start: dict[str, tuple[tuple[str, int], ...]]) -> set[int]:
    """The groups one of whose words starts a word of `text` (single-spaced words), maybe after
    an attached و/ف/ب/ل/ك and then ال/لل, and maybe running on into the next words: "سدد"
    is in "وسددت", "ما رجعت" in "ما رجعت الكهرباء"."""
    found: set[int] = set()
    start = 0
    while True:
        heads = (start, start + 1) if text[start : start + 1] in CONJUNCTIONS else (start,)
        for head in heads:
            for at in (head, head + 2) if text[head : head + 2] in ARTICLES else (head,):
                for word, group in by_start.get(text[at : at + 2], ()):
                    if text.startswith(word, at):
                        found.add(group)
        space = text.find(" ", start)
        if space < 0:
            return found
        start = space + 1


def find_standard(raw: str, *, folded: str | None = None, ended: bool = False) -> str | None:
    """`ended`: the message gives the end of its case (a rule marked `when = "ended"` needs it)."""
    from bot.understanding.slots import folded_text

    text = words(folded_text(raw, folded))[:1000]
    rules = _rules()
    found = groups_found(text, rules.words)
    if not found:
        return None  # most messages: no rule word at all
    for rule in rules.rules:
        if rule.needs_end and not ended:
            continue
        if rule.groups <= found and (rule.whole_city is None or rule.whole_city.search(text)):
            return rule.standard
    return None
