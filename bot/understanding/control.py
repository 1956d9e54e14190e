"""Whole-message words the dialogue reacts to in any step: cancel, menu, yes, a choice number."""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import SequenceMatcher

from bot.text import normalize, stem
from bot.understanding.phrases import control_phrases
from bot.understanding.vocabulary import choice_words, number_words

# "رقم ٢", "الخيار 3", "option 2", "#2": a lead word before the number is allowed.
_CHOICE_LEADS = (
    "رقم",
    "الرقم",
    "خيار",
    "الخيار",
    "اختيار",
    "option",
    "number",
    "no",
    "choice",
    "n",
)
_CHOICE = re.compile(rf"^(?:(?:{'|'.join(_CHOICE_LEADS)}) )?(.+)$")
_LONGEST_CONTROL = 40  # characters; anything longer is a sentence, not a control word


def control_word(text: str) -> str | None:
    """'cancel', 'menu', 'back', 'yes', 'no', 'lang_en', 'lang_ar' or 'detail', or None.

    Only the whole message counts, so "لا" is "no" but "لا ما رجعت الكهرباء" is not.
    """
    norm = normalize(text[:200])
    if not norm or len(norm) > _LONGEST_CONTROL:
        return None
    return control_phrases().get(norm)


def choice_number(text: str) -> int | None:
    """A menu choice (1..99) typed as digits of any script or as a number word, else None.

    0 is not a choice: it is the "menu" control word in numbered menus.
    """
    norm = normalize(text[:200])
    if not norm or len(norm) > _LONGEST_CONTROL:
        return None
    match = _CHOICE.match(norm)
    rest = match.group(1) if match else norm
    if rest.isascii() and rest.isdigit():  # "⓵" and "²" say isdigit() but are not numbers
        value = int(rest)
        return value if 1 <= value <= 99 else None
    named = number_words().get(rest) or choice_words().get(rest)
    return named if named else None


# A typed word this close to a label's word is that word ("الطاريء", "emergancy").
_CLOSE_WORD = 0.8
_LONGEST_NAMED = 8  # words; a longer message is a sentence to read, not an option's name


def choice_named(text: str, labels: Sequence[str]) -> int | None:
    """The choice (1-based) whose label the message names in words, as numbers pick it:
    "انقطاع طارئ" picks "الانقطاع الطارئ"; None when no label, or more than one, fits best.

    Words are compared stemmed, so the article and attached pronouns do not matter. A word in
    no label ("تعويض") is allowed beside the naming words, but a message mostly of other words
    is a sentence, not a name.
    """
    said = [stem(w) for w in normalize(text[:200]).split()]
    if not said or len(said) > _LONGEST_NAMED:
        return None
    named = [{stem(w) for w in normalize(label).split()} for label in labels]
    scores = [sum(any(_same_word(w, x) for x in words) for w in said) for words in named]
    best = max(scores, default=0)
    if best == 0 or best * 2 < len(said) or scores.count(best) > 1:
        return None
    return scores.index(best) + 1


def _same_word(said: str, label_word: str) -> bool:
    if said == label_word:
        return True
    return (
        min(len(said), len(label_word)) >= 4
        and SequenceMatcher(None, said, label_word).ratio() >= _CLOSE_WORD
    )
