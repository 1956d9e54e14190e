"""slots18: time readings a blind writer's messages showed wrong (bench/dev_sets/slots18_dev.tsv),
each rule tried on sentences of our own. The clock is Tuesday 1 December 2026, 12:00 Riyadh
unless a case says another."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.config import RIYADH
from bot.understanding import understand
from bot.understanding.slots import read_times

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=RIYADH)  # a Tuesday; yesterday is Monday 30 Nov


def _at(day: str, hour: int, minute: int = 0) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:{minute:02d}").replace(tzinfo=RIYADH)


def _slots(text: str, now: datetime = NOW) -> dict:
    found = understand(text, now).slots
    return {k: v for k, v in found.items() if k in ("start", "end", "duration_minutes", "ongoing")}


def _span(text: str, now: datetime = NOW) -> tuple[str | None, str | None, bool]:
    reading = read_times(text, now)
    return (
        reading.start.slot()[:16] if reading.start else None,
        reading.end.slot()[:16] if reading.end else None,
        reading.ongoing,
    )


@pytest.mark.parametrize(
    ("text", "start", "end", "ongoing"),
    [
        # Egyptian "the day before yesterday".
        (
            "اول امبارح طفت النور من ٧ بالليل لحد ١٢ بالليل",
            "2026-11-29T19:00",
            "2026-11-30T00:00",
            False,
        ),
        # "لحتى": until.
        (
            "امس قطعت الكهربا من الساعة ٤ العصر لحتى الساعة ٩ بالليل",
            "2026-11-30T16:00",
            "2026-11-30T21:00",
            False,
        ),
        # Arabizi weekdays with "el": "el arba3" is Wednesday, not today.
        (
            "el kahraba ta6at el arba3 mn el sa3a 8 el sob7 ila 11 el sob7",
            "2026-11-25T08:00",
            "2026-11-25T11:00",
            False,
        ),
        # The power "came" ("اجت") and "returned" ("عاد"): ends, not starts.
        ("الكهربا اجت الساعة ١١ الصبح", None, "2026-12-01T11:00", False),
        (
            "انقطع التيار الساعة ٧ الصبح وعاد الساعة ١٠ الصبح",
            "2026-12-01T07:00",
            "2026-12-01T10:00",
            False,
        ),
        (
            "power went off at 6 am and come back 9 am",
            "2026-12-01T06:00",
            "2026-12-01T09:00",
            False,
        ),
        # Still: "لا زال", Sudanese "لي هسي".
        ("الانقطاع بدأ الساعة ٨ الصبح ولا زال", "2026-12-01T08:00", None, True),
        ("الكهربا قطعت الساعة ٩ الصبح ولي هسي", "2026-12-01T09:00", None, True),
        ("the light is gone since 10 am", "2026-12-01T10:00", None, True),
        # Formal "evening of yesterday" before its hour: 21:15, not 09:15.
        ("انقطع التيار مساء أمس في الساعة التاسعة والربع", "2026-11-30T21:15", None, False),
        ("انقطعت صباح امس الساعة ٩", "2026-11-30T09:00", None, False),
        # ... and after an hour, with the range's end on another day said after it.
        (
            "من الساعة ١١ مساء امس حتى الساعة ٦ صباحا اليوم",
            "2026-11-30T23:00",
            "2026-12-01T06:00",
            False,
        ),
    ],
)
def test_slots18_words(text: str, start: str | None, end: str | None, ongoing: bool) -> None:
    assert _span(text) == (start, end, ongoing)


@pytest.mark.parametrize(
    ("text", "now", "start", "end", "ongoing"),
    [
        # "until now", "until today" with no hour: still going on, never an end at the message.
        ("el kahraba ta6at mn 6 el sob7 la7ad al7een", NOW, "2026-12-01T06:00", None, True),
        ("النور قاطع من الفجر لحد هسي", NOW, "2026-12-01T05:00", None, True),
        (
            "طفت الكهربا امس الساعة ١٠ بالليل ولا رجعت لين اليوم",
            NOW,
            "2026-11-30T22:00",
            None,
            True,
        ),
        ("طافية من امس لحد اليوم", NOW, "2026-11-30", None, True),
        # ... but "until today" with an hour is the end, "الى اليوم الثاني" the day after.
        (
            "امس طفت من ٩ الصبح الى اليوم الثاني الساعة ٣ العصر",
            NOW,
            "2026-11-30T09:00",
            "2026-12-01T15:00",
            False,
        ),
        (
            "طفت امس الساعة ١٠ بالليل لين اليوم الساعة ٧ الصبح",
            NOW,
            "2026-11-30T22:00",
            "2026-12-01T07:00",
            False,
        ),
        # "now" with an hour said right after it: that hour, not the message's minute.
        (
            "رجعت الكهربا الحين الساعة ٦ وربع",
            datetime(2026, 12, 1, 18, 40, tzinfo=RIYADH),
            None,
            "2026-12-01T18:15",
            False,
        ),
        (
            "طفت الكهرباء الساعة ٣ العصر ورجعت الحين",
            datetime(2026, 12, 1, 18, 40, tzinfo=RIYADH),
            "2026-12-01T15:00",
            "2026-12-01T18:40",
            False,
        ),
        # The going off told after the coming back, "after": its time is the start.
        (
            "رجعت الكهربا الساعة ٧ الصبح بعد ما انقطعت امس ١٠ بالليل",
            NOW,
            "2026-11-30T22:00",
            "2026-12-01T07:00",
            False,
        ),
        (
            "the power came back at 9 pm after it went off at 4 pm",
            datetime(2026, 12, 1, 22, 0, tzinfo=RIYADH),
            "2026-12-01T16:00",
            "2026-12-01T21:00",
            False,
        ),
        # A second going off, not said as before the coming back, is no start of this range.
        (
            "طفت الساعة ٦ الصبح ورجعت ٨ الصبح وطفت الساعة ١٠",
            NOW,
            "2026-12-01T06:00",
            "2026-12-01T08:00",
            False,
        ),
    ],
)
def test_slots18_until_now_and_told_backwards(
    text: str, now: datetime, start: str | None, end: str | None, ongoing: bool
) -> None:
    assert _span(text, now) == (start, end, ongoing)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        # An hour said as a word after an end word ends a range started by an hour.
        ("امس طفت الكهربا من اربعة العصر لسبعة ونص", "2026-11-30T16:00", "2026-11-30T19:30"),
        ("امس طفت الكهربا من ٤ العصر الى سبعة", "2026-11-30T16:00", "2026-11-30T19:00"),
        (
            "انقطع التيار أمس من الساعة الثامنة صباحاً إلى العاشرة والنصف",
            "2026-11-30T08:00",
            "2026-11-30T10:30",
        ),
        # ... and nowhere else: "لست" is "I am not", a number after "الى" with no hour before it
        # is no end.
        ("لست متاكد من الساعة، طفت امس", "2026-11-30", None),
        ("امس وصلت الفاتورة الى ثلاثة الاف", "2026-11-30", None),
    ],
)
def test_slots18_an_hour_word_ends_a_range(text: str, start: str, end: str | None) -> None:
    assert _span(text)[:2] == (start, end)


@pytest.mark.parametrize(
    ("text", "start", "end", "ongoing"),
    [
        # English minutes said before the hour.
        ("no power since quarter to 8 this morning", "2026-12-01T07:45", None, True),
        (
            "power off from half past 7 am to a quarter past 10 am",
            "2026-12-01T07:30",
            "2026-12-01T10:15",
            False,
        ),
        ("the light is gone from half past nine am", "2026-12-01T09:30", None, True),
    ],
)
def test_slots18_english_minutes_before_the_hour(
    text: str, start: str, end: str | None, ongoing: bool
) -> None:
    assert _span(text) == (start, end, ongoing)
    assert "duration_minutes" not in _slots(text)


@pytest.mark.parametrize(
    ("text", "now", "start"),
    [
        # A feast's day said with its name: Eid al-Adha 1447 is 27 May 2026, Eid al-Fitr 20 March.
        ("يوم العيد الساعة ١١ الصبح طفت الكهربا", _at("2026-06-01", 12), "2026-05-27T11:00"),
        ("ثالث يوم العيد طفت الكهربا من ٨ الصبح", _at("2026-06-01", 12), "2026-05-29T08:00"),
        ("انقطعت ثاني يوم عيد الفطر الساعة ٣ العصر", _at("2026-06-01", 12), "2026-03-21T15:00"),
        (
            "power went off on the second day of eid at 9 pm",
            _at("2026-04-01", 12),
            "2026-03-21T21:00",
        ),
        # "العيد" said before this year's Eid al-Adha: Eid al-Fitr's day.
        ("اول يوم العيد طفت الساعة ١٠ الصبح", _at("2026-05-20", 12), "2026-03-20T10:00"),
    ],
)
def test_slots18_a_feasts_day(text: str, now: datetime, start: str) -> None:
    assert _span(text, now)[0] == start


def test_slots18_the_next_day_alone_is_still_counted_from_the_start() -> None:
    assert _span("طفت امس من ٨ الصبح الى ثاني يوم الساعة ١٢ الظهر")[:2] == (
        "2026-11-30T08:00",
        "2026-12-01T12:00",
    )


@pytest.mark.parametrize(
    ("text", "start"),
    [
        # A planned outage's date a few days ahead is that one, not the one a year back.
        ("عندنا قطع مبرمج ٥ ديسمبر من الساعة ٩ الصبح الى ١ الظهر", "2026-12-05T09:00"),
        ("we got a notice of a scheduled outage on Dec 4 from 10 am", "2026-12-04T10:00"),
        # ... but not a planned outage already past, nor a date far ahead.
        ("كان فيه قطع مبرمج ٢٨ نوفمبر من الساعة ٩ الصبح", "2026-11-28T09:00"),
        ("قطع مبرمج ٢٠ يناير الساعة ٩ الصبح", "2026-01-20T09:00"),
        # With no planned outage said, a date with no year is still the latest past one.
        ("انقطعت الكهرباء ٥ ديسمبر الساعة ٩ الصبح", "2025-12-05T09:00"),
    ],
)
def test_slots18_a_planned_outages_date_ahead(text: str, start: str) -> None:
    assert _span(text)[0] == start


@pytest.mark.parametrize(
    ("text", "end", "ongoing"),
    [
        # The power said not back after a range's end hour: that end was the plan's.
        ("عندنا قطع مجدول اليوم من ٧ الى ١١ الصبح وللحين ما رجعت", None, True),
        ("the planned cut was from 6 to 10 am but the power did not come back", None, True),
        # ... an hour after it is the end ("ما رجعت الا"), and an end said after it stands.
        (
            "قطع مجدول اليوم من ٧ الى ١١ الصبح بس ما رجعت الا الساعة ١١ ونص",
            "2026-12-01T11:30",
            False,
        ),
        ("ما رجعت الكهربا الا الساعة ١١ الصبح", "2026-12-01T11:00", False),
    ],
)
def test_slots18_not_back_after_a_planned_end(text: str, end: str | None, ongoing: bool) -> None:
    assert _span(text)[1:] == (end, ongoing)


@pytest.mark.parametrize(
    ("text", "start", "ongoing"),
    [
        # An hour of a call, or of what they said, is not the case's start.
        ("كلمت الطوارئ الساعة ١١ الصبح ومحد رد، والكهربا مقطوعة", None, True),
        ("قالوا الفرقة بتجي الساعة ٣ والنور للحين طافي", None, True),
        ("i called them at 10 am and the power is still off", None, True),
        # ... but a start or a state said after the call gives its own hour back.
        ("اتصلت عليهم، الكهربا طافية من الساعة ٩ الصبح", "2026-12-01T09:00", True),
        ("طفت الكهرباء الساعة ٨ الصبح واتصلت الساعة ١٠", "2026-12-01T08:00", False),
        # When will it end: still going on.
        ("متى يخلص القطع؟ بدأ الساعة ٧ الصبح", "2026-12-01T07:00", True),
    ],
)
def test_slots18_an_hour_of_someone_elses_doing(
    text: str, start: str | None, ongoing: bool
) -> None:
    start_read, _, ongoing_read = _span(text)
    assert (start_read, ongoing_read) == (start, ongoing)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("بدأ القطع الساعة ٨ الصبح وقالوا ٤ ساعات", None),
        ("they said 3 hours, the power went off at 9", None),
        ("طفت الكهربا ٣ ساعات وقالوا بترجع", 180),
    ],
)
def test_slots18_a_length_they_said_is_not_how_long(text: str, minutes: int | None) -> None:
    assert _slots(text).get("duration_minutes") == minutes


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("بكرة فيه قطع من الساعة ٩ الصبح، كم ساعة بيطول؟", None),
        ("صار لها كم ساعة طافية؟", None),
        ("صار لها ساعة طافية", 60),
    ],
)
def test_slots18_how_many_hours_asks(text: str, minutes: int | None) -> None:
    assert _slots(text).get("duration_minutes") == minutes


@pytest.mark.parametrize(
    ("text", "now", "ongoing"),
    [
        # A length from the start's hour that ran out well before the message: over.
        ("امس الكهربا طافية ساعتين من الساعة ٩ بالليل", NOW, False),
        # ... near the message, how long so far.
        ("power off since 8 this morning, 4 hours now", NOW, True),
        ("الكهربا طافية من الساعة ٩ الصبح", NOW, True),
    ],
)
def test_slots18_a_length_run_out_is_over(text: str, now: datetime, ongoing: bool) -> None:
    assert _span(text, now)[2] is ongoing


def test_slots18_a_months_greeting_names_no_month() -> None:
    now = _at("2027-02-20", 22, 40)  # in Ramadan 1448
    assert _span("رمضان مبارك، الكهربا طافية من الساعة ٨ بالليل", now)[0] == "2027-02-20T20:00"
    # The month named for the case still asks its day.
    reading = read_times("انقطعت الكهربا في رمضان الساعة ٨ بالليل", now)
    assert reading.start is None and reading.month is not None


@pytest.mark.parametrize(
    ("text", "slots"),
    [
        # A day alone with how long and no end: which day, no start moment.
        ("امس طفت الكهربا ٣ ساعات، كم التعويض؟", {"duration_minutes": 180}),
        ("el kahraba 2ata3at sa3tain el yom", {"duration_minutes": 120}),
        # With its hour, the start is a moment; a day alone with no length stays the day.
        (
            "امس طفت الكهربا ٣ ساعات من الساعة ٥ العصر",
            {"start": "2026-11-30T17:00:00+03:00", "duration_minutes": 180},
        ),
        ("طفت الكهربا امس", {"start": "2026-11-30"}),
        # A case going on keeps its day: since then.
        (
            "الكهربا طافية من يومين",
            {"start": "2026-11-29", "duration_minutes": 2880, "ongoing": True},
        ),
    ],
)
def test_slots18_a_day_with_a_length_is_no_start_moment(text: str, slots: dict) -> None:
    assert _slots(text) == slots


def test_slots18_an_outage_ahead_with_a_length_is_still_read_ahead() -> None:
    found = understand("بتنقطع الكهرباء بكرة ٣ ساعات عشان صيانة", NOW)
    assert "start" not in found.slots
    assert read_times("بتنقطع الكهرباء بكرة ٣ ساعات عشان صيانة", NOW).start is not None
