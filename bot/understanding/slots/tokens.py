"""Tokens for slot parsing: words, numbers with ':' or '.' inside, and dates, from folded text.

A number glued to a word the parsers know is split off ("3hours" → "3", "hours"; "8am" →
"8", "am"), other letter-digit words stay whole (Arabizi "sob7", "6afya", "sa3tain"); an
attached Arabic "و" (and) or "ب" (by) is split off a known word ("ونص" → "و", "نص";
"بثلاث" → "ب", "ثلاث"), and "و"/"ل" off a
number ("و20" → "و", "20"; "ل1:10" → "ل", "1:10"). A dash before a number is a token of its own
("9am-6pm" → "9", "am", "-", "6", "pm"; "9:30-11"): it may join the two ends of a range.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Dates written with digits ("16/11", "16-11-2026", "15/6/1448") stay one token.
# An Arabic "و" (and) or "ل" (until) glued to a number is a word of its own ("ل1:10", "و٢٠").
# A dash (hyphen, en or em dash) before a number is kept: "9am-6pm", "9:30 - 11".
DASHES = "-–—"
_TOKEN = re.compile(
    r"\d{1,4}[/\-]\d{1,2}(?:[/\-]\d{2,4})?(?![\d/\-])|\d+(?:[.:]\d+)+"
    rf"|(?<!\w)[ول](?=\d)|[^\W_]+|[{DASHES}](?=\s*\d)"
)
_NUMBER_THEN_WORD = re.compile(r"^(\d+)([^\W\d_]+)$")
MAX_SLOT_CHARS = 1000  # slot parsing looks at the start of a message only (hostile input)


def slot_tokens(folded: str, known: frozenset[str] = frozenset()) -> list[str]:
    # A turn reads its message's tokens in the time and length finders of understanding, then
    # again in the flows' checks (is the power said to be off? now?): kept for the last texts
    # (a new list each time, so a caller may change its own).
    return list(_tokens(folded[:MAX_SLOT_CHARS], known))


@lru_cache(maxsize=256)
def _tokens(folded: str, known: frozenset[str]) -> tuple[str, ...]:
    out: list[str] = []
    for token in _TOKEN.findall(folded):
        first = token[0]
        if first not in "وب" and not first.isdigit():  # a word or a dash
            out.append(token)  # most words: nothing to split off
            continue
        glued = _NUMBER_THEN_WORD.match(token) if first.isdigit() else None
        if glued and glued.group(2) in known:
            out.extend(glued.groups())
        elif token[0] == "و" and len(token) > 1 and token[1:] in known:
            out.extend(("و", token[1:]))
        elif token.startswith("ب") and token not in known and token[1:] in known:
            out.extend(("ب", token[1:]))  # "بثلاث ايام", "بيوم": "by/with" glued to a number
        else:
            out.append(token)
    return tuple(out)


def parse_number(token: str, words: dict[str, int]) -> float | None:
    if token[0].isdigit():
        try:
            return float(token)
        except ValueError:  # "3:30", "6afya": not a plain number
            return None
    value = words.get(token)
    return float(value) if value is not None else None
