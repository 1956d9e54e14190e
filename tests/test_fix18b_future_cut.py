"""fix18b: a cut told in the future tense («بيقطعون», «بتنقطع», "will cut", "will be off") with a
bare weekday, date or feast day is the next such day ahead, planned work announced; the past
tense keeps the last one. The conversations are in tests/conversations/future_cut_ahead.chat."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.config import RIYADH
from bot.understanding import understand
from bot.understanding.slots import read_times

THURSDAY = datetime(2026, 12, 3, 10, 0, tzinfo=RIYADH)
BEFORE_ADHA = datetime(2026, 5, 24, 10, 0, tzinfo=RIYADH)  # Eid al-Adha 1447 begins 27 May


def _span(text: str, now: datetime = THURSDAY) -> tuple[str | None, str | None]:
    reading = read_times(text, now)
    return (
        reading.start.slot()[:16] if reading.start else None,
        reading.end.slot()[:16] if reading.end else None,
    )


@pytest.mark.parametrize(
    ("text", "now", "start", "end"),
    [
        (
            "بيقطعون الكهربا يوم الاحد من ٨ الصبح لين ٦ المغرب للصيانة، كم بيكون تعويضي؟",
            THURSDAY,
            "2026-12-06T08:00",
            "2026-12-06T18:00",
        ),
        (
            "الكهربا بتنقطع يوم الاحد من ٨ الصبح لين ٦ المغرب عشان صيانة، كم التعويض؟",
            THURSDAY,
            "2026-12-06T08:00",
            "2026-12-06T18:00",
        ),
        (
            "they will cut the power on Sunday from 8am to 6pm for maintenance",
            THURSDAY,
            "2026-12-06T08:00",
            "2026-12-06T18:00",
        ),
        (
            "بيقطعون الكهربا عندنا ١٥ ديسمبر من ٨ الصبح لين ٦ المغرب",
            THURSDAY,
            "2026-12-15T08:00",
            "2026-12-15T18:00",
        ),
        (
            "بيقطعون الكهربا ثاني يوم العيد من ٨ الصبح لين ٦ المغرب",
            BEFORE_ADHA,
            "2026-05-28T08:00",
            "2026-05-28T18:00",
        ),
        (
            "they told me today at 8am that power will be off tomorrow from half past nine am "
            "to 5 pm",
            THURSDAY,
            "2026-12-04T09:30",
            "2026-12-04T17:00",
        ),
        # The past tense, and a weekday said as the last one, keep the day behind.
        (
            "قطعوا الكهربا يوم الاحد من ٨ الصبح لين ٦ المغرب",
            THURSDAY,
            "2026-11-29T08:00",
            "2026-11-29T18:00",
        ),
        (
            "بيقطعون الكهربا مثل الاحد الماضي من ٨ الصبح لين ٦ المغرب",
            THURSDAY,
            "2026-11-29T08:00",
            "2026-11-29T18:00",
        ),
    ],
)
def test_a_cut_told_ahead_is_on_the_next_such_day(
    text: str, now: datetime, start: str, end: str
) -> None:
    assert _span(text, now) == (start, end)


@pytest.mark.parametrize(
    "text",
    [
        "the power will be off tomorrow from 9am to 5pm, how much will I get?",
        "they told me today at 8am that power will be off tomorrow from half past nine am to 5 pm",
        "الكهربا بتنقطع بكرة الساعة ٩ الصبح، كم التعويض؟",
    ],
)
def test_a_cut_announced_ahead_is_planned_work_not_a_fault(text: str) -> None:
    assert understand(text, THURSDAY).slots.get("standard") == "planned_outage_restoration"


def test_a_fault_told_in_the_past_stays_a_fault() -> None:
    text = "the power went off yesterday from 9am to 5pm, how much will I get?"
    assert understand(text, THURSDAY).slots.get("standard") == "emergency_outage"


@pytest.mark.parametrize(
    ("text", "notice"),
    [
        ("وصلتني رسالة الحين ان الكهربا بتنقطع بكرة من ٩ الصبح لين ٥ العصر", "2026-12-03T10:00"),
        # "today" alone: the hour "at 8am" after "told" is dropped as someone's aside (a gap)
        ("they told me today at 8am that power will be off tomorrow from 9am", "2026-12-03"),
    ],
)
def test_the_notice_is_when_the_message_says_it_came(text: str, notice: str) -> None:
    reading = read_times(text, THURSDAY)
    assert reading.notice is not None and reading.notice.slot()[:16] == notice
