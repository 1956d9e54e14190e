"""Arabic-aware normalization.

Subscribers write the same word many ways: with or without hamza (أ/إ/آ/ا), ة or ه, ى or ي,
Persian keyboard letters (ک ی گ), diacritics and tatweel, and digits in Arabic-Indic,
Persian or Latin form. Matching is done on one folded form; slots are read from the raw
text (with digits made ASCII) because folding loses nothing slots need but the reader's trust.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Invisible marks that change nothing a reader sees but break matching: bidi controls
# (LRM, RLM, ALM, embeddings, isolates), zero-width joiners/spaces and the BOM.
_INVISIBLE = (
    "\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff\u00ad"
)
# Control characters other than ordinary whitespace become a space (a NUL must not glue words).
_CONTROL = [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]
_CLEAN_TABLE = dict.fromkeys(map(ord, _INVISIBLE)) | dict.fromkeys(_CONTROL, " ")
# Any of those characters: most messages have none, and a search is cheaper than a translate.
_UNCLEAN = re.compile("[" + "".join(re.escape(chr(code)) for code in _CLEAN_TABLE) + "]")

# Any decimal digit that is not ASCII (Arabic-Indic, Persian, Devanagari, full-width...).
_NON_ASCII_DIGIT = re.compile(r"(?![0-9])\d")
_ARABIC_SEPARATORS = str.maketrans({"\u066b": ".", "\u066c": ",", "\u060c": ","})
# What `ascii_digits` changes: an Arabic mark of `_ARABIC_SEPARATORS`, or a digit not 0-9.
_NOT_ASCII_NUMERIC = re.compile(r"[\u066b\u066c\u060c]|[^\D0-9]")

# Letter folding: every variant on the left is read as the letter on the right.
# چ and گ are folded to ك because Gulf writers use them for the k/g sound of ك/ق in
# dialect words (چم = كم); Persian ی/ک are the same letters as ي/ك on another keyboard.
_LETTER_FOLDS = {
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ٲ": "ا",
    "ٳ": "ا",
    "ؤ": "و",
    "ئ": "ي",
    "ء": "",
    "ة": "ه",
    "ۀ": "ه",
    "ە": "ه",
    "ھ": "ه",
    "ہ": "ه",
    "ى": "ي",
    "ی": "ي",
    "ې": "ي",
    "ۍ": "ي",
    "ے": "ي",
    "ک": "ك",
    "ڪ": "ك",
    "گ": "ك",
    "چ": "ك",
    "پ": "ب",
    "ژ": "ز",
    "ڤ": "ف",
    "ڥ": "ف",
    "ڨ": "ق",
    "ـ": "",  # tatweel
}
# Harakat, tanween, shadda, sukun, superscript alef and Quranic marks.
_DIACRITICS = [*range(0x0610, 0x061B), *range(0x064B, 0x0660), 0x0670, *range(0x06D6, 0x06EE)]
# One pass over the text: diacritics dropped, letters folded, Arabic decimal marks made ASCII
# (the three sets of characters are apart, so one table does what three passes did).
# The characters of most messages (ASCII, the Arabic block) that it leaves as they are are in it
# too, mapped to themselves: `translate` raises and drops a KeyError for each character a table
# does not have, most of a message's letters.
# The Arabic-Indic and Persian digits (the only digits of the Arabic block, and the only ones
# below it but 0-9) are made ASCII by the table too: `_NON_ASCII_DIGIT` tried a lookahead at
# every character of every Arabic message (~5 us a message), and is left to texts with a
# character past the block (`_PAST_ARABIC_BLOCK`), where other scripts' digits are.
_ARABIC_BLOCK_DIGITS = {0x0660 + i: 0x30 + i for i in range(10)} | {
    0x06F0 + i: 0x30 + i for i in range(10)
}
_PAST_ARABIC_BLOCK = re.compile("[^\x00-\u06ff]")
_FOLD_TABLE = (
    {code: code for code in (*range(0x80), *range(0x0600, 0x0700))}
    | dict.fromkeys(_DIACRITICS)
    | str.maketrans(_LETTER_FOLDS)
    | _ARABIC_SEPARATORS
    | _ARABIC_BLOCK_DIGITS
)
# `ascii_digits`' changes for a text of ASCII and Arabic-block characters only (the others
# mapped to themselves, as in `_FOLD_TABLE`).
_ARABIC_NUMERIC = re.compile("[\u060c\u066b\u066c\u0660-\u0669\u06f0-\u06f9]")
_ARABIC_NUMERIC_TABLE = (
    {code: code for code in (*range(0x80), *range(0x0600, 0x0700))}
    | _ARABIC_SEPARATORS
    | _ARABIC_BLOCK_DIGITS
)
# Anything that is not a letter or digit separates words.
_WORD = re.compile(r"[^\W_]+")
# A Latin letter against an Arabic one (`scripts_apart`).
_SCRIPTS_MEET = re.compile(r"(?<=[a-z])(?=[\u0621-\u064a])|(?<=[\u0621-\u064a])(?=[a-z])")
# A letter held down ("طاااافية", "helloooo"): three or more of the same letter read as one.
_ELONGATION = re.compile(r"([^\W\d_])\1{2,}")
_THRICE = re.compile(r"(.)\1\1", re.DOTALL)
# A long vowel doubled at the end of an Arabic word is the same stretch ("هلاا", "شكراا").
_STRETCHED_VOWELS = "اويه"
_FINAL_VOWEL_STRETCH = re.compile(rf"([{_STRETCHED_VOWELS}])\1+\b")
_DOUBLED_VOWELS = tuple(vowel * 2 for vowel in _STRETCHED_VOWELS)


# What a surrogate stands for when it has no partner: a byte a terminal could not decode
# ("\udcff" under surrogateescape), or JSON's "\ud800" alone (a Telegram update may carry one).
UNREADABLE = "\ufffd"


def storable(text: str) -> str:
    """The text as UTF-8 and PostgreSQL can hold it: a lone surrogate becomes U+FFFD (a pair
    written as two code points is joined), a NUL a space (it must not glue words). Every
    `Inbound` is built through this, so nothing unstorable reaches the database."""
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text.replace("\x00", " ") if "\x00" in text else text


def clean_raw(text: str) -> str:
    """The message as written, minus invisible marks and control characters."""
    if _UNCLEAN.search(text) is None:
        return text
    return text.translate(_CLEAN_TABLE)


def ascii_digits(text: str) -> str:
    """Every decimal digit, whatever its script, as 0-9; Arabic decimal/thousands marks too."""
    if text.isascii():
        return text
    if _PAST_ARABIC_BLOCK.search(text) is None:
        # ASCII and Arabic letters only (almost every message): one scan for a character of a
        # class, not an alternation tried at each one; most have no mark nor digit to change.
        if _ARABIC_NUMERIC.search(text) is None:
            return text
        return text.translate(_ARABIC_NUMERIC_TABLE)
    if _NOT_ASCII_NUMERIC.search(text) is None:
        # `translate` with a dict looks up every letter (raising and dropping a KeyError for
        # each one it does not change).
        return text
    return _NON_ASCII_DIGIT.sub(_ascii_digit, text.translate(_ARABIC_SEPARATORS))


def _ascii_digit(match: re.Match[str]) -> str:
    return str(unicodedata.decimal(match.group(), 0))


def fold(text: str) -> str:
    """Letters folded and lowercased, digits ASCII, punctuation kept (slot parsers need ':')."""
    if len(text) > _REMEMBERED_UP_TO:
        return _fold(text)
    return _fold_short(text)


# A turn folds its message several times (understanding's slots, then each flow's check of
# the times it tells: ~50k instructions a short message): short texts are remembered.
@lru_cache(maxsize=4096)
def _fold_short(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    text = clean_raw(text)
    if not text.isascii():
        # NFKC turns Arabic presentation forms and full-width Latin into ordinary letters.
        text = unicodedata.normalize("NFKC", text).translate(_FOLD_TABLE)
        if _PAST_ARABIC_BLOCK.search(text) is not None:
            text = _NON_ASCII_DIGIT.sub(_ascii_digit, text)
    text = text.lower()
    # A stretch needs a character thrice or a vowel twice: most texts have neither, and looking
    # for that is cheaper than the substitution.
    if _THRICE.search(text):
        text = _ELONGATION.sub(r"\1", text)
    if not text.isascii() and any(pair in text for pair in _DOUBLED_VOWELS):
        text = _FINAL_VOWEL_STRETCH.sub(r"\1", text)
    return text


def words(folded: str) -> str:
    """A folded text as single-space separated words (punctuation dropped)."""
    return " ".join(_WORD.findall(folded))


def scripts_apart(normalized: str) -> str:
    """A normalized text with each word begun in one script and ended in the other taken apart
    ("bيطيح": the keyboard switched in the middle of a word, Arabizi's «ب» of the future before
    a verb typed in Arabic). Not part of `normalize`: the intent model's features are made
    from normalized words as they are."""
    if normalized.isascii() or _SCRIPTS_MEET.search(normalized) is None:
        return normalized
    return _SCRIPTS_MEET.sub(" ", normalized)


def normalize(text: str) -> str:
    """Folded, lowercased words separated by single spaces; digits ASCII."""
    if len(text) > _REMEMBERED_UP_TO:
        return words(fold(text))
    return _normalize_short(text)


# A turn normalizes the same short strings again and again (choice labels, district names,
# phrase-list entries, the message itself): they are remembered, long texts are not.
_REMEMBERED_UP_TO = 200


@lru_cache(maxsize=16_384)
def _normalize_short(text: str) -> str:
    return words(fold(text))


def tokens(normalized: str) -> list[str]:
    """Words of an already normalized text."""
    return normalized.split()
