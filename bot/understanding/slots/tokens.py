"""Tokens for slot parsing: numbers (with ':' or '.' inside) and letter runs, from folded text.

Digits and letters are split apart ("3hours" → "3", "hours"; "8am" → "8", "am"), and an
attached Arabic "و" (and) is split off a word the parsers know ("ونص" → "و", "نص").
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"\d+(?:[.:]\d+)?|[^\W\d_]+")
MAX_SLOT_CHARS = 1000  # slot parsing looks at the start of a message only (hostile input)


def slot_tokens(folded: str, known: frozenset[str] = frozenset()) -> list[str]:
    out: list[str] = []
    for token in _TOKEN.findall(folded[:MAX_SLOT_CHARS]):
        if token.startswith("و") and len(token) > 1 and token[1:] in known:
            out.extend(("و", token[1:]))
        else:
            out.append(token)
    return out


def parse_number(token: str, words: dict[str, int]) -> float | None:
    if token[0].isdigit():
        try:
            return float(token.replace(":", "."))
        except ValueError:
            return None
    value = words.get(token)
    return float(value) if value is not None else None
