"""A word's consonant skeleton, the same for Arabic script and Arabizi.

"كهربا" and "kahraba", "طافيه" and "6afya", "فاتوره" and "fatoora" are one word written in two
scripts: Arabizi spells the short vowels Arabic leaves out, and both spell the long ones. Their
consonants, folded into classes that Arabizi writers do not tell apart (ت ط ث, د ض ذ ظ ز, س ص,
ح ه), agree: khrb, tf, ftr. Vowels and the letters that double as vowels (ا و ي, a e i o u w y)
and hamza carry no vote.
"""

from __future__ import annotations

import re

_LATIN_PAIRS = {"sh": "š", "ch": "š", "kh": "x", "gh": "g", "th": "t", "dh": "d"}
_PAIRS = re.compile("|".join(_LATIN_PAIRS))
_CLASSES = str.maketrans(
    {
        # Arabic letters (after bot.text.normalize)
        "ب": "b", "ت": "t", "ث": "t", "ط": "t", "ج": "j", "ح": "h", "ه": "h", "خ": "x",
        "د": "d", "ذ": "d", "ض": "d", "ظ": "d", "ز": "d", "ر": "r", "س": "s", "ص": "s",
        "ش": "š", "ع": "c", "غ": "g", "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m",
        "ن": "n", "ا": None, "و": None, "ي": None,
        # Latin letters and Arabizi digits
        "p": "b", "6": "t", "z": "d", "9": "s", "7": "h", "5": "x", "3": "c", "8": "q",
        "v": "f", "2": None, "a": None, "e": None, "i": None, "o": None, "u": None,
        "w": None, "y": None,
    }
)  # fmt: skip
_ARTICLES = ("ال", "el", "al", "il")
_REPEATS = re.compile(r"(.)\1+")


def skeleton(word: str) -> str:
    """The consonant classes of one normalized word, repeats merged, a final h dropped."""
    if word.startswith(_ARTICLES) and len(word) > 4:
        word = word[2:]  # the article, attached ("الكهربا", "elkahraba") or not ("el kahraba")
    folded = _PAIRS.sub(lambda m: _LATIN_PAIRS[m.group()], word).translate(_CLASSES)
    return _REPEATS.sub(r"\1", folded).removesuffix("h")
