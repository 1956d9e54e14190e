"""A restoration notice says the length and the amount of one case: the reporter's own, as the
engine counts it (fix14d: «10 ساعات و40 دقيقة» beside 100 SAR, and 100 SAR to a reporter whose
power was back 2 h 10 min after it went off)."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.config import RIYADH
from bot.i18n import texts
from bot.outages.compensation import compensation_for_report
from bot.outages.models import Incident, OutageReport
from bot.outages.notices import restoration_notice
from bot.standards import riyals
from bot.standards.wording import duration


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, 2, hour, minute, tzinfo=RIYADH)


def incident() -> Incident:
    return Incident(
        id=1,
        status="restored",
        started_at=at(7),
        restored_at=at(17, 40),
        planned=False,
        city_wide=False,
        force_majeure=False,
    )


def report(**said) -> OutageReport:
    return OutageReport(id=1, lang="ar", account=None, reported_at=at(7), **said)


@pytest.mark.parametrize(
    ("said", "minutes", "amount"),
    [
        ({}, 10 * 60 + 40, 400),  # from the area's start to the restoration
        ({"stated_start": at(11), "stated_end": at(15, 10)}, 4 * 60 + 10, 100),
        ({"stated_end": at(11, 10)}, 4 * 60 + 10, 100),
        ({"stated_start": at(13), "power_back_at": at(15, 10)}, 2 * 60 + 10, 0),
        ({"stated_start": at(11)}, 6 * 60 + 40, 200),
    ],
)
def test_length_and_amount_of_one_case(said, minutes, amount) -> None:
    filed, restored = report(**said), incident()
    compensation = compensation_for_report(filed, restored)
    assert compensation is not None and compensation.amount_sar == amount
    notice = restoration_notice(filed, restored)
    tr = texts("ar")
    assert duration(tr, minutes) + "،" in notice or duration(tr, minutes) + "." in notice, notice
    if amount:
        assert riyals(amount, "ar") in notice, notice
    else:
        assert "ريال" not in notice, notice
