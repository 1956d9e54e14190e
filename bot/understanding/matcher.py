"""Fuzzy scoring of a message against the intent phrase lists.

A phrase scores by how much of it the message contains, word by word, with typo-tolerant
word similarity (rapidfuzz `ratio` on lightly stemmed words). Words are weighted by how
specific they are: a word found in the phrases of many intents ("الكهرباء") counts less
than one found in a single intent ("تعويض"). A small share of the score rewards phrases
that explain most of the message, so "متى ترجع الكهرباء المقطوعة" prefers the
"when does it come back" phrase over the bare "power is off" one.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from bot.understanding.phrases import Phrase, intent_phrases
from bot.understanding.vocabulary import load

WORD_SIMILARITY_CUTOFF = 75  # rapidfuzz ratio (0-100) below which two words are unrelated
# Between short words one letter is a different word ("الجو"/"الو", "هلال"/"هلا"), not a typo.
SHORT_WORD = 4
SHORT_WORD_CUTOFF = 88
MIN_PHRASE_COVERAGE = 0.5  # phrases less than half present are not candidates
MESSAGE_SHARE = 0.2  # part of the score that rewards explaining the whole message
STOPWORD_WEIGHT = 0.15
MAX_WORDS = 60  # distinct words looked at per message (bounds the work on hostile input)

# Light Arabic stemming: the article and attached pronouns change a word's look, not its
# meaning for us ("فاتورتي", "الفاتورة", "بالفاتوره" → "فاتور").
_PREFIXES = ("وال", "بال", "فال", "كال", "لل", "ال", "و")
_SUFFIXES = ("هم", "كم", "ها", "نا", "تي", "ته", "ي", "ه", "ك")


def stem(word: str) -> str:
    if not ("\u0600" <= word[0] <= "\u06ff"):
        return word
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            word = word[len(prefix):]
            break
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


@dataclass(frozen=True)
class _Indexed:
    phrase: Phrase
    word_ids: tuple[int, ...]
    total_weight: float
    content_words: int


class PhraseIndex:
    def __init__(self, phrases: tuple[Phrase, ...], stopwords: frozenset[str]) -> None:
        stopwords = frozenset(stem(w) for w in stopwords)
        vocab: dict[str, int] = {}
        intents_of_word: dict[int, set[str]] = defaultdict(set)
        raw_phrases = []
        for phrase in phrases:
            ids = []
            for word in phrase.text.split():
                word_id = vocab.setdefault(stem(word), len(vocab))
                if word_id not in ids:
                    ids.append(word_id)
                intents_of_word[word_id].add(phrase.intent)
            raw_phrases.append((phrase, tuple(ids)))
        self.vocab = list(vocab)
        self.stop = [w in stopwords for w in self.vocab]
        n_intents = len({p.intent for p in phrases}) or 1
        self.weight = [
            STOPWORD_WEIGHT if self.stop[i]
            else 1.0 + math.log(n_intents / len(intents_of_word[i]))
            for i in range(len(self.vocab))
        ]
        self.phrases = [
            _Indexed(p, ids, sum(self.weight[i] for i in ids),
                     sum(1 for i in ids if not self.stop[i]))
            for p, ids in raw_phrases
        ]
        self.postings: list[list[int]] = [[] for _ in self.vocab]
        for phrase_id, indexed in enumerate(self.phrases):
            for word_id in indexed.word_ids:
                self.postings[word_id].append(phrase_id)
        self.stopwords = stopwords
        self.similar = lru_cache(maxsize=65536)(self._similar)

    def _similar(self, word_stem: str) -> tuple[tuple[int, float], ...]:
        """Vocabulary words close to one message word, with similarity 0..1."""
        if len(word_stem) <= 2:  # short words must match exactly; a typo makes another word
            found = self._exact(word_stem)
            return ((found, 1.0),) if found is not None else ()
        hits = process.extract(word_stem, self.vocab, scorer=fuzz.ratio, processor=None,
                               score_cutoff=WORD_SIMILARITY_CUTOFF, limit=None)
        return tuple(
            (index, score / 100.0) for choice, score, index in hits
            if score >= SHORT_WORD_CUTOFF or min(len(choice), len(word_stem)) > SHORT_WORD
        )

    @lru_cache(maxsize=1)  # noqa: B019 - one index per process, built once
    def _vocab_ids(self) -> dict[str, int]:
        return {w: i for i, w in enumerate(self.vocab)}

    def _exact(self, word_stem: str) -> int | None:
        return self._vocab_ids().get(word_stem)

    def scores(self, normalized: str) -> dict[str, float]:
        """Best phrase score (0..1) per intent, for intents with any candidate phrase."""
        words = list(dict.fromkeys(normalized.split()))[:MAX_WORDS]
        content = [w for w in words if stem(w) not in self.stopwords and not w.isdigit()]
        best: dict[int, tuple[float, int]] = {}
        for position, word in enumerate(words):
            if word.isdigit():
                continue
            for word_id, similarity in self.similar(stem(word)):
                if similarity > best.get(word_id, (0.0, -1))[0]:
                    best[word_id] = (similarity, position)
        weighted: dict[int, float] = defaultdict(float)
        explained: dict[int, set[int]] = defaultdict(set)
        for word_id, (similarity, position) in best.items():
            gain = self.weight[word_id] * similarity
            is_content = not self.stop[word_id]
            for phrase_id in self.postings[word_id]:
                weighted[phrase_id] += gain
                if is_content:
                    explained[phrase_id].add(position)
        result: dict[str, float] = {}
        for phrase_id, total in weighted.items():
            indexed = self.phrases[phrase_id]
            coverage = total / indexed.total_weight
            if coverage < MIN_PHRASE_COVERAGE:
                continue
            # One-word phrases are less telling than longer ones that match as fully.
            specificity = 1.0 - 0.08 / max(indexed.content_words, 1)
            message_share = len(explained[phrase_id]) / len(content) if content else 1.0
            score = (1 - MESSAGE_SHARE) * coverage * specificity + MESSAGE_SHARE * min(message_share, 1.0)
            intent = indexed.phrase.intent
            if score > result.get(intent, 0.0):
                result[intent] = score
        return result


@lru_cache(maxsize=1)
def phrase_index() -> PhraseIndex:
    # Words of the slot vocabularies ("ساعتين", "الصبح", "امس") say when or how long, not what
    # the subscriber wants: they weigh like stopwords.
    stopwords = frozenset(load("stopwords")["words"]) | slot_words()
    return PhraseIndex(intent_phrases(), stopwords)


def slot_words() -> frozenset[str]:
    from bot.understanding.slots.duration import _words as duration_words
    from bot.understanding.slots.times import _vocabulary as time_words

    durations, times = duration_words(), time_words()
    found = set(durations.unit) | set(durations.duals) | set(durations.fractions)
    for phrase in (*times.days, *times.periods, *times.lead):
        found.update(phrase)
    return frozenset(found)
