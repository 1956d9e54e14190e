"""Compensation: first what the sender's own recorded outages and requests earned; otherwise
the facts of the case, asked one at a time, said back when any was inferred, and then the
standards engine's figure for exactly those facts.

Never wrong money: a missing fact is asked, never guessed; an end is never "now" unless the
subscriber said the case is still going on (then the answer is "so far", with no pay-by date).
The facts and what is still missing are in `handlers/compensation_facts.py`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from bot.billing import Account
from bot.config import RIYADH
from bot.dialogue.messages import Choice
from bot.dialogue.turn import Turn
from bot.i18n import Texts, said_day
from bot.outages import compensation_cases_for_phone, restoration_standard
from bot.outages.compensation import notice_compensation
from bot.outages.models import CANCELLED, Incident, OutageReport
from bot.outages.notices import may_start_earlier, start_asked, unstated_start_line
from bot.outages.service import parse_reference, record_stated_end, record_stated_start
from bot.phrases import mentions, mentions_at_word_start, mentions_words, without
from bot.phrases import phrases as phrase_list
from bot.service_requests import requests_for_phone
from bot.standards import (
    STANDARD_IDS,
    Case,
    CaseError,
    Compensation,
    compensation_for,
    riyals,
    rule_for,
    standard_name,
)
from bot.standards.disconnection import asked_cases, prohibited_time, residential_only
from bot.standards.disconnection import rules as disconnection_rules
from bot.standards.wording import (
    SERA_PHONE,
    deadline_text,
    duration,
    paid_to_holder_text,
    rule_summary,
    sentence,
    standard_line,
    whole_days_or_duration,
)
from bot.storage.base import aware
from bot.text import ascii_digits, normalize
from bot.understanding import Understanding, choice_named, choice_number, control_word
from bot.understanding.slots import (
    Moment,
    find_duration_minutes,
    find_standard,
    read_answer_hour,
    read_times,
    says_power_off,
)
from bot.understanding.slots.times import day_in_month, day_untold
from handlers import outside_standards
from handlers.common import (
    account_choices,
    back_alone,
    bare_number,
    corrected_end,
    corrects,
    damage_claim_text,
    last_week_day_question,
    linked_accounts,
    mask,
    month_day_question,
    named_in,
    named_reference,
    outage_reports_meant,
    phone_accounts,
    premise_shown,
    sender_accounts,
    sender_outage_reports,
    supposed_length,
    supposes,
)
from handlers.compensation_facts import (
    DAYS_STANDARDS,
    HOURS_STANDARDS,
    NETWORK_PHRASES,
    NOTICE,
    PLANNED,
    RECONNECTION,
    SAID_KEPT,
    UNLAWFUL,
    Facts,
    notice_lead_minutes,
    stated_arrears,
)
from handlers.disconnection_rules import account_arrears
from handlers.menu import offered_in_words

MAX_TRIES = 3
RECORDS_PAGE = 5  # recorded cases shown per message; "more" shows the next ones
SEC_PHONE = "933"
TOTAL_BLACKOUT = "total_blackout"
CONNECTION = "connection"
BILLING_COMPLAINT = "billing_complaint"
OUTAGE_STANDARDS = {"planned_outage_restoration", "emergency_outage", TOTAL_BLACKOUT}
# The case most subscribers ask about: first on a menu page that cannot show them all (SMS).
EMERGENCY = "emergency_outage"
MOST_ASKED = EMERGENCY
# The stage after an answer: the case is kept for a correction or a question about it.
ANSWERED = "answered"
# Requests this sure are never a correction of the case just answered.
_NOT_A_CORRECTION = ("bill", "outage_status", "hazard_report", "agent")
CORRECTION_SURE = 0.7


def N_(msgid: str) -> str:
    return msgid


PROHIBITED_TIME = {
    "after_noon": N_("A disconnection after 12 noon is not allowed."),
    "outside_working_hours": N_("A disconnection outside working hours is not allowed."),
    "ramadan": N_("A disconnection of a home during Ramadan is not allowed."),
}
ASKED_CASES = {
    "complaint_open": N_("a complaint about the bill was still open"),
    "medical_needs": N_("someone with critical medical needs lives there"),
    "school_exams": N_("it was during public school exams"),
    "unrelated_debt": N_("the debt is not for metered consumption"),
    "small_arrears": N_(
        "no more than {arrears} was owed and fewer than {months} months of bills were unpaid"
    ),
}


def start(turn: Turn, understood: Understanding) -> None:
    turn.intent = "compensation"
    facts = Facts(standard=understood.text_slot("standard"))
    _open_kind(turn, facts)
    has_facts = facts.read(turn.text, turn.now)
    if (facts.kind_open or facts.standard is None and facts.ongoing) and _says_paid(
        turn.message.text or turn.text
    ):
        # "sadadt … w el kahraba lsa ma rj3at": the power off after a payment is the
        # reconnection's case, never an outage to report; read again as one.
        facts = Facts(standard=RECONNECTION)
        has_facts = facts.read(turn.text, turn.now)
    if facts.standard is None and has_facts:
        # "السبت الماضي من العشا الى الفجر ماكان فيه كهربا، عطل مفاجئ": an outage's times and its
        # kind said, no standard's words: the kind names its case, never the list of cases.
        facts.standard = kind_told(turn.message.text or turn.text)
    if facts.standard is None and has_facts and mentions(turn.text, "power_off"):
        # "انقطعت الكهرباء امس الساعة ١١ الليل": an outage with its time, no cause, no end: an
        # outage whose kind is asked where it matters, never the list of every case.
        facts.standard = EMERGENCY
        _open_kind(turn, facts)
    facts.told_whole = facts.start is not None and facts.ongoing
    facts.said = (turn.message.text or turn.text)[:SAID_KEPT]
    if _supposed_length(turn, facts) or _supposed_cut(turn, facts):
        return
    if not has_facts and facts.standard in RULE_SAID_WHEN_SUPPOSED and supposes(turn.text):
        # "كم التعويض لو تأخروا في الرد على اعتراضي": the standard's rule answers what is
        # supposed; a case of theirs is then counted from its day, asked.
        turn.say(rule_summary(rule_for(facts.standard, turn.now), turn.lang))
    if _reports_first(turn, facts) or _blackout_now(turn, facts, has_facts):
        from handlers import outage_report

        outage_report.start(turn, understood)  # then its acknowledgement counts what it earns
        return
    named = _report_named(turn.text)
    if named is not None and _show_records(turn, report=named):
        return  # one report asked about: its cases alone, not every case on record
    if facts.standard is None and not has_facts and (_show_records(turn) or _ask_when_back(turn)):
        return
    if facts.standard is None and _ongoing_only(facts) and _show_records(turn):
        return  # "كم التعويض لو ما رجعت؟", "how much so far?": their open report's case
    # "كم تعويضي عن الانقطاع": their own outage reports first, as for a bare "كم تعويضي";
    # the times are asked only when none is on record.
    if (
        facts.standard in ("emergency_outage", PLANNED)
        and not has_facts
        and (
            _show_records(turn, outages_only=True, planned_only=facts.standard == PLANNED)
            or _ask_when_back(turn)
        )
    ):
        return
    if _day_on_record(turn, facts) and _show_records(turn, outages_only=True):
        return  # "كم تعويضي عن انقطاع امس": their report of that day's outage, not "what time?"
    if _closes_followed_request(turn, facts):
        return
    _advance(turn, facts)


# The cases a length or a notice may be supposed of ("لو انقطعت ٨ ساعات", "لو قطعوا عشان
# صيانة بدون ما يبلغوني", "لو انقطعت عن الرياض كلها ٨ ساعات").
SUPPOSABLE = (None, EMERGENCY, PLANNED, NOTICE, TOTAL_BLACKOUT, RECONNECTION, UNLAWFUL)


# Supposed with no facts ("لو تأخروا في الرد على اعتراضي"), the rule is said before the case's
# day is asked: one whose amount hangs on nothing but the days or hours late.
RULE_SAID_WHEN_SUPPOSED = ("billing_complaint", "meter_registration")


def _supposed_length(turn: Turn, facts: Facts) -> bool:
    """ "كم التعويض اذا الكهرباء انقطعت 8 ساعات", "لو انقطعت يومين", "لو صار لي 10 ساعات": an
    outage of a length supposed, not one that happened: the engine's amount for that length (a
    fault unless planned work is said; the sender's open outage report's own kind), said as
    what such an outage would earn, never "which day?" nor a start moved. Planned work with its
    notice supposed ("لو قطعوا عشان صيانة بدون ما يبلغوني", "لو بلغوني قبل يوم بس") is the
    engine's amount for that notice, its length asked for the restoration. True when answered."""
    text = turn.message.text or turn.text
    if facts.standard not in SUPPOSABLE or facts.end or facts.ongoing:
        return False
    if not supposes(text) or facts.vague_start and facts.vague_month is None:
        return False  # "… الاسبوع الماضي", "من كم يوم": a day of its own, asked
    # "لو قطعوا علي الكهرباء في رمضان ١٠ ساعات": the month is part of what is supposed, and a
    # cut lasting hours is an outage (a disconnection's amount has no length); its cut for bills
    # ("لو قطعوها عشان الفاتورة") stays a disconnection, asked as one.
    if facts.standard == UNLAWFUL:
        if facts.cut_for_bills or not supposed_length(text):
            return False
        facts = replace(facts, standard=EMERGENCY)
    planned = facts.standard in (PLANNED, NOTICE)
    # The supposed lead is kept apart until the case is known to be supposed: written into
    # `facts` early, it would carry into the count of a case that happened.
    lead = notice_lead_minutes(text, supposed=True) if planned else None
    no_notice = False if lead else facts.no_notice
    notice_minutes = lead or facts.notice_minutes
    notice_told = planned and bool(no_notice or notice_minutes)
    # A length said of the notice ("لو بلغوني قبل ساعتين") is its lead, not the outage's; with
    # no notice at all it is how long the outage lasted.
    of_notice = lead or facts.standard == NOTICE and not facts.no_notice
    minutes = None if of_notice else supposed_length(text)
    if not minutes and not notice_told:
        return False
    now = turn.now.replace(second=0, microsecond=0)
    if minutes and facts.start and facts.start_at() != now - timedelta(minutes=minutes):
        return False  # a day or an hour told ("لو امس انقطعت ٥ ساعات"): a case that happened
    if not minutes and facts.start:
        return False  # planned work on a day told: a case that happened, or one still ahead
    standard = PLANNED if planned else facts.standard
    reports = _open_outage(turn) if standard != RECONNECTION else []
    if reports and not planned:
        report, incident = reports[0]
        standard = standard or restoration_standard(incident)
        since = day_and_time(turn, _local(report.start_in(incident)))
        turn.say(
            turn.tr._(
                "Your report {ref} is counted from {since}, and the power is still off.",
                ref=report.reference,
                since=since,
            )
        )
    supposed = Facts(
        standard=standard or EMERGENCY,
        duration=minutes,
        ended_told=True,
        day_unknown=True,
        supposed=True,
        no_notice=no_notice if planned else False,
        notice_minutes=notice_minutes if planned else None,
    )
    if minutes:
        _answer(turn, supposed)
    else:
        _supposed_notice(turn, supposed)
    return True


def _supposed_cut(turn: Turn, facts: Facts) -> bool:
    """ "لو قطعوها عشان الفاتورة في رمضان", "لو فصلوا وعندي مريض على جهاز": a disconnection
    supposed in a month or a case the rules prohibit (a home in Ramadan, someone with critical
    medical needs): said not allowed, with the engine's amount such a cut earns, as a length
    supposed is answered; no day nor reason asked of a cut that has not happened. A supposed
    hour ("لو قطعوها بعد الظهر") is a time told, judged as ever. True when answered."""
    text = turn.message.text or turn.text
    if facts.standard != UNLAWFUL or facts.start or not supposes(text):
        return False
    month = facts.named_month()
    at = datetime.combine(month.first, time(10), RIYADH) if month is not None else turn.now
    reason = facts.prohibited
    if reason is None and month is not None:
        # The month's own case alone ("ramadan"): its first day's weekday says nothing supposed.
        reason = "ramadan" if prohibited_time(at) == "ramadan" else None
    if reason is None or (facts.premises == "other" and residential_only(reason)):
        return False
    owed = compensation_for(Case(UNLAWFUL, start=at))
    turn.finish()
    turn.say(
        "\n".join(
            [
                _why_unlawful(turn, reason),
                turn.tr._(
                    "Such a disconnection is owed {amount}, and service must be restored at "
                    "once. If it happens, tell me its day and time and I will count it.",
                    amount=riyals(owed.amount_sar, turn.lang),
                ),
            ]
        )
    )
    return True


def _supposed_notice(turn: Turn, facts: Facts) -> None:
    """Planned work with its notice supposed and no length ("لو قطعوا عشان صيانة بدون ما
    يبلغوني", "لو بلغوني قبل يوم بس"): the engine's amount for that notice; its restoration's
    amount hangs on how long it lasted, so that is asked and, told next, counted with it."""
    _ = turn.tr._
    now = turn.now.replace(second=0, microsecond=0)
    notice = compensation_for(
        Case(
            NOTICE,
            start=now,
            notice_at=None
            if facts.no_notice
            else now - timedelta(minutes=facts.notice_minutes or 0),
        )
    )
    rule = notice.rule or rule_for(NOTICE, now)
    figures = {
        "amount": riyals(notice.amount_sar, turn.lang),
        "told": whole_days_or_duration(turn.tr, facts.notice_minutes or 0, governed=True),
        "hours": turn.tr.number(rule.deadline or 0),
    }
    if facts.no_notice:
        line = _("Planned work with no notice at all is owed {amount} for the notice.", **figures)
    elif notice.eligible:
        line = _(
            "A notice {told} before planned work, instead of at least {hours} hours, is owed "
            "{amount}.",
            **figures,
        )
    else:
        line = _(
            "A notice {told} before planned work is at least the {hours} hours due, so nothing "
            "is owed for the notice.",
            **figures,
        )
    # The restoration's amount hangs on how long it lasted, untold: asked, never a figure.
    lines = [
        line,
        _(
            "Its restoration is owed compensation too if the power is not back within {hours} "
            "hours of its start: tell me how long it lasted and I will count both.",
            hours=turn.tr.number(rule_for(PLANNED, now).deadline or 0),
        ),
    ]
    # The case stays the one talked of: "١٠ ساعات", "ولو ١٠ ساعات؟" next is its length.
    turn.begin("compensation", stage=ANSWERED, facts=facts.dump(), asked="supposed_length")
    turn.say("\n".join(lines))


def _day_on_record(turn: Turn, facts: Facts) -> bool:
    """An outage asked about by its day alone ("كم تعويضي عن انقطاع امس", no hour, no end, no
    length) while an outage report of the sender's covers that day: its case on record answers
    it, never the calculator's "at what time did it start?"."""
    if facts.standard not in (EMERGENCY, PLANNED, None) or turn.phone is None:
        return False
    if not facts.start or "T" in facts.start or facts.end or facts.duration or facts.ongoing:
        return False
    day = date.fromisoformat(facts.start)
    spans = [(report.start_in(incident), turn.now) for report, incident in _open_outage(turn)]
    spans += [
        (report.start_in(incident), report.end_in(incident) or turn.now)
        for report, incident, _c in compensation_cases_for_phone(turn.session, turn.phone)
    ]
    return any(_day_in_riyadh(start) <= day <= _day_in_riyadh(end) for start, end in spans)


def _closes_followed_request(turn: Turn, facts: Facts) -> bool:
    """ "وصلوا الكهربا امس الحمدلله" from a subscriber with one request being followed (noted with
    «سجّل هذا الطلب لمتابعته»): that request is closed on the day told and counted with its own
    facts (its standard, its day, its network), never the list of cases nor its day asked
    again. True when it was."""
    from handlers.outage_status import says

    if turn.phone is None or facts.standard not in (None, *DAYS_STANDARDS):
        return False
    if not says(turn.text, "request_done") or mentions(turn.text, "not_yet"):
        return False
    followed = [
        request
        for request in requests_for_phone(turn.session, turn.phone)
        if request.completed_at is None and facts.standard in (None, request.standard)
    ]
    told = facts.end or facts.start
    if len(followed) != 1 or told is None:
        return False
    request = followed[0]
    requested = aware(request.requested_at).astimezone(RIYADH)
    done = _day_of(told)
    if done is None or done < requested.date() or done > _day_in_riyadh(turn.now):
        return False
    done_at = datetime.combine(done, time(12), RIYADH)
    closed = Facts(
        standard=request.standard,
        start=requested.isoformat(),
        end=done_at.isoformat(),
        network=request.network,
        confirmed=True,
    )
    request.completed_at = done_at
    _answer(turn, closed)
    return True


