"""What a message says about a planned outage's notice and about the arrears of a cut: read
from the message, never asked again (a blind tester's lines, July 2026)."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.config import RIYADH
from bot.standards import compensation_for
from bot.understanding.slots import find_standard, read_times
from handlers.compensation_facts import Facts, notice_lead_minutes, stated_arrears


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("وعندي فاتورة وحدة بس ٢٠٠ ريال", (200, 1)),
        ("وعلي متأخرات ٥ الاف", (5000, None)),
        ("عندي ثلاث فواتير ما سددتها", (None, 3)),
        ("الفاتورة 1,500 ريال", (1500, None)),
        ("فصلوا الساعة ١٠ وعلي فاتورتين ٨٠٠ ريال", (800, 2)),
        ("فصلوها من ٣ شهور", (None, None)),  # three months ago, not three bills
        ("فصلوها الساعة ١٠ الصبح", (None, None)),
        # A fraction is read, never split into a second number (review7).
        ("فاتورة وحدة ١٢٠٠.٥٠ ريال", (1201, 1)),
        ("الفاتورة 1200.50 ريال", (1201, None)),
        ("فاتورة ١٢٠٠٫٥٠ ريال", (1201, None)),
        ("متأخرات ١.٥ الف", (1500, None)),
        ("فاتورة وحدة ١٠٠٠.٠٠ ريال", (1000, 1)),
        # The amount asked for is not the arrears (review7).
        ("فاتورة وحدة وابي تعويض ٥٠٠ ريال", (None, 1)),
        # Months count as unpaid bills only beside an unpaid or bill word (review7).
        ("صار لها ٣ شهور", (None, None)),
        ("فصلوها وصار لها شهرين", (None, None)),
        ("عندي ٣ شهور ما سددتها", (None, 3)),
        ("ما دفعت شهرين", (None, 2)),
        # Months said owed ("علي", "I owe") are months of bills unpaid (times1).
        ("عليّ ٣ شهور", (None, 3)),
        ("I owe 3 months", (None, 3)),
    ],
)
def test_stated_arrears(text: str, expected: tuple[int | None, int | None]) -> None:
    assert stated_arrears(text) == expected


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("وما وصلنا اشعار الا قبلها بيوم", 1440),
        ("ما بلغونا الا قبلها بساعتين", 120),
        ("قبله بيوم واحد", 1440),
        ("ما وصلنا اشعار", None),
        ("قبلها بس", None),
        # "قبل" with a length written with "ب" is the lead; "قبل يومين" alone may be "ago" (times1).
        ("كان انقطاع مخطط له وبلغونا قبل بيوم", 1440),
        ("وصلتنا رسالة قبل بساعتين", 120),
        ("بلغونا قبل يومين", None),
        ("انقطعت قبل يومين", None),
    ],
)
def test_notice_lead(text: str, minutes: int | None) -> None:
    assert notice_lead_minutes(text) == minutes


def test_notice_of_a_cut_ahead_is_planned_and_its_times_are_apart() -> None:
    text = "وصلني اشعار الساعة ٥ العصر ان الكهرباء بتنقطع بكرة من ٩ الصبح للساعة ٢، هل لي تعويض؟"
    now = datetime(2026, 7, 15, 18, 0, tzinfo=RIYADH)
    assert find_standard(text) == "planned_outage_notice"
    reading = read_times(text, now)
    assert reading.notice is not None and reading.notice.at == datetime(
        2026, 7, 15, 17, 0, tzinfo=RIYADH
    )
    assert reading.start is not None and reading.start.at == datetime(
        2026, 7, 16, 9, 0, tzinfo=RIYADH
    )


def test_a_notice_moment_answering_how_long_before_is_the_notice() -> None:
    now = datetime(2026, 7, 15, 12, 0, tzinfo=RIYADH)
    facts = Facts(standard="planned_outage_notice")
    facts.read("القطع المبرمج كان يوم السبت من ٩ الصبح لـ ١ الظهر", now)
    assert facts.missing(now) == "notice"
    assert facts.read("الجمعة الساعة ٨ المسا", now, "notice")
    assert facts.start_at() == datetime(2026, 7, 11, 9, 0, tzinfo=RIYADH)
    assert facts.notice_minutes == 13 * 60
    assert facts.missing(now) is None


def test_a_notice_two_days_ago_is_a_moment_not_a_lead_of_two_days() -> None:
    """ "وصلنا اشعار قبل يومين" is the moment two days before the message: its lead is the
    outage's start less that moment (40 h 50 min here, late), never 48 hours (on time)."""
    now = datetime(2026, 12, 2, 15, 10, tzinfo=RIYADH)
    reading = read_times("وصلنا اشعار قبل يومين", now)
    assert reading.notice is not None
    assert reading.notice.at == datetime(2026, 11, 30, 15, 10, tzinfo=RIYADH)
    told = "كان فيه قطع مبرمج اليوم من ٨ الصبح الى ٢ الظهر وصلنا اشعار قبل يومين"
    facts = Facts(standard="planned_outage_notice")
    facts.read(told, now)
    assert facts.notice_minutes == 40 * 60 + 50
    # The outage's start not told: its day, then its hour, are asked; no lead is guessed.
    unknown = Facts(standard="planned_outage_notice")
    unknown.read("كان فيه قطع مبرمج وصلنا اشعار قبل يومين كم التعويض", now)
    assert unknown.notice_minutes is None
    assert unknown.missing(now) == "outage_day"
    unknown.read("اليوم", now, "outage_day")
    assert unknown.notice_minutes is None
    assert unknown.missing(now) == "start_time"
    unknown.read("٨ الصبح", now, "start_time")
    assert unknown.notice_minutes == 40 * 60 + 50
    # Begun at 8 (its restoration due at 14:00, before the message): when it came back is
    # asked, for a late restoration is owed too (fix13f).
    assert unknown.missing(now) == "end"


