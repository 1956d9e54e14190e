"""fixB: the money of compensation conversations (no notice, end corrections, the kind kept)."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from bot.config import RIYADH
from bot.phrases import mentions
from bot.understanding.slots import Moment
from handlers.common import end_near_counted, said_as_correction
from handlers.compensation_facts import Facts


@pytest.mark.parametrize(
    "text",
    [
        "انقطعت الكهرباء لاعمال صيانة بدون ما يعلمونا",
        "قطعوها للصيانة بدون اشعار",
        "ما بلغونا",
        "they cut it for maintenance without telling us",
    ],
)
def test_planned_work_without_telling_is_no_notice(text: str) -> None:
    assert mentions(text, "no_notice")


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("لا رجعت الساعة ٦ مو ٤", True),
        ("actually it came back at 6", True),
        ("رجعت الساعة ٦ بدل ٤", False),
        ("no it came back at 6 not 4", True),
        ("الكهرباء رجعت الساعة ٦", False),
    ],
)
def test_a_correction_said(text: str, said: bool) -> None:
    assert said_as_correction(text) is said


START = datetime(2026, 12, 1, 12, 0, tzinfo=RIYADH)
COUNTED = datetime(2026, 12, 1, 16, 0, tzinfo=RIYADH)


def _hour(hour: int, *, day: date | None = None, guessed: bool = True) -> Moment:
    return Moment(
        day or date(2026, 12, 2),
        time(hour),
        day_stated=day is not None,
        hour_guessed=guessed,
        guess="am_pm" if guessed else None,
    )


def test_an_hour_is_read_against_the_end_counted() -> None:
    assert end_near_counted(_hour(6), COUNTED, START) == datetime(2026, 12, 1, 18, 0, tzinfo=RIYADH)


def test_an_end_before_the_start_is_none() -> None:
    # "١١ الصبح امس": its morning said, before the noon start
    assert end_near_counted(_hour(11, day=date(2026, 12, 1), guessed=False), COUNTED, START) is None


def test_an_end_days_away_is_not_this_case() -> None:
    assert end_near_counted(_hour(6, day=date(2026, 12, 4)), COUNTED, START) is None


def test_a_notice_day_on_time_whatever_its_hour_is_taken() -> None:
    now = datetime(2026, 12, 2, 10, 0, tzinfo=RIYADH)
    facts = Facts(standard="planned_outage_restoration", start=START.replace(hour=8).isoformat())
    assert facts.tell_notice("وصلني الاشعار يوم السبت", now)  # Sat 28 Nov, Tue 1 Dec 8 am
    assert facts.notice_minutes == 3 * 24 * 60  # whole days before, as a late day is counted


def test_a_notice_day_partly_late_is_not_taken() -> None:
    now = datetime(2026, 12, 2, 10, 0, tzinfo=RIYADH)
    facts = Facts(standard="planned_outage_restoration", start=START.replace(hour=8).isoformat())
    assert not facts.tell_notice("وصلني الاشعار يوم الاحد", now)  # before or after 8 am?
