"""What a hazard message says, read from the words people use (data, not code):

- its kind: bot/hazards/data/kinds.toml lists the kinds; locales/<lang>/phrases/hazard_<kind>.txt
  the words that name each;
- danger now: locales/<lang>/phrases/hazard_danger.txt;
- where, in words: locales/<lang>/phrases/hazard_place.txt holds the words that start a place
  ("عند", "جنب", "near"); the message from the first of them on is the place.

Words are compared after normalization and light stemming, whole words only, so "نار" is not
found inside "منارة" and "والاسلاك" is "اسلاك".
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bot.phrases import phrases
from bot.text import normalize
from bot.text.stem import stem

KINDS_FILE = Path(__file__).parent / "data" / "kinds.toml"
OTHER = "other"
MAX_PLACE_CHARS = 200


@dataclass(frozen=True)
class Kind:
    id: str
    urgent: bool


@cache
def kinds() -> tuple[Kind, ...]:
    data = tomllib.loads(KINDS_FILE.read_text(encoding="utf-8"))
    return tuple(Kind(k["id"], bool(k.get("urgent", False))) for k in data["kind"])


def kind_ids() -> tuple[str, ...]:
    return tuple(k.id for k in kinds())


def is_urgent_kind(kind: str) -> bool:
    return any(k.id == kind and k.urgent for k in kinds())


def _stems(text: str) -> list[str]:
    return [stem(word) for word in normalize(text).split()]


@cache
def _phrase_stems(name: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(stem(w) for w in phrase.split()) for phrase in phrases(name))


def _first_match(words: list[str], name: str, with_length: bool = False):
    """Where the earliest phrase of the list starts among the message's words (and, with
    `with_length`, how many words it takes; the longest phrase wins at one position)."""
    found: tuple[int, int] | None = None
    for phrase in _phrase_stems(name):
        size = len(phrase)
        for start in range(len(words) - size + 1):
            if tuple(words[start:start + size]) == phrase:
                if found is None or (start, -size) < (found[0], -found[1]):
                    found = (start, size)
                break
    if found is None:
        return None
    return found if with_length else found[0]


def kind_in(text: str) -> str | None:
    """The kind the message names: an urgent kind if any, else the one named first."""
    words = _stems(text)
    named = [(kind, at) for kind in kinds() if kind.id != OTHER
             and (at := _first_match(words, f"hazard_{kind.id}")) is not None]
    if not named:
        return None
    urgent = [kind for kind, _ in named if kind.urgent]
    return urgent[0].id if urgent else min(named, key=lambda pair: pair[1])[0].id


def is_danger(text: str) -> bool:
    return _first_match(_stems(text), "hazard_danger") is not None


def place_in(text: str) -> str | None:
    """The place the message describes in words ("عند مدرسة النور في حي الملز"), as written."""
    raw = text.split()
    words: list[str] = []
    origin: list[int] = []  # the raw word each normalized word came from
    for index, token in enumerate(raw):
        for word in normalize(token).split():
            words.append(stem(word))
            origin.append(index)
    found = _first_match(words, "hazard_place", with_length=True)
    if found is None:
        return None
    at, size = found
    # "جنب المسجد" or "in the street" alone does not find the place: ask instead.
    if len(set(origin[at + size:])) < 2:
        return None
    return " ".join(raw[origin[at]:]).strip(" .,،!؟?")[:MAX_PLACE_CHARS]
