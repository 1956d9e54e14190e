"""Times of day and corrections after an answer (fixer4): "بعد الظهر" is about the noon prayer,
"around 9pm" is an approximate hour, and a day corrected alone moves the case with its hours."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.config import RIYADH
from bot.understanding.slots import read_times
from handlers.compensation_facts import Facts

NOW = datetime(2026, 7, 15, 20, 0, tzinfo=RIYADH)


@pytest.mark.parametrize(
    ("text", "hour"),
    [("انقطعت من بعد الظهر", 15), ("طفت بعد الظهر", 15), ("بعد صلاة الظهر", 12)],
)
def test_a_prayer_or_part_of_the_day_is_a_guessed_hour(text: str, hour: int) -> None:
    """ "بعد الظهر" alone is the afternoon (readers differ: some mean just after the noon prayer),
    "بعد صلاة الظهر" the noon prayer; either is said back before any money."""
    start = read_times(text, NOW).start
    assert start is not None and start.clock is not None
    assert start.clock.hour == hour
    assert start.hour_guessed


def test_an_hour_before_after_noon_is_that_hour() -> None:
    start = read_times("الساعة ٣ بعد الظهر", NOW).start
    assert start is not None and start.clock is not None
    assert (start.clock.hour, start.hour_guessed) == (15, False)


@pytest.mark.parametrize(
    "text", ["power went out yesterday around 9pm", "انقطعت امس حوالي الساعة ٩ بالليل"]
)
def test_around_an_hour_is_approximate(text: str) -> None:
    start = read_times(text, NOW).start
    assert start is not None and start.clock is not None
    assert start.clock.hour == 21
    assert start.hour_guessed and start.guess == "about"


def test_an_exact_hour_is_not_approximate() -> None:
    start = read_times("power went out yesterday at 9pm", NOW).start
    assert start is not None and not start.hour_guessed


def test_a_day_corrected_alone_moves_the_case_with_its_hours() -> None:
    facts = Facts(standard="emergency_outage")
    assert facts.read("انقطعت اليوم الساعة ٤ العصر ورجعت ٩ بالليل", NOW)
    assert facts.read("لا قصدي امس مو اليوم", NOW, "correction")
    assert facts.start_at() == datetime(2026, 7, 14, 16, 0, tzinfo=RIYADH)
    assert facts.end_at() == datetime(2026, 7, 14, 21, 0, tzinfo=RIYADH)


def test_an_end_corrected_keeps_the_start() -> None:
    facts = Facts(standard="emergency_outage")
    assert facts.read("انقطعت الكهرباء امس من الساعة ٦ المغرب الى ١٢ بالليل", NOW)
    assert facts.read("لا غلطت، رجعت ٢ الفجر مو ١٢", NOW, "correction")
    assert facts.start_at() == datetime(2026, 7, 14, 18, 0, tzinfo=RIYADH)
    assert facts.end_at() == datetime(2026, 7, 15, 2, 0, tzinfo=RIYADH)
