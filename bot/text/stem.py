"""Light Arabic stemming for whole-word matching of short phrase lists.

The article, a leading و and attached pronouns change a word's look, not its meaning for us
("فاتورتي", "الفاتورة", "بالفاتوره" → "فاتور"; "والاسلاك" → "اسلاك"). Latin words are kept.
"""

from __future__ import annotations

_PREFIXES = ("وال", "بال", "فال", "كال", "لل", "ال", "و")
_SUFFIXES = ("هم", "كم", "ها", "نا", "تي", "ته", "ي", "ه", "ك")


def stem(word: str) -> str:
    """One normalized word, lightly stemmed; a stem keeps at least three letters."""
    if not word or not ("\u0600" <= word[0] <= "\u06ff"):
        return word
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            word = word[len(prefix) :]
            break
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word
