"""fixJ: cases supposed, the recorded cases' total, and lengths and midnight said as people say
them."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest

from bot.config import RIYADH, Settings
from bot.i18n import texts
from bot.service_requests import requests_for_phone
from bot.standards import Case, compensation_for, riyals
from bot.standards.wording import duration, whole_days_or_duration
from bot.storage.db import session_scope
from handlers.common import supposed_length
from handlers.compensation_facts import notice_lead_minutes
from tests.conversation_script import Scenario, play

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=RIYADH)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("law el kahraba ingat3at 7 sa3at kam ta3weed?", 420),
        ("طيب ولو ١٠ ساعات؟", 600),
        ("لو انقطعت عن الرياض كلها ٨ ساعات كم لي؟", 480),
        ("and if it lasted 8 hours?", 480),
        ("ولو سمحت كم تعويضي عن انقطاع 8 ساعات", None),  # politeness supposes nothing
        ("انقطعت 8 ساعات امس", None),  # a case that happened
    ],
)
def test_what_a_message_supposes(text: str, minutes: int | None) -> None:
    assert supposed_length(text) == minutes


def test_a_supposed_notice_lead_needs_no_ba() -> None:
    # «قبل يوم» told of a notice that happened is as often "a day ago"; supposed, it is a lead.
    assert notice_lead_minutes("لو بلغوني قبل يوم بس عن القطع المجدول") is None
    assert notice_lead_minutes("لو بلغوني قبل يوم بس عن القطع المجدول", supposed=True) == 1440
    assert notice_lead_minutes("لو بلغوني قبل يومين", supposed=True) == 2880
    assert notice_lead_minutes("وبلغونا قبل بيوم") == 1440


def test_lengths_are_said_in_whole_weeks_and_days_and_the_dual_when_governed() -> None:
    ar, en = texts("ar"), texts("en")
    assert whole_days_or_duration(ar, 7 * 24 * 60, governed=True) == "أسبوع"
    assert whole_days_or_duration(ar, 14 * 24 * 60, governed=True) == "أسبوعين"
    assert whole_days_or_duration(ar, 2 * 24 * 60, governed=True) == "يومين"
    assert whole_days_or_duration(ar, 120, governed=True) == "ساعتين"
    assert duration(ar, 120) == "ساعتان"  # the subject of its sentence: «مدة التأخير: ساعتان»
    assert whole_days_or_duration(en, 7 * 24 * 60) == "1 week"
    assert whole_days_or_duration(ar, 45 * 24 * 60) == "45 يوماً"  # a month and more: days


def test_the_recorded_cases_total_is_the_sum_of_the_engines_amounts(
    seeded_database_url: str,
) -> None:
    phone = "+966500000001"
    with session_scope(seeded_database_url) as session:
        amounts = [
            compensation_for(
                Case(r.standard, start=r.requested_at, end=r.completed_at, network="lv")
            ).amount_sar
            for r in requests_for_phone(session, phone)
            if r.completed_at is not None
        ]
    owed = [a for a in amounts if a > 0]
    assert len(owed) > 1  # the demo subscriber has several cases owed
    settings = dataclasses.replace(
        Settings.from_env(), database_url=seeded_database_url, billing_url=None, lang="ar"
    )
    total = riyals(sum(owed), "ar")
    scenario = Scenario(title="total", source="test_fixJ", phone=phone, at=NOW)
    scenario.lines = [(1, ">", "ابي تعويض"), (2, "<", f"مجموع المستحق لك {total}.")]
    play(scenario, settings)