def test_a_cut_after_noon_told_with_its_payment_is_owed_too() -> None:
    now = datetime(2026, 7, 15, 20, 0, tzinfo=RIYADH)
    facts = Facts(standard="reconnection_after_payment")
    facts.read(
        "فصلوا علينا الكهرباء اليوم الساعة ٢ الظهر عشان الفاتورة، سددت الساعة ٣ ورجعت ٦ المغرب", now
    )
    also = facts.also(now)
    assert also is not None and also.standard == "unlawful_disconnection"
    assert also.start == datetime(2026, 7, 15, 14, 0, tzinfo=RIYADH)
    morning = Facts(standard="reconnection_after_payment")
    morning.read("فصلوا علينا الكهرباء اليوم الساعة ١٠ الصبح، سددت الساعة ١١ ورجعت ٦ المغرب", now)
    assert morning.also(now) is None


def test_arrears_are_read_only_when_said_of_bills() -> None:
    now = datetime(2026, 7, 15, 12, 0, tzinfo=RIYADH)
    said = Facts(standard="unlawful_disconnection")
    said.read("فصلوا الكهرباء اليوم الساعة ١٠ الصبح وعلي متأخرات ٥ الاف", now)
    assert said.cleared == ["small_arrears"] and said.prohibited is None
    small = Facts(standard="unlawful_disconnection")
    small.read("فصلوا الكهرباء اليوم الساعة ١٠ الصبح وعندي فاتورة وحدة بس ٢٠٠ ريال", now)
    assert small.prohibited == "small_arrears"
    other = Facts(standard="unlawful_disconnection")
    other.read("فصلوا الكهرباء اليوم الساعة ١٠ الصبح وابي تعويض ٥٠٠٠ ريال", now)
    assert other.cleared == [] and other.prohibited is None


