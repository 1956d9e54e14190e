"""The facts of one compensation case, gathered over a conversation and kept in the flow state.

Every fact comes from what the subscriber wrote (read by `bot.understanding.slots`) and
remembers whether it was stated or inferred (a day not named, an hour without morning or
evening). `missing()` says which question comes next; `case()` builds the engine's case only
from facts that are there: a missing end is never filled with "now" unless the case is ongoing.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, time, timedelta
from math import ceil

from bot.config import RIYADH
from bot.phrases import mentions, mentions_words, split_at_words
from bot.phrases import phrases as phrase_list
from bot.standards import Case, compensation_for, rule_for
from bot.text import ascii_digits, normalize
from bot.understanding.slots import (
    Moment,
    find_duration_minutes,
    read_answer_hour,
    read_times,
    says_now,
    stated_duration,
)
from bot.understanding.slots.duration import lone_unit_minutes
from bot.understanding.slots.times import (
    NamedMonth,
    TimeReading,
    day_in_month,
    day_untold,
    in_last_week,
    span_may_have_begun,
)
from bot.understanding.slots.tokens import parse_number
from bot.understanding.vocabulary import number_words
from handlers.common import back_within, mentions_damage

HOURS_STANDARDS = {
    "reconnection_after_payment",
    "planned_outage_restoration",
    "emergency_outage",
    "total_blackout",
}
DAYS_STANDARDS = {"meter_registration", "connection", "billing_complaint"}
NOTICE = "planned_outage_notice"
PLANNED = "planned_outage_restoration"
UNLAWFUL = "unlawful_disconnection"
RECONNECTION = "reconnection_after_payment"
SAID_KEPT = 500
NETWORK_PHRASES = {"lv": "network_lv", "mv": "network_mv", "hv": "network_hv"}


@dataclass
class Facts:
    standard: str | None = None
    start: str | None = None  # ISO: a datetime, or a date alone
    start_inferred: bool = False
    end: str | None = None
    end_inferred: bool = False
    # The hour is a span's usual hour ("بعد الظهر", "العصر", "الصبح": 15:15, 08:00), or a
    # prayer's time from the Riyadh table ("بعد صلاة الفجر", "المغرب": up to ~40 minutes off in
    # Jeddah or Dammam), not one the subscriber gave: asked, with that hour offered as "about",
    # before anything is counted from it.
    start_part: bool = False
    end_part: bool = False
    # That usual hour kept as it was, the subscriber knowing no better ("ما ادري" to "about
    # what time?"): still a guess, so said back as "about" with the facts before any money.
    start_about: bool = False
    end_about: bool = False
    # A part of the day said so loosely ("من بدري", "early morning") that its usual hour is
    # never offered: the hour is asked with none suggested.
    start_unoffered: bool = False
    end_unoffered: bool = False
    # A span named with no day just as it comes round again ("من العصر" at 15:10): today's or
    # yesterday's, its hour is asked with none offered, and the day if not today
    # (`span_may_have_begun`, the outage report's rule too).
    start_day_open: bool = False
    ongoing: bool = False
    duration: int | None = None  # minutes, when the subscriber gave a length instead of times
    notice_minutes: int | None = None
    # A length told as over ("ساعتين ونص بس ورجعت"): "has it ended?" is never asked of it.
    ended_told: bool = False
    notice_at: str | None = None  # ISO: when the planned outage was announced, as stated
    no_notice: bool = False
    network: str | None = None
    prohibited: str | None = None  # why the disconnection was unlawful, once known
    # ISO: when service was cut, told with a reconnection ("فصلوا الساعة ٢ الظهر، سددت الساعة
    # ٣"): a cut at a prohibited time is owed as an unlawful disconnection too (`also`).
    cut_at: str | None = None
    # The cut's day was not told ("قطعوا الساعة ١٠ الصبح، وسددت امس"): `cut_at` is put on the
    # payment's day (never after the payment) and judged by its hour alone.
    cut_day_told: bool = True
    cut_for_bills: bool = False  # the subscriber said service was cut for unpaid bills
    cleared: list[str] = field(default_factory=list)  # prohibited cases the subscriber ruled out
    # "قطعوا عني مع اني دافع الفاتورة": the bills said paid when service was cut. Taken as the
    # small arrears that forbid a cut, once the subscriber confirms it (never contradicted).
    paid_before_cut: bool = False
    # "residential" or "other" (محل، مكتب، مزرعة): some prohibitions hold for homes only.
    premises: str | None = None
    confirmed: bool = False
    # The whole case came in the subscriber's first message, asked nothing ("دفعت امس الساعة ٨
    # وللحين فاصلين"): its times are our reading of free words, said back before money
    # (a reconnection still going on: the payment's hour and the power off now).
    told_whole: bool = False
    # The start said only as "a few days ago" ("من كم يوم"): its day and hour are asked.
    vague_start: bool = False
    # The start's hour told with such a vague day ("من كم يوم الساعة ٨ الصبح", "08:00"): kept,
    # and only the day is asked.
    vague_clock: str | None = None
    vague_end_clock: str | None = None  # and the end's hour told with it ("الى ٤ العصر")
    # The start said as a month with no day ("في رمضان الساعة ١٠ الليل"): `NamedMonth.dump()`,
    # said back with "which day?", whose answer may be the day's number alone.
    vague_month: dict | None = None
    # The start said as "الاسبوع الماضي" with no weekday: which day of last week is asked, and
    # the answer ("الثلاثاء") read as that day of last week, never the latest such weekday.
    vague_week: bool = False
    # An outage told with no cause ("انقطعت الكهرباء"): emergency or planned is still open, and
    # is asked (or taken from a planned outage on record) where it changes the amount.
    kind_open: bool = False
    # "ما ادري" to that question: both kinds' amounts are the answer, said once the times are
    # the subscriber's (a guessed hour is said back first, never counted as fact).
    kinds_unknown: bool = False
    # The day of an outage told by its length alone could not be given ("ما اذكر" to "which
    # day?"): its amount is the length's, and no pay-by date is said, nor the day asked again.
    day_unknown: bool = False
    # The length was supposed, not lived ("لو انقطعت يومين"): counted as `day_unknown` is, and
    # said as what such an outage would earn.
    supposed: bool = False
    damage: bool = False  # food or appliances spoiled: a separate claim, said with the answer
    # ISO: an outage report's case whose restore time is asked: its power was known to be off
    # until `back_after` (its start, or the last «للحين ما رجعت») and back by `back_by`
    # (their «رجعت» message): an hour told with no day is the latest such between the two.
    back_after: str | None = None
    back_by: str | None = None
    # The message that began the case, as typed (at most SAID_KEPT characters): where the
    # outage is and what was told of it, for the report offered after the answer («نعم» to
    # "shall I report it?" names no place).
    said: str | None = None

    @classmethod
    def load(cls, state: dict) -> Facts:
        return cls(**state.get("facts", {}))

    def dump(self) -> dict:
        return asdict(self)

    # -- reading a message ---------------------------------------------------------------

    def read(self, text: str, now: datetime, asked: str | None = None) -> bool:
        """Take what the message states; True when it carried any fact for this case.
        `asked` is the question the message answers ("end": a lone time is the end)."""
        month = self.named_month() if asked in ("exact_day", "exact_start") else None
        if month is not None:  # "١٥" answering "which day of Ramadan?"
            dated = day_in_month(text, month, now)
            if dated is None and day_untold(text, now):
                return False  # "الساعة ١٠": no day of it, asked again (never today's)
            text = dated or text
        elif self.vague_week and asked in ("exact_day", "exact_start"):
            text = in_last_week(text)  # "الثلاثاء" answering "which day of last week?"
        told = text
        if self.standard == RECONNECTION:
            text = _from_payment(text)
        reading = read_times(text, now)
        if text is not told:
            reading = _day_told_before(reading, read_times(told, now))
            cut = read_times(_until_payment(told), now).start
            if cut is not None and cut.clock is not None and not cut.hour_guessed:
                self._read_cut(cut, reading.start)
        if asked in ("start_time", "correction") and self._start_day():
            reading = _range_on_day(reading, self._start_day())
        start, end, running = _range_running(reading, now)
        ongoing = reading.ongoing or running
        if self.standard == PLANNED and reading.still_after_range and start is not None:
            # "مجدول بدأ ٨ الصبح وقالوا لين ٢ الظهر، وللحين ما رجعت": the end told is the
            # announced one, and the outage runs on past it from its start
            end, ongoing = None, True
        if self.standard == RECONNECTION and end is None and mentions(told, "ask_when_back"):
            ongoing = True  # "سددت الساعة ٨، متى يرجعون التيار؟": paid, and still off
        if (
            asked in ("end", "back_time", "done", "done_day")
            and start is not None
            and end is None
            and self.start
        ):
            start, end = None, start  # "الساعة ٤ العصر" answering "when did it come back?"
        changed = False
        if reading.vague_day and start is None and not self.start:
            self.vague_start = changed = True
            if reading.vague_clock is not None:
                self.vague_clock = reading.vague_clock.isoformat(timespec="minutes")
            if reading.vague_end_clock is not None:
                self.vague_end_clock = reading.vague_end_clock.isoformat(timespec="minutes")
            if reading.month is not None:
                self.vague_month = reading.month.dump()
            self.vague_week = reading.last_week
        if (
            asked == "exact_day"
            and start is not None
            and start.clock is None
            and end is None
            and self.vague_clock
        ):
            # The day answering "which day?": the hour told before is its hour.
            hour = time.fromisoformat(self.vague_clock)
            start = replace(start, clock=hour)
            if self.vague_end_clock:  # "… الى ٤ العصر" told with it: that day's (or the next)
                clock = time.fromisoformat(self.vague_end_clock)
                end = Moment(start.day + timedelta(days=clock <= hour), clock, True)
        if asked == "correction" and self._moves_day(start, end):
            # "لا قصدي امس مو اليوم": the day corrected, the hours said before kept.
            assert start is not None
            self._move_to_day(start.day)
            start, changed = None, True
        notice_moment = reading.notice
        if asked == "notice" and end is None and self._lead_said_as_ago(text, start, now):
            start = None  # "قبل ١٤ ساعه" answering "how long before?": its lead (`_read_notice`)
        if asked == "notice" and notice_moment is None and start is not None and end is None:
            # "الجمعة الساعة ٨ المسا" answering "how long before were you notified?": the
            # notice's moment, not a new start (a blind test was asked the same twice).
            notice_moment, start = start, None
        if (
            self.standard == UNLAWFUL
            and start is None
            and not self.start
            and not reading.ongoing
            and says_now(told)
        ):
            # "والحين جا موظف فصل عنا الكهرباء": cut now, at the message, no time left to ask
            # ("لين الحين مقطوعة" is how long it has lasted, not when it was cut)
            local = now.astimezone(RIYADH).replace(second=0, microsecond=0)
            start = Moment(local.date(), local.time().replace(tzinfo=None), True)
        if start is not None:
            self.vague_start, self.vague_month, self.day_unknown = False, None, False
            self.vague_week = False
            day = self._start_day()
            if (
                start.clock is not None
                and day
                and (
                    asked == "start_time"
                    or asked == "correction"
                    and not start.day_stated
                    and not reading.vague_day
                )
            ):
                # "لا غلطت، كان الساعة ١٠ الصبح": the hour corrected, on the day told before.
                start = _on_day(start, day)
            self.start, self.start_inferred = start.slot(), _inferred(start, ongoing, now)
            self.start_about = False
            self.start_part = _hour_asked(start)
            self.start_day_open = span_may_have_begun(start, now)
            self.start_unoffered = self.start_part and (not start.offered or self.start_day_open)
            changed = True
            if (
                end is None
                and not ongoing
                and self.end
                and (asked == "correction" or self._before_start(self.end))
            ):
                # A corrected start replaces the times said back: the old end is not kept
                # (it is asked again), nor an end before the new start.
                self.end = None
        if end is not None:
            part, unoffered = _hour_asked(end), not end.offered
            end = self._end_after_start(end)
            if end is not None:
                # An end hour told after the start is the first such hour after it.
                self.end, self.end_about = end.slot(), False
                # "الى ثاني يوم": a day we counted from the start is said back like a guess.
                counted = reading.end is not None and reading.end.from_start
                self.end_inferred = (end.hour_guessed or counted) if self.start else end.inferred
                self.end_part, self.end_unoffered = part, part and unoffered
                self.ongoing = False
                changed = True
        if ongoing or (asked == "end" and _says_no(text)):
            self.ongoing, self.end = True, None
            changed = True
        if self.standard in HOURS_STANDARDS | DAYS_STANDARDS or self.standard is None:
            minutes = stated_duration(text, ongoing)
            if minutes and not (start and start.clock and end and end.clock):
                self.duration = minutes
                changed = True
                if not ongoing and mentions_words(text, "back_last"):
                    self.ended_told = True  # "ساعتين ونص بس ورجعت": over; only its day asked
        # "بلغونا امس الساعة ٨ المسا": the notice, not the start. An hour that could be morning
        # or evening ("بلغونا السبت الساعة ٨") decides the amount: asked, never guessed.
        known = self.start_at()
        begun = start or (Moment(known.date(), known.time(), True, False) if known else None)
        if mentions_words(text, "notice_lead_night"):
            # "ووصلتني الرسالة الليلة اللي قبله ١٠ ونص": the night before the outage, which the
            # time reader takes for tonight; its lead (`notice_lead_minutes`) is what it says.
            notice_moment = None
        if notice_moment is not None and (
            not notice_moment.hour_guessed
            or _late_all_day(notice_moment, begun)
            or _late_whole_part(notice_moment, begun)
        ):
            self.notice_at, changed = _notice_slot(notice_moment, begun), True
        # "ما بلغونا الا الاربعاء الظهر": notified late, not "no notice". A notice told as a moment
        # ("وصلنا اشعار قبل يومين", "بلغونا امس") is never also a lead read from a length in it.
        told_when = notice_moment is not None
        if self.standard == NOTICE:
            changed |= self._read_notice(text, asked, told_when)
        elif self.standard == PLANNED and not told_when and (lead := self._notice_lead(text)):
            self.notice_minutes, self.no_notice, changed = lead, False, True
        elif self.standard == PLANNED and mentions(text, "no_notice") and not told_when:
            # Only "no notice" here: a length in a restoration case is how long it lasted.
            self.no_notice = changed = True
        if mentions_damage(text):
            self.damage = True  # not a fact of the case: `changed` stays as it was
        if mentions(text, "cut_for_bills"):
            self.cut_for_bills = changed = True
        premises = _premises(text)
        if premises is not None and premises != self.premises:
            # A fact of a disconnection case only; kept quietly for any other.
            self.premises = premises
            changed |= self.standard == UNLAWFUL
        if self.standard in (UNLAWFUL, RECONNECTION):
            # The cut's own facts, read from the whole message: a cut told with its payment is
            # judged by them as a cut told alone is (`unlawful_reason`).
            cut_facts = self._read_cut_cases(told)
            changed |= cut_facts and self.standard == UNLAWFUL
        for network, phrases in NETWORK_PHRASES.items():
            if mentions(text, phrases):
                self.network, changed = network, True
        start_at = self.start_at()
        if (
            start_at is not None
            and self.duration
            and not self.end
            and not self.ongoing
            and self.standard not in DAYS_STANDARDS | {NOTICE, UNLAWFUL}
        ):
            # "امس الساعة ٨ الصبح لمدة ٥ ساعات": the end is the start plus the length.
            self.end = (start_at + timedelta(minutes=self.duration)).isoformat()
            self.end_inferred, self.end_part = self.start_inferred, False
        if notice_moment is not None or start is not None:
            self._notice_before_start()
        if changed:
            self.confirmed = False
        return changed

    def _notice_before_start(self) -> None:
        """The stated notice moment as "how long before the outage", once both have an hour. A
        notice day with no hour ("الاحد", for Monday 8 am) whose every hour is under the deadline
        before the start is as many whole days before the outage's day: late whatever its hour."""
        notice, start = _at(self.notice_at), self.start_at()
        if self.no_notice or start is None:
            return
        if notice is None and self.notice_at and len(self.notice_at) == 10:
            day = date.fromisoformat(self.notice_at)
            late = _late_all_day(Moment(day, None, True, False), _began(start))
            # "وصلني الاشعار يوم السبت" for Tuesday 8 am is on time whatever its hour, as
            # "الاحد" for Monday 8 am is late whatever its hour: as many whole days before.
            if day < start.date() and (late or _in_time_all_day(day, start)):
                self.notice_minutes = (start.date() - day).days * 24 * 60
            return
        if notice is not None and notice < start:
            self.notice_minutes = int((start - notice).total_seconds() // 60)

    def _lead_said_as_ago(self, text: str, start: Moment | None, now: datetime) -> bool:
        """ "قبل ١٤ ساعه" answering "how long before the outage were you notified?": read as a
        moment 14 hours before the message, which is not before the outage's start (nor is a
        start known to compare): it is how long before the outage the notice came."""
        if start is None or start.at is None or self.standard not in (NOTICE, PLANNED):
            return False
        minutes = find_duration_minutes(text)
        if not minutes:
            return False
        ago = now.replace(second=0, microsecond=0) - timedelta(minutes=minutes)
        if abs((start.at - ago).total_seconds()) > 60:
            return False  # a moment of its own ("امس الساعة ٨"), not a length counted back
        begun = self.start_at()
        return begun is None or start.at >= begun

    def _notice_lead(self, text: str) -> int | None:
        return notice_lead_minutes(text, start=self.start_at())

    def _read_notice(self, text: str, asked: str | None = None, told_when: bool = False) -> bool:
        if told_when:
            return False  # the notice moment itself was read (`notice_at`)
        lead = self._notice_lead(text)
        if lead:  # "ما وصلنا اشعار الا قبلها بيوم": notified a day before, not "no notice"
            self.notice_minutes, self.no_notice, self.duration = lead, False, None
            return True
        if mentions(text, "no_notice"):
            self.no_notice, self.notice_minutes = True, None
            # With no notice, a length in the same message is how long the outage lasted.
            self.duration = find_duration_minutes(text) or self.duration
            return True
        minutes = find_duration_minutes(text)
        if not minutes and asked == "notice":
            minutes = lone_unit_minutes(text)  # "يوم" answering "how long before?": one day
        if minutes:
            self.notice_minutes, self.no_notice, self.duration = minutes, False, None
            return True
        return False

    def _read_cut(self, cut: Moment, payment: Moment | None) -> None:
        """The cut told before the payment. A cut with no day of its own is never put after
        the payment: on the payment's day, or the day before when its hour is later."""
        self.cut_at, self.cut_day_told = cut.slot(), cut.day_stated
        paid = payment.at if payment is not None else self.start_at()
        if cut.day_stated or paid is None or cut.clock is None:
            return
        at = datetime.combine(paid.date(), cut.clock, paid.tzinfo)
        self.cut_at = (at - timedelta(days=1) if at > paid else at).isoformat()

    def tell_notice(self, text: str, now: datetime) -> bool:
        """The notice of a planned outage told answering "when did the notice reach you?" after
        its restoration was counted ("١٣ ساعة", "قبلها بيوم", "ما وصلني", "امس الساعة ٨ المسا");
        True when taken. Read as the notice case reads it: a length is the notice's lead, never
        the outage's; nothing else of the case changes."""
        probe = replace(self, standard=NOTICE, notice_minutes=None, no_notice=False, notice_at=None)
        probe.read(text, now, "notice")
        if not probe.notice_minutes and not probe.no_notice:
            return False
        self.notice_minutes, self.no_notice = probe.notice_minutes, probe.no_notice
        self.notice_at, self.confirmed = probe.notice_at, True
        return True

    def tell_cut(self, text: str, now: datetime) -> bool:
        """The cut's time told on its own, answering when the power was cut ("امس الساعة ٩
        الصبح"); True when taken. An hour that could be morning or evening is not taken: it
        decides whether the cut was after noon. The case's own facts, said back and confirmed
        before, are not asked again: the cut is the subscriber's answer."""
        cut = read_times(text, now).start
        if cut is None or cut.clock is None or cut.hour_guessed:
            return False
        self._read_cut(cut, None)
        return True

    def _cut(self) -> Facts:
        """The cut told with a reconnection, as a disconnection case of its own."""
        return replace(self, standard=UNLAWFUL, start=self.cut_at, start_inferred=False)

    def cut_reason(self) -> str | None:
        """Why the cut told with a reconnection was unlawful (`unlawful_reason`), or None; with
        its time not told, only a case told that makes any cut unlawful (the small arrears)."""
        return self._cut().unlawful_reason()

    def cut_day_matters(self) -> bool:
        """The cut's day was not told, and on some days (a weekend, a holiday) it would be
        prohibited: said with the answer, so the subscriber can tell it."""
        from bot.standards.disconnection import prohibited_time

        at = _at(self.cut_at) if self.cut_at else None
        if self.cut_day_told or at is None or self.cut_reason() is not None:
            return False
        return any(prohibited_time(at - timedelta(days=back)) for back in range(7))

    def moves_to_day_told(self, text: str, now: datetime) -> date | None:
        """A day alone told to put the start's day right ("لا قصدي اول امس", "no, the day
        before yesterday") while its hour is asked: the case moved to it, its hours and length
        as they were; the new day, or None when the message tells no such day."""
        reading = read_times(text, now)
        if not self._moves_day(reading.start, reading.end):
            return None
        assert reading.start is not None
        self._move_to_day(reading.start.day)
        return reading.start.day

    def _moves_day(self, start: Moment | None, end: Moment | None) -> bool:
        """A correction naming a day alone ("امس مو اليوم") for a case whose start has its hour."""
        return (
            start is not None
            and start.clock is None
            and start.day_stated
            and end is None
            and self.start_at() is not None
        )

    def _move_to_day(self, day: date) -> None:
        """The case moved to start on `day`, its hours and its length as they were."""
        start = self.start_at()
        assert start is not None
        shift = timedelta(days=(day - start.date()).days)
        self.start = (start + shift).isoformat()
        if self.end and len(self.end) == 10:
            self.end = (date.fromisoformat(self.end) + shift).isoformat()
        elif self.end:
            self.end = (_as_datetime(self.end) + shift).isoformat()

    def _read_cut_cases(self, text: str) -> bool:
        """The cases told with a cut that make it prohibited or rule that out ("وابوي على جهاز
        اكسجين", "وانا معترض على الفاتورة", "فاتورتين ٨٠٠ ريال"): never asked again."""
        changed = self._read_arrears(text)
        if (
            self.standard == UNLAWFUL
            and self.prohibited is None
            and "small_arrears" not in self.cleared
            and mentions(text, "paid_before_cut")
        ):
            self.paid_before_cut = changed = True
        if self.prohibited is None:
            if mentions(text, "medical_equipment"):
                self.prohibited, changed = "medical_needs", True
            elif mentions(text, "complaint_open"):
                self.prohibited, changed = "complaint_open", True
        return changed

    def _read_arrears(self, text: str) -> bool:
        """The arrears told with a disconnection ("وعندي فاتورة وحدة بس ٢٠٠ ريال", "متأخرات ٥
        الاف"): at most the minimum amount and fewer than the minimum months unpaid make it
        prohibited (`small_arrears`); more than either rules that case out (not asked again).
        An amount alone under the minimum, or a count of bills alone, decides nothing."""
        from bot.standards.disconnection import arrears_allow_cut

        if not mentions(text, "cut_for_bills") and not mentions_words(text, "arrears_owed"):
            return False  # an amount not said of bills or arrears ("ابي تعويض ٥٠٠ ريال")
        riyals, months = stated_arrears(text)
        if riyals is None and months is None:
            return False
        if arrears_allow_cut(riyals or 0, months or 0):
            if "small_arrears" not in self.cleared:
                self.cleared.append("small_arrears")
            if self.prohibited == "small_arrears":
                self.prohibited = None
            return True
        if riyals is not None and months is not None and self.prohibited is None:
            self.prohibited = "small_arrears"
        return True

    def _start_day(self) -> date | None:
        return datetime.fromisoformat(self.start).date() if self.start else None

    def start_day_ahead(self, now: datetime) -> bool:
        """The case starts on a day still to come ("الخميس الجاي")."""
        day = self._start_day()
        return day is not None and day > now.astimezone(RIYADH).date()

    def _before_start(self, iso: str) -> bool:
        return self.start is not None and _as_datetime(iso) < _as_datetime(self.start)

    def _end_after_start(self, end: Moment) -> Moment | None:
        """An end told after the start: an hour with no day of its own is the first such
        moment after the start ("٤ العصر" after "امس ٨ الصبح" is yesterday 16:00)."""
        if not self.start:
            return end
        start = _as_datetime(self.start)
        if self.back_after and self.back_by and end.clock is not None:
            return self._end_of_report(end)
        if end.clock is None or len(self.start) == 10:
            return end if end.day >= start.date() else None
        at = end.at
        assert at is not None
        if not end.day_stated:
            candidates = []
            for reading in end.readings():
                moment = datetime.combine(start.date(), reading.time(), RIYADH)
                candidates.append(moment if moment > start else moment + timedelta(days=1))
            at = min(candidates)
        if at < start:
            return None
        return Moment(at.date(), at.time(), end.day_stated, end.hour_guessed)

    def _end_of_report(self, end: Moment) -> Moment | None:
        """A restore time told of a report's case: the latest such moment after its power was
        known off and by its «رجعت» (`back_within`); None when there is none (asked again)."""
        at = end.at
        assert at is not None and self.back_after and self.back_by
        readings = end.readings()
        after, by = _as_datetime(self.back_after), _as_datetime(self.back_by)
        moments = back_within(readings, after, by, end.day_stated)
        if not moments:
            return None
        # Its hour on more than one day of the case («٣ الفجر» after a night): the latest, said
        # back with its day before any money, as a guessed hour is.
        guessed = end.hour_guessed or len({m.date() for m in moments}) > 1
        return Moment(moments[-1].date(), moments[-1].time(), end.day_stated, guessed)

    # -- what is known ---------------------------------------------------------------------

    def start_at(self) -> datetime | None:
        return _at(self.start)

    def end_at(self) -> datetime | None:
        return _at(self.end)

    @property
    def inferred(self) -> bool:
        return self.start_inferred or (self.end_inferred and not self.ongoing)

    def missing(self, now: datetime) -> str | None:
        """The next thing to ask, or None when the case can be judged."""
        if self.standard is None:
            return "standard"
        if self.standard == NOTICE:
            if not self.start:
                return "outage_day"
            if self.notice_minutes is None and not self.no_notice:
                if _at(self.notice_at) is not None and self.start_at() is None:
                    # The notice told as a moment ("وصلنا اشعار قبل يومين"): how long before the
                    # outage it came is the outage's hour less it, so that hour is asked.
                    return "start_time"
                return "notice"
            if self._restoration_untold(now):
                return "end"
            return None
        if self.standard == UNLAWFUL:
            if not self.start:
                return "disconnection_time"
            if self.start_at() is None:
                return "start_time"
            if self._premises_matter():
                return "premises"
            if not self.cut_for_bills and self.unlawful_reason() is None:
                return "why_cut"
            return None
        if self.standard in DAYS_STANDARDS:
            if not self.start and self.duration and self.ongoing:
                return None
            if not self.start:
                return "request_day"
            if not self.end and not self.ongoing:
                return "done"
            return None
        # hour standards
        if self.standard == RECONNECTION and not self.start and self.ongoing:
            return "paid_time"  # counted from the payment: "when did you pay?"
        if self.start_at() is not None:
            if self.start_part:
                return "start_hour"
            if self.end_at() is not None and self.end_part and not self.ongoing:
                return "end_hour"
            if self.end_at() is not None or self.ongoing:
                return None
            if self.end:  # a day without an hour
                return "end"
            return "end"
        if self.vague_start and not self.start and not (self.day_unknown and self.duration):
            # "من كم يوم": never a day of our choosing; an hour told with it is kept.
            return "exact_day" if self.vague_clock else "exact_start"
        if self.duration:
            if self.ongoing or self.start or self.end or self.day_unknown:
                return None
            return "which_day"
        if self.start:
            return "start_time"
        return "times"

    def named_month(self) -> NamedMonth | None:
        """The month the start was told in with no day ("في رمضان"), while its day is asked."""
        if not self.vague_month:
            return None
        return NamedMonth.load(self.vague_month)

    def _restoration_untold(self, now: datetime) -> bool:
        """A planned outage's notice case whose outage began longer ago than the restoration
        deadline, with neither its end nor its going on told: the late restoration is owed too
        (`also`), so when the power came back is asked, never left out of the answer."""
        start = self.start_at()
        if start is None or self.end or self.ongoing or self.duration:
            return False
        rule = rule_for(PLANNED, start)
        if rule.clock != "hours" or rule.deadline is None:
            return False
        return now > start + timedelta(hours=rule.deadline)

    def unlawful_reason(self) -> str | None:
        """The one judge of a disconnection, for a cut told alone and for the cut told with its
        payment (`cut_reason`), so the two never disagree: why it was unlawful, or None when
        nothing told makes it so (its cases are then asked). Its time first ("after_noon",
        "outside_working_hours", "ramadan"; for a cut whose day was not told, its hour alone),
        then a case the subscriber stated ("small_arrears", "medical_needs", ...), for these
        premises (a home unless told otherwise: `_premises_matter` asks first when that
        decides it)."""
        from bot.standards.disconnection import prohibited_hour, prohibited_time, residential_only

        at = self.start_at()
        residential = self.premises != "other"
        if at is not None and not self.cut_day_told:
            reason = prohibited_hour(at.time())
        elif at is not None:
            reason = prohibited_time(at, residential=residential)
        else:
            reason = None
        if (
            reason is None
            and self.prohibited
            and (residential or not residential_only(self.prohibited))
        ):
            reason = self.prohibited
        return reason

    def _premises_matter(self) -> bool:
        """Whether the premises' class decides the case and is not known: a disconnection in
        Ramadan, or for a case that holds for homes only (public school exams)."""
        from bot.standards.disconnection import prohibited_time, residential_only

        if self.premises is not None:
            return False
        at = self.start_at()
        if self.prohibited is not None:
            return residential_only(self.prohibited) and (
                at is None or prohibited_time(at, residential=False) is None
            )
        return (
            at is not None
            and prohibited_time(at) == "ramadan"
            and prohibited_time(at, residential=False) is None
        )

    def case(self, now: datetime) -> Case:
        """The engine's case from the facts (call only when `missing` is None)."""
        assert self.standard is not None
        standard = self.standard
        network = self.network or "lv"
        start: datetime | None
        end: datetime | None
        if standard == NOTICE:
            day = self._start_day()
            assert day is not None  # `missing` asks for the day first
            start = self.start_at() or datetime.combine(day, time(12), RIYADH)
            notice = None if self.no_notice else start - timedelta(minutes=self.notice_minutes or 0)
            return Case(standard, start=start, notice_at=notice)
        if standard == UNLAWFUL:
            return Case(standard, start=self.start_at())
        if standard in DAYS_STANDARDS:
            end = _as_datetime(self.end) if self.end else now
            if self.start:
                start = _as_datetime(self.start)
            else:
                start = now - timedelta(minutes=self.duration or 0)
            return Case(standard, start=start, end=max(end, start), network=network)
        start, end = self.start_at(), self.end_at()
        if start is not None:
            # Still going on: counted to now, which an explanation takes to the whole minute,
            # so a report made seconds ago ends where it began, never before.
            return Case(standard, start=start, end=end if end is not None else max(now, start))
        minutes = timedelta(minutes=self.duration or 0)
        if self.ongoing:
            return Case(standard, start=now - minutes, end=now)
        if self.day_unknown and not (self.end or self.start):
            # Its day could not be given: the length is placed just before now, for its
            # amount only (its pay-by date is not said).
            return Case(standard, start=now - minutes, end=now)
        # A length on a named day: it ended that day (confirmed with the subscriber first).
        day = _as_datetime(self.end or self.start or "").date()
        end = min(datetime.combine(day, time(23, 59), RIYADH), now)
        return Case(standard, start=end - minutes, end=end)

    def also(self, now: datetime) -> Case | None:
        """The case of a second standard the same facts fall under, or None: a planned outage
        without its notice that also ran past its restoration deadline is owed both
        (`planned_outage_notice` and `planned_outage_restoration`), each by its own rule."""
        start = self.start_at()
        if self.standard == NOTICE and not self.ongoing:
            restoration = replace(self, standard=PLANNED)
            return restoration.case(now) if restoration.missing(now) is None else None
        if self.standard == RECONNECTION and self.cut_at:
            # Cut at a prohibited time ("فصلوا الساعة ٢ الظهر"), then paid: the disconnection
            # itself is owed too, judged as it is when only the cut is told.
            cut = self._cut()
            if cut.missing(now) is None and cut.unlawful_reason() is not None:
                return cut.case(now)
            return None
        day = self._start_day() if self.standard == PLANNED else None
        if start is None and self.standard == PLANNED and self.day_unknown:
            start = self.case(now).start  # a length with no day: its notice judged by its lead
        if start is None and day is not None and (self.no_notice or self.notice_minutes):
            # "امس طفت ٥ ساعات", planned, "ما وصلني اشعار": the notice is judged by its lead
            # alone, on the outage's day, as the notice case counts one with no hour told.
            start = datetime.combine(day, time(12), RIYADH)
        if self.standard == PLANNED and self.no_notice and start is not None:
            return Case(NOTICE, start=start, notice_at=None)
        if self.standard == PLANNED and self.notice_minutes and start is not None:
            # A notice stated with the outage ("بلغونا امس ٨ المسا"): owed too when it was late.
            notice = Case(
                NOTICE, start=start, notice_at=start - timedelta(minutes=self.notice_minutes)
            )
            return notice if compensation_for(notice).eligible else None
        return None

    def growth(self) -> tuple[int, str]:
        """(riyals per further unit, clock) of the standard, for an ongoing case."""
        rule = rule_for(self.standard or "", datetime.now(RIYADH))
        return rule.additional_sar, rule.clock


def stated_arrears(text: str) -> tuple[int | None, int | None]:
    """(riyals, months of bills) unpaid that the message states, each None when not stated: "٢٠٠
    ريال" (riyals after the amount), "٥ الاف" (thousands), "فاتورة وحدة" (one), "٣ فواتير".
    An amount counts only when said of the bills or arrears, not the one asked for ("فاتورة
    وحدة وابي تعويض ٥٠٠ ريال"); a fraction is kept ("١٢٠٠.٥٠ ريال" is more than 1,200)."""
    normalized = normalize(_DECIMAL.sub(rf"\1{_POINT}\2", ascii_digits(text)))
    number = rf"(\d{{1,3}}(?: \d{{3}})+(?:{_POINT}\d+)?|\d+(?:{_POINT}\d+)?)"
    riyals = None
    thousand = _alternatives("money_thousand")
    riyal = _alternatives("money_riyal")
    for amount in re.finditer(
        rf"(?<!\w){number} (?:(?P<thousand>{thousand})|{riyal})(?!\w)", normalized
    ):
        if not _said_of_bills(normalized[: amount.start()]):
            continue
        value = float(amount.group(1).replace(" ", "").replace(_POINT, "."))
        # Rounded up: an amount over the minimum by a fraction is over it.
        riyals = ceil(value * 1000) if amount.group("thousand") else ceil(value)
        break
    months = None
    one = re.search(rf"(?<!\w)(?:{_alternatives('unpaid_one')})(?!\w)", normalized)
    two = re.search(rf"(?<!\w)(?:{_alternatives('unpaid_two')})(?!\w)", normalized)
    # Not "من ٣ شهور" (three months ago): a count of bills unpaid. A word that is no number
    # before a unit ("عشان فواتير ٣ شهور") is passed over for the count after it.
    units = [
        found
        for found in re.finditer(
            rf"(?<!\w)(?<!من )(?<!قبل )(\d+|\w+) (?:{_alternatives('unpaid_unit')})(?!\w)",
            normalized,
        )
        if parse_number(found.group(1), number_words())
    ]
    for found, count in [(one, 1), (two, 2)] + [(unit, None) for unit in units]:
        if found is None or not _said_unpaid(normalized, found):
            continue
        if count is None:
            count = int(parse_number(found.group(1), number_words()) or 0)
        months = count
        break
    return riyals, months


# A decimal mark between digits ("١٢٠٠٫٥٠", "1200.50"), kept through normalizing as a word part.
_DECIMAL = re.compile(r"(\d)[.\u066b](\d)")
_POINT = "point"
# How many words before an amount a word of bills or arrears may stand ("فاتورة وحدة بس ٢٠٠").
_AMOUNT_REACH = 4


def _said_of_bills(before: str) -> bool:
    """The words just before an amount name bills or arrears (or the amount is owed: "علي",
    "I owe" right before it), with no ask for compensation after them ("متأخرات ٥ الاف", "فاتورتين ٨٠٠ ريال"; not "فاتورة وحدة وابي تعويض ٥٠٠")."""
    near = before.split()[-_AMOUNT_REACH:]
    if near and _owed_right_before(near):
        return True  # owed right before the amount ("علي ١٥٠٠ ريال", "I owe 1,500 SAR")
    for first in range(len(near) - 1, -1, -1):
        tail = " ".join(near[first:])
        if any(
            mentions_words(tail, name)
            for name in ("cut_for_bills", "unpaid_one", "unpaid_two", "unpaid_unit")
        ):
            return not mentions(" ".join(near[first + 1 :]), "compensation_ask")
    return False


def _said_unpaid(normalized: str, found: re.Match[str]) -> bool:
    """A count of bills ("٣ فواتير", "فاتورتين") is of unpaid ones; a count of months only when
    the words say them unpaid or owed: an unpaid word near it ("٣ شهور ما سددت", "٣ شهور
    متأخرة"), or a bill or owed word right before it ("فواتير ٣ شهور", "علي شهرين"). A bill word
    merely near is not enough: "عشان الفاتورة صار لها ٣ شهور" is how long, not three bills, and
    taking it for three would rule out the small arrears that make the cut unlawful."""
    if not mentions_words(found.group(0), "month_words"):
        return True
    before = normalized[: found.start()].split()
    last = before[-1].removeprefix("و") if before else ""  # "وعلي شهرين"
    if _owed_right_before(before) or (
        last and (last in phrase_list("arrears_owed") or mentions_words(last, "cut_for_bills"))
    ):
        return True  # "علي ٣ شهور", "I owe 3 months", "فواتير ٣ شهور": months of bills owed
    near = " ".join(
        before[-_AMOUNT_REACH:]
        + [found.group(0)]
        + normalized[found.end() :].split()[:_AMOUNT_REACH]
    )
    return mentions(near, "not_paid") or mentions(near, "unpaid_said")


def _owed_right_before(words: list[str]) -> bool:
    """The words end with one that says what follows is owed ("علي", "I owe")."""
    return any(
        words[-len(phrase.split()) :] == phrase.split() for phrase in phrase_list("arrears_owed")
    )


def _alternatives(name: str) -> str:
    return "|".join(re.escape(p) for p in sorted(phrase_list(name), key=len, reverse=True))


def notice_lead_minutes(
    text: str, supposed: bool = False, start: datetime | None = None
) -> int | None:
    """How long before the outage the notice came, said as a unit alone after "قبلها"/"قبله"
    ("ما وصلنا اشعار الا قبلها بيوم": a day); None when the message says no such thing.
    `supposed`: a notice supposed ("لو بلغوني قبل يوم بس") has no day of its own, so "قبل يوم"
    is its lead, not "a day ago". `start`: the outage's start, when known, so the night before
    it told with its hour is that many hours before it."""
    if mentions_words(text, "notice_lead_night"):
        # "قبلها بليله": the night before, under a day: counted as a day, unless its hour is
        # said ("الليلة اللي قبله الساعة ١٠"): said back as the hours it was, never "a day".
        return _night_before_minutes(text, start) or 24 * 60
    if not mentions_words(text, "notice_lead") and not mentions_words(text, "notice_lead_by"):
        return None
    normalized = f" {normalize(text)} "
    leads = [(p, False) for p in phrase_list("notice_lead")]
    for phrase, by in leads + [(p, True) for p in phrase_list("notice_lead_by")]:
        at = normalized.find(f" {phrase} ")
        if at < 0:
            continue
        # "قبلها ب٣ ايام": the "ب" of "by" written on the number's digits, taken apart.
        after = re.sub(r"(^|\s)ب(\d)", r"\1ب \2", normalized[at + len(phrase) + 2 :]).split()
        if by and not supposed and not (after and after[0].startswith("ب")):
            continue  # "قبل يومين": as often "two days ago"; only "قبل بيومين" is a lead
        if minutes := find_duration_minutes(" ".join(after[:3])):  # "قبلها بساعتين"
            return minutes
        for size in (2, 1):
            minutes = lone_unit_minutes(" ".join(after[:size])) if len(after) >= size else None
            if minutes:
                return minutes
    return None


# The night's hours as said: 6 to 11 are the evening's (18:00-23:00), 12 is midnight, 1 to 5
# the small hours of the outage's own day.
_NIGHT_FROM, _NIGHT_SMALL_HOURS = 6, 5


def _night_before_minutes(text: str, start: datetime | None) -> int | None:
    """Minutes from the hour said with "the night before" ("الليلة اللي قبله الساعة ١٠": 22:00
    the day before) to the outage's start; None when no hour is said after it, no start is
    known, or the hour is not before the start."""
    found = split_at_words(text, "notice_lead_night")
    if start is None or found is None:
        return None
    said = max((p for p in phrase_list("notice_lead_night") if found[1].startswith(p)), key=len)
    after = found[1].split()[len(said.split()) :][:4]  # right after it: "الساعة ١٠", "١٠ ونص"
    if not after:
        return None
    if _a_number(after[0]):
        read = read_answer_hour(" ".join(after[:3]), start)  # "١٠ ونص"
    else:
        read = read_times(" ".join(after[:3]), start).start  # "الساعة ١٠", never "والقطع من ٩"
        read = read if read is not None and after[1:2] and _a_number(after[1]) else None
    if read is None or read.clock is None:
        return None
    hour, minute = read.clock.hour % 12, read.clock.minute
    local = start.astimezone(RIYADH)
    if hour <= _NIGHT_SMALL_HOURS:
        day = local.date()  # midnight, or the small hours, of the outage's own day
    else:
        day, hour = local.date() - timedelta(days=1), hour + (12 if hour >= _NIGHT_FROM else 0)
    notice = datetime.combine(day, time(hour, minute), tzinfo=RIYADH)
    return int((local - notice).total_seconds() // 60) if notice < local else None


def _a_number(word: str) -> bool:
    return parse_number(word, number_words()) is not None


def _from_payment(text: str) -> str:
    """A reconnection is counted from the payment: a message telling the cut first ("قطعوا
    الساعة ١٠ الصبح وسددت الساعة ١٢") is read from its payment on, so the cut's time is never
    taken for the payment's."""
    at = _payment_after_cut(text)
    return normalize(text)[at:] if at is not None else text


def _until_payment(text: str) -> str:
    """The part of a message telling the cut before its payment ("فصلوا الساعة ٢ الظهر عشان
    الفاتورة، سددت الساعة ٣" → its first part), or "" when it tells no cut before a payment."""
    at = _payment_after_cut(text)
    return normalize(text)[:at] if at is not None else ""


def _payment_after_cut(text: str) -> int | None:
    """Where, in the normalized message, the payment told after the cut begins."""
    if not mentions(text, "they_cut"):
        return None
    normalized = normalize(text)
    cut = min(at for p in phrase_list("they_cut") if (at := normalized.find(p)) >= 0)
    paid = [at for p in phrase_list("paid") if (at := normalized.find(p, cut)) >= 0]
    return min(paid) if paid else None


def _day_told_before(reading: TimeReading, whole: TimeReading) -> TimeReading:
    """A day named before the cut ("امس قطعوها الساعة ١٠ وسددت الساعة ١٢") is the payment's
    day too, when the payment's hour came without one."""
    start, named = reading.start, whole.start
    if start is None or start.day_stated or named is None or not named.day_stated:
        return reading
    return replace(reading, start=Moment(named.day, start.clock, True, start.hour_guessed))


def _range_running(
    reading: TimeReading, now: datetime
) -> tuple[Moment | None, Moment | None, bool]:
    """(start, end, still going on). A range with no day that began today and ends later today
    ("من ٨ الصبح لين ٦ المغرب" at 15:00) is today's case, still going on: a planned end is no
    end yet, so no money is counted to it (only what is owed so far), and it is never moved
    to yesterday (which would count a whole past outage the subscriber is still in). An end
    told as past ("ورجعت ٦ المغرب" at 15:00) cannot be running: the range is the last one over,
    yesterday's, a day not named (so said back before any money); so is one that begins at the
    message's very minute ("من ١٠ الصبح الى ٣ العصر" at 10:00): nothing of it has run yet, and
    its end is never dropped for a case going on from now."""
    start, end = reading.start, reading.end
    if (
        start is None
        or end is None
        or start.day_stated
        or end.day_stated
        or start.at is None
        or end.at is None
        or not start.at <= now < end.at
    ):
        return start, end, False
    if reading.end_past or now - start.at < timedelta(minutes=1):
        back = timedelta(days=1)
        return replace(start, day=start.day - back), replace(end, day=end.day - back), False
    return start, None, True


def _late_all_day(notice: Moment, start: Moment | None) -> bool:
    """A notice on a day whose every hour is under the notice deadline before the outage's
    start ("بلغونا الاربعاء الظهر" for Thursday 8 am): its hour, read from a part of the day,
    cannot change the amount, so it is taken."""
    begun = start.at if start is not None else None
    if begun is None or not notice.day_stated:
        return False
    earliest = datetime.combine(notice.day, time(0), RIYADH)
    deadline = rule_for(NOTICE, begun).deadline or 0
    return earliest < begun and begun - earliest < timedelta(hours=deadline)


def _in_time_all_day(day: date, start: datetime) -> bool:
    """A notice on a day whose every hour is at or before the notice deadline before the
    outage's start: its hour cannot change the amount (nothing owed for the notice)."""
    deadline = rule_for(NOTICE, start).deadline or 0
    day_end = datetime.combine(day + timedelta(days=1), time(0), RIYADH)
    return start - day_end >= timedelta(hours=deadline)


# A day part's word ("السبت الظهر") stands for an hour guessed within the part: its usual hour,
# as much as this earlier or later at most ("الصبح" at 8:00 may be 5:00).
_PART_SPREAD = timedelta(hours=3)


def _late_whole_part(notice: Moment, start: Moment | None) -> bool:
    """A notice at an hour guessed from a part of the day ("وصلتني رساله السبت الظهر", for
    Monday 8 am) whose every hour is under the notice deadline before the outage's start, and
    before it: its exact hour cannot change the amount, so it is taken."""
    begun = start.at if start is not None else None
    at = notice.at
    if begun is None or at is None or not notice.day_stated or notice.guess is None:
        return False
    deadline = rule_for(NOTICE, begun).deadline or 0
    return at + _PART_SPREAD < begun and begun - (at - _PART_SPREAD) < timedelta(hours=deadline)


def _began(start: datetime) -> Moment:
    return Moment(start.date(), start.time(), True, False)


def _notice_slot(notice: Moment, start: Moment | None) -> str:
    """The notice moment as ISO; an hour with no day that is not before the outage's start
    ("بلغونا الساعة ٨ المسا، والقطع اليوم ٩ الصبح") is the day before's."""
    at, begun = notice.at, start.at if start is not None else None
    if at is not None and begun is not None and not notice.day_stated and at >= begun:
        return (at - timedelta(days=1)).isoformat()
    return notice.slot()


def _premises(text: str) -> str | None:
    """The premises' class the message states ("محلي التجاري": other; "البيت": a home), or
    None when it states none, or both."""
    other, home = mentions_words(text, "premises_other"), mentions_words(text, "premises_home")
    if other == home:
        return None
    return "other" if other else "residential"


def _inferred(start: Moment, ongoing: bool, now: datetime) -> bool:
    """Whether the start was inferred. A case still going on since an hour with no day
    ("طافية من ٧ الصبح") started at the last such hour: that is what the words mean."""
    at = start.at
    if (
        ongoing
        and not start.hour_guessed
        and not start.just_ahead  # "since 2am" at 01:00: nearly a day back, or a slip
        and at is not None
        and now - at < timedelta(hours=24)
    ):
        return False
    return start.inferred


def _at(iso: str | None) -> datetime | None:
    if not iso or len(iso) == 10:
        return None
    value = datetime.fromisoformat(iso)
    return value if value.tzinfo else value.replace(tzinfo=RIYADH)


def _as_datetime(iso: str) -> datetime:
    value = datetime.fromisoformat(iso)
    return value if value.tzinfo else value.replace(tzinfo=RIYADH)


def _hour_asked(moment: Moment) -> bool:
    """The hour is not one the subscriber gave but a span's usual hour ("العصر") or a prayer's
    time from the Riyadh table ("بعد صلاة الفجر"): asked, as about that hour, before money."""
    return moment.guess == "day_part" or moment.prayer


def _range_on_day(reading: TimeReading, day: date | None) -> TimeReading:
    """ "from 2 pm to 7 pm" answering "at what time did it start?" (or a correction) about a day
    told before: the whole range on that day, its end too (the next day when its hour is not
    after the start's), never a range of today still running."""
    start, end = reading.start, reading.end
    if (
        day is None
        or start is None
        or end is None
        or start.day_stated
        or end.day_stated
        or start.clock is None
        or end.clock is None
        or reading.vague_day
    ):
        return reading
    end_day = day + timedelta(days=end.clock <= start.clock)
    return replace(reading, start=_on_day(start, day), end=_on_day(end, end_day))


def _on_day(moment: Moment, day: date) -> Moment:
    """The moment on the day told before; how its hour was read (a prayer's, a span's) kept,
    its day no longer our reading (`Moment.just_ahead`)."""
    return replace(
        moment, day=day, day_stated=True, other_weekday=None, from_start=False, just_ahead=False
    )


def _says_no(text: str) -> bool:
    from bot.understanding import control_word

    return control_word(text) == "no"
