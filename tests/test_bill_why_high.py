""" "Why is my bill high?": the causes said are the ones the bills show, each figure the billing
system's; and a duration after a preposition takes Arabic's genitive forms («خلال ساعتين»)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace

from bot.billing import Bill
from bot.config import AGENT_PHONE, RIYADH
from bot.i18n import texts
from bot.standards.wording import duration, hours
from handlers.bill import comparison_text

NOW = datetime(2026, 7, 10, 10, 0, tzinfo=RIYADH)


def _turn(lang: str = "ar") -> SimpleNamespace:
    return SimpleNamespace(
        now=NOW, tr=texts(lang), lang=lang, settings=SimpleNamespace(agent_phone=AGENT_PHONE)
    )


def _bill(month: int, kwh: int, amount: str, previous: str = "0") -> Bill:
    return Bill(
        account="30012345678",
        period_start=date(2026, month, 1),
        period_end=date(2026, month, 28),
        issue_date=date(2026, month + 1, 28),
        due_date=date(2026, month + 2, 27),
        kwh=kwh,
        amount_sar=Decimal(amount),
        previous_balance_sar=Decimal(previous),
        total_due_sar=Decimal(amount) + Decimal(previous),
        status="unpaid",
    )


def test_more_consumption_and_the_higher_tier_are_named_with_the_bills_figures() -> None:
    text = comparison_text(_turn("en"), [_bill(6, 6400, "1484.10"), _bill(5, 4000, "849.15")])
    assert "You used 60% more electricity than in May 2026 (2,400 kWh more)" in text
    assert "more than 6,000 kWh this month" in text
    assert "not more" not in text
    assert "within 5 business days" in text


def test_only_this_bill_known_names_the_usual_causes_and_claims_none() -> None:
    text = comparison_text(_turn("en"), [_bill(6, 3000, "700.00")])
    assert "I do not have your earlier bills" in text
    assert "A bill usually goes up with more consumption" in text
    assert "6,000 kWh this month" not in text
    assert "object to the bill" in text


def test_a_lower_bill_is_said_to_be_lower() -> None:
    text = comparison_text(_turn(), [_bill(10, 3000, "700.00"), _bill(9, 4000, "900.00")])
    assert "أقل بـ25٪ من سبتمبر 2026" in text
    assert "مو أكثر" in text


def test_a_change_that_rounds_to_nothing_is_said_as_about_the_same() -> None:
    # 2,572 kWh after 2,569 (a tester saw «زاد 0٪»): about the same, in both languages, and
    # the usual causes named, none claimed; a fall that rounds to 0% likewise.
    rise = [_bill(3, 2572, "556.55"), _bill(2, 2569, "555.93")]
    ar = comparison_text(_turn(), rise)
    assert "استهلاكك تقريباً نفس استهلاك فبراير 2026" in ar
    assert "0٪" not in ar
    en = comparison_text(_turn("en"), rise)
    assert "You used about as much electricity as in February 2026." in en
    assert "0%" not in en
    assert "A bill usually goes up with more consumption" in en
    fall = comparison_text(_turn("en"), [_bill(3, 2569, "555.93"), _bill(2, 2572, "556.55")])
    assert "about as much electricity" in fall
    assert "0% less" not in fall


def test_durations_after_a_preposition_are_genitive() -> None:
    ar = texts("ar")
    assert hours(ar, 2) == "ساعتان"
    assert hours(ar, 2, governed=True) == "ساعتين"
    assert duration(ar, 122, governed=True) == "ساعتين ودقيقتين"
    assert duration(texts("en"), 120, governed=True) == "2 hours"
