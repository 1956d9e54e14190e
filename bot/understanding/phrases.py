"""Loading the exact-match word lists people edit: `locales/<lang>/intents/keywords/` and
`locales/<lang>/control/` (the labelled corpus the model learns from is `corpus.py`'s).

File layout (see locales/README.md):
  intents/keywords/<intent>.txt   keywords matched exactly against the whole message
  control/<word>.txt              control words matched exactly against the whole message
One phrase a line; `#` starts a comment; blank lines are ignored. Every phrase is
normalized on load, so a file may be written with or without hamzas and diacritics.
"""

from __future__ import annotations

from functools import cache
from importlib.resources.abc import Traversable

from bot import resources
from bot.text import normalize
from bot.understanding.corpus import INTENTS

KEYWORD_INTENTS = ("stop", "start", "help")  # carrier-style words, whole message only
CONTROL_WORDS = ("cancel", "menu", "back", "yes", "no", "lang_en", "lang_ar", "detail")
# The phrase lists (locales/<lang>/phrases/) that greet: small talk answers them
# (handlers/small_talk.py), and their Latin-letter lines are Arabizi (language.py).
GREETING_LISTS = (
    "greeting_salam",
    "greeting_morning",
    "greeting_evening",
    "greeting_hello",
    "greeting_how_are_you",
    "wellwish",
)


def read_phrase_file(file: Traversable) -> list[str]:
    """One normalized phrase a line; `#` starts a comment. `file` comes from `bot.resources`."""
    phrases = []
    for line in file.read_text(encoding="utf-8").splitlines():
        phrase = normalize(line.split("#", 1)[0])
        if phrase:
            phrases.append(phrase)
    return phrases


def _checked(
    files: list[Traversable],
    known: tuple[str, ...],
    what: str,
    where: str,
    required: tuple[str, ...],
) -> list[tuple[str, str, Traversable]]:
    """(name, variant, file) of each file; a file named after nothing we know is an error, and
    so is a required name without its file (an install that lost data must not start)."""
    named = []
    for file in files:
        name, _, variant = file.name.removesuffix(".txt").partition(".")
        if name not in known:
            raise ValueError(f"locales/{where}/{file.name}: {name!r} is not {what}")
        named.append((name, variant, file))
    for name in sorted(set(required) - {n for n, _, _ in named}):
        raise resources.MissingData(f"missing runtime data file locales/{where}/{name}.txt")
    return named


@cache
def intent_keywords() -> dict[str, str]:
    """Normalized whole-message keyword → intent."""
    keywords: dict[str, str] = {}
    for lang in resources.LANGS:
        files = resources.files_in(lang, "intents", "keywords", suffix=".txt")
        for intent, _, file in _checked(
            files, INTENTS, "an intent", f"{lang}/intents/keywords", KEYWORD_INTENTS
        ):
            for text in read_phrase_file(file):
                keywords[text] = intent
    return keywords


@cache
def control_phrases() -> dict[str, str]:
    """Normalized whole-message control phrase → control word."""
    words: dict[str, str] = {}
    for lang in resources.LANGS:
        files = resources.files_in(lang, "control", suffix=".txt")
        for word, _, file in _checked(
            files, CONTROL_WORDS, "a control word", f"{lang}/control", CONTROL_WORDS
        ):
            for text in read_phrase_file(file):
                words[text] = word
    return words


@cache
def openings() -> tuple[str, ...]:
    """The greetings, fillers and short stories that open a message
    (locales/<lang>/intents/openings[.arabizi].txt), normalized, longest first: a long message
    the model is not sure of is also read without them (`intents`)."""
    found = set()
    for lang in resources.LANGS:
        for file in resources.files_in(lang, "intents", suffix=".txt"):
            if file.name.split(".")[0] == "openings":
                found.update(read_phrase_file(file))
    return tuple(sorted(found, key=lambda o: (-len(o), o)))
