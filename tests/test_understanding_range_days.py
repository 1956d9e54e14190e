"""A range's days read together: an end "the next day" counts from the start's day, and an
hour with no morning or evening before a dawn end on the next day is the night before."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.config import RIYADH
from bot.understanding.slots import read_times

NOW = datetime(2026, 11, 30, 17, 0, tzinfo=RIYADH)  # a Monday


def _span(text: str, now: datetime = NOW) -> tuple[str | None, str | None]:
    reading = read_times(text, now)
    return (
        reading.start.slot() if reading.start else None,
        reading.end.slot() if reading.end else None,
    )


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        (
            "يوم الخميس انقطعت الكهرباء من ٦ الصبح الى ثاني يوم الساعة ١٢ الظهر، لي تعويض؟",
            "2026-11-26T06:00:00+03:00",
            "2026-11-27T12:00:00+03:00",
        ),
        (
            "في ١٠ يناير ٢٠٢٤ انقطعت الكهرباء من ٦ الصبح الى ثاني يوم الساعة ١٢ الظهر",
            "2024-01-10T06:00:00+03:00",
            "2024-01-11T12:00:00+03:00",
        ),
        (
            "امس طفت من ٨ الصبح الى اليوم الثاني الساعة ٢ الظهر",
            "2026-11-29T08:00:00+03:00",
            "2026-11-30T14:00:00+03:00",
        ),
        (
            "on Thursday the power was out from 6 am to 12 noon the next day",
            "2026-11-26T06:00:00+03:00",
            "2026-11-27T12:00:00+03:00",
        ),
    ],
)
def test_the_next_day_counts_from_the_start(text: str, start: str, end: str) -> None:
    assert _span(text) == (start, end)
    assert read_times(text, NOW).end.from_start  # said back before any money


def test_the_next_day_alone_names_no_start() -> None:
    assert _span("ثاني يوم الساعة ١٢ الظهر طفت") == (None, None)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        (
            "الكهرباء طفت البارحة الساعة ١١ ورجعت الساعة ٤ الفجر، فيه تعويض؟",
            "2026-11-29T23:00:00+03:00",
            "2026-11-30T04:00:00+03:00",
        ),
        (
            "الكهرباء طفت الساعة ١١ ورجعت الساعة ٤ الفجر",
            "2026-11-29T23:00:00+03:00",
            "2026-11-30T04:00:00+03:00",
        ),
        # Said with morning: the morning is kept, however long.
        (
            "الكهرباء طفت البارحة الساعة ١١ الصبح ورجعت الساعة ٤ الفجر",
            "2026-11-29T11:00:00+03:00",
            "2026-11-30T04:00:00+03:00",
        ),
        # An end the same day: no night.
        (
            "امس من ٩ الى ٦",
            "2026-11-29T09:00:00+03:00",
            "2026-11-29T18:00:00+03:00",
        ),
    ],
)
def test_an_hour_before_a_dawn_end_is_the_night_before(text: str, start: str, end: str) -> None:
    assert _span(text, datetime(2026, 11, 30, 13, 0, tzinfo=RIYADH)) == (start, end)


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("ya akhi el kahraba 2at3a men el zohr", "2026-11-30T12:15:00+03:00"),
        ("el kahraba ma2too3a mn el dohr", "2026-11-30T12:15:00+03:00"),
        ("ya akhi el kahraba 2at3a mn el 3asr", "2026-11-30T15:15:00+03:00"),
    ],
)
def test_arabizi_noon_and_afternoon_starts(text: str, start: str) -> None:
    """Arabizi "الظهر" spellings and "قاطعة" (2at3a): a start, still going on."""
    reading = read_times(text, NOW)
    assert reading.start is not None and reading.start.slot() == start
    assert reading.ongoing
