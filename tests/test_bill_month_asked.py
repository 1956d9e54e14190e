"""The month a bill is asked for: by name (Gregorian or Syriac, data/times.toml) or by its
number after "شهر"/"month", in any digits."""

from __future__ import annotations

import pytest

from handlers.bill import _says_both, month_asked, question_asked


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("كم فاتورة سبتمبر حساب الملز", {"month": 9, "year": 0}),
        ("فاتورة شهر 9 حساب العليا", {"month": 9, "year": 0}),
        ("كم كانت فاتورة شهر ٩ لحساب العليا", {"month": 9, "year": 0}),
        ("شهر ۹", {"month": 9, "year": 0}),
        ("فاتورة ايلول", {"month": 9, "year": 0}),
        ("فاتورة شهر اب", {"month": 8, "year": 0}),
        ("bill for month 10", {"month": 10, "year": 0}),
        ("فاتورة شهر 12 2025", {"month": 12, "year": 2025}),
        ("فاتورة سبتمبر 2024", {"month": 9, "year": 2024}),
    ],
)
def test_the_month_asked(text: str, asked: dict) -> None:
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


def test_a_hijri_month_asked_is_kept_as_its_own_month() -> None:
    """fix16a: the Hijri month stored by name, never told by a list's length."""
    from datetime import datetime

    from bot.config import RIYADH

    asked = month_asked("فاتورة شهر رمضان", datetime(2026, 12, 1, 10, tzinfo=RIYADH))
    assert asked == {"month": 3, "year": 2026, "hijri": {"year": 1447, "month": 9, "hijri": True}}