def test_the_hour_after_a_notice_said_as_it_came_is_the_notices_and_the_range_the_outages() -> None:
    """ "جاني اشعار امس الساعة ٨ المسا انهم بيقطعون ... اليوم من ٩ الصبح الى ٥ العصر": the 20:00
    is when the notice came, the range is the outage (it was read from 20:00: 1,000 not 350)."""
    now = datetime(2026, 12, 2, 19, 10, tzinfo=RIYADH)
    text = (
        "جاني اشعار امس الساعة ٨ المسا انهم بيقطعون الكهرباء اليوم من ٩ الصبح الى ٥ العصر"
        " عشان صيانة"
    )
    reading = read_times(text, now)
    assert reading.notice is not None
    assert reading.notice.at == datetime(2026, 12, 1, 20, 0, tzinfo=RIYADH)
    assert reading.start is not None and reading.start.at == datetime(
        2026, 12, 2, 9, 0, tzinfo=RIYADH
    )
    assert reading.end is not None and reading.end.at == datetime(2026, 12, 2, 17, 0, tzinfo=RIYADH)
    facts = Facts(standard="planned_outage_notice")
    facts.read(text, now)
    assert facts.notice_minutes == 13 * 60
    for said in ("وصلتنا رسالة امس الساعة ٨ المسا", "اجانا تنبيه امس الساعة ٨ المسا"):
        told = read_times(said + " ان القطع اليوم من ٩ الصبح الى ٥ العصر", now)
        assert told.notice is not None and told.notice.at.hour == 20, said


def test_a_planned_outage_past_its_restoration_deadline_asks_its_end_for_both_parts() -> None:
    """ "قطعوا الكهرباء اليوم عشان صيانة من ٧ الصبح ولا بلغونا ابد" at 15:10: no notice (100),
    and the outage began more than 6 hours ago, so when it came back is asked; restored at 14:00
    it is 1 hour late (200): both, never the notice's 100 alone."""
    now = datetime(2026, 12, 2, 15, 10, tzinfo=RIYADH)
    facts = Facts(standard="planned_outage_notice")
    facts.read("قطعوا الكهرباء اليوم عشان صيانة من ٧ الصبح ولا بلغونا ابد", now)
    assert facts.no_notice
    assert facts.missing(now) == "end"
    facts.read("رجعت الساعة ٢ الظهر", now, "end")
    assert facts.missing(now) is None
    assert compensation_for(facts.case(now)).amount_sar == 100
    also = facts.also(now)
    assert also is not None and compensation_for(also).amount_sar == 200
    # Begun less than 6 hours ago: its restoration cannot be late yet, nothing more is asked.
    early = Facts(standard="planned_outage_notice")
    early.read("قطعوا الكهرباء اليوم عشان صيانة من ١٢ الظهر ولا بلغونا ابد", now)
    assert early.missing(now) is None


def test_a_planned_outage_told_its_notice_after_the_answer_is_owed_it() -> None:
    """ "امس طفت ٥ ساعات", planned: its restoration was on time (nothing), but its notice is owed
    100 when it never came or came late; told after the answer it is read as the notice's lead
    ("١٣ ساعة" is 13 hours before, never the outage's length)."""
    now = datetime(2026, 12, 2, 15, 10, tzinfo=RIYADH)
    facts = Facts(standard="planned_outage_restoration")
    facts.read("امس طفت ٥ ساعات", now)
    assert facts.also(now) is None
    assert facts.tell_notice("ما وصلني اشعار", now)
    also = facts.also(now)
    assert also is not None and compensation_for(also).amount_sar == 100
    late = Facts(standard="planned_outage_restoration")
    late.read("الخميس طفت الكهرباء من ٩ الصبح الى ٢ الظهر", now)
    assert late.tell_notice("١٣ ساعة", now)
    assert late.notice_minutes == 13 * 60 and late.end_at() is not None
    assert late.end_at().hour == 14
    also = late.also(now)
    assert also is not None and compensation_for(also).amount_sar == 100
    assert not late.tell_notice("شكرا", now)
