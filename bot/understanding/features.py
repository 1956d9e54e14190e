"""The features the intent model sees in a normalized message; one definition for training and
for scoring, so the model that runs reads messages exactly as the model that was trained.

Character n-grams inside word boundaries carry typos, missing letters, attached pronouns and
Arabizi spellings ("فاتورتي", "الفاتوره", "fatoorti" share most of them); whole words and word
pairs carry the phrasing ("متى ترجع"). Every digit reads as 0: an account number says "digits
here", never which ones.
"""

from __future__ import annotations

import re

CHAR_NGRAMS = (2, 3, 4, 5)
MAX_WORDS = 60  # bounds the work a hostile paste can cause; no request needs more words
_DIGIT = re.compile(r"\d")


def features(normalized: str) -> set[str]:
    """Feature names of one message (`bot.text.normalize` output)."""
    words = _DIGIT.sub("0", normalized).split()[:MAX_WORDS]
    found: set[str] = set()
    for word in words:
        found.add("w:" + word)
        padded = f" {word} "
        size = len(padded)
        found.update(padded[i : i + n] for n in CHAR_NGRAMS for i in range(size - n + 1))
    found.update(f"b:{first} {second}" for first, second in zip(words, words[1:], strict=False))
    return found
