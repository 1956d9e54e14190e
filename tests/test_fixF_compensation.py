"""fixF: compensation questions that dead-ended in the list of cases or invented facts."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.config import RIYADH
from bot.phrases import mentions_words
from bot.standards import compensation_for
from handlers.common import supposed_length
from handlers.compensation import _restoration_unasked
from handlers.compensation_facts import NOTICE, Facts

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=RIYADH)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("كم التعويض اذا الكهرباء انقطعت 8 ساعات", 480),
        ("لو انقطعت يومين", 2880),
        ("طيب كم التعويض لو صار لي 10 ساعات", 600),
        ("how much if the power is out for 8 hours", 480),
        ("لو سمحت كم تعويضي عن انقطاع 8 ساعات", None),  # politeness supposes nothing
        ("انقطعت الكهرباء 8 ساعات امس", None),  # a case that happened
        ("لو انقطعت الكهرباء كم التعويض", None),  # no length to count
    ],
)
def test_a_length_supposed(text: str, minutes: int | None) -> None:
    assert supposed_length(text) == minutes


@pytest.mark.parametrize(
    ("text", "named"),
    [("انقطاع", True), ("انقطاع الكهرباء", True), ("outage", True), ("الفاتورة", False)],
)
def test_an_outage_named_at_the_list(text: str, named: bool) -> None:
    assert mentions_words(text, "outage_case") is named


def test_a_supposed_length_is_counted_by_the_engine_as_told() -> None:
    facts = Facts(standard="emergency_outage", duration=480, day_unknown=True, supposed=True)
    assert facts.missing(NOW) is None
    assert compensation_for(facts.case(NOW)).amount_sar == 250  # 3 h due, 5 h late: 50 + 4×50


def test_a_notice_told_by_its_day_asks_how_long_the_outage_lasted() -> None:
    facts = Facts(standard=NOTICE, no_notice=True)
    facts.read("قطعوا الكهرباء امس عشان صيانة وما بلغونا", NOW)
    assert facts.start == "2026-12-02" and facts.missing(NOW) is None
    assert _restoration_unasked(facts, NOW)
    facts.read("من ٨ الصبح الى ٦ المغرب", NOW, "start_time")
    assert not _restoration_unasked(facts, NOW)
