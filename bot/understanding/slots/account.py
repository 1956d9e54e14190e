"""Account numbers: 6-14 digits in any script, maybe written in groups ("300 1234 5678")."""

from __future__ import annotations

import re

from bot.text import ascii_digits, clean_raw

MIN_DIGITS, MAX_DIGITS = 6, 14
# Digit groups joined by one space or dash. A one-digit group is never glued on, so
# "30012345678 5 ساعات" keeps the account and the 5 apart.
_DIGIT_RUN = re.compile(r"(?<![\d.,:])\+?\d+(?:[ \-\u00a0]\d{2,})*(?![\d.,:]?\d)")
# Saudi mobile numbers in their usual spellings: 05XXXXXXXX, 5XXXXXXXX, 9665XXXXXXXX,
# 009665XXXXXXXX and +9665XXXXXXXX. They are phone numbers, not accounts.
_PHONE = re.compile(r"^(?:\+?9665\d{8}|009665\d{8}|05\d{8}|5\d{8})$")
# The bot's own reference numbers ("OUT-000006", "HAZ-000012", "INC-000045"): not accounts.
_REFERENCE_BEFORE = re.compile(r"(?:OUT|HAZ|HZ|INC)[ \-]?$", re.IGNORECASE)


_ANY_DIGIT = re.compile(r"\d")  # in any script
_NOT_DIGIT = re.compile(r"\D")


def find_account(raw: str) -> str | None:
    if not _ANY_DIGIT.search(raw, 0, 1000):
        return None  # most messages: no digit, no account
    text = ascii_digits(clean_raw(raw[:1000]))
    for match in _DIGIT_RUN.finditer(text):
        candidate = match.group()
        if len(candidate) < MIN_DIGITS:
            continue  # "3", "8:30", "2026": too few digits for an account, whatever is around
        digits = _NOT_DIGIT.sub("", candidate)
        if (
            candidate.startswith("+")
            or _PHONE.match(digits)
            or _REFERENCE_BEFORE.search(text, 0, match.start())
        ):
            continue
        if MIN_DIGITS <= len(digits) <= MAX_DIGITS:
            return digits
    return None


def find_mobile(raw: str) -> str | None:
    """A Saudi mobile number written where an account was expected ("فاتورة رقم 0501234567"),
    as typed (its digits in ASCII), or None."""
    if not _ANY_DIGIT.search(raw, 0, 1000):
        return None
    text = ascii_digits(clean_raw(raw[:1000]))
    for match in _DIGIT_RUN.finditer(text):
        digits = _NOT_DIGIT.sub("", match.group())
        if _PHONE.match(digits):
            return match.group().strip()
    return None
