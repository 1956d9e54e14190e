"""Small phrase lists kept as data under locales/<lang>/phrases/<name>.txt, matched after
normalization anywhere in a message (for things that are not intents of their own)."""

from __future__ import annotations

from functools import cache

from bot.config import LOCALES_DIR
from bot.i18n import LANGS
from bot.text import normalize
from bot.understanding.phrases import read_phrase_file


@cache
def phrases(name: str) -> tuple[str, ...]:
    paths = (LOCALES_DIR / lang / "phrases" / f"{name}.txt" for lang in LANGS)
    return tuple(phrase for path in paths if path.exists() for phrase in read_phrase_file(path))


def mentions(text: str, name: str) -> bool:
    normalized = normalize(text)
    return any(phrase in normalized for phrase in phrases(name))
