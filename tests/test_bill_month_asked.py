"""The month a bill is asked for: by name (Gregorian or Syriac, data/times.toml) or by its
number after "شهر"/"month", in any digits."""

from __future__ import annotations

import pytest

from handlers.bill import _says_both, month_asked, question_asked


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("كم فاتورة سبتمبر حساب الملز", [9, 0]),
        ("فاتورة شهر 9 حساب العليا", [9, 0]),
        ("كم كانت فاتورة شهر ٩ لحساب العليا", [9, 0]),
        ("شهر ۹", [9, 0]),
        ("فاتورة ايلول", [9, 0]),
        ("فاتورة شهر اب", [8, 0]),
        ("bill for month 10", [10, 0]),
        ("فاتورة شهر 12 2025", [12, 2025]),
        ("فاتورة سبتمبر 2024", [9, 2024]),
    ],
)
def test_the_month_asked(text: str, asked: list[int]) -> None:
    assert month_asked(text) == asked


@pytest.mark.parametrize("text", ["فاتورتي", "فاتورة شهر 13", "كم فاتورتي الحين", "فاتورة 9"])
def test_no_month_asked(text: str) -> None:
    assert month_asked(text) is None


def test_both_accounts_as_the_whole_answer() -> None:
    assert _says_both("الاثنين")
    assert _says_both("both")
    assert not _says_both("الاثنين الجاي")  # Monday, in a sentence


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("ابي اقسط الفاتورة", "bill_installments"),
        ("ممكن اقسط المبلغ على دفعات", "bill_installments"),
        ("can I pay in installments?", "bill_installments"),
        ("ابي نسخة من الفاتورة", "bill_copy"),
        ("send me bill copy pdf", "bill_copy"),
        ("الفاتورة غلط والله ابي اعترض عليها", "bill_objection"),
        ("وين اقدم الاعتراض", "bill_objection"),
        ("وش الرسوم هذي", "bill_fees"),
        ("what are these fees", "bill_fees"),
        ("فاتورتي", None),
        ("a coffee shop", None),  # "fee" only as a whole word
    ],
)
def test_the_bill_question_asked(text: str, asked: str | None) -> None:
    assert question_asked(text) == asked
