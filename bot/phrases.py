"""Small phrase lists kept as data under locales/<lang>/phrases/<name>.txt, matched after
normalization anywhere in a message (for things that are not intents of their own)."""

from __future__ import annotations

from functools import cache

from bot import resources
from bot.resources import LANGS
from bot.text import normalize
from bot.understanding.phrases import read_phrase_file

NAMES = ("bill_alerts", "no_notice")  # every list exists in every language


@cache
def phrases(name: str) -> tuple[str, ...]:
    if name not in NAMES:
        raise ValueError(f"{name!r} is not a phrase list (known: {', '.join(NAMES)})")
    files = (resources.locale_file(lang, "phrases", f"{name}.txt") for lang in LANGS)
    return tuple(phrase for file in files for phrase in read_phrase_file(file))


def mentions(text: str, name: str) -> bool:
    normalized = normalize(text)
    return any(phrase in normalized for phrase in phrases(name))