def step(turn: Turn, understood: Understanding) -> bool:
    stage = turn.state.get("stage")
    facts = Facts.load(turn.state)
    if _takes_network(turn, facts, stage):  # "لا هي جهد متوسط" after a low-voltage count
        return True
    if stage == "voltage":
        return False  # anything else is a new message
    if stage == "records" and _total_asked(turn):
        return True  # "what's the total?", read as the bill by the model: the cases' sum
    if stage in ("pick", "records", "cases") and _asks_for_bill(turn, understood):
        return False  # "ابي الفاتورة" at a list of cases: the bill, never its complaint's case
    if stage == "records":
        return _records_step(turn, understood)
    if stage in ("ask", "kind", "confirm") and _payment_told(turn, facts):
        return True
    if stage == "pick":
        picked = choice_number(turn.text) or choice_named(turn.text, _standard_names(turn))
        none = picked is None and outside_standards.none_of_these(turn.text)
        if picked == len(STANDARD_IDS) + 1 or none:
            outside_standards.answer_none(turn)  # "ولا وحدة منها": a way out, to a person
            return True
        standard = STANDARD_IDS[picked - 1] if picked and 1 <= picked <= len(STANDARD_IDS) else None
        # "انقطاع مجدول": no option's words, but an outage's kind names its case as well.
        standard = standard or find_standard(turn.text) or kind_told(turn.text)
        if standard is None and mentions_words(turn.text, "outage_case"):
            # "انقطاع" at the list: the outage's case (which of them, asked where it matters),
            # never a report filed instead.
            facts.standard = EMERGENCY
            _open_kind(turn, facts)
            facts.read(turn.text, turn.now)
            _advance(turn, facts)
            return True
        if standard is None:
            if picked is None and outside_standards.takes(turn, turn.text, understood):
                return True  # "موعد الفني وما جا": no standard's case
            if picked is None and facts.read(turn.text, turn.now):
                told = understood.text_slot("standard")
                if told is not None:  # "الكهربا طفت امس من ٨ لين ٦": the case and its times
                    facts.standard = told
                    _open_kind(turn, facts)
                    _advance(turn, facts)
                    return True
                turn.remember(facts=facts.dump())  # the times came first: keep them
                return _retry(turn, turn.tr._("Please send the number of the case from the list."))
            if _moved_on(understood):
                return False
            return _retry(turn, turn.tr._("Please send the number of the case from the list."))
        facts.standard = standard
        _advance(turn, facts)
        return True
    if stage == ANSWERED:
        return _answered_step(turn, understood, facts)
    if stage == "start_day":
        return _start_day_step(turn, understood)
    if stage == "kind":
        return _kind_step(turn, understood, facts)
    if stage == "network":
        return _network_step(turn, understood, facts)
    if stage == "confirm":
        return _confirm_step(turn, understood, facts)
    if stage == "cases":
        return _cases_step(turn, understood, facts)
    if stage == "paid_before_cut":
        return _paid_before_cut_step(turn, understood, facts)
    if stage == "offer":
        if choice_number(turn.text) == 1 or control_word(turn.text) == "yes":
            from handlers import outage_report, outage_status

            to_status = bool(turn.state.get("status"))
            turn.finish()
            if to_status:
                outage_status.start(turn, understood)
                return True
            outage_report.start(
                turn,
                understood,
                stated_start=_stated_outage_start(turn, facts),
                told=facts.said,
                where=facts.said,
            )
            return True
        return _so_far_followup(turn, understood, facts)  # "ورجعت الساعة ٨ بالليل", "ليش كثير؟"
    if stage in ("note", "note_account"):
        return _note_step(turn, facts, stage)
    if stage == "ask" and _kind_with_answer(turn, facts):
        return True
    if stage == "ask" and turn.state.get("asked") == "why_cut":
        return _why_cut_step(turn, understood, facts)
    if stage == "ask" and turn.state.get("asked") == "paid_at_all":
        return _paid_at_all_step(turn, understood, facts)
    if stage == "ask" and turn.state.get("asked") == "premises":
        return _premises_step(turn, understood, facts)
    if stage == "ask" and turn.state.get("asked") in ("start_hour", "end_hour"):
        return _part_hour_step(turn, understood, facts, turn.state["asked"])
    if stage == "ask" and turn.state.get("asked") == "notice":
        return _notice_step(turn, understood, facts)
    if stage == "ask":
        asked = turn.state.get("asked")
        late = _paid_late(turn.text) if facts.standard == RECONNECTION else None
        if facts.standard == RECONNECTION and late is None and mentions(turn.text, "not_paid"):
            # "ما سددت شي، فصلوها الساعة ٢": no payment to count from, or one said another way
            # ("ما سددت وقتها"): asked, never assumed, before the case is read as a disconnection.
            turn.begin(
                "compensation",
                stage="ask",
                asked="paid_at_all",
                facts=facts.dump(),
                told=turn.text,
                tries=0,
            )
            turn.say(_question(turn, facts, "paid_at_all"), _choices(turn, "paid_at_all"))
            return True
        start_corrected = asked in ("end", "back_time") and _corrects_start(turn, facts)
        if start_corrected:
            asked = "correction"  # "لا غلطت، الساعة ١١ الصبح": the start put right, not its end
        changed = facts.read(late or turn.text, turn.now, asked)
        if start_corrected and changed and (since := facts.start_at()) is not None:
            said = day_and_time(turn, since, about=facts.start_about)
            turn.say(turn.tr._("All right: from {since}.", since=said))
        if asked == "done" and not changed and control_word(turn.text) == "yes":
            _ask(turn, facts, "done_day")
            return True
        if asked == "outage_day" and mentions(turn.text, "tomorrow"):  # "بكره"
            _advance(turn, facts)
            return True
        if asked == "end" and not changed:
            picked = choice_number(turn.text)
            if picked == 1 or control_word(turn.text) == "yes" or back_alone(turn.text):
                # "1. It came back", or "رجعت" alone: when?
                _ask(turn, facts, "back_time")
                return True
            if picked == 2:  # "2. Not yet"
                facts.ongoing, facts.end, facts.confirmed = True, None, False
                _advance(turn, facts)
                return True
        if changed or _answers_done(turn, facts, asked):
            _advance(turn, facts)
            return True
        if asked in _HOUR_ASKS and mentions(turn.text, "dont_know"):
            # "ما ادري", "مو متأكد" (read as the bill): the question stands, and why; no hour
            # is guessed.
            return _retry(turn, _no_hour_text(turn, facts, asked), _choices(turn, asked, facts))
        if _moved_on(understood):
            return False
        if _day_not_given(turn, facts, asked):
            _advance(turn, facts)
            return True
        question = _question(turn, facts, asked)
        month = facts.named_month() if asked in ("exact_day", "exact_start") else None
        if (
            month is not None
            and day_in_month(turn.text, month, turn.now) is None
            and day_untold(turn.text, turn.now)
        ):
            # "الساعة ١٠", "٣٠" in a month of 29 days: no day of it read, its days said
            question = month_day_question(
                turn,
                month,
                hour_known=asked == "exact_day",
                paid=facts.standard == RECONNECTION,
                again=True,
            )
        return _retry(turn, question, _choices(turn, asked))
    return False


def _asks_for_bill(turn: Turn, understood: Understanding) -> bool:
    """ "ابي الفاتورة", "my bill please": the bill asked for, surely, naming no case (the word
    "bill" in a case's name, "a reply to a bill complaint", is not that case without an
    objection said: «الاعتراض على الفاتورة» picks it). Bills told as owed or paid ("علي
    فاتورتين بس", "ما دفعت الفاتورة") are facts of a disconnection, not this request."""
    text = turn.text
    return (
        understood.intent == "bill"
        and understood.confidence >= CORRECTION_SURE
        and find_standard(text) is None
        and not mentions(text, "bill_objection")
        and choice_number(text) is None
        and not _tells_arrears(text)
        and not mentions(text, "paid")
        and not mentions(text, "not_paid")
    )


_DAY_ASKS = ("exact_day", "exact_start", "which_day")
# Questions whose answer is an hour (a time of day): "ما ادري" to them guesses none.
_HOUR_ASKS = ("times", "start_time", "end", "back_time", "paid_time")


def _day_not_given(turn: Turn, facts: Facts, asked: str | None) -> bool:
    """ "ما اذكر", "مدري", "تقريبا نص الشهر" to "which day?" for an outage told by its length
    ("الشهر اللي فات انقطعت ٥ ساعات"): its amount does not depend on the day, so it is counted
    from the length, and what cannot be said without the day is said so, never the same
    question again and again. True when the day is given up."""
    if asked not in _DAY_ASKS or not facts.duration or facts.standard not in HOURS_STANDARDS:
        return False
    if facts.standard == RECONNECTION:
        return False  # counted from the payment's moment: its day matters
    facts.vague_start, facts.vague_month, facts.day_unknown = False, None, True
    facts.vague_week = False
    return True


def _notice_in_time_minutes(facts: Facts, now: datetime) -> int:
    """ "Two days or more" picked: the notice the rules in force ask for (counted in hours before
    the outage), so the answer reads as in time, from the one place the rule is written."""
    return (rule_for(NOTICE, facts.start_at() or now).deadline_units() or 0) * 60


def _notice_step(turn: Turn, understood: Understanding, facts: Facts) -> bool:
    """The answer to "how long before the planned outage were you notified?". What it says is
    read (a lead, "no notice", the notice's moment); a notice told as coming after the outage
    began, or an answer with none of these ("اي صح"), is asked again another way: with choices
    (no notice before it; two days or more; a person), never the same question again."""
    picked = choice_number(turn.text) if turn.state.get("notice_choices") else None
    if picked == 1:
        facts.no_notice, facts.notice_minutes = True, None
        _advance(turn, facts)
        return True
    if picked == 2:
        facts.notice_minutes, facts.no_notice = _notice_in_time_minutes(facts, turn.now), False
        _advance(turn, facts)
        return True
    if picked == 3:
        from handlers import agent

        turn.finish()
        agent.start(turn, understood)
        return True
    if facts.standard == PLANNED:
        # Asked again after the restoration was counted: read as that question's answer is
        # (`tell_notice`: "٥ ساعات" is the notice's lead, never the outage's length).
        if facts.tell_notice(turn.text, turn.now):
            _advance(turn, facts)
            return True
        changed = False
    else:
        changed = facts.read(turn.text, turn.now, "notice")
    if changed and facts.missing(turn.now) != "notice":
        _advance(turn, facts)
        return True
    after_start = _notice_after_start(facts)
    if after_start is None and not changed and _moved_on(understood):
        return False
    return _ask_notice_again(turn, facts, after_start)


def _ask_notice_again(turn: Turn, facts: Facts, after_start: datetime | None = None) -> bool:
    """When the notice came, asked again another way: with choices (no notice before it; two
    days or more; a person), and how to write a lead under two days ("قبله بيوم")."""
    tries = int(turn.state.get("tries", 0)) + 1
    if tries >= MAX_TRIES:
        return _retry(turn, "")
    _ = turn.tr._
    if turn.state.get("notice_choices"):
        facts.notice_at = None
        lead = _("Please choose one of these, or ask for a person.")
    elif after_start is not None:
        facts.notice_at = None  # not a notice before it: asked again, never kept
        lead = _(
            "The outage began {start}, and a notice after that is not one before it.",
            start=turn.tr.datetime(after_start, now=turn.now),
        )
    else:
        lead = _("Sorry, I did not catch when the notice came.")
    turn.begin(
        "compensation",
        stage="ask",
        asked="notice",
        facts=facts.dump(),
        tries=tries,
        notice_choices=True,
    )
    turn.say(
        lead
        + " "
        + _("Did a notice reach you before the planned outage?")
        + " "
        + _('If it came less than two days before, write how long before, e.g. "a day before".'),
        [
            Choice("1", _("No notice before it")),
            Choice("2", _("Yes, two days or more before")),
            Choice("3", _("Talk to a person")),
        ],
    )
    return True


def _notice_after_start(facts: Facts) -> datetime | None:
    """The outage's start when the notice told came at or after it."""
    notice, start = facts.notice_at, facts.start_at()
    if not notice or len(notice) == 10 or start is None:
        return None
    at = datetime.fromisoformat(notice)
    at = at if at.tzinfo else at.replace(tzinfo=RIYADH)
    return start if at >= start else None


def _paid_at_all_step(turn: Turn, understood: Understanding, facts: Facts) -> bool:
    """The answer to "so you have not paid the bill?": not paid, the case is the cut itself (a
    disconnection, read from the message that said so); paid, when is asked. The question is a
    negative one: "yes" and "لا"/"no" both agree with it (not paid); only choice 2 ("I paid")
    or a payment's time says paid."""
    word, picked = control_word(turn.text), choice_number(turn.text)
    if picked == 1 or word in ("yes", "no") or mentions(turn.text, "not_paid"):
        told = str(turn.state.get("told") or "")
        cut = Facts(standard=UNLAWFUL, damage=facts.damage)
        cut.read(told, turn.now)
        cut.read(turn.text, turn.now)
        _advance(turn, cut)
        return True
    if picked == 2:
        _ask(turn, facts, "paid_time")
        return True
    if facts.read(turn.text, turn.now, "paid_time"):  # "سددت الساعة ٢": the payment's time
        _advance(turn, facts)
        return True
    if _moved_on(understood):
        return False
    return _retry(turn, _question(turn, facts, "paid_at_all"), _choices(turn, "paid_at_all"))


def _part_hour_step(turn: Turn, understood: Understanding, facts: Facts, asked: str) -> bool:
    """The answer to "about what time? around 3:15 pm?", asked when only a part of the day was
    said ("بعد الظهر"): "1"/"yes" takes the hour offered, an hour written ("٣", "٣ ونص",
    "الساعة ٤ العصر") is taken on the same day, nearest the part said when it could be either
    morning or evening ("٣" after "بعد الظهر" is 3 pm)."""
    is_start = asked == "start_hour"
    moved = facts.moves_to_day_told(turn.text, turn.now)
    if moved is not None:  # "لا قصدي اول امس": the day put right, said back, the hour still asked
        turn.say(turn.tr._("All right, {day}.", day=day_words(turn, moved)))
        _ask(turn, facts, asked)
        return True
    offered = facts.start_at() if is_start else facts.end_at()
    assert offered is not None
    unoffered = facts.start_unoffered if is_start else facts.end_unoffered
    if unoffered and mentions(turn.text, "dont_know"):
        # "من بدري": no hour was offered, so none can be kept as a guess.
        return _retry(turn, _no_hour_text(turn, facts, asked))
    if unoffered and (choice_number(turn.text) == 1 or control_word(turn.text) == "yes"):
        return _retry(turn, _question(turn, facts, asked))  # no hour offered to agree to
    if choice_number(turn.text) == 1 or control_word(turn.text) == "yes":
        at = offered
    elif mentions(turn.text, "dont_know"):
        # No hour known: the usual one stays a guess, said back before any money (the path a
        # guessed hour has always taken), never asked again and again.
        facts.start_about = facts.start_about or (is_start and facts.start_part)
        facts.end_about = facts.end_about or (not is_start and facts.end_part)
        facts.start_part = facts.start_part and not is_start
        facts.end_part = facts.end_part and is_start
        facts.start_unoffered = facts.start_unoffered and not is_start
        facts.start_day_open = facts.start_day_open and not is_start
        facts.end_unoffered = facts.end_unoffered and is_start
        _advance(turn, facts)
        return True
    else:
        reading = read_times(turn.text, turn.now)
        if (
            reading.start is not None
            and reading.end is not None
            and facts.read(turn.text, turn.now)
        ):
            # "٣ العصر امس ورجعت ٦ المغرب": the whole range answered, its end never asked again.
            facts.confirmed = False
            _advance(turn, facts)
            return True
        if is_start and reading.start is None and reading.end is not None:
            # "رجعت المغرب" to "about what time did it go off?": the end, kept; the start's
            # hour is still asked.
            facts.read(turn.text, turn.now, "end")
            _advance(turn, facts)
            return True
        said = reading.start or reading.end
        if said is None or said.clock is None or said.day_part:
            said = read_answer_hour(turn.text, turn.now)
        part = reading.start or reading.end
        if (said is None or said.clock is None or said.day_part) and _part_told(part):
            # "امس العصر", "بعد العشا" to "about what time?": the part and its day are read,
            # its usual hour said back as a guess to confirm (never the same question again).
            assert part is not None and part.at is not None
            _take_part_as_guess(facts, part, is_start)
            _advance(turn, facts)
            return True
        if said is None or said.clock is None or said.day_part:
            if _moved_on(understood):
                return False
            return _retry(turn, _question(turn, facts, asked), _choices(turn, asked, facts))
        at = _nearest_hour(said, offered)
        if is_start and facts.start_day_open and not said.day_stated:
            # "من العصر" at 15:10, "٣" in answer: today's 15:00, the latest such hour past.
            at = datetime.combine(turn.now.astimezone(RIYADH).date(), at.timetz())
            at -= timedelta(days=1) if at > turn.now else timedelta(0)
    if is_start:
        # The start may still have its day inferred: said back before money as ever.
        facts.start, facts.start_part, facts.start_unoffered = at.isoformat(), False, False
        facts.start_day_open = False
        end = facts.end_at()
        if end is not None and end <= at:
            facts.end = None  # an end before the hour now told is asked again, never kept
    else:
        start = facts.start_at()
        if start is not None and at <= start:
            at += timedelta(days=1)
        # On the start's day, with its hour now the subscriber's, the end is as stated as the
        # start; on another day ("ثاني يوم") that day is still said back.
        same_day = start is not None and at.date() == start.date()
        facts.end, facts.end_part, facts.end_unoffered = at.isoformat(), False, False
        facts.end_inferred = facts.end_inferred and not same_day
    facts.confirmed = False
    _advance(turn, facts)
    return True


def _part_told(part: Moment | None) -> bool:
    """An answer that names a part of the day with its usual hour ("العصر", "بعد العشا")."""
    return part is not None and part.day_part and part.offered and part.clock is not None


def _take_part_as_guess(facts: Facts, part: Moment, is_start: bool) -> None:
    """The part answered kept at its usual hour, on the day it names, as a guess: said back
    before any money (as "ما ادري" leaves the hour offered), never asked again as it was."""
    assert part.at is not None
    if is_start:
        facts.start, facts.start_inferred = part.at.isoformat(), True
        facts.start_part = facts.start_unoffered = facts.start_day_open = False
        end = facts.end_at()
        if end is not None and end <= part.at:
            facts.end = None
    else:
        facts.end, facts.end_inferred = part.at.isoformat(), True
        facts.end_part = facts.end_unoffered = False
    facts.confirmed = False


def _no_hour_text(turn: Turn, facts: Facts, asked: str) -> str:
    """ "ما ادري" to "about what time?" asked with no hour offered: the amount
    depends on the hour, so none is guessed; the question stands."""
    return (
        turn.tr._(
            "No problem. The amount depends on the hour, so I will not guess one: even a rough "
            "hour is enough."
        )
        + " "
        + _question(turn, facts, asked)
    )


def _nearest_hour(said: Moment, offered: datetime) -> datetime:
    """The hour written, on the offered hour's day (or the day it names); an hour that could be
    morning or evening is the one nearer the hour offered for the part of the day said."""
    assert said.clock is not None  # `_part_hour_step` takes only an answer with its hour
    day = said.day if said.day_stated else offered.date()
    at = datetime.combine(day, said.clock, offered.tzinfo)
    if said.guess != "am_pm":
        return at
    other = at + timedelta(hours=12) if at.hour < 12 else at - timedelta(hours=12)
    return min((at, other), key=lambda t: abs(t - offered))


def _paid_late(text: str) -> str | None:
    """ "ما سددت الا الساعة ٢" / "didn't pay until 2pm": not "no payment" but a payment made
    late; what follows the "except/until" word ("الساعة ٢", "2pm") tells when. None when the
    message says nothing like it."""
    if not mentions(text, "not_paid"):
        return None
    normalized = f" {normalize(text)} "
    said = min(at for p in phrase_list("not_paid") if (at := normalized.find(p)) >= 0)
    found = [at for w in phrase_list("paid_late") if (at := normalized.find(f" {w} ", said)) >= 0]
    if not found:
        return None
    at = min(found)
    return normalized[normalized.index(" ", at + 1) :].strip()


def _ongoing_only(facts: Facts) -> bool:
    """All the message told of the case is that it is still going on ("لو ما رجعت", "so far"):
    no time of its own, so it is about the sender's recorded case, if any."""
    return facts.ongoing and not (facts.start or facts.end or facts.duration)


def _reports_first(turn: Turn, facts: Facts) -> bool:
    """An outage going on now, told with its time and no word of compensation ("انقطعت يوم
    السبت الساعة ٨ المسا وللحين ما رجعت، حي الشفا"): a report first, not the calculator's
    question, unless the sender's report of it is open already."""
    if not facts.ongoing or facts.start_at() is None:
        return False
    if facts.standard not in OUTAGE_STANDARDS | {None}:
        return False
    return not mentions(turn.text, "compensation_ask") and not _open_outage(turn)


def _blackout_now(turn: Turn, facts: Facts, has_facts: bool) -> bool:
    """A whole city dark told as it is now, with no time and no word of compensation
    ("الدمام كلها طافية، حي الشاطئ"): a report to file, not the calculator's "when did it start
    and end?" (a blind subscriber test filed nothing)."""
    return (
        facts.standard == TOTAL_BLACKOUT
        and not has_facts
        and not mentions(turn.text, "compensation_ask")
    )


def _stated_outage_start(turn: Turn, facts: Facts) -> datetime | None:
    """When the power went off, for the report the subscriber asks for: only as they stated it
    ("طافية من 4 ساعات") or as they confirmed our reading of it ("من الفجر" said back as 5:00,
    "نعم"), never a guessed hour."""
    if facts.standard not in HOURS_STANDARDS or not facts.ongoing:
        return None
    if facts.inferred and not facts.confirmed:
        return None
    return facts.case(turn.now).start


# -- the flow ------------------------------------------------------------------------------


def _open_kind(turn: Turn, facts: Facts) -> None:
    """ "انقطعت الكهرباء ... كم التعويض": an outage, but a fault or planned work is not said: the
    kind stays to ask. The whole message is read: "..., عطل، كم لي؟" says it in a clause of its
    own; "power cut 9am to 1pm, planned maintenance" is the planned outage."""
    text = turn.message.text or turn.text
    told = kind_told(text)
    if facts.standard == PLANNED and told == EMERGENCY:
        facts.standard = EMERGENCY  # "عطل مو مخطط له": a fault, the planned word denied
    if facts.standard == PLANNED and told is None and (_kind_denied(text) or _fault_said(text)):
        # "ما كان مجدول", "غير مجدول": a planned word denied, or both kinds said: asked.
        facts.standard = EMERGENCY
    if facts.standard == EMERGENCY and told == PLANNED:
        facts.standard = PLANNED
    facts.kind_open = facts.standard == EMERGENCY and told is None


