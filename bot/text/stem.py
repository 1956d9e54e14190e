"""Light Arabic stemming for whole-word matching of short phrase lists.

The article, a leading و and attached pronouns change a word's look, not its meaning for us
("فاتورتي", "الفاتورة", "بالفاتوره" → "فاتور"; "والاسلاك" → "اسلاك"). Latin words are kept.
"""

from __future__ import annotations

_PREFIXES = ("وال", "بال", "فال", "كال", "لل", "ال", "و")
_SUFFIXES = ("هم", "كم", "ها", "نا", "تي", "ته", "ي", "ه", "ك")


def _by_length(affixes: tuple[str, ...]) -> tuple[tuple[int, frozenset[str]], ...]:
    """The affixes by length, longest first (the order they are tried in): a word's own first
    or last letters are looked up, one set a length, not compared with each affix."""
    lengths = sorted({len(affix) for affix in affixes}, reverse=True)
    return tuple((n, frozenset(a for a in affixes if len(a) == n)) for n in lengths)


_PREFIXES_BY_LENGTH = _by_length(_PREFIXES)
_SUFFIXES_BY_LENGTH = _by_length(_SUFFIXES)


def stem(word: str) -> str:
    """One normalized word, lightly stemmed; a stem keeps at least three letters."""
    if not word or not ("\u0600" <= word[0] <= "\u06ff"):
        return word
    for size, prefixes in _PREFIXES_BY_LENGTH:
        if len(word) - size >= 3 and word[:size] in prefixes:
            word = word[size:]
            break
    for size, suffixes in _SUFFIXES_BY_LENGTH:
        if len(word) - size >= 3 and word[-size:] in suffixes:
            return word[:-size]
    return word
