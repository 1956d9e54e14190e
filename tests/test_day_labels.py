"""Today, yesterday and the clock as the subscriber reads them: Riyadh's day, whatever clock the
message came in on (the channels give UTC), and midnight and noon by name."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from bot.config import RIYADH
from bot.i18n import said_day, texts
from handlers.compensation import day_and_time, day_words
from handlers.outage_status import when


def _turn(now: datetime, lang: str = "ar") -> SimpleNamespace:
    return SimpleNamespace(now=now, tr=texts(lang))


# 00:30 on 1 December in Riyadh is still 30 November in UTC.
AT_0030_UTC = datetime(2026, 11, 30, 21, 30, tzinfo=UTC)
MIDNIGHT = datetime(2026, 12, 1, 0, 0, tzinfo=RIYADH)


def test_a_start_at_midnight_is_said_as_the_midnight_ending_yesterday_whatever_the_clocks() -> None:
    for now in (AT_0030_UTC, AT_0030_UTC.astimezone(RIYADH)):
        for start in (MIDNIGHT, MIDNIGHT.astimezone(UTC)):
            turn = _turn(now)
            assert day_words(turn, start) == "اليوم الثلاثاء 1 ديسمبر"
            # 12 midnight ends the day it is said with: the midnight 30 minutes ago is
            # yesterday's, as "امس ١٢ بالليل" is read ("اليوم ١٢ بالليل" is tonight's), and
            # its night is named by the day it starts.
            assert when(turn, start) == "أمس الساعة 12 منتصف الليل (ليلة الثلاثاء)"
    yesterday = datetime(2026, 11, 30, 23, 0, tzinfo=RIYADH).astimezone(UTC)
    assert day_words(_turn(AT_0030_UTC), yesterday) == "أمس الاثنين 30 نوفمبر"


def test_midnight_and_noon_are_said_by_name() -> None:
    noon = datetime(2026, 12, 1, 12, 0, tzinfo=RIYADH)
    assert texts("ar").time(MIDNIGHT) == "12 منتصف الليل"
    assert texts("en").time(MIDNIGHT) == "12 midnight"
    assert texts("ar").time(noon) == "12:00 ظهرًا"
    assert texts("en").time(noon.astimezone(UTC)) == "12:00 noon"
    assert texts("ar").time(noon.replace(minute=30)) == "12:30 م"


def test_when_says_yesterday_and_today_by_name() -> None:
    """A report's moments: today's and yesterday's by name, another day as a date."""
    evening = datetime(2026, 12, 1, 21, 0, tzinfo=RIYADH)
    last_night = datetime(2026, 11, 30, 21, 0, tzinfo=RIYADH)
    assert when(_turn(evening), last_night) == "أمس الساعة 9:00 م"
    assert when(_turn(evening, "en"), last_night) == "yesterday at 9:00\u202fPM"
    assert when(_turn(evening), evening.replace(hour=8)) == "اليوم الساعة 8:00 ص"
    earlier = datetime(2026, 11, 28, 21, 0, tzinfo=RIYADH)
    # This week by its weekday; earlier by its day and date, the year only when not this one.
    assert when(_turn(evening), earlier) == "السبت الساعة 9:00 م"
    assert when(_turn(evening, "en"), earlier) == "Saturday at 9:00\u202fPM"
    assert when(_turn(evening), earlier.replace(day=10)) == "الثلاثاء 10 نوفمبر الساعة 9:00 م"
    last_year = earlier.replace(year=2025, month=12, day=30)
    assert when(_turn(evening), last_year) == "الثلاثاء 30 ديسمبر 2025 الساعة 9:00 م"
    assert when(_turn(evening, "en"), last_year) == "Tuesday, December 30, 2025 at 9:00\u202fPM"
    # Riyadh's yesterday, whatever clock the message came in on (UTC: 1 December 21:30).
    assert when(_turn(AT_0030_UTC), last_night.astimezone(UTC)) == "أمس الساعة 9:00 م"


def test_one_date_style_per_language() -> None:
    """A day with its weekday is written in the order of the long date beside it: English
    "Monday, November 23" with "November 23, 2026", never "Monday 23 November"."""
    now = datetime(2026, 12, 1, 12, 0, tzinfo=RIYADH)
    day = datetime(2026, 11, 23, 9, 0, tzinfo=RIYADH)
    en, ar = _turn(now, "en"), _turn(now)
    assert day_words(en, day) == "Monday, November 23"
    assert texts("en").date(day.date()) == "November 23, 2026"
    assert day_words(ar, day) == "الاثنين 23 نوفمبر"
    assert texts("ar").date(day.date(), hijri=False) == "23 نوفمبر 2026"
    assert day_words(en, datetime(2025, 11, 24, tzinfo=RIYADH)) == "Monday, November 24, 2025"


def test_a_range_to_midnight_ends_on_the_day_it_began() -> None:
    """A moment at 00:00 is said with the day it ends, in every way a moment is said."""
    now = datetime(2026, 12, 2, 15, 10, tzinfo=RIYADH)
    wednesday_midnight = datetime(2026, 12, 2, 0, 0, tzinfo=RIYADH)
    assert day_and_time(_turn(now), wednesday_midnight) == (
        "أمس الثلاثاء 1 ديسمبر الساعة 12 منتصف الليل (ليلة الأربعاء)"
    )
    assert texts("ar").datetime(wednesday_midnight, now) == (
        "أمس الساعة 12 منتصف الليل (ليلة الأربعاء)"
    )
    assert texts("en").datetime(wednesday_midnight) == (
        "December 1, 2026 12 midnight, the night into Wednesday"
    )
    assert said_day(wednesday_midnight.replace(minute=1)) == wednesday_midnight.date()