def _advance(turn: Turn, facts: Facts) -> None:
    if facts.standard in (NOTICE, PLANNED) and (
        mentions(turn.text, "tomorrow") or facts.start_day_ahead(turn.now)
    ):
        planned_ahead(turn, facts)  # "بكره", "الخميس الجاي": nothing has happened to count yet
        return
    missing = facts.missing(turn.now)
    if missing is not None:
        _ask(turn, facts, missing)
        return
    start, end = facts.start_at(), facts.end_at()
    if start is not None and start > turn.now:
        facts.start = facts.end = None
        turn.say(turn.tr._("That time has not come yet."))
        _ask(turn, facts, "times" if facts.standard in HOURS_STANDARDS else "start_time")
        return
    if end is not None and end > turn.now:
        facts.end = None
        turn.say(turn.tr._("That time has not come yet."))
        _ask(turn, facts, "end")
        return
    if facts.standard == UNLAWFUL:
        _judge_disconnection(turn, facts)
        return
    if facts.kind_open and _asks_kind(turn, facts):
        return
    if (_needs_confirmation(facts) or _far_fetched(turn, facts)) and not facts.confirmed:
        turn.begin("compensation", stage="confirm", facts=facts.dump(), tries=0)
        _ = turn.tr._
        turn.say(
            _("Before I count: {facts}. Is that right?", facts=_confirmed_text(turn, facts)),
            [Choice("1", _("Yes")), Choice("2", _("No, correct it"))],
        )
        return
    if facts.standard == CONNECTION and facts.network is None and _asks_network(turn, facts):
        return
    if facts.kinds_unknown:
        _both_kinds(turn, facts)
        return
    _answer(turn, facts)


def _kind_amounts(turn: Turn, facts: Facts) -> tuple[Compensation, Compensation] | None:
    """What the engine gives these facts as an emergency outage and as a planned one."""
    now = turn.now.replace(second=0, microsecond=0)
    try:
        return (
            compensation_for(replace(facts, standard=EMERGENCY).case(now)),
            compensation_for(replace(facts, standard=PLANNED).case(now)),
        )
    except CaseError:
        return None


def _asks_kind(turn: Turn, facts: Facts) -> bool:
    """An outage told with no cause, where a fault and planned work earn different amounts
    (domain.md: 3 hours and 50 SAR, or 6 hours and 200 SAR): a planned outage on record for the
    sender's area at that time decides it; otherwise the subscriber is asked. True when asked."""
    if facts.standard not in (EMERGENCY, PLANNED):
        facts.kind_open = False
        return False
    amounts = _kind_amounts(turn, facts)
    if amounts is None or amounts[0].amount_sar == amounts[1].amount_sar:
        # The same either way: nothing to ask now. The question stays open: a correction of the
        # times ("لا غلطت، رجعت ١١ الصبح") can make the kinds differ, and it is asked then.
        return False
    _ = turn.tr._
    if _planned_on_record(turn, facts):
        facts.kind_open, facts.standard = False, PLANNED
        turn.say(_("Our records show a planned outage in your area at that time."))
        return False
    turn.begin("compensation", stage="kind", facts=facts.dump(), tries=0)
    turn.say(_kind_question(turn), _kind_choices(turn))
    return True


def _network_amounts(turn: Turn, facts: Facts) -> tuple[Compensation, Compensation] | None:
    """What the engine gives a connection on the low-voltage network and on the medium one."""
    now = turn.now.replace(second=0, microsecond=0)
    try:
        return (
            compensation_for(replace(facts, network="lv").case(now)),
            compensation_for(replace(facts, network="mv").case(now)),
        )
    except CaseError:
        return None


def _asks_network(turn: Turn, facts: Facts) -> bool:
    """A connection told with no voltage network, whose deadline (and so the amount) it decides
    (domain.md: 20 to 60 business days): asked, never assumed, unless the amount is the same on
    either. True when asked."""
    amounts = _network_amounts(turn, facts)
    if amounts is None or amounts[0].amount_sar == amounts[1].amount_sar:
        return False
    turn.begin("compensation", stage="network", facts=facts.dump(), tries=0)
    turn.say(_network_question(turn), _network_choices(turn))
    return True


def _network_question(turn: Turn) -> str:
    return turn.tr._(
        "The deadline depends on the voltage network of the connection: is it low voltage (most "
        "homes) or medium voltage?"
    )


def _network_choices(turn: Turn) -> list[Choice]:
    _ = turn.tr._
    return [
        Choice("1", _("Low voltage")),
        Choice("2", _("Medium voltage")),
        Choice("3", _("I do not know")),
    ]


def _network_step(turn: Turn, understood: Understanding, facts: Facts) -> bool:
    """The answer to "low or medium voltage?"; "I do not know": both amounts, each the
    engine's, and where the network is written."""
    picked = choice_number(turn.text)
    told = [n for n, phrases in NETWORK_PHRASES.items() if mentions(turn.text, phrases)]
    if picked in (1, 2) or (picked is None and len(told) == 1):
        facts.network = ("lv", "mv")[picked - 1] if picked else told[0]
        _advance(turn, facts)
        return True
    if picked == 3 or mentions(turn.text, "dont_know"):
        _both_networks(turn, facts)
        return True
    if _moved_on(understood):
        return False
    _ = turn.tr._
    return _retry(
        turn,
        _("Please answer 1 for low voltage, 2 for medium voltage, or 3 if you do not know."),
        _network_choices(turn),
    )


def _owed(turn: Turn, compensation: Compensation) -> str:
    """The engine's amount for one reading of a case (both said side by side), or "nothing"."""
    if compensation.amount_sar > 0:
        return riyals(compensation.amount_sar, turn.lang)
    return turn.tr._("nothing")


def _both_networks(turn: Turn, facts: Facts) -> None:
    amounts = _network_amounts(turn, facts)
    if amounts is None:
        _advance(turn, replace(facts, network="lv"))  # no case either way: what is missing
        return
    _ = turn.tr._

    turn.finish()
    turn.say(
        _(
            "It depends on the network. On low voltage (most homes): {low}. On medium voltage: "
            "{medium}. The network is on your connection request; the compensation is paid "
            "automatically, and to check, call {phone}.",
            low=_owed(turn, amounts[0]),
            medium=_owed(turn, amounts[1]),
            phone=SEC_PHONE,
        )
    )


def _kind_question(turn: Turn) -> str:
    return turn.tr._("Was it a sudden fault, or a planned outage (announced, for maintenance)?")


def kind_told(text: str) -> str | None:
    """The outage's kind said in words: EMERGENCY for a fault ("عطل", "sudden"), PLANNED for
    planned work ("صيانة مجدولة", "planned maintenance"); None when neither or both is said.
    A kind said denied ("ما كان مجدول", "not planned") is asked, never taken the other way,
    unless the other kind is said too ("كان انقطاع مبرمج مو عطل": planned). A planned word
    inside a fault's ("unplanned") is not planned work. An appliance burned ("احترق المكيف") is
    the subscriber's damage, no word of the network's fault ("احترق المحول")."""
    text = without(text, "damage_claim")
    said, denied = _kinds_said(text)
    if denied:
        return next(iter(said)) if len(said) == 1 and not said & denied else None
    fault = _fault_said(text)
    planned = mentions_words(text, "outage_planned") or (
        not fault and mentions(text, "outage_planned")
    )
    if fault and not planned:
        return EMERGENCY
    if planned and not fault:
        return PLANNED
    return None


def _fault_said(text: str) -> bool:
    """A fault's word is in the text ("عطل", "تعطلت", "unplanned"), but not one that only has
    its letters: a holiday ("يوم العطلة", "عطلة نهاية الاسبوع") names no fault (not_fault)."""
    return mentions(without(text, "not_fault"), "outage_fault")


def _kind_denied(text: str) -> bool:
    """A word of an outage's kind said denied ("ما كان مجدول", "مو عطل", "not planned")."""
    return bool(_kinds_said(text)[1])


def _kinds_said(text: str) -> tuple[set[str], set[str]]:
    """(the kinds said, the kinds said denied) in the message, word by word: the one reader of
    the kind words for `kind_told`, `_kind_denied` and `_switched_kind`, so a word is never a
    fault to one and nothing to another. A phrase of several words is taken whole first ("غير
    مجدول" is a fault, not "مجدول" planned); a single word is a fault when a fault's word is in
    it ("العطل", "تعطلت", "unplanned"), as `kind_told` reads the whole message, and planned when
    it names planned work ("المبرمج", "صيانة")."""
    said = normalize(text).split()
    negations = set(phrase_list("negation"))
    told: set[str] = set()
    denied: set[str] = set()
    at = 0
    while at < len(said):
        kind, size = _kind_at(said, at)
        if kind is not None:
            (denied if _denied(said, at, negations) else told).add(kind)
        at += size
    return told, denied


def _kind_at(said: list[str], at: int) -> tuple[str | None, int]:
    """The kind the words from `at` say, and how many words say it (1 when none)."""
    for name, kind in (("outage_fault", EMERGENCY), ("outage_planned", PLANNED)):
        for phrase in _phrases_of_words(name):
            size = len(phrase.split())
            if " ".join(said[at : at + size]) == phrase:
                return kind, size
    word = said[at]
    if _fault_said(word):
        return EMERGENCY, 1
    if mentions(word, "outage_planned") or find_standard(word, ended=True) in (PLANNED, NOTICE):
        return PLANNED, 1
    return None, 1


def _phrases_of_words(name: str) -> list[str]:
    """The phrases of `name` of more than one word, the longest first."""
    return sorted(
        (p for p in phrase_list(name) if " " in p), key=lambda p: len(p.split()), reverse=True
    )


def _kind_choices(turn: Turn) -> list[Choice]:
    _ = turn.tr._
    return [
        Choice("1", _("A sudden fault")),
        Choice("2", _("A planned outage")),
        Choice("3", _("I do not know")),
    ]


def _planned_on_record(turn: Turn, facts: Facts) -> bool:
    """A planned outage on record, in the area of an account linked to the sender's phone,
    going on when their outage began."""
    start = facts.start_at()
    if start is None or turn.phone is None:
        return False
    from sqlalchemy import select

    from bot.outages.area import Place, area_key

    try:
        accounts = phone_accounts(turn, turn.phone)
    except Exception:  # billing down: nothing known, the subscriber is asked
        return False
    keys = {
        area_key(Place(a.city, a.district), channel=turn.message.channel, sender="")
        for a in accounts
        if a.district
    }
    if not keys:
        return False
    rows = turn.session.scalars(
        select(Incident).where(
            Incident.planned.is_(True),
            Incident.area_key.in_(keys),
            Incident.status != CANCELLED,
        )
    )
    for incident in rows:
        end = aware(incident.restored_at) if incident.restored_at else turn.now
        if incident.start - timedelta(hours=1) <= start <= end:
            return True
    return False


def _kind_step(turn: Turn, understood: Understanding, facts: Facts) -> bool:
    """The answer to "a sudden fault, or a planned outage?"; "I do not know": both amounts, each
    the engine's, and who can say which it was. A time corrected while the question is open
    ("لا غلطت رجعت الساعة ٢") is kept first: the kind is asked again only if it still decides."""
    picked = choice_number(turn.text)
    corrected = picked is None and facts.read(turn.text, turn.now, "correction")
    told = kind_told(turn.text)
    if told is None and find_standard(turn.text) in (PLANNED, NOTICE):
        told = PLANNED
    if told is None and normalize(turn.text).strip() == "مخطط":
        told = PLANNED  # alone, as an answer, it is planned work, not a neighbourhood
    if picked == 1 or (picked is None and told == EMERGENCY):
        facts.kind_open, facts.standard = False, EMERGENCY
    elif picked == 2 or (picked is None and told == PLANNED):
        facts.kind_open, facts.standard = False, PLANNED
        facts.read(turn.text, turn.now)  # "مخطط له وبلغونا قبل بيوم": its notice, kept
    elif picked == 3 or mentions(turn.text, "dont_know"):
        _both_kinds(turn, facts)
        return True
    elif corrected:
        pass  # the kind still open: `_advance` asks it again where it changes the amount
    elif _asks_amount_again(turn, understood, facts):
        # The question stands, with why: no try counted against them.
        why = turn.tr._("The amount depends on what cut the power.")
        turn.say(f"{why} {_kind_question(turn)}", _kind_choices(turn))
        return True
    elif _moved_on(understood):
        return False
    else:
        _ = turn.tr._
        return _retry(
            turn,
            _(
                "Please answer 1 for a sudden fault, 2 for a planned outage, or 3 if you do "
                "not know."
            ),
            _kind_choices(turn),
        )
    _advance(turn, facts)
    return True


def _both_kinds(turn: Turn, facts: Facts) -> None:
    amounts = _kind_amounts(turn, facts)
    if amounts is None:
        # The facts no longer make a case of either kind (never assumed from the input): the
        # next step asks for what is missing, as for any case.
        facts.kind_open = False
        _advance(turn, facts)
        return
    if (facts.inferred or _far_fetched(turn, facts)) and not facts.confirmed:
        # An hour or day of our reading ("ما ادري" to "about 8:00?"): said back first, and both
        # amounts only once it is confirmed, never counted from a guess as fact. (A length
        # told is counted as told: its day changes neither amount.)
        facts.kind_open, facts.kinds_unknown = False, True
        _advance(turn, facts)
        return
    _ = turn.tr._
    figures = {
        "emergency": _owed(turn, amounts[0]),
        "planned": _planned_with_notice(turn, facts, amounts[1]),
        "phone": SEC_PHONE,
    }
    turn.finish()
    if facts.ongoing:
        turn.say(
            _(
                "So far, with the power still off, it depends on the kind of outage. If it was "
                "a sudden fault: {emergency}. If it was a planned outage: {planned}. Either may "
                "grow until the power is back. The company's record of the outage decides it, "
                "and the compensation is paid automatically; to check, call {phone}.",
                **figures,
            )
        )
        return
    turn.say(
        _(
            "It depends on the kind of outage. If it was a sudden fault: {emergency}. If it was "
            "a planned outage: {planned}. The company's record of the outage decides it, and the "
            "compensation is paid automatically; to check, call {phone}.",
            **figures,
        )
    )


def _planned_with_notice(turn: Turn, facts: Facts, restoration: Compensation) -> str:
    """What a planned outage earns: its late restoration, and its notice (100 when it came less
    than 48 hours before, or never): the notice told is counted in; untold, what it depends on is
    said, never "nothing" for the whole of a planned outage."""
    _ = turn.tr._
    now = turn.now.replace(second=0, microsecond=0)
    planned = replace(facts, standard=PLANNED)
    if facts.no_notice or facts.notice_minutes:
        also = planned.also(now)
        total = restoration.amount_sar + (compensation_for(also).amount_sar if also else 0)
        return riyals(total, turn.lang) if total > 0 else _("nothing")
    rule = rule_for(NOTICE, facts.start_at() or now)
    notice = riyals(rule.first_amount(), turn.lang)
    hours = turn.tr.number(rule.deadline_units() or 0)
    if restoration.amount_sar > 0:
        return _(
            "{restoration} for the late restoration, and {notice} more if the notice reached you "
            "less than {hours} hours before it began, or never came",
            restoration=riyals(restoration.amount_sar, turn.lang),
            notice=notice,
            hours=hours,
        )
    return _(
        "nothing for the restoration, but {notice} if the notice reached you less than {hours} "
        "hours before it began, or never came",
        notice=notice,
        hours=hours,
    )


def planned_ahead(turn: Turn, facts: Facts | None = None) -> None:
    """A planned outage still ahead ("قطع مجدول بكره"): nothing has happened to count yet, but
    a notice that came later than the deadline before it (today, for tomorrow's) is owed the
    engine's amount once it happens. When the message told both the outage's hour and when the
    notice came ("وصلني اشعار الساعة ٥ العصر ان الكهرباء بتنقطع بكرة من ٩ الصبح"), the engine
    counts exactly that notice; nothing is said owed for the restoration, still to come."""
    _ = turn.tr._
    if facts is None:
        facts = Facts(standard=NOTICE)
        facts.read(turn.text, turn.now)
    start = facts.start_at()
    if start is not None and start > turn.now and (facts.notice_minutes or facts.no_notice):
        notice = None if facts.no_notice else start - timedelta(minutes=facts.notice_minutes or 0)
        told = compensation_for(Case(NOTICE, start=start, notice_at=notice))
        rule = told.rule or rule_for(NOTICE, start)
        end = facts.end_at()
        when = (
            _span_text(turn, start, end)
            if end is not None and end > start
            else day_and_time(turn, start)
        )
        figures = {
            "when": when,
            # «قبل ساعتين»، «قبل أسبوع»
            "told": whole_days_or_duration(turn.tr, facts.notice_minutes or 0, governed=True),
            "hours": turn.tr.number(rule.deadline or 0),
            "amount": riyals(told.amount_sar, turn.lang),
            "days": turn.tr.number(rule.pay_within_business_days),
        }
        if facts.no_notice:
            text = _(
                "The planned outage {when} has not happened yet. You were given no notice "
                "(it is due {hours} hours before), so you will be owed {amount} once it takes "
                "place, paid within {days} business days after it.",
                **figures,
            )
        elif told.eligible:
            text = _(
                "The planned outage {when} has not happened yet. Your notice came {told} before "
                "it instead of {hours} hours, so you will be owed {amount} once it takes place, "
                "paid within {days} business days after it.",
                **figures,
            )
        else:
            text = _(
                "The planned outage {when} has not happened yet. Your notice came {told} before "
                "it, at least the {hours} hours due, so nothing is owed for the notice.",
                **figures,
            )
        _say_ahead(turn, text, start)
        return
    if _notice_days_ahead(turn, facts):
        return
    tomorrow = datetime.combine(_day_in_riyadh(turn.now) + timedelta(days=1), time(12), RIYADH)
    compensation = compensation_for(Case(NOTICE, start=tomorrow, notice_at=turn.now))
    rule = compensation.rule or rule_for(NOTICE, turn.now)
    text = _(
        "That planned outage has not happened yet. Notice of a planned outage is due at "
        "least {hours} hours before it starts: if yours came later than that (today, for "
        "an outage tomorrow), you will be owed {amount} once it happens, paid within {days} "
        "business days after it.",
        hours=turn.tr.number(rule.deadline or 0),
        amount=riyals(compensation.amount_sar, turn.lang),
        days=turn.tr.number(rule.pay_within_business_days),
    )
    _say_ahead(turn, text, start or tomorrow)


_WHOLE_DAY = timedelta(days=1, minutes=-1)  # a day's first minute to its last


def _notice_days_ahead(turn: Turn, facts: Facts) -> bool:
    """A planned outage ahead told by its day alone, its notice by when it came ("فيه انقطاع
    مجدول يوم الاحد الجاي وصلتني رسالة اليوم"): when no hour of either can change the engine's
    count (the soonest outage after the latest notice, and the latest after the soonest), that
    count is said: nothing owed for a notice in time, or what a late one earns. True when
    said; otherwise the rule is said as for any planned outage ahead."""
    if not facts.start or "T" in facts.start or not (facts.notice_at or facts.no_notice):
        return False
    day = date.fromisoformat(facts.start)
    first = datetime.combine(day, time(0), RIYADH)
    earliest = latest = None
    if facts.notice_at:
        notice = datetime.fromisoformat(facts.notice_at)
        earliest = latest = notice if notice.tzinfo else notice.replace(tzinfo=RIYADH)
        if "T" not in facts.notice_at:  # a day: any of its hours, up to now
            latest = min(earliest + _WHOLE_DAY, turn.now)
        if latest >= first:
            return False
    soonest = compensation_for(Case(NOTICE, start=first, notice_at=latest))
    longest = compensation_for(Case(NOTICE, start=first + _WHOLE_DAY, notice_at=earliest))
    if soonest.amount_sar != longest.amount_sar:
        return False
    _ = turn.tr._
    rule = soonest.rule or rule_for(NOTICE, first)
    figures = {
        "day": day_words(turn, day),
        "notice": day_words(turn, earliest) if earliest else "",
        "hours": turn.tr.number(rule.deadline or 0),
        "amount": riyals(soonest.amount_sar, turn.lang),
        "days": turn.tr.number(rule.pay_within_business_days),
    }
    if earliest is None:
        text = _(
            "The planned outage on {day} has not happened yet. You were given no notice (it is "
            "due {hours} hours before), so you will be owed {amount} once it takes place, paid "
            "within {days} business days after it.",
            **figures,
        )
    elif soonest.eligible:
        text = _(
            "The planned outage on {day} has not happened yet. Your notice came {notice}, less "
            "than {hours} hours before it, so you will be owed {amount} once it takes place, "
            "paid within {days} business days after it.",
            **figures,
        )
    else:
        text = _(
            "The planned outage on {day} has not happened yet. Your notice came {notice}, at "
            "least {hours} hours before it, so nothing is owed for the notice.",
            **figures,
        )
    _say_ahead(turn, text, first)
    return True


