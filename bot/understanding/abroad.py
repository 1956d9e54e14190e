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
    """A place abroad is named as where the power is, "in" it («في لبنان», «بالقاهرة», "in
    dubai"), with no city of ours named, no premise of the subscriber's own («بيتي», "my house")
    and no word that the subscriber is the one away («وانا في الكويت», «كنت مسافر مصر»): a shop or
    street named after a place («مطعم بيروت», «شارع القاهرة») or «مصر» as "insisting" is not
    "in" it."""
    said = words(normalize(text))
    if not any(_in_before(said[: m.start()], m.group()) for m in _abroad().finditer(said)):
        return False
    if _ours().search(said) or phrases.mentions_words(text, "own_premise"):
        return False
    return not phrases.mentions(text, "travel_told")


def _in_before(before: str, place: str) -> bool:
    """The place is said "in": «في»/"in" just before it, or «ب» attached to it («ببيروت»; not
    «بيروت» alone)."""
    last = before.split()[-1:]
    attached = place.startswith("ب") and place not in _names()
    return attached or (bool(last) and last[0] in _in_words())


@cache
def _names() -> frozenset[str]:
    return frozenset(normalize(name) for name in load("cities")["abroad"])


@cache
def _in_words() -> frozenset[str]:
    return frozenset(normalize(w) for w in load("cities")["abroad_in"])


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
    _in_words()
    _names()
