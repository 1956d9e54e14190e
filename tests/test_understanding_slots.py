"""Slot finders on their own: accounts, durations, times, standards."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.config import RIYADH
from bot.understanding.slots import (
    find_account,
    find_duration_minutes,
    find_standard,
    find_times,
)

NOW = datetime(2026, 11, 24, 16, 0, tzinfo=RIYADH)


@pytest.mark.parametrize(
    ("text", "account"),
    [
        ("حسابي ٣٠٠١٢٣٤٥٦٧٨", "30012345678"),
        ("رقم الحساب ۳۰۰۱۲۳۴۵۶۷۸", "30012345678"),
        ("300 1234 5678", "30012345678"),
        ("300-1234-5678", "30012345678"),
        ("account 123456", "123456"),
        ("12345678901234", "12345678901234"),
        ("جوالي 0551234567 وحسابي 30012345678", "30012345678"),
        ("30012345678 5 ساعات", "30012345678"),
    ],
)
def test_account(text: str, account: str) -> None:
    assert find_account(text) == account


@pytest.mark.parametrize(
    "text",
    [
        "0551234567",
        "٠٥٥١٢٣٤٥٦٧",
        "+966551234567",
        "966551234567",
        "00966551234567",
        "551234567",
        "12345",
        "123456789012345",
        "الفاتورة 1500 ريال",
        "الساعة 10:30",
        "كم فاتورتي",
        "1.234567",
    ],
)
def test_not_account(text: str) -> None:
    assert find_account(text) is None


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("ساعتين ونص", 150),
        ("ثلاث ساعات", 180),
        ("نص ساعة", 30),
        ("٤ ساعات", 240),
        ("5 hours", 300),
        ("ساعة وربع", 75),
        ("ربع ساعة", 15),
        ("45 دقيقة", 45),
        ("يومين", 2880),
        ("ساعة الا ربع", 45),
        ("ساعتين و 20 دقيقة", 140),
        ("2.5 hours", 150),
        ("an hour and a half", 90),
        ("3hrs", 180),
        ("صار لها ساعة", 60),
        ("ثلث ساعه", 20),
        ("sa3tain", 120),
        ("۳ ساعات", 180),
        ("90 min", 90),
        # minutes joined by an attached "و", in words, glued to the hours, in Arabizi
        ("انقطعت الكهرباء اول امس ٥ ساعات و٢٠ دقيقة", 320),
        ("٣ ساعات و١٠ دقايق امس", 190),
        ("5 ساعات وعشرين دقيقة", 320),
        ("5 hours and 20 minutes", 320),
        ("5h20", 320),
        ("5h20m", 320),
        ("٥س٢٠د", 320),
        ("5 sa3at w 20 d8e8a", 320),
        ("ساعتين و٢٠ دقيقه", 140),
    ],
)
def test_duration(text: str, minutes: int) -> None:
    assert find_duration_minutes(text) == minutes


@pytest.mark.parametrize(
    "text",
    [
        "الساعة ٩ الصبح",
        "كل يوم",
        "من ساعات",
        "الكهرباء طافية",
        "for hours",
        "",
        "30012345678",
    ],
)
def test_no_duration(text: str) -> None:
    assert find_duration_minutes(text) is None


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("من ٨ الصبح الى ٢ الظهر", "2026-11-24T08:00:00+03:00", "2026-11-24T14:00:00+03:00"),
        ("امس العصر", "2026-11-23T15:15:00+03:00", None),
        ("البارحة الساعة ١٠ بالليل", "2026-11-23T22:00:00+03:00", None),
        ("من الساعة 9 الصبح", "2026-11-24T09:00:00+03:00", None),
        ("from 8am to 2pm", "2026-11-24T08:00:00+03:00", "2026-11-24T14:00:00+03:00"),
        ("since 7 pm yesterday", "2026-11-23T19:00:00+03:00", None),
        ("قبل امس الساعه 3:30 العصر", "2026-11-22T15:30:00+03:00", None),
        ("الساعه ٨ ونص الصبح", "2026-11-24T08:30:00+03:00", None),
        ("من ١٠ بالليل الى ٢ الصبح", "2026-11-23T22:00:00+03:00", "2026-11-24T02:00:00+03:00"),
        ("من ٢ الظهر لين ٨ الليل", "2026-11-24T14:00:00+03:00", "2026-11-24T20:00:00+03:00"),
        ("من 8 الى 2", "2026-11-24T08:00:00+03:00", "2026-11-24T14:00:00+03:00"),
        ("last night", "2026-11-23T22:00:00+03:00", None),
        ("until 5 pm", None, "2026-11-24T17:00:00+03:00"),
        # No day word and a time later than the message: yesterday's.
        ("انقطعت الساعة ١٠ بالليل", "2026-11-23T22:00:00+03:00", None),
        # A bare hour: the latest past time that fits.
        ("من الساعه ٣", "2026-11-24T15:00:00+03:00", None),
    ],
)
def test_times(text: str, start: str | None, end: str | None) -> None:
    found = find_times(text, NOW)
    assert (_iso(found[0]), _iso(found[1])) == (start, end)


@pytest.mark.parametrize(
    "text",
    [
        "صباح الخير",
        "مساء الخير",
        "good morning",
        "good evening",
        "كم فاتورتي",
        "حسابي 30012345678",
        "5 hours",
    ],
)
def test_no_times(text: str) -> None:
    assert find_times(text, NOW) == (None, None)


def test_times_are_aware_riyadh_datetimes() -> None:
    start, _ = find_times("من الساعة 9 الصبح", datetime(2026, 11, 24, 13, 0, tzinfo=RIYADH))
    assert start is not None and start.utcoffset() is not None
    assert start.isoformat() == "2026-11-24T09:00:00+03:00"


@pytest.mark.parametrize(
    ("text", "standard"),
    [
        ("ما رجعت الكهرباء بعد السداد", "reconnection_after_payment"),
        ("ما ردوا على شكوى الفاتورة", "billing_complaint"),
        # The complaint told as a verb ("I objected"), the reply as "they did not answer".
        ("اعترضت على الفاتورة من اسبوعين وما ردوا علي", "billing_complaint"),
        ("اشتكيت على الفاتورة وما ردوا", "billing_complaint"),
        ("تأخروا في تسجيل العداد باسمي", "meter_registration"),
        # A blind subscriber test: the request told with "and they did nothing", no "late".
        ("طلبت تسجيل العداد باسمي يوم الاربعاء ٢٥ نوفمبر ولا سووا شي", "meter_registration"),
        ("ما بلغوني قبل القطع المجدول", "planned_outage_notice"),
        ("قطعوا الكهرباء بعد الظهر", "unlawful_disconnection"),
        ("الكهرباء طافية ٥ ساعات ابي تعويض", "emergency_outage"),
        ("انطفاء شامل المدينة كلها", "total_blackout"),
        ("تأخروا في توصيل عداد جديد", "connection"),
        ("الانقطاع المجدول طول وما رجعت الكهرباء", "planned_outage_restoration"),
        # A blind subscriber test: cut although paid up is a disconnection (500 flat after noon)...
        ("فصلوا علي الكهربا امس الساعه ٢ الظهر وانا مسدد", "unlawful_disconnection"),
        ("they disconnected me although I paid", "unlawful_disconnection"),
        # ...and paid but still cut ("مفصولة") a reconnection counted from the payment.
        (
            "سددت الفاتوره الساعه ١٠ الصبح والكهربا للحين مفصوله، كم تعويضي؟",
            "reconnection_after_payment",
        ),
        ("سددت والكهربا مقطوعه للحين كم تعويضي", "reconnection_after_payment"),
    ],
)
def test_standard(text: str, standard: str) -> None:
    assert find_standard(text) == standard


@pytest.mark.parametrize(
    "text",
    [
        "كم فاتورتي",
        "الكهرباء طافية",
        "ابي اسجل العداد باسمي",
        "ابي اقدم شكوى على الفاتورة",
        "الفاتورة شامل الضريبة",
        "blackout at my house",
        "how long until power is back",
    ],
)
def test_no_standard(text: str) -> None:
    assert find_standard(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "الكهرباء قطعت علينا من اول امس الساعة ١١ الليل وما رجعت الا امس العصر الساعة ٣",
        "الكهربا قطعت امس بالليل ورجعت الفجر",
        "فصلت الكهربا عندنا بالليل ورجعت الصبح",
    ],
)
def test_power_that_cut_out_is_an_outage(text: str) -> None:
    assert find_standard(text, ended=True) == "emergency_outage"


@pytest.mark.parametrize(
    "text",
    [
        "قطعوا الكهرباء امس العصر",
        "فصلوا علينا الكهرباء امس بالليل",
        "قطعت الكهرباء عشان الفاتورة امس الساعة ٢ الظهر",
        "my power was cut off for an unpaid bill",
        "they cut my power on Friday at 9 am",
    ],
)
def test_they_cut_or_a_bill_reason_is_a_disconnection(text: str) -> None:
    assert find_standard(text, ended=True) == "unlawful_disconnection"


@pytest.mark.parametrize(
    "text",
    [
        "الرياض كلها طفت امس ٨ ساعات من ٤ العصر لين ١٢ بالليل",
        "الكهرباء انقطعت عن كل مدينة الدمام امس",
        "انقطعت الكهرباء عن جدة كاملة امس",
        "الدمام بكبرها طافية",
        "المدينة كلها طافية",
        "كل الخبر بدون كهرباء امس",
        "انقطعت الكهرباء بالرياض كلها",
        "all of Riyadh lost power yesterday",
        "the whole city was without power",
        "power cut in the whole of Jeddah",
        "el riyadh kolha 6afat ams",
        "kil el dammam bdoon kahraba ams",
    ],
)
def test_whole_city_is_total_blackout(text: str) -> None:
    assert find_standard(text, ended=True) == "total_blackout"


@pytest.mark.parametrize(
    "text",
    [
        "الحي كله طافي امس ابي تعويض",
        "انقطعت الكهرباء عن الحي كله امس ٥ ساعات",
        "شارعنا كله طافي ابي تعويض",
        "انقطعت الكهرباء في الرياض امس ٥ ساعات تعويض",
        "الكهربا طفت عندنا في حي الملز بالرياض",
        "our whole street lost power, compensation?",
    ],
)
def test_district_or_street_is_not_total_blackout(text: str) -> None:
    assert find_standard(text, ended=True) != "total_blackout"


@given(st.text(max_size=300))
def test_finders_never_raise(text: str) -> None:
    account = find_account(text)
    assert account is None or (account.isdigit() and account.isascii() and 6 <= len(account) <= 14)
    minutes = find_duration_minutes(text)
    assert minutes is None or minutes > 0
    find_times(text, NOW)
    find_standard(text)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("يوم", 1440), ("بيوم", 1440), ("قبل يوم", 1440), ("a day", 1440), ("اسبوع", 10080)],
)
def test_a_unit_alone_answering_how_long_before_is_one_unit(text: str, minutes: int) -> None:
    from bot.understanding.slots.duration import lone_unit_minutes

    assert lone_unit_minutes(text) == minutes


@pytest.mark.parametrize("text", ["يوم الخميس", "ساعتين", "ما وصلني اشعار", "يوم ١٥"])
def test_not_a_unit_alone(text: str) -> None:
    from bot.understanding.slots.duration import lone_unit_minutes

    assert lone_unit_minutes(text) is None


def test_a_by_glued_to_a_number_word_is_read() -> None:
    assert find_duration_minutes("وبلغونا قبلها بثلاث أيام") == 3 * 1440


def test_a_bill_past_its_due_date_is_overdue_on_the_conversations_day() -> None:
    from datetime import date
    from decimal import Decimal

    from bot.billing import Bill

    bill = Bill(
        "30012345678",
        date(2026, 10, 1),
        date(2026, 10, 31),
        date(2026, 11, 28),
        date(2026, 12, 28),
        100,
        Decimal("10.00"),
        Decimal("0.00"),
        Decimal("10.00"),
        "unpaid",
    )
    assert bill.on(date(2026, 12, 28)).status == "unpaid"
    assert bill.on(date(2026, 12, 29)).status == "overdue"
    assert bill.on(date(2026, 12, 29)).on(date(2026, 12, 29)).status == "overdue"


def test_a_mobile_number_where_an_account_was_expected() -> None:
    from bot.understanding.slots.account import find_mobile

    assert find_mobile("فاتورة رقم 0501234567") == "0501234567"
    assert find_mobile("فاتورة رقم ٠٥٠١٢٣٤٥٦٧") == "0501234567"
    assert find_mobile("فاتورة +966501234567") == "+966501234567"
    assert find_mobile("فاتورة 30012345678") is None
    assert find_mobile("فاتورتي") is None


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        # slots17: Egyptian "تلت" (three before a plural unit, a third otherwise).
        ("قطعت الكهربا تلت ساعات ونص", 210),
        ("تلت ساعة", 20),
        ("ساعة وتلت", 80),
        # A number, "and a half", then the unit: the half is the number's.
        ("electricity has been off for three and a half hours", 210),
        ("2 and a half hours", 150),
        ("٣ ونص ساعات", 210),
        ("el kahraba et2ta3et sa3teen w noss", 150),
        # No length: an ordinal, a clock's minutes, "the hour" before an hour.
        ("the power was off the first day of November", None),
        ("انقطع التيار الساعة ٦ وعشر دقايق", None),
        ("l kahraba 2at3a mn sa3a 6", None),
        ("صار لها ساعة", 60),
    ],
)
def test_slots17_durations(text: str, minutes: int | None) -> None:
    assert find_duration_minutes(text) == minutes
