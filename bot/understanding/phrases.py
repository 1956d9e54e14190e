"""Loading the phrase lists people edit: `locales/<lang>/intents/` and `locales/<lang>/control/`.

File layout (see locales/README.md):
  intents/<intent>.txt            phrases matched fuzzily (typos, word order, extra words)
  intents/<intent>.arabizi.txt    the same, written in Latin letters (ar only)
  intents/keywords/<intent>.txt   keywords matched exactly against the whole message
  control/<word>.txt              control words matched exactly against the whole message
One phrase a line; `#` starts a comment; blank lines are ignored. Every phrase is
normalized on load, so a file may be written with or without hamzas and diacritics.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.config import LOCALES_DIR
from bot.text import normalize

INTENTS = (
    "bill", "outage_report", "outage_status", "compensation", "hazard_report", "greeting",
    "help", "agent", "stop", "start", "thanks", "unknown",
)
CONTROL_WORDS = ("cancel", "menu", "back", "yes", "no", "lang_en", "lang_ar", "detail")


def read_phrase_file(path: Path) -> list[str]:
    phrases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        phrase = normalize(line.split("#", 1)[0])
        if phrase:
            phrases.append(phrase)
    return phrases


@dataclass(frozen=True)
class Phrase:
    intent: str
    text: str  # normalized
    arabizi: bool


def _lang_dirs(kind: str, root: Path) -> Iterable[Path]:
    return sorted(p / kind for p in root.iterdir() if (p / kind).is_dir())


@lru_cache(maxsize=4)
def intent_phrases(root: Path = LOCALES_DIR) -> tuple[Phrase, ...]:
    """Every fuzzy phrase of every language, deduplicated."""
    seen: set[tuple[str, str]] = set()
    phrases = []
    for folder in _lang_dirs("intents", root):
        for path in sorted(folder.glob("*.txt")):
            intent, _, variant = path.name.removesuffix(".txt").partition(".")
            if intent not in INTENTS:
                raise ValueError(f"{path}: {intent!r} is not an intent")
            for text in read_phrase_file(path):
                if (intent, text) not in seen:
                    seen.add((intent, text))
                    phrases.append(Phrase(intent, text, variant == "arabizi"))
    return tuple(phrases)


@lru_cache(maxsize=4)
def intent_keywords(root: Path = LOCALES_DIR) -> dict[str, str]:
    """Normalized whole-message keyword → intent."""
    keywords: dict[str, str] = {}
    for folder in _lang_dirs("intents", root):
        for path in sorted((folder / "keywords").glob("*.txt")):
            intent = path.name.removesuffix(".txt")
            if intent not in INTENTS:
                raise ValueError(f"{path}: {intent!r} is not an intent")
            for text in read_phrase_file(path):
                keywords[text] = intent
    return keywords


@lru_cache(maxsize=4)
def control_phrases(root: Path = LOCALES_DIR) -> dict[str, str]:
    """Normalized whole-message control phrase → control word."""
    words: dict[str, str] = {}
    for folder in _lang_dirs("control", root):
        for path in sorted(folder.glob("*.txt")):
            word = path.name.removesuffix(".txt")
            if word not in CONTROL_WORDS:
                raise ValueError(f"{path}: {word!r} is not a control word")
            for text in read_phrase_file(path):
                words[text] = word
    return words
