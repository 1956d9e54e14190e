"""Electricity somewhere we do not supply it: "الكهربا في لبنان ساعتين باليوم", "my family in
pakistan have no electricity", "فاتورة الكهرباء في الاردن كم". Its words are an outage's or a
bill's, so the model takes it for a request; it is off-topic, answered as such (handlers/menu.py).
The places are data (bot/understanding/data/cities.toml, `abroad`)."""

from __future__ import annotations

import re
from functools import cache

from bot import phrases
from bot.text import normalize, words
from bot.understanding.slots.standard import named_place
from bot.understanding.vocabulary import load


def about_abroad(text: str) -> bool:
    """A place abroad is named as where the power is (not where the subscriber comes from:
    "انا من مصر"), with no city of ours named and no trip told ("كنت مسافر مصر")."""
    said = words(normalize(text))
    found = [m for m in _abroad().finditer(said) if not _from_before(said[: m.start()])]
    if not found or _ours().search(said):
        return False
    return not phrases.mentions(text, "travel_told")


def _from_before(before: str) -> bool:
    last = before.split()[-2:]
    return bool(last) and (last[-1] in _from_words() or " ".join(last) in _from_words())


@cache
def _from_words() -> frozenset[str]:
    return frozenset(normalize(w) for w in load("cities")["abroad_from"])


@cache
def _abroad() -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){named_place(load('cities')['abroad'])}(?!\w)")


@cache
def _ours() -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){named_place(load('cities')['names'])}(?!\w)")


def prepare() -> None:
    """Build the place patterns before the first message needs them."""
    _abroad()
    _ours()
    _from_words()
