"""Text as subscribers type it, made comparable: one normalization for the whole bot.

`clean_raw` keeps the message as written (for slot parsing) minus invisible marks;
`ascii_digits` turns every digit script into 0-9; `normalize` folds spelling variants
(hamza, taa marbuta, alef maqsura, Persian letters, diacritics, case) for matching.
"""

from bot.text.normalize import (
    ascii_digits,
    clean_raw,
    fold,
    normalize,
    scripts_apart,
    tokens,
    words,
)
from bot.text.stem import stem

__all__ = [
    "ascii_digits",
    "clean_raw",
    "fold",
    "normalize",
    "scripts_apart",
    "stem",
    "tokens",
    "words",
]
