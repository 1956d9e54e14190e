"""Whole-message words the dialogue reacts to in any step: cancel, menu, yes, a choice number."""

from __future__ import annotations

import re

from bot.text import normalize
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
