"""An estimate notice says the estimate by its day's name when composed the same day ("اليوم
الساعة 2:00 م"), not «بحلول 2 ديسمبر 2026 2:00 م» (fix17c, a subscriber tester)."""

from __future__ import annotations

from datetime import datetime

from bot.config import RIYADH
from bot.outages.models import Incident, OutageReport
from bot.outages.notices import estimate_notice


def at(hour: int) -> datetime:
    return datetime(2026, 12, 2, hour, 0, tzinfo=RIYADH)


def incident() -> Incident:
    return Incident(
        id=1,
        status="open",
        started_at=at(7),
        estimated_restoration_at=at(14),
        planned=False,
        city_wide=False,
        force_majeure=False,
    )


def test_estimate_said_by_its_day() -> None:
    text = estimate_notice(OutageReport(id=1, lang="ar"), incident(), at(10))
    assert "اليوم الساعة 2:00 م" in text
    assert "2026" not in text


def test_estimate_said_by_its_day_in_english() -> None:
    text = estimate_notice(OutageReport(id=1, lang="en"), incident(), at(10))
    assert "today at 2:00" in text
