"""bot.text: one normalization for matching; raw text kept intact for slots."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.text import ascii_digits, clean_raw, fold, normalize


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("الكهرباءُ طافِيَة", "الكهربا طافيه"),  # diacritics, hamza, taa marbuta
        ("الكهربــــاء", "الكهربا"),  # tatweel
        ("أحمد إبراهيم آمنة ٱلكهرباء", "احمد ابراهيم امنه الكهربا"),  # alef forms
        ("مؤسسة شئون", "موسسه شيون"),  # hamza on waw / ya
        ("على مستوى", "علي مستوي"),  # alef maqsura
        ("چم فاتورتی", "كم فاتورتي"),  # Persian/Gulf keyboard letters
        ("ﺍﻟﻜﻬﺮﺑﺎﺀ", "الكهربا"),  # presentation forms
        ("طاااافية!!!", "طافيه"),  # held-down letters, punctuation
        ("هلاا", "هلا"),
        ("STOP\u200f", "stop"),  # RLM
        ("\u202bمرحبا\u202c", "مرحبا"),  # embedding marks
        ("a\x00b", "a b"),  # NUL separates, never glues
        ("  كم   فاتورتي؟  ", "كم فاتورتي"),
        ("٠١٢٣٤٥٦٧٨٩ ۰۱۲۳۴۵۶۷۸۹", "0123456789 0123456789"),
        ("Hello THERE", "hello there"),
    ],
)
def test_normalize(written: str, expected: str) -> None:
    assert normalize(written) == expected


def test_ascii_digits_every_script_and_nothing_else() -> None:
    assert ascii_digits("حسابي ٣٠٠١٢٣٤٥٦٧٨") == "حسابي 30012345678"
    assert ascii_digits("۱۲۳ १२३ １２３") == "123 123 123"
    assert ascii_digits("١٢٫٥") == "12.5"
    assert ascii_digits("الكهرباء") == "الكهرباء"


def test_clean_raw_keeps_text_and_drops_invisible_marks() -> None:
    assert clean_raw("\u200fالساعة ٩:٣٠\u200e") == "الساعة ٩:٣٠"
    assert clean_raw("a\u200bb\ufeff") == "ab"
    assert clean_raw("كم الفاتورة؟") == "كم الفاتورة؟"


def test_fold_keeps_punctuation_for_slots() -> None:
    assert fold("الساعة ٩:٣٠") == "الساعه 9:30"


def test_rapidfuzz_default_processor_is_not_needed() -> None:
    # Our normalization makes diacritized and plain spellings identical.
    assert normalize("فَاتُورَتِي") == normalize("فاتورتي")


@given(st.text())
def test_normalize_is_idempotent_and_single_spaced(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
    assert "  " not in once and once == once.strip()


@given(st.text())
def test_ascii_digits_leaves_no_other_decimal_digit(text: str) -> None:
    out = ascii_digits(text)
    assert all(ch in "0123456789" for ch in out if ch.isdecimal())
