"""Which language to answer in: Arabic for Arabic script and for Arabizi, else English."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from bot import resources
from bot.text import normalize
from bot.understanding.corpus import examples
from bot.understanding.phrases import GREETING_LISTS, read_phrase_file
from bot.understanding.vocabulary import load

_ARABIC_LETTER = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
# Arabizi writes ع ح ط ق with digits inside words ("6afya", "ta3weed", "7ala"); "4g", "2nd",
# "8am" and "5pm" are English, so those digits and endings do not count.
_ARABIZI_WORD = re.compile(
    r"^(?=.*[a-z])(?=.*[235679])(?!\d+(?:am|pm|st|nd|rd|th|g|h|k|m|s)$)[a-z0-9]+$"
)
_LATIN_WORD = re.compile(r"^[a-z0-9]+$")
_LATIN_LETTER = re.compile("[A-Za-z]")
# The Arabic small-talk lists (locales/ar/phrases/): their Latin-letter lines are Arabizi
# ("kaifak", "shloonak", "shukran"), said alone as a first message more often than the corpus
# has them.
_ARABIZI_PHRASE_LISTS = (*GREETING_LISTS, "thanks", "farewell")


@lru_cache(maxsize=1)
def _arabizi_vocabulary() -> tuple[frozenset[str], frozenset[str]]:
    """Latin-letter words of the corpus: those more often in its Arabizi files than in its
    English ones ("salam" turns up in English messages too), and the English ones."""
    arabizi: Counter[str] = Counter()
    english: Counter[str] = Counter()
    off_topic: Counter[str] = Counter()
    for example in examples("train"):
        if example.source.endswith(".arabizi"):
            counter = arabizi
        elif example.source == "en":
            counter = off_topic if example.intent == "unknown" else english
        else:
            continue  # the Arabic files: not read at all (start-up time)
        counter.update(w for w in normalize(example.text).split() if _LATIN_WORD.match(w))
    for name in _ARABIZI_PHRASE_LISTS:
        for phrase in read_phrase_file(resources.locale_file("ar", "phrases", f"{name}.txt")):
            arabizi.update(w for w in phrase.split() if _LATIN_WORD.match(w))
    # Off-topic lines hold keyboard gibberish ("asdkjh"), each written once: a word of theirs
    # is English when it turns up again.
    english.update({w: n for w, n in off_topic.items() if n >= 2})
    return (
        frozenset(w for w, n in arabizi.items() if n > english[w]),
        frozenset(w for w, n in english.items() if n >= arabizi[w]),
    )


def detect_lang(text: str, normalized: str | None = None) -> str:
    """'ar' or 'en'. A message with no letters at all (digits, emoji) gives 'ar', the default.

    `normalized` is `normalize(text)` when the caller already has it.
    """
    sample = text[:1000]
    if _ARABIC_LETTER.search(sample) or not _LATIN_LETTER.search(sample):
        return "ar"
    arabizi, english = _latin_words(sample, normalized)
    return "ar" if arabizi and arabizi >= english else "en"


def looks_like_code(text: str) -> bool:
    """Whether the message has the marks of code or markup ("SELECT * FROM bills;",
    "<script>alert(1)</script>"; data/code.toml): it says nothing of the writer's language."""
    marks, least = _code_marks()
    return len(marks.findall(text, 0, 1000)) >= least


@lru_cache(maxsize=1)
def _code_marks() -> tuple[re.Pattern[str], int]:
    """Any one of the marks: one scan of the message, not one `count` a mark."""
    code = load("code")
    return re.compile("[" + "".join(map(re.escape, code["marks"])) + "]"), int(code["least"])


def in_arabic_script(text: str) -> bool:
    """Whether `text` has an Arabic letter (its script, whatever language "al nada" is)."""
    return _ARABIC_LETTER.search(text) is not None


def knows_latin_words(text: str) -> bool:
    """Whether a Latin-letter message has a word we know as English or Arabizi: none in
    "asdkjh qwe zzz", which then says nothing of the writer's language."""
    lettered = " ".join(w for w in normalize(text[:1000]).split() if not w.isdigit())
    return any(_latin_words(lettered, lettered))


def _latin_words(sample: str, normalized: str | None = None) -> tuple[int, int]:
    """How many words of `sample` are Arabizi, and how many English."""
    arabizi_words, english_words = _arabizi_vocabulary()
    arabizi = english = 0
    for word in (normalize(sample) if normalized is None else normalized).split():
        # A word of letters alone has none of Arabizi's digits: the pattern is not tried.
        if word in arabizi_words or (not word.isalpha() and _ARABIZI_WORD.match(word)):
            arabizi += 1
        elif word in english_words:
            english += 1
    return arabizi, english
