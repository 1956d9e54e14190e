"""Today, yesterday and the clock as the subscriber reads them: Riyadh's day, whatever clock the
message came in on (the channels give UTC), and midnight and noon by name."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from bot.config import RIYADH
from bot.i18n import texts
from handlers.compensation import day_words
from handlers.outage_status import when


def _turn(now: datetime, lang: str = "ar") -> SimpleNamespace:
    return SimpleNamespace(now=now, tr=texts(lang))


# 00:30 on 1 December in Riyadh is still 30 November in UTC.
AT_0030_UTC = datetime(2026, 11, 30, 21, 30, tzinfo=UTC)
MIDNIGHT = datetime(2026, 12, 1, 0, 0, tzinfo=RIYADH)


def test_a_start_at_midnight_is_today_after_midnight_whatever_the_clocks() -> None:
    for now in (AT_0030_UTC, AT_0030_UTC.astimezone(RIYADH)):
        for start in (MIDNIGHT, MIDNIGHT.astimezone(UTC)):
            turn = _turn(now)
            assert day_words(turn, start) == "اليوم الثلاثاء 1 ديسمبر"
            assert when(turn, start) == "اليوم الساعة 12 منتصف الليل"
    yesterday = datetime(2026, 11, 30, 23, 0, tzinfo=RIYADH).astimezone(UTC)
    assert day_words(_turn(AT_0030_UTC), yesterday) == "أمس الاثنين 30 نوفمبر"


def test_midnight_and_noon_are_said_by_name() -> None:
    noon = datetime(2026, 12, 1, 12, 0, tzinfo=RIYADH)
    assert texts("ar").time(MIDNIGHT) == "12 منتصف الليل"
    assert texts("ar").time(noon) == "12 الظهر"
    assert texts("en").time(noon.astimezone(UTC)) == "12 noon"
    assert texts("ar").time(noon.replace(minute=30)) == "12:30 م"
