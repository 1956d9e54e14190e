"""Which guaranteed standard a message is about, from the keyword rules in data/standards.toml."""

from __future__ import annotations

import re
from functools import lru_cache

from bot.text import normalize, words
from bot.understanding.vocabulary import load

# Attached conjunctions, prepositions and the article may precede a rule word.
_CLITICS = r"(?:و|ف|ب|ل|ك)?(?:ال|لل)?"
# Before a city's name (which carries its own "ال"): "بالرياض", "والدمام".
_CITY_CLITICS = r"(?:و|ف|ب|ل)?"


def _either(words: list[str]) -> str:
    alternatives = sorted({normalize(w) for w in words}, key=len, reverse=True)
    return "|".join(re.escape(a) for a in alternatives)


@lru_cache(maxsize=1)
def _rules() -> tuple[tuple[str, tuple[re.Pattern[str], ...], bool], ...]:
    rules = []
    for rule in load("standards")["rule"]:
        groups = [re.compile(rf"(?:^| ){_CLITICS}(?:{_either(group)})") for group in rule["all"]]
        if rule.get("whole_city"):
            groups.append(_whole_city())
        rules.append((rule["standard"], tuple(groups), rule.get("when") == "ended"))
    return tuple(rules)


def _whole_city() -> re.Pattern[str]:
    """A whole city or governorate, by name or not: "الرياض كلها", "كل جدة", "the whole city"."""
    data = load("cities")
    place = rf"{_CITY_CLITICS}(?:{_either(data['names'] + data['generic'])})"
    before, after = _either(data["whole_before"]), _either(data["whole_after"])
    return re.compile(rf"(?:^| )(?:(?:{before}) {place}|{place} (?:{after}))(?= |$)")


def find_standard(raw: str, *, folded: str | None = None, ended: bool = False) -> str | None:
    """`ended`: the message gives the end of its case (a rule marked `when = "ended"` needs it)."""
    from bot.understanding.slots import folded_text

    text = words(folded_text(raw, folded))[:1000]
    for standard, groups, needs_end in _rules():
        if needs_end and not ended:
            continue
        if all(group.search(text) for group in groups):
            return standard
    return None
