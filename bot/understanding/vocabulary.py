"""Small word lists the parsers share (number words, ...), read once from data/."""

from __future__ import annotations

import tomllib
from functools import cache, lru_cache
from pathlib import Path

from bot.text import normalize

DATA_DIR = Path(__file__).with_name("data")


@cache
def load(name: str) -> dict:
    with (DATA_DIR / f"{name}.toml").open("rb") as fh:
        return tomllib.load(fh)


@lru_cache(maxsize=1)
def choice_words() -> dict[str, int]:
    """Normalized word that picks a menu choice only (a dialect's ordinal) → its number."""
    return {
        normalize(spelling): int(value)
        for value, spellings in load("numbers")["choice_words"].items()
        for spelling in spellings
    }


@lru_cache(maxsize=1)
def number_words() -> dict[str, int]:
    """Normalized number word (one or more words) → its value."""
    table: dict[str, int] = {}
    for value, spellings in load("numbers")["words"].items():
        for spelling in spellings:
            table[normalize(spelling)] = int(value)
    return table


@lru_cache(maxsize=1)
def ordinal_words() -> frozenset[str]:
    """Normalized ordinals ("الاول", "first"): a number's words that are neither an hour nor a
    length ("the first day of November")."""
    return frozenset(normalize(w) for w in load("numbers")["not_hours"]["words"])
