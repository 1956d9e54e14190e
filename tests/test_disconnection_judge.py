"""One judge of a disconnection (`Facts.unlawful_reason`): a cut told alone and the cut told with
its payment are judged by the same facts the same way (money1: a cut for two bills of 800 told
with its payment was owed the reconnection only, told alone it was owed the 500 as well)."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.config import RIYADH
from handlers.compensation_facts import Facts, stated_arrears

NOW = datetime(2026, 11, 24, 20, 0, tzinfo=RIYADH)  # a Tuesday; the 23rd is a working Monday
PAID = "، وسددت الساعة ١١ الصبح وما رجعت الا الساعة ٥ العصر"


@pytest.mark.parametrize(
    ("cut", "reason"),
    [
        ("امس الساعة ١٠ الصبح فصلوا علي الكهرباء عشان فاتورتين ٨٠٠ ريال", "small_arrears"),
        ("امس الساعة ١٠ الصبح فصلوا علي الكهرباء عشان متأخرات ٥ الاف", None),
        (
            "امس الساعة ١٠ الصبح فصلوا علي الكهرباء عشان الفاتورة وابوي على جهاز اكسجين",
            "medical_needs",
        ),
        ("امس الساعة ٢ الظهر فصلوا علي الكهرباء عشان متأخرات ٥ الاف", "after_noon"),
        ("امس الساعة ١٠ الصبح فصلوا علي الكهرباء عشان الفاتورة", None),
    ],
)
def test_a_cut_is_judged_the_same_told_alone_or_with_its_payment(
    cut: str, reason: str | None
) -> None:
    alone = Facts(standard="unlawful_disconnection")
    alone.read(cut, NOW)
    paid = Facts(standard="reconnection_after_payment")
    paid.read(cut + PAID, NOW)
    assert alone.unlawful_reason() == reason
    assert paid.cut_reason() == reason
    also = paid.also(NOW)
    if reason is None:
        assert also is None
    else:
        assert also is not None and also.standard == "unlawful_disconnection"
        assert (
            also.start
            == alone.start_at()
            == datetime(
                2026, 11, 23, *((14,) if reason == "after_noon" else (10,)), 0, tzinfo=RIYADH
            )
        )


def test_a_home_only_case_does_not_make_a_shop_cut_unlawful() -> None:
    shop = Facts(standard="unlawful_disconnection", premises="other", prohibited="school_exams")
    shop.start = "2026-11-23T10:00:00+03:00"
    assert shop.unlawful_reason() is None
    home = Facts(
        standard="unlawful_disconnection", premises="residential", prohibited="school_exams"
    )
    home.start = shop.start
    assert home.unlawful_reason() == "school_exams"


def test_a_cut_whose_day_was_not_told_is_judged_by_its_hour() -> None:
    facts = Facts(standard="reconnection_after_payment")
    facts.read("قطعوا الكهرباء الساعة ٢ الظهر، وسددت امس الساعة ٣ العصر ورجعت الساعة ٨ بالليل", NOW)
    assert not facts.cut_day_told
    assert facts.cut_reason() == "after_noon"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # How long, beside a bill word: never months of unpaid bills (money1).
        ("فصلوا عشان الفاتورة صار لها ٣ شهور", (None, None)),
        ("فصلوها عشان الفواتير وصار لها شهرين مفصولة", (None, None)),
        ("cut for the bill, it has been 3 months", (None, None)),
        # Said unpaid or owed: months of unpaid bills.
        ("فصلوا عشان الفاتورة، ٣ شهور ما سددتها", (None, 3)),
        ("فصلوا عشان ٣ شهور متأخرة", (None, 3)),
        ("فصلوا عشان فواتير ٣ شهور", (None, 3)),
        ("فصلوا وعلي شهرين", (None, 2)),
        ("cut for 3 months unpaid", (None, 3)),
    ],
)
def test_months_are_unpaid_bills_only_when_said_unpaid(
    text: str, expected: tuple[int | None, int | None]
) -> None:
    assert stated_arrears(text) == expected


def test_an_hour_corrected_keeps_the_day_and_the_arrears_told() -> None:
    facts = Facts(standard="unlawful_disconnection")
    facts.read("فصلوا علي الكهرباء امس الساعة ٢ الظهر عشان فاتورة وحدة ٢٠٠ ريال", NOW)
    assert facts.unlawful_reason() == "after_noon"
    assert facts.read("لا غلطت، كان الساعة ١٠ الصبح", NOW, "correction")
    assert facts.start_at() == datetime(2026, 11, 23, 10, 0, tzinfo=RIYADH)
    assert not facts.start_inferred
    assert facts.unlawful_reason() == "small_arrears"


def test_small_arrears_with_the_payment_but_no_cut_time_asks_the_cut() -> None:
    facts = Facts(standard="reconnection_after_payment")
    told = "فصلوا علي الكهرباء عشان فاتورتين ٨٠٠ ريال، وسددت امس الساعة ١١ الصبح ورجعت ٥ العصر"
    facts.read(told, NOW)
    assert facts.cut_at is None and facts.also(NOW) is None  # no day to count the 500 from
    assert facts.cut_reason() == "small_arrears"
    assert not facts.tell_cut("الساعة ٩", NOW)  # morning or evening: not taken
    assert facts.tell_cut("قطعوها امس الساعة ٩ الصبح", NOW)
    also = facts.also(NOW)
    assert also is not None and also.start == datetime(2026, 11, 23, 9, 0, tzinfo=RIYADH)
