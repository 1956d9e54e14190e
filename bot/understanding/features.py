"""The features the intent model sees in a normalized message; one definition for training and
for scoring, so the model that runs reads messages exactly as the model that was trained.

Character n-grams inside word boundaries carry typos, missing letters, attached pronouns and
Arabizi spellings ("فاتورتي", "الفاتوره", "fatoorti" share most of them); whole words and word
pairs carry the phrasing ("متى ترجع"); a word's consonant skeleton (`bot.text.skeleton`) lets
an Arabizi word share a feature with its Arabic spelling ("kahraba", "كهربا"). Every digit reads
as 0: an account number says "digits here", never which ones. A message's features are those of
each of its words plus its word pairs, as a set (a feature is there or not): the scorer caches a
word's part, since words repeat from message to message while whole messages rarely do.
"""

from __future__ import annotations

import re

from bot.text.skeleton import skeleton

CHAR_NGRAMS = (2, 3, 4, 5)
MAX_WORDS = 60  # bounds the work a hostile paste can cause; no request needs more words
_DIGIT = re.compile(r"\d")


def message_words(normalized: str) -> list[str]:
    """The words features are made of (`bot.text.normalize` output, digits as 0)."""
    return _DIGIT.sub("0", normalized).split()[:MAX_WORDS]


def _ngram_slices(size: int) -> tuple[slice, ...]:
    """Where the n-grams of a padded word of `size` characters are, in the features' order."""
    return tuple(slice(i, i + n) for n in CHAR_NGRAMS for i in range(size - n + 1))


# The slices for every padded word of up to 41 characters, made once: cutting a word with them
# (`map`) takes no Python step per n-gram. About 200 KB.
_NGRAM_SLICES = tuple(_ngram_slices(size) for size in range(42))


def word_features(word: str) -> list[str]:
    """The features one word brings, whatever the words around it: itself and its n-grams."""
    padded = f" {word} "
    size = len(padded)
    slices = _NGRAM_SLICES[size] if size < len(_NGRAM_SLICES) else _ngram_slices(size)
    found = ["w:" + word]
    consonants = skeleton(word)
    if len(consonants) >= 2:
        found.append("k:" + consonants)
    found.extend(map(padded.__getitem__, slices))
    return found


def pair_features(words: list[str]) -> list[str]:
    """The features of the words' order: each pair of neighbours."""
    return [f"b:{first} {second}" for first, second in zip(words, words[1:], strict=False)]


def features(normalized: str) -> set[str]:
    """Feature names of one message (`bot.text.normalize` output)."""
    words = message_words(normalized)
    found: set[str] = set()
    for word in words:
        found.update(word_features(word))
    found.update(pair_features(words))
    return found
