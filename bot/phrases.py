"""Small phrase lists kept as data under locales/<lang>/phrases/<name>.txt, matched after
normalization anywhere in a message (for things that are not intents of their own)."""

from __future__ import annotations

from functools import cache

from bot.config import LOCALES_DIR
from bot.i18n import LANGS
from bot.text import normalize


@cache
def phrases(name: str) -> tuple[str, ...]:
    found: list[str] = []
    for lang in LANGS:
        path = LOCALES_DIR / lang / "phrases" / f"{name}.txt"
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                line = line.strip()
                if line and not line.startswith("#"):
                    found.append(normalize(line))
    return tuple(found)


def mentions(text: str, name: str) -> bool:
    normalized = normalize(text)
    return any(phrase in normalized for phrase in phrases(name))
