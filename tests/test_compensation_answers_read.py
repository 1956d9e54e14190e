"""Answers to the compensation questions read, never the same question asked again."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.config import RIYADH
from bot.understanding.slots import read_times
from handlers.compensation import _notice_after_start, _part_told, _take_part_as_guess
from handlers.compensation_facts import Facts, notice_lead_minutes

NOW = datetime(2026, 12, 2, 15, 10, tzinfo=RIYADH)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("وصلتنا رسالة قبلها ب٣ ايام", 3 * 24 * 60), ("قبلها ب3 ساعات", 180)],
)
def test_a_lead_with_its_number_on_the_b(text: str, minutes: int) -> None:
    assert notice_lead_minutes(text) == minutes


def test_a_part_answered_is_taken_as_a_guess_on_its_day() -> None:
    part = read_times("امس العصر", NOW).start
    assert _part_told(part)
    facts = Facts(standard="emergency_outage")
    facts.read("انقطعت العصر ورجعت الساعة 9 بالليل", NOW)
    _take_part_as_guess(facts, part, is_start=True)
    assert facts.start == "2026-12-01T15:15:00+03:00"
    assert facts.start_inferred and not facts.start_part and not facts.start_day_open


def test_an_hour_written_is_no_part() -> None:
    assert not _part_told(read_times("الساعة ٣ العصر", NOW).start)


def test_a_notice_after_the_start_is_found() -> None:
    facts = Facts(standard="planned_outage_notice")
    facts.read("الانقطاع كان امس من 8 الصبح", NOW)
    facts.read("امس الساعة ٨ المسا", NOW, "notice")
    assert _notice_after_start(facts) == datetime(2026, 12, 1, 8, 0, tzinfo=RIYADH)


def test_no_notice_said_as_never_told() -> None:
    facts = Facts(standard="planned_outage_notice")
    facts.read("الانقطاع كان امس من 8 الصبح", NOW)
    assert facts.read("ولا بلغونا ابد", NOW, "notice") and facts.no_notice


def test_they_brought_it_back_is_the_end() -> None:
    reading = read_times("طفت امس الساعة 8 المسا ورجعوا الكهرباء اليوم الساعة ٢ الفجر", NOW)
    assert reading.end is not None and reading.end.at == datetime(2026, 12, 2, 2, 0, tzinfo=RIYADH)


def test_a_length_told_as_over_asks_only_its_day() -> None:
    facts = Facts(standard="emergency_outage")
    facts.read("ساعتين ونص بس ورجعت", NOW)
    assert facts.duration == 150 and facts.ended_told
    assert facts.missing(NOW) == "which_day"


def test_a_length_still_going_is_not_told_as_over() -> None:
    facts = Facts(standard="emergency_outage")
    facts.read("ساعتين وما رجعت", NOW)
    assert not facts.ended_told


@pytest.mark.parametrize(
    ("answer", "start", "end"),
    [
        ("from 2 pm to 7 pm", "2026-12-01T14:00", "2026-12-01T19:00"),
        ("من ٢ الظهر الى ٧ المسا", "2026-12-01T14:00", "2026-12-01T19:00"),
        ("من ١٠ بالليل الى ٢ الفجر", "2026-12-01T22:00", "2026-12-02T02:00"),
    ],
)
def test_a_range_answering_the_start_is_on_the_day_told(answer: str, start: str, end: str) -> None:
    """fix14c: a range to "at what time did it start?" of yesterday's outage is yesterday's start
    and end, never today's range still running (1,150 so far instead of 100)."""
    now = datetime(2026, 12, 2, 15, 10, tzinfo=RIYADH)
    facts = Facts(standard="emergency_outage")
    facts.read("انقطاع امس", now)
    assert facts.read(answer, now, "start_time")
    assert (facts.start or "")[:16] == start and (facts.end or "")[:16] == end
    assert not facts.ongoing