def _say_ahead(turn: Turn, notice_text: str, start: datetime) -> None:
    """What a planned outage still ahead earns for its notice, then that its restoration earns
    nothing yet, and what it earns if it overruns; the flow is over. How long it will last
    ("كم بيطول؟") is not known here: its notice says, or 933."""
    _ = turn.tr._
    restoration = _(
        "Nothing is owed for the restoration yet. {rule} If that happens, tell me then and I "
        "will count it.",
        rule=rule_for(PLANNED, start).summary(turn.lang),
    )
    lines = [notice_text, restoration]
    if mentions_words(turn.text, "ask_when_back"):
        lines.insert(
            0,
            _(
                "I cannot know how long a planned outage will last: its notice usually says when "
                "it starts and ends, and {phone} can tell you more.",
                phone=SEC_PHONE,
            ),
        )
    turn.finish()
    turn.say("\n".join(lines))


def _keep_back_time(turn: Turn, facts: Facts) -> None:
    """The answer to "at what time did the power come back?" asked about a report is kept on
    it as the reporter's end, so their case is closed there and not asked again."""
    report_id, end = turn.state.get("back_of"), facts.end_at()
    if report_id is None or end is None or facts.ongoing:
        return
    report = turn.session.get(OutageReport, report_id)
    if report is not None and report.stated_end is None:
        record_stated_end(turn.session, report, end)


# An hourly case longer than this is said back before it is counted: its amount (thousands of
# riyals) is far beyond any usual case, most likely a time read on the wrong day.
LONGEST_UNASKED = timedelta(days=3)


def _far_fetched(turn: Turn, facts: Facts) -> bool:
    if facts.standard not in HOURS_STANDARDS:
        return False
    start, end = facts.start_at(), facts.end_at()
    return start is not None and (end or turn.now) - start > LONGEST_UNASKED


def _needs_confirmation(facts: Facts) -> bool:
    if facts.inferred:
        return True
    if facts.standard == RECONNECTION and facts.ongoing and facts.told_whole:
        # Paid, and the power still off, told in one message: 100 riyals an hour hang on the
        # payment's time and on the power being off now, both said back before any amount (the
        # hour may be the cut's). Answers to our own questions are the subscriber's already.
        return True
    # A length on a named day: that it ended on that day is our reading.
    return (
        facts.standard in HOURS_STANDARDS | {NOTICE}
        and facts.start_at() is None
        and not facts.ongoing
        and bool(facts.duration)
        and not facts.day_unknown  # no day at all: the length alone, as told
    )


def _confirmed_text(turn: Turn, facts: Facts) -> str:
    """The facts said back before counting; a reconnection names the payment and the power
    still off, the two facts its amount hangs on."""
    start = facts.start_at()
    if facts.standard == RECONNECTION and facts.ongoing and start is not None:
        return turn.tr._(
            "you paid {day} at {time}, and the power is still off now",
            day=day_words(turn, start),
            time=turn.tr.time(start),
        )
    return _facts_text(turn, facts)


def _confirm_step(turn: Turn, understood: Understanding, facts: Facts) -> bool:
    word = control_word(turn.text)
    picked = choice_number(turn.text)
    if word == "yes" or picked == 1:
        facts.confirmed = True
        _advance(turn, facts)  # a disconnection is judged (its reason, 933), not only counted
        return True
    if facts.read(turn.text, turn.now, "correction"):  # the correction itself ("لا، من ٩ الصبح")
        facts.confirmed = not facts.inferred  # their own words now, unless guessed again
        _advance(turn, facts)
        return True
    told = kind_told(turn.text) if facts.standard in (EMERGENCY, PLANNED) else None
    if told is not None and picked is None:
        # "عطل", "fault" at "Before I count: … right?": the outage's kind told, an answer about
        # this case (never a new request); kept, and the facts are said back again to confirm.
        facts.standard, facts.kind_open, facts.kinds_unknown = told, False, False
        facts.read(turn.text, turn.now)  # "مخطط له وبلغونا قبل بيوم": its notice, kept
        _say_kind_noted(turn, told)
        _advance(turn, facts)
        return True
    if word == "no" or picked == 2:
        turn.begin("compensation", stage="ask", asked="correction", facts=facts.dump(), tries=0)
        turn.say(_question(turn, facts, "correction"))
        return True
    if _moved_on(understood):
        return False
    return _retry(turn, turn.tr._("Please answer 1 (yes) or 2 (no)."))


def _say_kind_noted(turn: Turn, told: str) -> None:
    _ = turn.tr._
    turn.say(_("Noted: a sudden fault.") if told == EMERGENCY else _("Noted: a planned outage."))


def _payment_told(turn: Turn, facts: Facts) -> bool:
    """A payment told of an outage whose cause was never said ("رجعت الساعة ٤" then "سددت ١٠
    الصبح ورجعت ٤ العصر"): service cut for non-payment, so the case is the reconnection after
    payment, counted from the payment, never priced as a fault. What was told of the power's
    return is kept; a start told before was the power's going off, not the payment, so it is
    read again from this message (asked when it says none)."""
    text = turn.message.text or turn.text
    if not facts.kind_open or not _says_paid(text):
        return False
    switched = Facts(
        standard=RECONNECTION,
        end=facts.end,
        end_inferred=facts.end_inferred,
        end_part=facts.end_part,
        end_about=facts.end_about,
        end_unoffered=facts.end_unoffered,
        ongoing=facts.ongoing,
        premises=facts.premises,
        damage=facts.damage,
        said=facts.said,
    )
    switched.read(turn.text, turn.now)
    _advance(turn, switched)
    return True


def _says_paid(text: str) -> bool:
    """The message tells a payment made ("سددت", "paid the bill", "sadadt"), not one denied
    ("ما سددت")."""
    if mentions(text, "not_paid"):
        return False
    return mentions_words(text, "paid") or find_standard(text) == RECONNECTION


def _kind_with_answer(turn: Turn, facts: Facts) -> bool:
    """The outage's kind told while a time is asked ("عطل", "الساعة ٨، كان عطل" to "what time
    did it start?"): kept, never asked again nor lost to a new request. A time told with it is
    read as the answer, by the question's own step (False); the kind alone is noted and the
    question asked again (True)."""
    told = kind_told(turn.message.text or turn.text) if facts.kind_open else None
    if told is None or choice_number(turn.text) is not None:
        return False
    facts.standard, facts.kind_open = told, False
    turn.remember(facts=facts.dump())
    reading = read_times(turn.text, turn.now)
    if reading.start or reading.end or reading.ongoing or find_duration_minutes(turn.text):
        return False
    facts.read(turn.text, turn.now)  # "مخطط له وبلغونا قبل بيوم": its notice, kept
    _say_kind_noted(turn, told)
    _advance(turn, facts)
    return True


def _answer(turn: Turn, facts: Facts) -> None:
    # Counted to the minute the message came: the facts are stated to the minute, and a few
    # seconds past the hour must not begin another hour "so far".
    now = turn.now.replace(second=0, microsecond=0)
    try:
        compensation = compensation_for(facts.case(now))
    except CaseError:
        facts.start = facts.end = None
        _ask(turn, facts, "times")
        return
    _keep_back_time(turn, facts)
    _ = turn.tr._
    if facts.standard == NOTICE and facts.ongoing and facts.start_at() is not None:
        # A planned outage still going on: its restoration so far, with the notice (`also`),
        # never the notice's flat amount alone said as "so far".
        facts = replace(facts, standard=PLANNED)
        compensation = compensation_for(facts.case(now))
    blackout = None
    told = facts  # a supposed city-wide outage stays one for the next length supposed
    if facts.standard == TOTAL_BLACKOUT:
        # A whole city dark is the subscriber's word here, not a confirmed event: their own
        # outage is counted as the emergency outage it is; the blackout figure is said as what
        # applies only once the company confirms it.
        blackout = compensation
        facts = replace(facts, standard="emergency_outage")
        compensation = compensation_for(facts.case(now))
    lines = [_heading(turn, facts)]
    if facts.ongoing:
        lines.append(_so_far_text(turn, facts, compensation))
        if facts.standard == RECONNECTION and compensation.eligible:
            # Paid, still cut, and past the deadline: the money is not what they need first.
            lines.append(_reconnect_now_line(turn))
    elif facts.standard in HOURS_STANDARDS and facts.start_at() is None:
        if facts.day_unknown:
            lines += _length_alone_lines(turn, facts, compensation)
        else:
            lines.append(_length_result_text(turn, compensation))
    elif facts.standard == NOTICE and facts.start_at() is None:
        # Its day alone was told: the engine's case puts it at noon, an hour nobody said, so
        # no deadline hour is quoted; the notice's lead and the amount are the facts.
        lines.append(_length_result_text(turn, compensation))
    else:
        lines.append(_result_text(turn, compensation))
    on_record = _small_arrears_on_record(turn, facts)
    also = facts.also(now)
    if facts.ongoing and (also is None or also.standard not in (NOTICE, UNLAWFUL)):
        # A late notice or an unlawful cut is settled once it happened; the rest is not yet.
        also = None
    asked = None  # what the answer asks, when it asks anything
    if also is not None:
        # Never only one standard silently: the second is quoted by its own rule, then the sum.
        second = compensation_for(also)
        if also.standard == UNLAWFUL:
            lines += ["", _("The disconnection itself falls under another standard:")]
            lines += on_record
            if reason := facts.cut_reason():
                lines.append(_why_unlawful(turn, reason))
        else:
            lines += ["", _("The same outage also falls under another standard:")]
        # One pay-by date for both: said once, with where to call, under the first (an
        # outage still going on has none said yet: it is paid once it ends).
        said = compensation.eligible and not facts.ongoing and second.pay_by == compensation.pay_by
        if facts.day_unknown:
            # No day: no pay-by date for either, the second's lead and amount alone.
            lines += [
                standard_line(second.standard, turn.lang),
                *_result_lines(turn, second, amount_line=False),
                _("For it: {amount}.", amount=riyals(second.amount_sar, turn.lang)),
            ]
        else:
            lines += [
                _length_result_text(turn, second, said)
                if facts.start_at() is None
                else _result_text(turn, second, pay_by_said=said),
            ]
        if compensation.eligible and second.eligible and facts.supposed:
            total = compensation.amount_sar + second.amount_sar
            lines.append(
                _(
                    "Both apply: such an outage is owed {amount} in all.",
                    amount=riyals(total, turn.lang),
                )
            )
        elif compensation.eligible and second.eligible and facts.ongoing:
            total = compensation.amount_sar + second.amount_sar
            lines.append(_("In all so far: {amount}.", amount=riyals(total, turn.lang)))
        elif compensation.eligible and second.eligible:
            total = compensation.amount_sar + second.amount_sar
            lines.append(
                _("Both apply, so you are owed {amount} in all.", amount=riyals(total, turn.lang))
            )
    elif facts.standard == PLANNED and not facts.ongoing and _notice_untold(facts, now):
        # Planned work is owed its notice too when it came late or never: what that earns is
        # said, and asked, never left out as if a planned outage earned its restoration alone.
        # Its amount is counted once the notice is told, never quoted beside this case's.
        rule = rule_for(NOTICE, facts.start_at() or now)
        lines += [
            "",
            _(
                "A planned outage is also owed compensation for its notice when the notice "
                "reached you less than {hours} hours before it began, or never came. When did "
                "the notice reach you?",
                hours=turn.tr.number(rule.deadline_units() or 0),
            ),
        ]
        asked = "notice"
    elif facts.standard == NOTICE and _restoration_unasked(facts, now):
        # "قطعوا الكهرباء امس عشان صيانة وما بلغونا": planned work back late is owed too, so
        # how long it lasted is asked, never left out nor counted from an hour of ours.
        lines += [
            "",
            _(
                "Planned work is also owed compensation when the power is not back within "
                "{hours} hours of its start. When did it start, and when did the power come "
                "back?",
                hours=turn.tr.number(rule_for(PLANNED, now).deadline or 0),
            ),
        ]
        asked = "restoration"
    elif facts.standard == RECONNECTION and not facts.cut_at and (reason := facts.cut_reason()):
        # The cut was unlawful whatever its hour ("فاتورتين ٨٠٠ ريال": small arrears), but its
        # day, which the engine counts from, was not told: asked, never a figure of our own.
        lines += [
            "",
            *on_record,
            _why_unlawful(turn, reason),
            _(
                "So the disconnection itself is owed compensation too: tell me the day and hour "
                "the power was cut, and I will count it."
            ),
        ]
        asked = "cut_time"
    elif facts.standard == RECONNECTION and facts.cut_day_matters():
        lines += [
            "",
            _(
                "You did not say which day the power was cut, so the disconnection itself is "
                "not counted: if it was cut on a Friday, a Saturday or a holiday, tell me the day."
            ),
        ]
    if blackout is not None:
        lines += ["", _blackout_text(turn, blackout, facts.supposed)]
    if facts.standard == CONNECTION and facts.network is None:
        rule = rule_for(CONNECTION, turn.now)
        lines.append(
            _(
                "I counted a low-voltage connection ({days} business days). If yours is "
                "medium or high voltage, tell me and I will count again.",
                days=turn.tr.number(rule.deadline_units("lv") or 0),
            )
        )
    if facts.damage:
        lines.append(damage_claim_text(turn))
    if facts.ongoing and facts.standard in OUTAGE_STANDARDS:
        open_report = _open_outage(turn)
        if open_report:  # reported already: its status, not a second report
            ref = open_report[0][0].reference
            turn.begin("compensation", stage="offer", facts=facts.dump(), status=True)
            lines.append(_('Shall I show the status of your report {ref}? Send "yes".', ref=ref))
            turn.say("\n".join(lines), offered_in_words(_("Status of my report {ref}", ref=ref)))
            return
        turn.begin("compensation", stage="offer", facts=facts.dump())
        lines.append(_('Shall I report the outage now? Send "yes".'))
        turn.say("\n".join(lines), offered_in_words(_("Report the outage now")))
        return
    if facts.ongoing and facts.standard in DAYS_STANDARDS and turn.phone is not None:
        turn.begin("compensation", stage="note", facts=facts.dump())
        lines.append(_('Shall I note this request, to follow it up? Send "yes".'))
        turn.say("\n".join(lines), offered_in_words(_("Note this request, to follow it up")))
        return
    if facts.standard == CONNECTION and facts.network is None:
        turn.begin("compensation", stage="voltage", facts=facts.dump())  # its correction next
        turn.say("\n".join(lines))
        return
    # The case stays the one talked of: a correction next ("لا غلطت، رجعت ٢ الفجر") counts it
    # again, "ليش كثير؟" is explained (`_answered_step`); anything else is a new message.
    kept = told if facts.supposed else facts
    turn.begin("compensation", stage=ANSWERED, facts=kept.dump(), asked=asked)
    turn.say("\n".join(lines))


def _heading(turn: Turn, facts: Facts) -> str:
    """The answer's first line: the facts counted; an outage's length with no day at all names
    its case in the same line ("الانقطاع الطارئ، مدته 8 ساعات، دون تحديد يومه:")."""
    _ = turn.tr._
    if not facts.day_unknown or facts.ongoing or facts.start_at() is not None:
        return _("Counting {facts}:", facts=_facts_text(turn, facts))
    name = standard_name(facts.standard or EMERGENCY, turn.lang)
    length = whole_days_or_duration(turn.tr, facts.duration or 0)  # «يومين», as told
    if facts.supposed and facts.standard == RECONNECTION:
        # «لو رجعت الكهرباء بعد ٤ ساعات من السداد»: counted from the payment
        lasting = whole_days_or_duration(turn.tr, facts.duration or 0, governed=True)
        return _(
            "If the power comes back {length} after you pay ({name}):", length=lasting, name=name
        )
    if facts.supposed:
        # The time the outage lasts, after its verb: «لو استمر الانقطاع ساعتين».
        lasting = whole_days_or_duration(turn.tr, facts.duration or 0, governed=True)
        return _("If an outage lasts {length} ({name}):", length=lasting, name=name)
    return _("{name}, {length} in all, its day not given:", name=name, length=length)


def _length_alone_lines(turn: Turn, facts: Facts, compensation: Compensation) -> list[str]:
    """The engine's count of a length with no day (`_heading` named its case): how late and the
    amount; the date it is paid by counts from the day, untold, so it is not said."""
    _ = turn.tr._
    if not compensation.eligible:
        return _result_lines(turn, compensation)
    late = _result_lines(turn, compensation, amount_line=False)
    amount = riyals(compensation.amount_sar, turn.lang)
    if facts.supposed and (_open_outage(turn) or facts.also(turn.now) is not None):
        # Theirs counted as it ends; or a second standard and the sum still to say.
        owed = _("Such an outage is owed {amount}.", amount=amount)
    elif facts.supposed and facts.standard == RECONNECTION:
        owed = _(
            "Such a case is owed {amount}. If you had one, tell me when you paid and when the "
            "power came back, and I will count it.",
            amount=amount,
        )
    elif facts.supposed:
        owed = _(
            "Such an outage is owed {amount}. If you had one, tell me its day and times and I "
            "will count it.",
            amount=amount,
        )
    else:
        owed = _(
            "You are owed {amount}. Without the day it happened, I cannot tell you the date by "
            "which it must be paid.",
            amount=amount,
        )
    return [*late, owed]


def _restoration_unasked(facts: Facts, now: datetime) -> bool:
    """A planned outage's notice counted from its day alone, begun before today, with nothing
    told of how long it lasted: whether its restoration was late is still to ask."""
    if facts.ongoing or facts.end or facts.duration or not facts.start or "T" in facts.start:
        return False
    return date.fromisoformat(facts.start) < _day_in_riyadh(now)


def _restoration_told(turn: Turn, facts: Facts) -> Facts | None:
    """The answer to "when did it start, and when did the power come back?" after a planned
    outage's notice was counted from its day: the same outage as a planned restoration, its
    notice kept (`Facts.also` counts it beside), or None when the message told no time."""
    restoration = replace(facts, standard=PLANNED, confirmed=False)
    if not restoration.read(turn.text, turn.now, "start_time"):
        return None
    return restoration


def _notice_untold(facts: Facts, now: datetime) -> bool:
    """A planned outage begun, whose notice was not told (neither when it came nor that none
    came), where a late notice would be owed."""
    start = facts.start_at()
    if facts.notice_minutes or facts.no_notice or facts.notice_at:
        return False
    if start is not None and start > now:
        return False
    return rule_for(NOTICE, start or now).first_amount() > 0


