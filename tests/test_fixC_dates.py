"""fixC: dates that read wrong. The clock is Wednesday 2 December 2026, 10:00 Riyadh."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from bot.config import RIYADH
from bot.understanding.slots import find_duration_minutes, read_times
from bot.understanding.slots.times import in_last_week
from handlers.bill import month_asked

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=RIYADH)


@pytest.mark.parametrize(
    "text",
    ["انقطعت الكهرباء شهر ١١", "انقطعت الكهرباء شهر 11", "انقطعت الكهرباء الشهر ١١"],
)
def test_a_month_number_after_its_word_is_that_month_with_no_day(text: str) -> None:
    reading = read_times(text, NOW)
    assert reading.start is None  # never today, never the 11th
    assert reading.month is not None
    assert (reading.month.year, reading.month.month) == (2026, 11)


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("انقطعت شهر 11 يوم ٥ من ٨ الصبح الى ١٢ الظهر", "2026-11-05T08:00:00+03:00"),
        ("انقطعت الشهر ١١ يوم 20 الساعة ٧ المسا", "2026-11-20T19:00:00+03:00"),
        ("انقطعت نوفمبر يوم ٥ الساعة ٨ الصبح", "2026-11-05T08:00:00+03:00"),
        ("انقطعت ٥ شهر ١١ الساعة ٨ الصبح", "2026-11-05T08:00:00+03:00"),
    ],
)
def test_a_day_said_with_a_month_number_is_that_date(text: str, start: str) -> None:
    reading = read_times(text, NOW)
    assert reading.start is not None
    assert reading.start.slot() == start


def test_a_month_number_is_no_length() -> None:
    assert find_duration_minutes("انقطعت شهر 11 يوم ٥ الساعة ٨ الصبح") is None
    assert find_duration_minutes("انقطعت شهر ١١ يوم ٥ ساعات") == 300  # "يوم ٥ ساعات": a length


@pytest.mark.parametrize("text", ["فاتورة شهر ١١", "فاتورة شهر 11", "فاتورة الشهر ١١"])
def test_a_bill_month_by_its_number(text: str) -> None:
    assert month_asked(text, NOW) == {"month": 11, "year": 0}


@pytest.mark.parametrize(
    "text",
    [
        "انقطعت الكهرباء الاسبوع الماضي",
        "انقطعت الاسبوع الماضي من ٨ الصبح الى ٤ العصر",
        "من ٨ الصبح لين ٤ العصر الاسبوع الماضي",
        "the power was off last week",
    ],
)
def test_last_week_with_no_weekday_is_no_day(text: str) -> None:
    reading = read_times(text, NOW)
    assert reading.start is None and reading.end is None
    assert reading.vague_day and reading.last_week


@pytest.mark.parametrize(
    ("answer", "start"),
    [
        ("الثلاثاء", "2026-11-24"),  # last week's, not yesterday (Tuesday 1 December)
        ("الاحد الساعة ٨ الصبح ورجعت ١٢ الظهر", "2026-11-22T08:00:00+03:00"),
        ("امس", "2026-12-01"),  # a day of its own: kept as said
        ("٢٥ نوفمبر", "2026-11-25"),
    ],
)
def test_an_answer_to_which_day_of_last_week(answer: str, start: str) -> None:
    reading = read_times(in_last_week(answer), NOW)
    assert reading.start is not None and reading.start.slot() == start


def test_the_hours_said_with_no_day_are_both_kept() -> None:
    reading = read_times("انقطعت الاسبوع الماضي من ٨ الصبح الى ٤ العصر", NOW)
    assert (reading.vague_clock, reading.vague_end_clock) == (time(8, 0), time(16, 0))


def test_a_number_counting_after_this_month_is_no_month() -> None:
    """«الشهر ٣ مرات» is three times this month (the cold review), «شهر ١١» still November."""
    assert read_times("انقطعت الكهرباء الشهر ٣ مرات", NOW).month is None
    november = read_times("انقطعت شهر ١١", NOW).month
    assert november is not None and november.first.month == 11