def _answered_step(turn: Turn, understood: Understanding, facts: Facts) -> bool:
    """A message right after the answer, about the same case: a correction of its times
    ("لا غلطت، رجعت ٢ الفجر مو ١٢", "لا قصدي امس مو اليوم") is counted again. A message naming
    another case, asking for something else, or telling an outage still going on is new."""
    if _asks_why_counted(turn):
        _explain(turn, facts)  # "ليش هيك كتير؟": how it was counted
        return True
    if _supposed_again(turn, facts):
        return True
    if turn.state.get("asked") == "cut_time" and facts.tell_cut(turn.text, turn.now):
        _advance(turn, facts)  # the reconnection and the unlawful cut, each counted
        return True
    if turn.state.get("asked") == "notice" and facts.tell_notice(turn.text, turn.now):
        _advance(turn, facts)  # the restoration and the notice, each counted, one total
        return True
    if turn.state.get("asked") == "restoration" and (told := _restoration_told(turn, facts)):
        _advance(turn, told)  # the late restoration and the notice, each counted, one total
        return True
    if turn.state.get("asked") == "notice" and _answers_notice(turn, facts):
        # "السبت" answering "when did the notice reach you?": that answer, not yet enough to
        # count, never a correction of the outage's own day.
        return _ask_notice_again(turn, facts)
    if mentions(turn.text, "time_before"):
        _time_before(turn, facts)  # "والمرة اللي قبلها؟": that one's times, not a new report
        return True
    if facts.standard == UNLAWFUL and _tells_arrears(turn.text):
        _arrears_told(turn, facts)  # "علي ٣ شهور": a fact of this cut, not a bill request
        return True
    if (kind := _switched_kind(turn.text, facts)) is not None:
        facts.standard, facts.kind_open = kind, False  # the times kept, counted as the other
        facts.read(turn.text, turn.now)  # "وبلغونا قبل بيوم": its notice, told with the kind
        _advance(turn, facts)
        return True
    if _asks_amount_again(turn, understood, facts):
        _answer(turn, facts)  # "كم التعويض؟" once more: the same answer, never a new case
        return True
    if _asks_for_premise(turn, facts):
        return True
    if takes_end_correction(turn, facts):
        return True
    reading = read_times(turn.text, turn.now)
    named = find_standard(turn.text)
    if named is not None and named != facts.standard:
        return False
    if understood.intent in _NOT_A_CORRECTION and understood.confidence >= CORRECTION_SURE:
        return False
    if reading.ongoing or reading.start is None and reading.end is None:
        return False
    day_only = reading.start is not None and reading.start.clock is None and reading.end is None
    if not day_only and not corrects(turn.text):
        # A whole new range, a start with its hour ("انقطعت اليوم الساعة ٥") or an end alone
        # ("الكهرباء رجعت الساعة ٣") is another case, unless said as a correction.
        return False
    if not facts.read(turn.text, turn.now, "correction"):
        return False
    _advance(turn, facts)
    return True


def _supposed_again(turn: Turn, facts: Facts) -> bool:
    """Another length after a supposed case was answered ("طيب ولو ١٠ ساعات؟", or "١٠ ساعات"
    answering how long supposed planned work lasted): the same case supposed for that length,
    its kind and notice kept, never a day asked. True when answered."""
    if not facts.supposed:
        return False
    text = turn.message.text or turn.text
    kind = find_standard(text) or kind_told(text)
    minutes = supposed_length(text)
    if kind not in (None, facts.standard):
        lengths = (EMERGENCY, PLANNED, TOTAL_BLACKOUT)  # cases a length alone counts
        if kind not in lengths or facts.standard not in lengths or not supposes(text):
            return False  # another case named, counted afresh
        if not (minutes or facts.duration):
            return False
        # "ولو كان انقطاع مجدول؟": the same length supposed, as that kind of outage.
        facts = replace(facts, standard=kind, no_notice=False, notice_minutes=None)
        minutes = minutes or facts.duration
    if not minutes and turn.state.get("asked") == "supposed_length":
        minutes = find_duration_minutes(text)
    if not minutes and facts.duration and facts.duration % (24 * 60):
        # "طيب ولو ١٠؟", "and 10?" right after a length in hours: 10 hours (never a day count
        # guessed in hours; "لو انقطعت يومين" then "ولو ٣" falls through).
        number = bare_number(text)
        minutes = number * 60 if number else None
    if not minutes:
        return False
    start = read_times(text, turn.now).start
    if start is not None and start.day_stated:
        return False  # "امس ١٠ ساعات": one that happened, with its day
    _answer(turn, replace(facts, duration=minutes, confirmed=False))
    return True


def _asks_amount_again(turn: Turn, understood: Understanding, facts: Facts) -> bool:
    """ "كم التعويض؟", "how much compensation?" with nothing new told: the amount of the case
    talked of asked again (no fact of a case, no other standard, no report named). "تعويض"
    alone, asking no amount, is the request for compensation afresh (its list of cases)."""
    if understood.intent != "compensation" or not mentions(turn.text, "compensation_ask"):
        return False
    if not mentions_words(turn.text, "how_much"):
        return False
    if find_standard(turn.text) not in (None, facts.standard) or _report_named(turn.text):
        return False
    return not Facts().read(turn.text, turn.now)


def _asks_for_premise(turn: Turn, facts: Facts) -> bool:
    """ "how much for the shop?", «وكم للمحل؟» right after an amount (read as the shop's bill):
    the same case at that premise of the sender's, each account owed its own; its amount is the
    engine's for the same times, said as such (its own times may differ: asked to be told). A
    bill named, or a time told, is not this question. True when answered."""
    text = turn.text
    if not mentions_words(text, "how_much") or mentions(text, "bill_word"):
        return False
    if facts.standard not in HOURS_STANDARDS or facts.ongoing or Facts().read(text, turn.now):
        return False  # (a case still going on is counted so far, by its own follow-ups)
    premise = _premise_asked(turn)
    now = turn.now.replace(second=0, microsecond=0)
    if premise is None or facts.also(now) is not None:
        return False  # a second standard's amount (a notice, a cut) is the answer's own
    try:
        owed = compensation_for(facts.case(now))
    except CaseError:
        return False
    turn.say(
        turn.tr._(
            "If the power was off at {place} at the same times, that account is owed its own "
            "compensation too: {amount}. If its times were different, tell me them and I will "
            "count it.",
            place=premise_shown(turn, premise),
            amount=_owed(turn, owed),
        )
    )
    return True


def takes_end_correction(turn: Turn, facts: Facts) -> bool:
    """The restore time corrected right after an answer ("لا رجعت الساعة ٦ مو ٤", "actually it
    came back at 6"): the end moved, the engine asked again, the new amount quoted. The hour
    written is read against the end just counted (6 after a 4 pm end is 6 pm), so it is the
    subscriber's own, never said back as a guess; only an end within 24 hours of the one
    counted, after the start, is this case's (a farther one is another case). True when taken."""
    start, counted = facts.start_at(), facts.end_at()
    if facts.standard not in HOURS_STANDARDS or start is None or counted is None:
        return False
    # Planned work: the end told with its window may be the plan, so a restore time told
    # after the answer is the power's, the confirmed start kept (domain.md, planned outages).
    end = corrected_end(turn.text, turn.now, counted, start, alone=facts.standard == PLANNED)
    if end is None:
        return False
    facts.end, facts.duration = end.isoformat(), None
    facts.end_inferred = facts.end_part = facts.end_unoffered = facts.end_about = False
    _advance(turn, facts)
    return True


def _answers_notice(turn: Turn, facts: Facts) -> bool:
    """A message answering "when did the notice reach you?" with a day or an hour that is not
    enough to count it ("السبت", for a Monday outage): no correction said, no other case named,
    and a time in it."""
    if corrects(turn.text) or find_standard(turn.text) not in (None, facts.standard, NOTICE):
        return False
    reading = read_times(turn.text, turn.now)
    return not reading.ongoing and (
        reading.notice is not None or reading.start is not None and reading.end is None
    )


def _time_before(turn: Turn, facts: Facts) -> None:
    """ "والمرة اللي قبلها؟" after an answer: an earlier case of the same kind, counted on its
    own; its times are asked (nothing of the case just counted is carried over to it)."""
    earlier = Facts(standard=facts.standard, kind_open=facts.kind_open)
    turn.say(turn.tr._("The time before is counted on its own."))
    _ask(turn, earlier, earlier.missing(turn.now) or "times")


def _tells_arrears(text: str) -> bool:
    """The message says how much is owed ("علي ٣ شهور", "متأخرات ٥ الاف", "I owe 3 months")."""
    return stated_arrears(text) != (None, None)


def _arrears_told(turn: Turn, facts: Facts) -> None:
    """Arrears told after a disconnection was judged: where the time alone made the cut
    prohibited, no debt changes that (said, with the same answer); otherwise it is judged
    again with them (enough arrears rule out "little was owed")."""
    facts.cut_for_bills = True
    facts.read(turn.text, turn.now)
    if facts.unlawful_reason() in PROHIBITED_TIME:  # its time alone made it unlawful
        turn.say(turn.tr._("Arrears do not change this: no disconnection is allowed at that time."))
    facts.confirmed = True  # the time was said back or stated before this answer
    _judge_disconnection(turn, facts)


def _switched_kind(text: str, facts: Facts) -> str | None:
    """The other kind of outage, said as a correction of the one counted ("لا غلطت، كان انقطاع
    مبرمج مو عطل" after a fault): a planned outage for a fault or the reverse; None when the
    message says no such thing. A kind said denied ("مو عطل", "ما كان عطل") is not the kind.
    Where the kind was never told (`kind_open`: counted as a fault, the amount the same either
    way), the kind said next needs no "لا غلطت" to be taken ("كان انقطاع مخطط له وبلغونا قبل
    بيوم": its notice is owed too). The kind counted, said denied beside the other ("طلع
    انقطاع مبرمج للصيانه مو عطل"), is a correction by itself."""
    if facts.standard not in (EMERGENCY, PLANNED):
        return None
    kinds, denied = _kinds_said(text)
    if len(kinds) != 1 or facts.standard in kinds:
        return None
    if not (corrects(text) or facts.kind_open or facts.standard in denied):
        return None
    return kinds.pop()


def _denied(said: list[str], at: int, negations: set[str]) -> bool:
    """The word at `at` is said denied: a negation right before it, or before "كان" ("مو عطل",
    "ما كان عطل", "not planned")."""
    before = [word.removeprefix("و") for word in said[max(0, at - 2) : at]]  # "وما كان"
    if not before:
        return False
    return before[-1] in negations or before == [before[0], "كان"] and before[0] in negations


def _asks_why_counted(turn: Turn) -> bool:
    """The message asks why the amount is what it is ("ليش هيك كتير؟"), the one rule for an
    explanation of the counting: a why with no time of its own and not about the power still
    off ("ليش ما رجعت؟" asks for the status, not the counting)."""
    if not mentions_at_word_start(turn.text, "ask_why") or mentions(turn.text, "ask_why_off"):
        return False  # "ليش انقطعت؟": why the power went off, the outage's status answers it
    reading = read_times(turn.text, turn.now)
    return reading.start is None and reading.end is None and not reading.ongoing


def _another_request(understood: Understanding, text: str) -> bool:
    """A why that asks about something else, read confidently. A bill's why names the bill:
    the corpus's bill complaints end in "ليش كذا؟", so a bare one after an amount reads as a
    bill to the model while it asks about that amount."""
    if understood.intent in ("unknown", "compensation") or understood.confidence < 0.7:
        return False
    return understood.intent != "bill" or mentions(text, "bill_word")


def _reconnect_now_line(turn: Turn) -> str:
    from handlers.agent import EMERGENCY as CALL_CENTRE

    return turn.tr._(
        "The power should be back by now: call {number} (free) and they will reconnect it.",
        number=CALL_CENTRE,
    )


def _so_far_followup(turn: Turn, understood: Understanding, facts: Facts) -> bool:
    """A message about the case just counted "so far": "ليش هيك كتير؟" is explained; "كم
    التعويض لو ما رجعت؟" (still going on, no time of its own) and "كم التعويض؟" again are
    counted again to now; an end told counts the case to it."""
    if _asks_why_counted(turn):
        _explain(turn, facts)
        return True
    if _asks_amount_again(turn, understood, facts):
        _answer(turn, facts)
        return True
    if mentions(turn.text, "time_before"):
        _time_before(turn, facts)
        return True
    asked = Facts(standard=facts.standard)
    if (
        asked.read(turn.text, turn.now)
        and _ongoing_only(asked)
        and find_standard(turn.text)
        in (
            None,
            facts.standard,
        )
    ):
        _answer(turn, facts)
        return True
    return _takes_end(turn, facts)


def explains_open_report(turn: Turn, understood: Understanding) -> bool:
    """ "ليش هيك كتير؟" right after the amount the sender's open outage report has earned so far
    (its acknowledgement, the records): how it was counted. True when answered."""
    if turn.flow is not None or not _asks_why_counted(turn):
        return False
    if named_reference(turn.text) is not None:
        return False  # "OUT-000012 وش صار عليه": that report's status, not the counting
    if _another_request(understood, turn.text):
        return False
    if not _quoted_money(turn):
        return False
    found = _open_outage(turn)
    if not found:
        return False
    report, incident = found[0]
    if start_asked(report) or incident.force_majeure:
        return False
    start = report.start_in(incident)
    standard = restoration_standard(incident)
    _explain(turn, Facts(standard=standard, start=start.isoformat(), ongoing=True))
    return True


def _quoted_money(turn: Turn) -> bool:
    """The last answer quoted an amount of riyals."""
    marks = {riyals(2, lang).split()[-1] for lang in ("ar", "en")} | {"ريال", "SAR"}
    texts = [str(reply.get("text", "")) for reply in turn.contact.last_replies or []]
    return any(mark in text for text in texts for mark in marks)


def _takes_end(turn: Turn, facts: Facts) -> bool:
    """An end told right after an answer "so far" ("ورجعت الساعة ٨ بالليل"): the same case,
    ended there, counted again."""
    reading = read_times(turn.text, turn.now)
    if reading.end is None or reading.start is not None or reading.ongoing:
        return False
    if not facts.read(turn.text, turn.now, "end") or facts.ongoing:
        return False
    _advance(turn, facts)
    return True


def _explain(turn: Turn, facts: Facts) -> None:
    """How the amount just given was counted: the standard's rule, then each part of it; and
    so for the second standard the answer quoted (a reconnection's cut at a prohibited time),
    then the sum, as the answer gave them (`_answer`)."""
    _ = turn.tr._
    now = turn.now.replace(second=0, microsecond=0)
    compensation = compensation_for(facts.case(now))
    lines = [_("How I counted it:"), *_counted_lines(turn, facts, compensation)]
    also = None if facts.ongoing else facts.also(now)
    if also is not None:
        second = compensation_for(also)
        if also.standard == UNLAWFUL:
            lines += ["", _("The disconnection itself falls under another standard:")]
            if reason := facts.cut_reason():
                lines.append(_(PROHIBITED_TIME[reason]))
        else:
            lines += ["", _("The same outage also falls under another standard:")]
        lines += _counted_lines(turn, facts, second)
        if compensation.eligible and second.eligible:
            total = compensation.amount_sar + second.amount_sar
            lines.append(
                _("Both apply, so you are owed {amount} in all.", amount=riyals(total, turn.lang))
            )
    lines.append(_("If a time I counted is wrong, just tell me the right one."))
    turn.intent = "compensation"
    turn.say("\n".join(lines))


def _counted_lines(turn: Turn, facts: Facts, compensation: Compensation) -> list[str]:
    """One standard's rule, each part of its amount, and its total when one is owed."""
    _ = turn.tr._
    rule = compensation.rule or rule_for(compensation.standard, turn.now)
    lines = [rule_summary(rule, turn.lang, facts.network or "lv")]
    lines += [
        _("{label}: {amount}", label=line.label(turn.lang), amount=riyals(line.sar, turn.lang))
        for line in compensation.breakdown
    ]
    if compensation.eligible:
        lines.append(_("In all: {amount}.", amount=riyals(compensation.amount_sar, turn.lang)))
    return lines


def _corrects_start(turn: Turn, facts: Facts) -> bool:
    """A start's time said as a correction while its end is asked ("لا غلطت، الساعة ١١ الصبح"
    to "has it come back?"): the start put right, never read as when it came back, which is
    told with its own word ("لا غلطت، رجعت الساعة ١١")."""
    if facts.start_at() is None or not mentions(turn.text, "correction"):
        return False
    reading = read_times(turn.text, turn.now)
    return reading.start is not None and reading.start.clock is not None and reading.end is None


def _takes_network(turn: Turn, facts: Facts, stage: str | None) -> bool:
    """The voltage network told after a connection was counted as low voltage (the answer
    invites it): counted again on that network."""
    if stage not in ("voltage", "note") or facts.standard != CONNECTION or facts.network:
        return False
    told = [n for n, phrases in NETWORK_PHRASES.items() if mentions(turn.text, phrases)]
    if len(told) != 1:
        return False
    facts.network = told[0]
    _advance(turn, facts)
    return True


def _blackout_text(turn: Turn, blackout: Compensation, supposed: bool = False) -> str:
    """What a total blackout would add, for a city-wide outage the subscriber told of (or
    supposed: "لو انقطعت عن الرياض كلها ٨ ساعات")."""
    _ = turn.tr._
    rule = blackout.rule or rule_for(TOTAL_BLACKOUT, turn.now)
    lead = (
        _("That is what such an outage earns each home on its own.")
        if supposed
        else _("That is what applies to your own outage.")
    )
    if not blackout.eligible:
        return " ".join(
            [
                lead,
                _(
                    "A blackout of a whole city or governorate is owed only when it lasts more "
                    "than {hours} hours, so it adds nothing here.",
                    hours=turn.tr.number(rule.deadline or 0),
                ),
            ]
        )
    cap = rule.event_cap_sar or 0
    return " ".join(
        [
            lead,
            _(
                "If the company confirms that the whole city or governorate was without power "
                "(a total blackout), {amount} per subscriber applies instead; all the claims of "
                "one such event are capped at {cap} in all, shared equally above it.",
                amount=riyals(blackout.amount_sar, turn.lang),
                cap=_("{n} million SAR", n=turn.tr.number(cap // 1_000_000)),
            ),
        ]
    )


def _length_result_text(turn: Turn, compensation: Compensation, pay_by_said: bool = False) -> str:
    """Only a length was given: the clock times in the engine's case are ours, so its deadline
    time is not said; the length, the amount and the pay-by date are the facts."""
    explained = _result_lines(turn, compensation, pay_by_said=pay_by_said)
    return "\n".join([standard_line(compensation.standard, turn.lang), *explained])


def _result_lines(
    turn: Turn, compensation: Compensation, pay_by_said: bool = False, amount_line: bool = True
) -> list[str]:
    """The engine's result text without its first line (the case, dated: a length alone has no
    day), for the lines said of a length with no day. `amount_line=False`: without its last
    line too (the amount and pay-by date), said otherwise there; the pay-by date then is not
    said in the lines kept."""
    lines = _result_text(turn, compensation, pay_by_said=pay_by_said or not amount_line).split("\n")
    return lines[1:] if amount_line else lines[1:-1]


def _so_far_text(turn: Turn, facts: Facts, compensation: Compensation, holder: bool = False) -> str:
    """`holder`: for a report linked to no account, whose compensation goes to the holder of
    the account at that place: "is due", not "you are owed", and to whom it is paid."""
    _ = turn.tr._
    rule = compensation.rule or rule_for(facts.standard or "", turn.now)
    days = rule.clock == "business_days"
    if not compensation.eligible:
        if compensation.deadline is None:
            return _("Nothing is owed yet.")
        when = (
            turn.tr.date(compensation.deadline.date())
            if days
            # Said as the start above it is ("اليوم الساعة 2:00 م"): one style in the reply.
            else turn.tr.datetime(compensation.deadline, turn.now)
        )
        if not days and not rule.is_flat:
            # One sentence from the engine's deadline, not a second "within 3 hours" that reads
            # as from now (and is wrong once part of the 3 hours has gone by).
            figures = {
                # After "within": the deadline's own forms ("خلال ساعتين", never "ساعتان").
                "hours": deadline_text(rule, turn.lang, facts.network or "lv"),
                "when": when,
                "first": riyals(rule.first_amount(), turn.lang),
                "more": riyals(rule.additional_sar, turn.lang),
            }
            if rule.standard == RECONNECTION:  # counted from the payment, not an outage's start
                return _(
                    "Nothing is owed yet: service must be back within {hours} of your payment, "
                    "by {when}; after that you are owed {first}, plus {more} for each further "
                    "hour or part.",
                    **figures,
                )
            if holder:
                return (
                    _(
                        "Nothing is due yet: the power must be back within {hours} of the start, "
                        "by {when}; after that compensation of {first} is due, plus {more} for "
                        "each further hour or part.",
                        **figures,
                    )
                    + "\n"
                    + paid_to_holder_text(turn.lang)
                )
            return _(
                "Nothing is owed yet: the power must be back within {hours} of the start, by "
                "{when}; after that you are owed {first}, plus {more} for each further hour or "
                "part.",
                **figures,
            )
        return "\n".join(
            [
                _("Nothing is owed yet; the deadline is {when}.", when=when),
                rule.summary(turn.lang, facts.network or "lv"),
            ]
        )
    amount = riyals(compensation.amount_sar, turn.lang)
    if holder:
        so_far = _("So far, compensation of {amount} is due.", amount=amount)
    else:
        so_far = _("So far you are owed {amount}.", amount=amount)
    if rule.is_flat:
        grows = ""
    elif days and facts.standard == BILLING_COMPLAINT:
        grows = " " + _(
            "It grows by {amount} for each further business day until the reply comes.",
            amount=riyals(rule.additional_sar, turn.lang),
        )
    elif days:
        grows = " " + _(
            "It grows by {amount} for each further business day until it is done.",
            amount=riyals(rule.additional_sar, turn.lang),
        )
    else:
        grows = " " + _(
            "It grows by {amount} for each further hour or part until it ends.",
            amount=riyals(rule.additional_sar, turn.lang),
        )
    paid = _(
        "It is paid within {days} business days after the case ends.",
        days=turn.tr.number(rule.pay_within_business_days),
    )
    if holder:
        paid = paid_to_holder_text(turn.lang)
    return f"{so_far}{grows}\n{paid}"


def _result_text(
    turn: Turn, compensation: Compensation, holder: bool = False, pay_by_said: bool = False
) -> str:
    """`holder`: a case of a report linked to no account, said as due to the account's holder.
    `pay_by_said`: its pay-by date was said just before, for the other standard of the case."""
    text = compensation.explain(turn.lang, holder, turn.now, pay_by_said)
    if (
        not pay_by_said
        and compensation.eligible
        and compensation.pay_by
        and compensation.pay_by < _day_in_riyadh(turn.now)
    ):
        text += "\n" + turn.tr._("That date has already passed.")
    return text


def _note_step(turn: Turn, facts: Facts, stage: str) -> bool:
    """Note an open request (meter registration, connection, complaint) on the subscriber's
    record, so "my compensation" lists it with what it has earned so far."""
    picked = choice_number(turn.text)
    if stage == "note":
        if picked != 1 and control_word(turn.text) != "yes":
            return False
        accounts = linked_accounts(turn, None)
        if accounts is None:
            return True
        if len(accounts) > 1:
            turn.begin(
                "compensation",
                stage="note_account",
                facts=facts.dump(),
                accounts=[a.account for a in accounts],
            )
            turn.say(
                turn.tr._("For which account? Send its number."),
                account_choices(accounts, turn.lang),
            )
            return True
        _note(turn, facts, accounts[0].account if accounts else "")
        return True
    accounts = turn.state.get("accounts", [])
    if picked is None or not 1 <= picked <= len(accounts):
        return _retry(turn, turn.tr._("Please send the number of the account from the list."))
    _note(turn, facts, accounts[picked - 1])
    return True


def _note(turn: Turn, facts: Facts, account: str) -> None:
    from bot.service_requests import ServiceRequest

    start = facts.case(turn.now).start
    assert turn.phone is not None and facts.standard is not None and start is not None
    turn.session.add(
        ServiceRequest(
            phone=turn.phone,
            account=account,
            standard=facts.standard,
            requested_at=start,
            completed_at=None,
            network=facts.network,
            note="stated in the chat",
        )
    )
    turn.session.flush()
    turn.finish()
    turn.say(turn.tr._('Noted. Send "my compensation" any time to see what it has earned.'))


# -- unlawful disconnection ---------------------------------------------------------------


def _judge_disconnection(turn: Turn, facts: Facts) -> None:
    at = facts.start_at()
    assert at is not None
    _ = turn.tr._
    if facts.premises == "other" and facts.prohibited and residential_only(facts.prohibited):
        # "3" (school exams) for a shop: that case is for homes only; the others are asked.
        facts.prohibited = None
        turn.say(_("That case protects homes only, not a shop, an office or a farm."))
    if facts.start_inferred and not facts.confirmed:  # the time decides: say it back first
        turn.begin("compensation", stage="confirm", facts=facts.dump(), tries=0)
        turn.say(
            _("Before I count: {facts}. Is that right?", facts=_confirmed_text(turn, facts)),
            [Choice("1", _("Yes")), Choice("2", _("No, correct it"))],
        )
        return
    reason = facts.unlawful_reason()
    on_record = _small_arrears_on_record(turn, facts) if reason is None else []
    reason = reason or facts.unlawful_reason()
    if reason is not None:
        compensation = compensation_for(facts.case(turn.now))
        # Kept as the case talked of: a correction of its hour next ("لا غلطت، كان الساعة ١٠"),
        # "علي ٣ شهور" or "ليش؟" is about it, judged again with the facts told (the arrears),
        # never a new "why was it cut?".
        turn.begin("compensation", stage=ANSWERED, facts=facts.dump())
        turn.say(
            "\n".join(
                [
                    _("Counting {facts}:", facts=_facts_text(turn, facts)),
                    *on_record,
                    _why_unlawful(turn, reason),
                    _restore_line(turn, facts, at),
                    # Its day and time were said in the first line: not again («الفصل غير
                    # النظامي يوم … الساعة …» said the time twice).
                    *_result_lines(turn, compensation),
                ]
            )
        )
        return
    if facts.paid_before_cut:
        turn.begin("compensation", stage="paid_before_cut", facts=facts.dump(), tries=0)
        turn.say(_paid_before_cut_question(turn), _paid_before_cut_choices(turn))
        return
    turn.begin("compensation", stage="cases", facts=facts.dump(), tries=0)
    turn.say(_cases_question(turn, facts))


def _paid_before_cut_question(turn: Turn) -> str:
    """The bills said paid with the cut: what that means for the rule, asked to confirm."""
    return turn.tr._(
        "You said your bill was paid when they cut the service. A disconnection for unpaid bills "
        "is allowed only when more than {arrears} is owed or {months} months of bills are "
        "unpaid. When they cut it, was no more than {arrears} owed, with fewer than {months} "
        "months of bills unpaid?",
        **_arrears(turn),
    )


def _paid_before_cut_choices(turn: Turn) -> list[Choice]:
    _ = turn.tr._
    return [
        Choice("1", _("Yes, nothing or little was owed")),
        Choice("2", _("No, more was owed")),
        Choice("3", _("I do not know")),
    ]


def _paid_before_cut_step(turn: Turn, understood: Understanding, facts: Facts) -> bool:
    """The answer to "was little or nothing owed when they cut it?": yes makes the cut
    unlawful (the small arrears); no rules that case out; either way it is judged again (the
    other cases asked when it is not decided)."""
    word, picked = control_word(turn.text), choice_number(turn.text)
    if picked == 1 or word == "yes":
        facts.prohibited = "small_arrears"
    elif picked == 2 or word == "no":
        facts.cleared.append("small_arrears")
    elif picked == 3 or mentions(turn.text, "dont_know"):
        pass
    elif facts.read(turn.text, turn.now):  # "علي ٣ شهور": the arrears told instead
        facts.paid_before_cut = False
        _advance(turn, facts)
        return True
    elif _moved_on(understood):
        return False
    else:
        return _retry(turn, _paid_before_cut_question(turn), _paid_before_cut_choices(turn))
    facts.paid_before_cut = False
    _judge_disconnection(turn, facts)
    return True


def _small_arrears_on_record(turn: Turn, facts: Facts) -> list[str]:
    """A cut for unpaid bills (told as such, or before a payment): the account's billing
    records on the day of the cut (of the payment, for a reconnection: the cut came before it)
    decide whether the cut itself was allowed, over the arrears the subscriber guessed ("عشان
    متأخرات ٣ شهور" of an account with one bill unpaid). Arrears too small for any cut make it
    unlawful (`small_arrears`), said with the figures it rests on; otherwise nothing is said
    and nothing kept (the cases are asked)."""
    at = facts.start_at()
    cut_for_bills = facts.standard == RECONNECTION or (
        facts.standard == UNLAWFUL and facts.cut_for_bills
    )
    if not cut_for_bills or at is None or facts.prohibited is not None:
        return []
    arrears = account_arrears(turn, at.astimezone(RIYADH).date())
    if arrears is None or arrears.allow_cut():
        return []
    facts.prohibited = "small_arrears"
    if "small_arrears" in facts.cleared:
        facts.cleared.remove("small_arrears")
    values = {
        "account": mask(arrears.account),
        "amount": turn.tr.money(arrears.overdue_sar),
        "bills": turn.tr.number(arrears.unpaid_bills),
    }
    if facts.standard == UNLAWFUL:
        return [
            turn.tr._(
                "When the service was cut, account {account} had {amount} overdue, from {bills} "
                "unpaid bill(s).",
                **values,
            )
        ]
    return [
        turn.tr._(
            "Before your payment, account {account} had {amount} overdue, from {bills} unpaid "
            "bill(s).",
            **values,
        )
    ]


def _why_unlawful(turn: Turn, reason: str) -> str:
    """Why a disconnection was unlawful (`Facts.unlawful_reason`), said the same on both of its
    paths: a cut told alone, and the cut told with its payment."""
    _ = turn.tr._
    if reason in PROHIBITED_TIME:
        return _(PROHIBITED_TIME[reason])
    return _(
        "A disconnection when {case} is not allowed.",
        case=_(ASKED_CASES[reason], **_arrears(turn)),
    )


def _restore_line(turn: Turn, facts: Facts, at: datetime) -> str:
    """What to do about the power now: restored at once while the cut is going on or recent
    (within two days); for one long past, the standard was missed and the amount below is what
    is owed (never an order about the past), with 933 if the power is still cut."""
    _ = turn.tr._
    if facts.ongoing or turn.now - at < timedelta(hours=48):
        return _("Your service must be restored at once: call {phone} now.", phone=SEC_PHONE)
    return _(
        "That disconnection broke the standard, so you are owed the amount below. If your "
        "power is still cut, call {phone} to have it restored.",
        phone=SEC_PHONE,
    )


def _cases_question(turn: Turn, facts: Facts) -> str:
    _ = turn.tr._
    at = facts.start_at()
    assert at is not None
    lines = [
        _(
            "A disconnection for unpaid bills at {time} on a working day is allowed, unless one "
            "of these was true. Was any of them? Send its number.",
            time=turn.tr.time(at),
        )
    ]
    cases = _open_cases(facts)
    for i, case in enumerate(cases, 1):
        lines.append(f"{i}. {_(ASKED_CASES[case], **_arrears(turn))}")
    lines.append(f"{len(cases) + 1}. " + _("None of these, or I do not know"))
    return "\n".join(lines)


def _open_cases(facts: Facts) -> tuple[str, ...]:
    """The cases to ask: for these premises, less those the subscriber's words ruled out
    ("متأخرات ٥ الاف": more than the arrears that protect them)."""
    return tuple(c for c in asked_cases(facts.premises != "other") if c not in facts.cleared)


def _arrears(turn: Turn) -> dict[str, str]:
    """The arrears below which no disconnection is allowed, from the rules
    (bot/standards/disconnection.toml), as handlers/disconnection_rules.py says them."""
    spec = disconnection_rules()
    return {
        "arrears": riyals(spec["min_arrears_sar"], turn.lang),
        "months": turn.tr.number(spec["min_unpaid_months"]),
    }


def _cases_step(turn: Turn, understood: Understanding, facts: Facts) -> bool:
    cases = _open_cases(facts)
    picked = choice_number(turn.text)
    _ = turn.tr._
    if picked is not None and 1 <= picked <= len(cases):
        facts.prohibited = cases[picked - 1]
        _judge_disconnection(turn, facts)
        return True
    if (
        picked == len(cases) + 1
        or control_word(turn.text) == "no"
        or mentions(turn.text, "dont_know")
    ):
        at = facts.start_at()
        assert at is not None
        turn.remember(tries=int(turn.state.get("tries", 0)) + 1)
        turn.say(
            _(
                "Then I cannot confirm any compensation yet: a disconnection for unpaid bills at "
                "{time} on a working day is allowed when more than {arrears} is owed or {months} "
                "months of bills are unpaid. If you find out that one of the cases above applies, "
                "send its number.",
                time=turn.tr.time(at),
                **_arrears(turn),
            )
        )
        return True
    if facts.read(turn.text, turn.now):
        _advance(turn, facts)
        return True
    if _moved_on(understood):
        return False
    return _retry(turn, _cases_question(turn, facts))


# -- questions ------------------------------------------------------------------------------


def _why_cut_step(turn: Turn, understood: Understanding, facts: Facts) -> bool:
    picked = choice_number(turn.text)
    _ = turn.tr._
    if picked == 1 or mentions(turn.text, "cut_for_bills") or _tells_arrears(turn.text):
        facts.cut_for_bills = True
        facts.read(turn.text, turn.now)  # "علي ٣ شهور": how much is owed, kept too
        _advance(turn, facts)
        return True
    if picked == 2:  # nothing owed: below the threshold that allows a disconnection at all
        facts.prohibited = "small_arrears"
        _advance(turn, facts)
        return True
    if picked == 3:
        turn.finish()
        turn.say(
            _(
                "The guaranteed standards cover a disconnection for unpaid bills. For a "
                "disconnection for another reason, call {phone}.",
                phone=SEC_PHONE,
            )
        )
        return True
    if _moved_on(understood):
        return False
    return _retry(turn, _question(turn, facts, "why_cut"))


def _premises_step(turn: Turn, understood: Understanding, facts: Facts) -> bool:
    picked = choice_number(turn.text)
    if picked in (1, 2):
        facts.premises = "residential" if picked == 1 else "other"
        _advance(turn, facts)
        return True
    if facts.read(turn.text, turn.now) and facts.premises is not None:  # "محل", "بيت"
        _advance(turn, facts)
        return True
    if _moved_on(understood):
        return False
    return _retry(turn, _question(turn, facts, "premises"))


def _ask(turn: Turn, facts: Facts, what: str) -> None:
    if what == "premises":
        turn.begin("compensation", stage="ask", asked=what, facts=facts.dump(), tries=0)
        _ = turn.tr._
        turn.say(
            _question(turn, facts, what),
            [Choice("1", _("A home")), Choice("2", _("A shop, an office, a farm or other"))],
        )
        return
    if what == "why_cut":
        turn.begin("compensation", stage="ask", asked=what, facts=facts.dump(), tries=0)
        _ = turn.tr._
        turn.say(
            _question(turn, facts, what),
            [
                Choice("1", _("For unpaid bills")),
                Choice("2", _("I owed nothing, or very little")),
                Choice("3", _("Another reason")),
            ],
        )
        return
    if what == "standard":
        turn.begin("compensation", stage="pick", facts=facts.dump(), tries=0)
        choices = [
            Choice(str(i), name, featured=s == MOST_ASKED)
            for i, (s, name) in enumerate(zip(STANDARD_IDS, _standard_names(turn), strict=True), 1)
        ]
        # A way out for a case that is none of them: never "send the number" again and again.
        choices.append(Choice(str(len(choices) + 1), turn.tr._("None of these")))
        turn.say(turn.tr._("Which case is it about? Send its number."), choices)
        return
    turn.begin("compensation", stage="ask", asked=what, facts=facts.dump(), tries=0)
    question = _question(turn, facts, what)
    if what in ("paid_time", "times") and facts.standard == RECONNECTION:
        # "سددت ومتى ترجع؟": what the standard promises from the payment, then its time.
        # The deadline only: no amount is said before the time that decides it is known.
        promise = turn.tr._(
            "Once you pay, service must be back within {deadline} of the payment (a guaranteed "
            "standard); if it is later, compensation is due.",
            deadline=deadline_text(rule_for(RECONNECTION, turn.now), turn.lang),
        )
        question = f"{promise}\n{question}"
    turn.say(question, _choices(turn, what, facts))


def _standard_names(turn: Turn) -> list[str]:
    """The cases as the menu shows them, in its order: typed, a name picks as its number does."""
    return [standard_name(s, turn.lang) for s in STANDARD_IDS]


def _choices(turn: Turn, what: str | None, facts: Facts | None = None) -> list[Choice]:
    """The numbered answers a question offers ("1" must answer it)."""
    _ = turn.tr._
    if what == "end":
        return [Choice("1", _("Yes, it came back")), Choice("2", _("Not yet"))]
    if what == "paid_at_all":
        return [Choice("1", _("Right, I have not paid")), Choice("2", _("I paid"))]
    if what in ("start_hour", "end_hour") and facts is not None:
        at = facts.start_at() if what == "start_hour" else facts.end_at()
        unoffered = facts.start_unoffered if what == "start_hour" else facts.end_unoffered
        if at is not None and not unoffered:
            return [Choice("1", _("Yes, around {time}", time=turn.tr.time(at)))]
    return []


def _question(turn: Turn, facts: Facts, what: str | None) -> str:
    _ = turn.tr._
    if what == "notice":
        return _(
            'How long before the planned outage were you notified? For example: "one day", '
            '"5 hours", or "no notice".'
        )
    if what == "why_cut":
        return _("Why was the service cut?")
    if what == "premises":
        return _(
            "Was the service cut at a home, or at a shop, an office or a farm? Some rules "
            "protect homes only."
        )
    if what == "outage_day":
        return _('On which day was the planned outage? For example: "yesterday" or "16 November".')
    if what == "disconnection_time":
        return _(
            'When was the service disconnected, and why? For example: "yesterday at 2 pm, '
            'for an unpaid bill".'
        )
    if what == "request_day" and facts.standard == BILLING_COMPLAINT:
        return _(
            'On which day did you make your objection to the bill? For example: "16 November" '
            'or "two weeks ago".'
        )
    if what == "request_day":
        return _(
            'On which day did you make the request? For example: "16 November" or "two weeks ago".'
        )
    if what == "done" and facts.standard == BILLING_COMPLAINT:
        return _(
            "Have you had the detailed reply to your objection? If so, on which day? If not, say "
            '"not yet".'
        )
    if what == "done":
        return _('Has it been done? If so, on which day? If not, say "not yet".')
    if what == "done_day" and facts.standard == BILLING_COMPLAINT:
        return _("On which day did the reply come?")
    if what == "done_day":
        return _("On which day was it done?")
    if what == "end":
        return _('Has the power come back? If so, at what time? If not, say "not yet".')
    if what == "paid_at_all":
        return _(
            "So you have not paid the bill? A reconnection is counted from the payment; with no "
            "payment, I will look at the cut itself."
        )
    if what == "paid_time":
        return _('When did you pay? For example: "today at 11 in the morning".')
    if what == "back_time":
        return _("At what time did the power come back?")
    if what in ("start_hour", "end_hour"):
        # Only a part of the day was said: its usual hour is offered, never counted unasked.
        at = facts.start_at() if what == "start_hour" else facts.end_at()
        time_text = turn.tr.time(at) if at is not None else ""
        if what == "end_hour" and facts.end_unoffered:
            return _("About what time did the power come back? Write the hour.")
        if what == "start_hour" and facts.start_unoffered and facts.standard == RECONNECTION:
            return _("About what time did you pay? Write the hour.")
        if what == "start_hour" and facts.start_day_open:  # "من العصر" as Asr comes round
            return _(
                "About what time did the power go off? Write the hour, and the day if not today."
            )
        if what == "start_hour" and facts.start_unoffered:
            return _("You said early: about what time did the power go off? Write the hour.")
        if what == "end_hour":
            return _(
                "About what time did the power come back? Around {time}? Write the hour, "
                "or choose 1.",
                time=time_text,
            )
        if facts.standard == RECONNECTION:
            return _(
                "About what time did you pay? Around {time}? Write the hour, or choose 1.",
                time=time_text,
            )
        return _(
            "About what time did the power go off? Around {time}? Write the hour, or choose 1.",
            time=time_text,
        )
    if what == "start_time" and facts.standard == RECONNECTION:
        # A reconnection counts from the payment: "when did it start?" would ask of the cut.
        return _('At what time did you pay? For example: "8 in the evening".')
    if what == "start_time":
        return _('At what time did it start? For example: "8 in the morning".')
    month = facts.named_month() if what in ("exact_day", "exact_start") else None
    if month is not None:
        # "في رمضان الساعة ١٠ الليل": the month said back, only its day asked (never today's).
        return month_day_question(
            turn, month, hour_known=what == "exact_day", paid=facts.standard == RECONNECTION
        )
    if what in ("exact_day", "exact_start") and facts.vague_week:
        # "الاسبوع الماضي": a week back is no day; which day of it decides the money.
        return last_week_day_question(turn, hour_known=what == "exact_day")
    if what == "exact_day":
        return _('On which day did it start? For example: "Sunday" or "the day before yesterday".')
    if what == "exact_start":
        return _(
            "When exactly did it start? On which day, and about what time? For example: "
            '"Sunday at 8 in the morning".'
        )
    if what == "which_day" and facts.ended_told:
        return _('On which day was it? For example: "yesterday" or "on Sunday".')
    if what == "which_day":
        return _('On which day was it, and has it ended? For example: "yesterday", or "still off".')
    if what == "correction":
        return _(
            'Please send the right day and time, for example: "yesterday from 8 in the '
            'morning to 4 in the afternoon".'
        )
    if facts.standard == "reconnection_after_payment":
        return _(
            'When did you pay, and when did the power come back? For example: "yesterday at '
            '8 pm, and it came back at 1 am", or "still not back".'
        )
    return _(
        'When did it start and when did it end? For example: "from 8 in the morning to 2 in the '
        'afternoon", "yesterday from 10 pm", or how long it took: "5 hours", "4 days".'
    )


def _answers_done(turn: Turn, facts: Facts, asked: str | None) -> bool:
    """ "لا"/"not yet" to "has it been done?" or "has the power come back?": still going on."""
    if asked in ("done", "end", "back_time", "which_day") and (
        control_word(turn.text) == "no" or mentions(turn.text, "not_yet")
    ):
        facts.ongoing, facts.end, facts.confirmed = True, None, False
        return True
    return False


# -- saying the facts back ------------------------------------------------------------------


def _facts_text(turn: Turn, facts: Facts) -> str:
    _ = turn.tr._
    start, end = facts.start_at(), facts.end_at()
    start_day = _day_of(facts.start)
    end_day = _day_of(facts.end)
    if facts.standard == NOTICE and start is not None and end is not None and not facts.ongoing:
        when = _span_text(turn, start, end)
        if facts.no_notice:
            return _("a planned outage {when}, with no notice", when=when)
        return _(
            "a planned outage {when}, notified {time} before",
            when=when,
            time=whole_days_or_duration(turn.tr, facts.notice_minutes or 0, governed=True),
        )
    if facts.standard == NOTICE:
        day = day_words(turn, start_day) if start_day else ""
        if facts.no_notice and facts.duration and start is None:
            return _(
                "a planned outage on {day}, {length} in all, with no notice",
                day=day,
                length=duration(turn.tr, facts.duration),
            )
        if facts.no_notice:
            return _("a planned outage on {day}, with no notice", day=day)
        return _(
            "a planned outage on {day}, notified {time} before",
            day=day,
            time=whole_days_or_duration(turn.tr, facts.notice_minutes or 0, governed=True),
        )
    if facts.standard == UNLAWFUL and start is not None:
        return _(
            "disconnected {day} at {time}",
            day=day_words(turn, start),
            time=turn.tr.time(start),
        )
    if facts.standard in DAYS_STANDARDS:
        ago = whole_days_or_duration(turn.tr, facts.duration or 0, governed=True)
        if facts.standard == BILLING_COMPLAINT:  # an objection to a bill, not a request
            begun = (
                _("the objection made on {day}", day=day_words(turn, start_day))
                if start_day
                else _("an objection made {time} ago", time=ago)
            )
            if facts.ongoing or end_day is None:
                return _("{begun}, no reply yet", begun=begun)
            return _("{begun}, replied on {day}", begun=begun, day=day_words(turn, end_day))
        begun = (
            _("the request made on {day}", day=day_words(turn, start_day))
            if start_day
            else _("a request made {time} ago", time=ago)
        )
        if facts.ongoing or end_day is None:
            return _("{begun}, not done yet", begun=begun)
        return _("{begun}, done on {day}", begun=begun, day=day_words(turn, end_day))
    if start is not None:
        since = day_and_time(turn, start, about=facts.start_about)
        if facts.ongoing or end is None:
            return _("since {since}, still going on", since=since)
        return _span_text(turn, start, end, facts)
    length = duration(turn.tr, facts.duration or 0)
    if facts.ongoing:
        return _("{length} so far, still going on", length=length)
    named_day = end_day or start_day
    if named_day is None and facts.day_unknown:
        return _("{length} in all, on a day not known", length=length)
    return _(
        "{day}, {length} in all",
        day=day_words(turn, named_day) if named_day else "",
        length=length,
    )


def _span_text(turn: Turn, start: datetime, end: datetime, facts: Facts | None = None) -> str:
    """The case's span said back; an hour still a guess (`Facts.start_about`) as "about"."""
    _ = turn.tr._
    start_about = facts is not None and facts.start_about
    end_about = facts is not None and facts.end_about
    # A start at midnight is said with the day it ends and its night's name (`day_and_time`),
    # never as "today, from 12 midnight", which reads as tonight's.
    if _day_in_riyadh(end) == _day_in_riyadh(start) == said_day(start):
        return _(
            "{day}, from {start} to {end}",
            day=day_words(turn, start),
            start=_time_said(turn, start, start_about),
            end=_time_said(turn, end, end_about),
        )
    since = day_and_time(turn, start, about=start_about)
    until = day_and_time(turn, end, about=end_about)
    return _("from {since} to {until}", since=since, until=until)


def _time_said(turn: Turn, at: datetime, about: bool) -> str:
    """An hour said back: "8:00 ص", or "حوالي 8:00 ص" when it is a guess."""
    time = turn.tr.time(at)
    return turn.tr._("about {time}", time=time) if about else time


def _day_of(iso: str | None) -> date | None:
    return _day_in_riyadh(datetime.fromisoformat(iso)) if iso else None


def _day_in_riyadh(moment: datetime) -> date:
    # A start kept in UTC is the day before in Riyadh until 03:00 ("من نص ساعه" at 00:30).
    return moment.astimezone(RIYADH).date() if moment.tzinfo is not None else moment.date()


def day_words(turn: Turn, day: date | datetime) -> str:
    """ "أمس الاثنين 30 نوفمبر": yesterday/today when it is one, the weekday and the date; a
    moment's day and today are Riyadh's, whatever clock the moment or the message came in."""
    _ = turn.tr._
    if isinstance(day, datetime):
        day = _day_in_riyadh(day)
    today = _day_in_riyadh(turn.now)
    named = turn.tr.day(day, with_year=day.year != today.year)  # as the long dates beside it
    offset = (today - day).days
    if offset == 0:
        return _("today, {date}", date=named)
    if offset == 1:
        return _("yesterday, {date}", date=named)
    return named


# -- the sender's own recorded cases --------------------------------------------------------


def show_records(turn: Turn, *, lead: str | None = None) -> bool:
    """The sender's recorded cases, as "my compensation" shows them; False when none."""
    return _show_records(turn, lead=lead)


def _report_named(text: str) -> int | None:
    """ "كم تعويضي عن بلاغ OUT-000001؟": the outage report the question is about."""
    match = _REPORT_REF.search(ascii_digits(text[:1000]).upper())
    return int(match.group(1)) if match else None


_REPORT_REF = re.compile(r"\bOUT\s*-?\s*0*(\d{1,12})\b")


def _show_records(
    turn: Turn,
    *,
    outages_only: bool = False,
    planned_only: bool = False,
    lead: str | None = None,
    report: int | None = None,
) -> bool:
    """Every case the sender has on record, with what it earns (an outage still open: what it
    will earn if it runs long), the ones already past their pay-by date first; False when none.
    `outages_only`: their outage reports alone (the question was about an outage);
    `planned_only`: of them, the outages on record as planned work (the question named
    planned work: an unplanned outage's amount is never its answer). `report`:
    that outage report's cases alone (the question named it). `lead`: said first, only when
    there is a case to show. A case that earns money comes before one that earns nothing. A
    question naming one of the sender's premises («كم لي تعويض عن الفيلا؟») is answered with
    that premise's cases alone (`_premise_asked`)."""
    tr = turn.tr
    premise = _premise_asked(turn)
    # (the messages stay outside f-strings: Babel on Python 3.11 cannot extract them there)
    overdue: list[str] = []
    asks_offered = False
    open_outages = [
        (open_report, incident)
        for open_report, incident in _open_outage(turn)
        if report is None or parse_reference(open_report.reference, "OUT") == report
        if incident.planned or not planned_only
        if _at_premise(premise, open_report.account, open_report.district)
    ]
    others = [
        tr._("Outage report {ref} (power not back yet)", ref=open_report.reference)
        + "\n"
        + _open_outage_text(turn, open_report, incident, holder=open_report.account is None)
        for open_report, incident in open_outages
    ]
    nothing_owed: list[str] = []  # said after every case that earns something
    # The finished cases owed an amount, in the list's order (overdue first, as the blocks):
    # their total is said with the list, their pay-by dates asked next ("متى ينصرف أول واحد؟").
    overdue_paid: list[dict] = []
    others_paid: list[dict] = []
    # The listed cases with an amount owed: an open one owed something so far counts too (its
    # block says «يستحق حتى الآن …»); a start still to confirm, or nothing yet, does not.
    owed = sum(_open_outage_owed(turn, r, i) for r, i in open_outages)
    if turn.phone is not None:
        for filed, _incident, compensation in compensation_cases_for_phone(
            turn.session, turn.phone
        ):
            if report is not None and parse_reference(filed.reference, "OUT") != report:
                continue
            if planned_only and not _incident.planned:
                continue
            if not _at_premise(premise, filed.account, filed.district):
                continue
            # A start they said but did not confirm: asked about, no amount from our own start.
            offered = (
                unstated_start_line(tr, filed, _incident, compensation)
                if start_asked(filed)
                else None
            )
            asks_offered = asks_offered or offered is not None
            block = (
                tr._("Outage report {ref}", ref=filed.reference)
                + "\n"
                # No account on the report: due to the holder of the account there, maybe not
                # the sender ("يستحق … لصاحب حساب الكهرباء"), never «يحق لك».
                + (offered or _result_text(turn, compensation, holder=filed.account is None))
            )
            if offered is None and not compensation.amount_sar:
                nothing_owed.append(block)
                continue
            late = _overdue(turn, compensation)
            if offered is None:
                owed += 1  # an amount said; a start still to confirm says none yet
                (overdue_paid if late else others_paid).append(_pay_by_entry(compensation))
            (overdue if late else others).append(block)
        requests = (
            ()
            if outages_only or report is not None
            else requests_for_phone(turn.session, turn.phone)
        )
        for request in requests:
            if not _at_premise(premise, request.account, None):
                continue
            # Noted from a chat with no account linked: "الحساب ••••" would show no digits; its
            # standard is named instead (a closed one's result names it already).
            heading = (
                tr._("Account {account}", account=mask(request.account)) + "\n"
                if request.account
                else ""
            )
            if request.completed_at is None:  # still open: what it has earned so far
                name = heading or standard_name(request.standard, turn.lang) + "\n"
                others.append(name + _open_request_text(turn, request))
                owed += _open_request_so_far(turn, request).amount_sar > 0
                continue
            case = Case(
                request.standard,
                start=request.requested_at,
                end=request.completed_at,
                network=request.network or "lv",
            )
            compensation = compensation_for(case)
            block = heading + _result_text(turn, compensation)
            if not compensation.amount_sar:
                nothing_owed.append(block)
                continue
            owed += 1
            late = _overdue(turn, compensation)
            (overdue_paid if late else others_paid).append(_pay_by_entry(compensation))
            (overdue if late else others).append(block)
    blocks = overdue + others + nothing_owed
    if not blocks:
        if premise is not None:  # «كم لي تعويض عن المحل؟» with none there: said, then asked
            _none_at_premise(turn, premise)
        return False
    if lead is not None:
        turn.say(lead)
    going = [r for r, _i in _open_outage(turn) if _at_premise(premise, r.account, r.district)]
    unstated = [report.id for report in going if report.stated_start is None]
    # A start said and not confirmed asks its own question in its block (_start_asked_text).
    asked_in_block = any(start_asked(report) for report in going)
    turn.begin(
        "compensation",
        stage="records",
        blocks=blocks,
        shown=0,
        ask_start=unstated[0] if unstated else None,
        asks_offered=asks_offered,
        paid=overdue_paid + others_paid,
    )
    if overdue:
        turn.say(
            tr.ngettext(
                "{n} of your cases is past its pay-by date: call SERA on {phone} about it.",
                "{n} of your cases are past their pay-by date: call SERA on {phone} about them.",
                len(overdue),
                phone=SERA_PHONE,
            )
        )
    # «عن الفيلا»: that premise's cases alone, said so in the one heading
    place = premise_shown(turn, premise) if premise is not None else None
    heading = records_heading(tr, listed=len(blocks), owed=owed, place=place)
    paid = overdue_paid + others_paid
    turn.remember(open_owed=owed > len(paid))
    if len(paid) > 1:  # several amounts listed: their sum said once
        heading += "\n" + _total_line(turn)
    turn.say(heading)
    _records_page(turn)
    if unstated and not asked_in_block:
        turn.say(
            tr._(
                'About what time did your power go off? Tell me (for example "from 6 in the '
                'morning") and I will count from then.'
            )
        )
    return True


def _premise_asked(turn: Turn) -> Account | None:
    """The one premise of the sender's (of two or more) that a compensation question names by
    its digits, district or premises' word («عن الفيلا», "for the shop"); None when it names
    none, or the sender has one premise only (every case is that one's)."""
    accounts = sender_accounts(turn) if turn.text else []
    if len(accounts) < 2:
        return None
    named = named_in(turn.text, accounts)
    return named[0] if named else None


def _none_at_premise(turn: Turn, premise: Account) -> None:
    """ "No case on record at <the premise asked about>", before what follows asks for the case;
    once a turn, however many of the sender's lists were looked for."""
    said = turn.tr._("I have no case on record at {place}.", place=premise_shown(turn, premise))
    if all(reply.text != said for reply in turn.replies):
        turn.say(said)


def _at_premise(premise: Account | None, account: str | None, district: str | None) -> bool:
    """A case is at the premise asked about: its account's, or, filed with no account, in its
    district. Every case is when no premise was named."""
    if premise is None:
        return True
    if account:
        return account == premise.account
    return bool(district) and normalize(district or "") == normalize(premise.district or "")


def _total_line(turn: Turn) -> str:
    """What the cases just listed are owed in all: the engine's amounts of the finished ones
    added up (kept with the list), the open ones said to add to it while they earn so far."""
    tr = turn.tr
    paid: list[dict] = turn.state.get("paid") or []
    if not paid and turn.state.get("open_owed"):
        # An open case's amount so far is in its block, not kept: "nothing owed" would deny it.
        return tr._(
            "No finished case is owed an amount yet; what each open case has earned so far is "
            "listed with it, and it adds to that until the case ends."
        )
    if not paid:
        return tr._("None of these cases is owed an amount yet.")
    total = riyals(sum(entry["amount"] for entry in paid), turn.lang)
    if turn.state.get("open_owed"):
        return tr._(
            "In all you are owed {amount} for the finished cases, and the open ones add to it.",
            amount=total,
        )
    return tr._("In all you are owed {amount}.", amount=total)


def _total_asked(turn: Turn) -> bool:
    """ "كم مجموع اللي لي؟", "what's the total?" at the list of recorded cases: their sum
    (`_total_line`) and the amounts it adds, never which account's bill. True when answered."""
    if "paid" not in turn.state or not mentions_words(turn.text, "total_asked"):
        return False
    parts = [_paid_line(turn, entry) for entry in turn.state.get("paid") or []]
    turn.say("\n".join([_total_line(turn), *parts]), _records_choices(turn))
    return True


def _pay_by_entry(compensation: Compensation) -> dict:
    """A case owed an amount, as kept with the list for "when is it paid?"."""
    assert compensation.pay_by is not None
    return {
        "standard": compensation.standard,
        "amount": compensation.amount_sar,
        "pay_by": compensation.pay_by.isoformat(),
    }


def _pay_by_asked(turn: Turn) -> bool:
    """ "متى ينصرف أول واحد؟", "when is the first one paid?" at the list of recorded cases: the
    pay-by date of the first case owed (or of each, when none is singled out), from the
    engine's figures kept with the list, never the list again. True when answered."""
    paid: list[dict] = turn.state.get("paid") or []
    if not paid or not mentions(turn.text, "ask_pay_date"):
        return False
    _ = turn.tr._
    asked = paid[:1] if mentions_words(turn.text, "first_one") else paid
    turn.say("\n".join(_paid_line(turn, entry) for entry in asked), _records_choices(turn))
    return True


def _paid_line(turn: Turn, entry: dict) -> str:
    """One case owed an amount, as kept with the list: its standard, amount and pay-by date."""
    _ = turn.tr._
    pay_by = date.fromisoformat(entry["pay_by"])
    line = sentence(
        _(
            "{name}: {amount}, to be paid by {date}.",
            name=standard_name(entry["standard"], turn.lang),
            amount=riyals(entry["amount"], turn.lang),
            date=turn.tr.date(pay_by),
        )
    )
    if _past(turn, pay_by):
        line += " " + _("That date has passed: call SERA on {phone} about it.", phone=SERA_PHONE)
    return line


def records_heading(tr: Texts, *, listed: int, owed: int, place: str | None = None) -> str:
    """The line above the sender's recorded cases: how many are listed, and of them how many
    are owed compensation, counted from the one list that is shown (never "compensation owed
    (3)" above one case owed and two on time). `place`: the premises they were asked for
    («عن المحل»), named in it (one heading, not a second one over it)."""
    if place is not None:
        return _premise_records_heading(tr, listed=listed, owed=owed, place=place)
    if owed == listed:
        return tr._(
            "Here is the compensation owed for your recorded cases under the guaranteed "
            "standards ({count} in all):",
            count=tr.number(listed),
        )
    if owed == 0:
        return tr._(
            "Here are your recorded cases under the guaranteed standards ({count} in all); "
            "none of them is owed compensation for now:",
            count=tr.number(listed),
        )
    return tr._(
        "Here are your recorded cases under the guaranteed standards ({count} in all); "
        "{owed} of them are owed compensation:",
        count=tr.number(listed),
        owed=tr.number(owed),
    )


def _premise_records_heading(tr: Texts, *, listed: int, owed: int, place: str) -> str:
    """`records_heading` for the cases of one premises."""
    if owed == listed:
        return tr._(
            "Here is the compensation owed for your recorded cases at {place} under the "
            "guaranteed standards ({count} in all):",
            place=place,
            count=tr.number(listed),
        )
    if owed == 0:
        return tr._(
            "Here are your recorded cases at {place} under the guaranteed standards ({count} in "
            "all); none of them is owed compensation for now:",
            place=place,
            count=tr.number(listed),
        )
    return tr._(
        "Here are your recorded cases at {place} under the guaranteed standards ({count} in "
        "all); {owed} of them are owed compensation:",
        place=place,
        count=tr.number(listed),
        owed=tr.number(owed),
    )


def _records_page(turn: Turn) -> None:
    blocks: list[str] = turn.state["blocks"]
    shown = int(turn.state.get("shown", 0))
    page = blocks[shown : shown + RECORDS_PAGE]
    shown += len(page)
    turn.remember(shown=shown)
    choices = _records_choices(turn)
    if choices[0].unlisted:  # the last page: another case offered in words
        page.append(turn.tr._('To calculate for another case, send "1".'))
    turn.say("\n\n".join(page), choices)


def _records_choices(turn: Turn) -> list[Choice]:
    """Another case, and the next page while there is one; on the last page another case
    alone, unlisted (said in the page's words: a menu of one reads like a form half-made)."""
    blocks: list[str] = turn.state["blocks"]
    shown = int(turn.state.get("shown", 0))
    another = turn.tr._("Calculate for another case")
    if shown >= len(blocks):
        return offered_in_words(another)
    left = turn.tr.number(len(blocks) - shown)
    return [Choice("1", another), Choice("2", turn.tr._("Show more ({left} left)", left=left))]


def _records_step(turn: Turn, understood: Understanding) -> bool:
    picked = choice_number(turn.text)
    if picked is None and _pay_by_asked(turn):
        return True
    if picked is None and control_word(turn.text) == "yes" and _confirms_offered(turn):
        return True
    if picked is None and turn.state.get("ask_start") and _takes_start(turn):
        return True
    if picked is None and turn.state.get("asks_offered") and read_times(turn.text, turn.now).start:
        # The hour asked for a restored report's unconfirmed start: kept on that report.
        turn.finish()
        from handlers import outage_report

        if outage_report.takes_start_correction(turn, understood):
            return True
    if picked is None and _planned_on_open_report(turn):
        return True
    if picked is None and _power_back_on_record(turn, understood):
        return True
    if picked is None and _power_off_told(turn, understood):
        return False  # "لا والله ما رجعت، للحين طافية": news of an outage, for the router
    if picked is None and outside_standards.none_of_these(turn.text):
        _ask(turn, Facts(), "standard")  # "ولا وحدة من هذي" at the cases on record: another case
        return True
    if picked is None:  # a new case told straight away ("امس من ٨ الصبح الى ٤ العصر")
        facts = Facts(standard=understood.text_slot("standard"))
        _open_kind(turn, facts)
        if facts.read(turn.text, turn.now):
            _advance(turn, facts)
            return True
    if picked == 1 or control_word(turn.text) == "yes":
        _ask(turn, Facts(), "standard")
        return True
    if picked == 2 and int(turn.state.get("shown", 0)) < len(turn.state.get("blocks", [])):
        _records_page(turn)
        return True
    if picked is not None:  # "8": a number of no choice here, not of the main menu
        choices = _records_choices(turn)
        if len(choices) > 1:
            turn.say(
                turn.tr._(
                    "Please send a number from 1 to {last}.", last=turn.tr.number(len(choices))
                )
            )
        else:
            turn.say(turn.tr._('To calculate for another case, send "1".'), choices)
        return True
    return False


def _power_off_told(turn: Turn, understood: Understanding) -> bool:
    """ "لا والله ما رجعت عندنا، للحين طافية" after the records: the power said off now, no
    money asked; it is reported (a report covering the outage) as it is with no records shown
    before, never a case of the list of standards."""
    return understood.intent == "outage_report" and says_power_off(turn.text)


def _power_back_on_record(turn: Turn, understood: Understanding) -> bool:
    """ "رجعت الكهرباء الساعة ٩:٤٠" after the records showed an open outage: that report's end
    (`outage_status.takes_power_back`), what it earned then following from it; never a new
    case to be told again, nor the list of standards."""
    from handlers import outage_status

    return bool(_open_outage(turn)) and outage_status.takes_power_back(turn, understood)


def _planned_on_open_report(turn: Turn) -> bool:
    """ "لا غلطت، كان انقطاع مخطط له وبلغونا قبل بيوم" right after their open report's count:
    that outage, said to be planned work, counted as one from the report's start (its day is
    on record, never asked again), with the notice told in the same message. Only an outage on
    record as planned work: an open unplanned one is a fault on record, said so, never
    re-counted as planned from a message (`planned_said_of_fault`)."""
    from handlers.outage_report import planned_said_of_fault

    if not corrects(turn.text) or kind_told(turn.text) != PLANNED:
        return False
    found = _open_outage(turn)
    if not found or start_asked(found[0][0]):
        return False
    report, incident = found[0]
    if planned_said_of_fault(turn.text, incident):
        turn.finish()
        turn.say(
            turn.tr._(
                "Your report {ref} is on record as a sudden outage, and is counted as one.",
                ref=report.reference,
            )
        )
        return True
    start = report.start_in(incident).isoformat()
    facts = Facts(standard=PLANNED, start=start, ongoing=True)
    facts.read(turn.text, turn.now)
    _advance(turn, facts)
    return True


def _confirms_offered(turn: Turn) -> bool:
    """ "نعم" to the records' "you told us it went off about 10 PM: shall I count from then?"
    (an open report) or "what time exactly?" (a restored one): the offered hour is kept."""
    found = _open_outage(turn)
    if found and found[0][0].id == turn.state.get("ask_start"):
        report, incident = found[0]
        if report.stated_start is None and report.offered_start is not None:
            _note_start(turn, report, incident, aware(report.offered_start))
            return True
        return False
    if not turn.state.get("asks_offered"):
        return False
    from handlers.outage_report import confirms_offered_start

    # It finishes the flow itself, only when it confirms: otherwise the records stay this
    # "yes"'s context, never lost to the router.
    return confirms_offered_start(turn)


def _takes_start(turn: Turn) -> bool:
    """The answer to "about what time did your power go off?": kept on the open report as the
    reporter's start, then what it earns from there. An hour without morning or evening that
    could be either is asked again, not guessed."""
    reading = read_times(turn.text, turn.now)
    start = reading.start
    if start is None or start.at is None:
        return False
    found = _open_outage(turn)
    if not found or found[0][0].id != turn.state.get("ask_start"):
        return False
    report, incident = found[0]
    if reading.end is not None:
        from handlers.outage_report import stated_range, take_range

        span = stated_range(turn.text, turn.now, report)  # "من ٨ الصبح لين ٦ المغرب"
        return span is not None and take_range(turn, report, span, incident)
    if start.at > report.reported:
        return False  # after the report was sent: not when this outage began
    from handlers.outage_report import ask_start_of, on_stated_day, start_policy

    # The report flow's policy, one for both; an hour on the day they said ("من يوم السبت").
    told = on_stated_day(turn, report, incident, start_policy(start, turn.now))
    if told.at is not None and told.at > report.reported:
        return False
    if told.at is not None:
        _note_start(turn, report, incident, told.at)
        return True
    # "من الفجر" (its usual hour offered back, counted once they say yes), "الساعة ١١" (morning
    # or evening? the hour kept for the answer): asked as the report flow asks it, once.
    turn.finish()
    ask_start_of(turn, report, told)
    return True


def _note_start(turn: Turn, report: OutageReport, incident: Incident, start: datetime) -> None:
    from handlers.outage_report import FAR_BACK, take_start

    if report.reported - start > FAR_BACK:  # asked back first, the report left as it is
        turn.finish()
        take_start(turn, report, start)
        return
    record_stated_start(report, start)
    turn.finish()
    turn.say(
        turn.tr._("Noted on your report {ref}.", ref=report.reference)
        + "\n"
        + _open_outage_text(turn, report, incident, holder=report.account is None)
    )


def day_and_time(turn: Turn, at: datetime, about: bool = False) -> str:
    """ "اليوم الاثنين 30 نوفمبر الساعة 5:00 ص": a moment offered back to be confirmed; with
    `about`, its hour a guess ("… حوالي الساعة 5:00 ص")."""
    day = day_words(turn, said_day(at))  # 00:00 is the midnight that ends the day before
    if about:
        return turn.tr._("{day} at about {time}", day=day, time=turn.tr.day_time(at))
    return turn.tr._("{day} at {time}", day=day, time=turn.tr.day_time(at))


def start_part_question(turn: Turn, at: datetime) -> str:
    """The usual hour of the part of the day told, offered back as "about" beside its hour
    ("… حوالي الساعة 8:00 ص"), not before the day."""
    when = day_and_time(turn, at, about=True)
    return turn.tr._("Shall I count from {when}? If you know the hour, just write it.", when=when)


def yes_no(turn: Turn) -> list[Choice]:
    return [Choice("1", turn.tr._("Yes")), Choice("2", turn.tr._("No, correct it"))]


def ask_start_day(turn: Turn, report: OutageReport, told: str) -> None:
    """After an outage report whose message (`told`: the one that reported it, before any
    question about the place) wrote a weekday with a date not on it ("الخميس ٢٧ نوفمبر", a
    Friday): the amount depends on the day, so which one is asked (nothing is counted from
    either until then), and the answer kept on the report."""
    start = read_times(told, turn.now).start
    if report.stated_start is not None or start is None or start.other_weekday is None:
        return
    at = start.at
    if at is None:
        return  # a day without an hour: no start to count from either way
    weekday_at = next(
        at + timedelta(days=d)
        for d in range(-3, 4)
        if (at + timedelta(days=d)).weekday() == start.other_weekday
    )
    days = sorted(d for d in (at, weekday_at) if d <= min(turn.now, report.reported))
    if len(days) < 2:
        return
    turn.begin(
        "compensation",
        stage="start_day",
        ask_start=report.id,
        days=[d.isoformat() for d in days],
        tries=0,
    )
    turn.say(_start_day_question(turn), _start_day_choices(turn, days))


def _start_day_question(turn: Turn) -> str:
    return turn.tr._(
        "The day you wrote and its date do not match. On which day did the power go off? "
        "Send its number."
    )


def _start_day_choices(turn: Turn, days: list[datetime]) -> list[Choice]:
    _ = turn.tr._
    return [
        Choice(
            str(i),
            day_and_time(turn, d),
        )
        for i, d in enumerate(days, 1)
    ]


def _start_day_step(turn: Turn, understood: Understanding) -> bool:
    days = [datetime.fromisoformat(d) for d in turn.state.get("days", [])]
    picked = choice_number(turn.text)
    chosen = days[picked - 1] if picked is not None and 1 <= picked <= len(days) else None
    if chosen is None and picked is None:
        named = read_times(turn.text, turn.now).start
        matching = [d for d in days if named is not None and named.day == _local(d).date()]
        chosen = matching[0] if len(matching) == 1 else None
    if chosen is None:
        if _moved_on(understood):
            return False
        tries = int(turn.state.get("tries", 0)) + 1
        if tries >= MAX_TRIES:
            return _retry(turn, "")
        turn.remember(tries=tries)
        turn.say(_start_day_question(turn), _start_day_choices(turn, days))
        return True
    report = turn.session.get(OutageReport, turn.state.get("ask_start"))
    turn.finish()
    if report is None:
        return True
    incident = turn.session.get(Incident, report.incident_id)
    assert incident is not None
    record_stated_start(report, chosen)
    turn.say(
        turn.tr._("Noted on your report {ref}.", ref=report.reference)
        + "\n"
        + _open_outage_text(turn, report, incident, holder=report.account is None)
    )
    return True


def _overdue(turn: Turn, compensation: Compensation) -> bool:
    return bool(compensation.eligible and compensation.pay_by and _past(turn, compensation.pay_by))


def _past(turn: Turn, pay_by: date) -> bool:
    """A pay-by date gone by: the day it falls on in Riyadh is over (the one rule of overdue)."""
    return pay_by < _day_in_riyadh(turn.now)


def _open_outage_text(
    turn: Turn, report: OutageReport, incident: Incident, holder: bool = False
) -> str:
    """An outage still open: what it earns so far, counted from the same start the
    restoration notice will use for this reporter, and how it grows."""
    standard = restoration_standard(incident)
    vague = start_asked(report) and not incident.force_majeure
    if vague and not incident.start_set_by_operator:
        return _start_asked_text(turn, report)
    # A start an operator set is when the area lost power, a fact: with the reporter's own
    # start vague, the time so far counts from it (owed whatever hour they confirm), and their
    # hour is asked after it when it may be earlier.
    asked = (
        _start_asked_text(turn, report) if vague and may_start_earlier(report, incident) else None
    )
    facts = Facts(standard=standard, start=report.start_in(incident).isoformat(), ongoing=True)
    start = report.start_in(incident)
    now = max(turn.now.replace(second=0, microsecond=0), start)
    compensation = compensation_for(
        Case(standard, start=start, end=now, force_majeure=bool(incident.force_majeure))
    )
    if not compensation.eligible and compensation.reason == "force_majeure":
        return compensation.explain(turn.lang, now=turn.now)
    _ = turn.tr._
    if vague:
        since = day_and_time(turn, start)
        counting = _(
            "Counting from {since}, when the power went off in your area by our records, still "
            "going on:",
            since=since,
        )
    elif report.stated_start is None:  # never said as when their power went off
        since = day_and_time(turn, start)
        counting = _(
            "Counting from {since}, the start on our record (I have no exact time from you for "
            "when your power went off), still going on:",
            since=since,
        )
    else:
        counting = _("Counting {facts}:", facts=_facts_text(turn, facts))
    so_far = _so_far_text(turn, facts, compensation, holder)
    notice = notice_compensation(incident) if incident.start <= now else None
    if notice is None or not notice.eligible:
        return "\n".join(line for line in (counting, so_far, asked) if line)
    # A planned outage begun: its notice case is settled already (the restoration notice will
    # add it too), so it is said now, each case under its standard's name, with their sum.
    total = compensation.amount_sar + notice.amount_sar
    return "\n".join(
        [
            counting,
            f"{standard_name(standard, turn.lang)}: {so_far}",
            _(
                "{standard}: notice was due by {deadline}, at least {hours} before the outage, "
                "and came later: you are owed {amount}, paid with the rest after the outage "
                "ends.",
                standard=standard_name(notice.standard, turn.lang),
                deadline=turn.tr.datetime(notice.deadline) if notice.deadline else "",
                hours=duration(
                    turn.tr, 60 * (notice.rule.deadline or 0) if notice.rule else 0, governed=True
                ),
                amount=riyals(notice.amount_sar, turn.lang),
            ),
            _("In all so far: {amount}.", amount=riyals(total, turn.lang)),
            *([asked] if asked else []),
        ]
    )


def _open_outage_owed(turn: Turn, report: OutageReport, incident: Incident) -> bool:
    """Whether `_open_outage_text` says an amount owed so far for this open outage (its
    restoration so far, or a planned outage's late notice): a start still to confirm with no
    operator's start says none, nor does force majeure."""
    if start_asked(report) and not incident.force_majeure and not incident.start_set_by_operator:
        return False
    start = report.start_in(incident)
    now = max(turn.now.replace(second=0, microsecond=0), start)
    compensation = compensation_for(
        Case(
            restoration_standard(incident),
            start=start,
            end=now,
            force_majeure=bool(incident.force_majeure),
        )
    )
    if compensation.amount_sar > 0:
        return True
    if not compensation.eligible and compensation.reason == "force_majeure":
        return False
    notice = notice_compensation(incident) if incident.start <= now else None
    return notice is not None and notice.eligible and notice.amount_sar > 0


def _start_asked_text(turn: Turn, report: OutageReport) -> str:
    """An open outage whose start the reporter said but gave no hour we may count from: no
    amount from our own start (known to be too late), their start asked or offered back."""
    _ = turn.tr._
    if report.offered_start is not None:
        return _(
            "You told us your power went off about {when}: shall I count from then? Say yes, "
            "or write the hour.",
            when=day_and_time(turn, aware(report.offered_start)),
        )
    assert report.stated_day is not None
    return _(
        "You told us your power went off on {day}: about what time? Tell me the hour and I "
        "will count from it.",
        day=day_words(turn, report.stated_day),
    )


def _local(moment: datetime) -> datetime:
    return moment.astimezone(RIYADH)


def open_outage_so_far(
    turn: Turn, report: OutageReport, incident: Incident, holder: bool = False
) -> str:
    """What an open outage has earned so far for this reporter (the report's acknowledgement
    and the records use the same start and the same engine). `holder`: the report is linked
    to no account, so it is said as due to the holder of the account at that place."""
    return _open_outage_text(turn, report, incident, holder)


def _open_request_so_far(turn: Turn, request) -> Compensation:
    """What a service request still open has earned until now (the engine's figure)."""
    requested = aware(request.requested_at)
    now = max(turn.now.replace(second=0, microsecond=0), requested)
    return compensation_for(
        Case(request.standard, start=requested, end=now, network=request.network or "lv")
    )


def _open_request_text(turn: Turn, request) -> str:
    requested = aware(request.requested_at)
    facts = Facts(
        standard=request.standard,
        start=requested.astimezone(RIYADH).isoformat(),
        ongoing=True,
        network=request.network,
    )
    compensation = _open_request_so_far(turn, request)
    return (
        turn.tr._("Counting {facts}:", facts=_facts_text(turn, facts))
        + "\n"
        + _so_far_text(turn, facts, compensation)
    )


def _open_outage(turn: Turn) -> list[tuple[OutageReport, Incident]]:
    """The sender's outage cases going on, newest first: every open report of theirs (the
    villa's and the shop's alike), none restored, withdrawn, or told to be back."""
    return [
        (report, incident)
        for report, incident in sender_outage_reports(turn)
        if report.is_current(incident) and report.power_back_at is None
    ]


def ask_when_back_kept(turn: Turn, report: OutageReport) -> bool:
    """ "الغي البلاغ الكهربا رجعت" with no hour: the report kept, not withdrawn (what it earns
    would be lost), and when the power came back asked, so the case is counted."""
    return _ask_when_back(turn, kept=report)


def _ask_when_back(turn: Turn, kept: OutageReport | None = None) -> bool:
    """The reporter told us the power came back ("رجعت الكهرباء"), or cancelled their report
    saying so ("الغي البلاغ الكهربا رجعت"): their case is counted, from the start they stated or
    else the start on our record (said as such), once they say when it came back, asked here.
    False when there is no such report."""
    meant = outage_reports_meant(turn)
    found = next(((r, i) for r, i in meant if kept is None or r.id == kept.id), None)
    if found is None or (kept is None and len(meant) > 1):
        return False
    report, incident = found
    if report.power_back_at is None:
        return False
    if report.case_over(incident):
        return False
    stated = report.stated_start
    since = aware(stated) if stated is not None else report.start_in(incident)
    since = since.astimezone(RIYADH)
    facts = Facts(
        standard=restoration_standard(incident),
        start=since.isoformat(),
        back_after=report.back_after(incident).isoformat(),
        back_by=report.back_by(turn.now).isoformat(),
    )
    _ = turn.tr._
    went_off = day_and_time(turn, since)
    cancelled = report.status == CANCELLED
    if kept and stated is None:
        lead = _(
            "Glad the power is back! Rather than cancel your report {ref}, I have kept it so that "
            "the compensation it earns is counted: from {since}, the start on our record."
        )
    elif kept:
        lead = _(
            "Glad the power is back! Rather than cancel your report {ref}, I have kept it so that "
            "the compensation it earns is counted: it went off {since}."
        )
    elif stated is None and cancelled:
        lead = _(
            "You cancelled your report {ref} saying the power came back; I count from {since}, "
            "the start on our record."
        )
    elif stated is None:
        lead = _(
            "You told us on your report {ref} that the power came back; I count from {since}, "
            "the start on our record."
        )
    elif cancelled:
        lead = _("You cancelled your report {ref} saying the power came back; it went off {since}.")
    else:
        lead = _("You told us on your report {ref} that the power came back; it went off {since}.")
    turn.say(lead.format(ref=report.reference, since=went_off))
    _ask(turn, facts, "back_time")
    turn.remember(back_of=report.id)  # the answer closes this report's case (`_answer`)
    return True


def damage_after_restoration(turn: Turn) -> None:
    """ "خربت الثلاجة بعد ما رجعت الكهرباء" with no open report: the power is back, nothing to
    report. The damage is a separate claim to the company (said once, here); the outage before
    it is counted under the guaranteed standards once its times are told, its kind asked."""
    turn.intent = "compensation"
    facts = Facts(standard=EMERGENCY, kind_open=True)
    turn.begin("compensation", stage="ask", asked="times", facts=facts.dump(), tries=0)
    outage = turn.tr._(
        "The outage before it may be owed compensation under the guaranteed standards."
    )
    question = _question(turn, facts, "times")
    turn.say(f"{damage_claim_text(turn)}\n{outage} {question}")


# -- small helpers ----------------------------------------------------------------------------


def _moved_on(understood: Understanding) -> bool:
    return understood.intent not in ("unknown", "compensation") and understood.confidence >= 0.8


def _retry(turn: Turn, question: str, choices: list[Choice] | tuple[Choice, ...] = ()) -> bool:
    tries = int(turn.state.get("tries", 0)) + 1
    if tries >= MAX_TRIES:
        from handlers import menu

        turn.finish()
        menu.show(turn, turn.tr._("I could not work it out from that. Let us start again."))
        return True
    turn.remember(tries=tries)
    turn.say(question, choices)
    return True
