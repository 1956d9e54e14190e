"""Outage status: the state of the sender's latest report, and what it earned once restored.
Also what a reporter tells us about it afterwards: "the power is back" (kept on the report for
operators) and "cancel my report" (no notices go to it)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import cache, lru_cache

from bot.config import RIYADH
from bot.dialogue.messages import Choice
from bot.dialogue.turn import Turn
from bot.hazards.models import Hazard, HazardReport
from bot.outages import compensation_for_report, covering_report, record_stated_end
from bot.outages.models import CANCELLED, Incident, OutageReport, format_reference
from bot.outages.notices import unstated_start_line
from bot.outages.places import find_place
from bot.outages.service import (
    cancel_report,
    note_power_back,
    note_still_off,
    off_again,
    undo_power_back,
)
from bot.phrases import mentions, mentions_words, phrases
from bot.storage.base import aware
from bot.text import normalize
from bot.text.alternation import one_of
from bot.understanding import Understanding
from bot.understanding.phrases import control_phrases
from bot.understanding.slots import (
    Moment,
    read_answer_hour,
    read_times,
    says_now,
    says_power_off,
)
from handlers import compensation, outage_report
from handlers.common import (
    END_CORRECTION_REACH,
    back_ahead,
    back_within,
    corrected_end,
    damage_claim_text,
    latest_outage_report,
    latest_safety_report,
    mentions_damage,
    named_kinds,
    named_reference,
    open_outage_reports,
    outage_reports_meant,
    premise_named,
    premise_shown,
    said_as_correction,
    same_place,
    sender_outage_reports,
    stopped_note,
)

# A report this fresh has not reached a crew yet: "the teams are working on it" would be untrue.
FRESH = timedelta(minutes=15)
# Flows in which "the power came back" is an answer (the compensation questions), not news.
_ANSWERED_IN = ("compensation",)


def start(turn: Turn, understood: Understanding) -> None:
    tr = turn.tr
    _ = tr._
    turn.intent = "outage_status"
    if answers_named_report(turn):  # "HAZ-000012 وش صار عليه": that one, never the latest
        return
    meant = outage_reports_meant(turn)  # "حالة بلاغي" with two open: both; «بلاغ الفيلا»: one
    found = meant[0] if meant else None
    if len(meant) == 1 and meant[0][0].is_current(meant[0][1]) and says_still_off(turn.text):
        note_still_off(meant[0][0], turn.now)  # «للحين ما رجعت»: it came back after this
    safety = latest_safety_report(turn)
    if found is None and outage_report.planned_ahead_told(turn):
        compensation.planned_ahead(turn)  # "وصلتني رسالة قطع مجدول الاحد الجاي كم بيطول؟"
        return
    if _reports_an_outage(turn, understood, found):
        # "الكهربا طافية متى بترجع؟", "no power in Al Malaz, when will it be back?": the report
        # is what the subscriber needs first, then what is known of when the power comes back.
        outage_report.start(turn, understood, asked_when=True)
        return
    if safety is not None and found is not None and _both_open(turn, found, safety[1]):
        # "وش صار على بلاغي" with an outage report and a safety report open: both, short.
        _say_outage_reports(turn, meant)
        _say_safety_reports(turn, safety)
        return
    if safety is not None and _asks_after_safety(turn, found, safety[0]):
        _say_safety_reports(turn, safety)
        return
    if found is None and _none_where_named(turn):
        return  # «وش صار على بلاغ المحل» with the villa's open only: said so, the villa's offered
    if found is None:
        # A yes-or-no question, not a list of one: its yes reports the outage in the words of
        # this message (the place told is not asked again).
        from handlers import menu

        menu.ask_meant(
            turn, "outage_report", _("I found no outage report from you. Is the power out now?")
        )
        return
    _say_outage_reports(turn, meant)


def _say_outage_reports(turn: Turn, reports: list[tuple[OutageReport, Incident]]) -> None:
    """Each report's status, in a message of its own."""
    for report, incident in reports:
        line = turn.tr._(
            "Report {ref}, sent {when}", ref=report.reference, when=when(turn, report.reported)
        )
        turn.say("\n".join([line, *status_lines(turn, report, incident)]))


def answers_named_report(turn: Turn) -> bool:
    """A report named by its reference ("HAZ-000012 وش صار عليه", "OUT-000003"): the status of
    that report when it is the sender's; when it is not (or there is none), kindly said so:
    never another number's report, nor their latest one in its place. False when the message
    names no reference."""
    named = named_reference(turn.text or "")
    if named is None:
        return False
    kind, number = named
    turn.intent = "outage_status"
    if kind in ("haz", "hz"):
        safety = latest_safety_report(
            turn,
            report=number if kind == "haz" else None,
            hazard=number if kind == "hz" else None,
        )
        if safety is not None:
            say_safety_status(turn, *safety)
            return True
    else:
        found = latest_outage_report(
            turn,
            report=number if kind == "out" else None,
            incident=number if kind == "inc" else None,
        )
        if found is not None:
            _say_outage_reports(turn, [found])
            return True
    asked = format_reference(kind.upper(), number)  # the kinds are the prefixes, lower-cased
    turn.say(
        turn.tr._(
            "I could not find report {ref} among the reports sent from your number. Please "
            "check its number and send it again.",
            ref=asked,
        )
    )
    return True


def _asks_after_safety(
    turn: Turn, outage: tuple[OutageReport, Incident] | None, safety: HazardReport
) -> bool:
    """The safety report is meant when its reference is named ("HAZ-000002"), or when it is the
    sender's latest report (and no outage reference is named)."""
    named = named_kinds(turn.text)
    if named & {"haz", "hz"}:
        return True
    if named & {"out", "inc"}:
        return False
    return outage is None or aware(safety.reported_at) > outage[0].reported


def _both_open(turn: Turn, outage: tuple[OutageReport, Incident], hazard: Hazard) -> bool:
    """Both reports still open, and the message names neither kind by its reference."""
    if named_kinds(turn.text):
        return False
    report, incident = outage
    return incident.is_open and report.status != CANCELLED and not hazard.is_resolved


def _say_safety_reports(turn: Turn, latest: tuple[HazardReport, Hazard]) -> None:
    """The latest safety report's status, and that of the sender's other reports not made safe
    yet ("حالة بلاغاتي": every one of them, not the latest alone), unless the message names the
    latest by its reference."""
    from bot.hazards.service import open_reports_of

    say_safety_status(turn, *latest)
    if named_kinds(turn.text or ""):
        return
    message = turn.message
    others = open_reports_of(
        turn.session, channel=message.channel, sender=message.sender, phone=turn.phone
    )
    for report, hazard in others:
        if hazard.id != latest[1].id:
            say_safety_status(turn, report, hazard)


def say_safety_status(turn: Turn, report: HazardReport, hazard: Hazard) -> None:
    _ = turn.tr._
    turn.intent = "outage_status"  # the status of a report, of either kind
    lines = [
        _(
            "Safety report {ref}, sent {when}",
            ref=report.reference,
            when=when(turn, aware(report.reported_at)),
        )
    ]
    if hazard.is_resolved:
        lines.append(
            _(
                "Status: the place was made safe {when}. Thank you for reporting it.",
                when=when(turn, aware(hazard.resolved_at)),
            )
        )
    elif hazard.assigned_to:
        lines.append(_("Status: a team has been sent to make the place safe."))
    else:
        lines.append(
            _(
                "Status: our emergency team has it and will check the place; the most "
                "dangerous reports are handled first."
            )
        )
    turn.say("\n".join(lines))


def _reports_an_outage(
    turn: Turn, understood: Understanding, found: tuple[OutageReport, Incident] | None
) -> bool:
    """A status question with no open report behind it that tells of an outage: the power off
    ("الكهربا طافية عندنا متى بترجع؟", "Power is out. When will it be back?"), or an outage in a
    named place. The report is what the subscriber needs, not "is the power out now?", nor the
    status of an old report (restored, or cancelled). A report named by its reference is asked
    about, whatever else is said."""
    if found is not None and found[0].is_current(found[1]):
        return False
    if named_reference(turn.text) is not None:
        return False
    if found is not None and mentions_words(turn.text, "report_word"):
        return False  # "الكهربا كانت طافية، وش صار على بلاغي؟": that report's status is asked
    if says_power_off(turn.text) or mentions_words(turn.text, "outage_here"):
        return True  # "فيه انقطاع عندنا بالملقا متى يرجع؟": «انقطاع» is the power off here
    if found is not None or not find_place(turn.text).city:
        return False
    return any(intent == "outage_report" for intent, _score in understood.alternatives)


def status_lines(turn: Turn, report: OutageReport, incident: Incident) -> list[str]:
    """Where the report stands: restored (and what it earned), cancelled, or open (with the
    estimate; an estimate already missed is apologised for, with when a new one comes)."""
    tr = turn.tr
    _ = tr._
    covering = covering_report(turn.session, report, incident)
    if covering is not None:  # "still off" after the restoration: one outage, paid there
        return [
            _(
                "The power was recorded as restored {when}, but you told us it never came "
                "back: it is the same outage, counted once, on your report {ref}.",
                when=when(turn, incident.end),
                ref=covering.reference,
            )
        ]
    if report.stated_end is not None:  # the reporter's own end: their case, closed
        lines = [
            _(
                "You told us the power came back {when}.",
                when=when(turn, aware(report.stated_end)),
            )
        ]
        return lines + _amount_lines(turn, report, incident)
    restored = incident.status == "restored" and incident.restored_at is not None
    if report.status == CANCELLED and restored:
        # Its incident restored after: the cancellation said first, no sum quoted from a report
        # they withdrew; the compensation question stays theirs to ask.
        return [
            _(
                "You cancelled this report. Power in its area was restored {when}. To check "
                'compensation for your outage, ask me "how much is my compensation?".',
                when=when(turn, incident.end),
            )
        ]
    if restored:
        lines = [_("Power was restored {when}.", when=when(turn, incident.end))]
        compensation = compensation_for_report(report, incident)
        if compensation is not None:
            # Never "nothing is owed" from a start the reporter did not give: asked instead.
            unstated = unstated_start_line(tr, report, incident, compensation)
            lines.append(unstated or compensation.explain(turn.lang, now=turn.now))
        return lines
    if report.status == CANCELLED:
        return [_("You cancelled this report. If the power is out, tell me and I will report it.")]
    lines = []
    if report.power_back_at is not None:
        lines.append(
            _(
                "You told us the power came back {when}; the team will confirm it.",
                when=when(turn, aware(report.power_back_at)),
            )
        )
    # "The teams are working on it" only once operations have said something (an estimate or a
    # cause): before that, nobody has told us a crew is on it.
    if incident.estimated_restoration_at or incident.cause:
        lines.append(_("Status: the teams are working on it."))
    elif turn.now - report.reported < FRESH:
        lines.append(_("Your report has reached the operations team; it is a few minutes old."))
    else:
        lines.append(
            _("Status: your report is with the operations team; no news from the field yet.")
        )
    if incident.cause:
        lines.append(_("Cause: {cause}", cause=incident.cause))
    if report.power_back_at is not None:
        return lines  # back, by their word: no estimate of a restoration they already have
    estimate = aware(incident.estimated_restoration_at)
    stopped = stopped_note(turn)  # after STOP: no promise of a message that will not come
    if estimate is None and stopped:
        lines += [_("There is no estimated restoration time yet."), stopped]
    elif estimate is None:
        lines.append(
            _("There is no estimated restoration time yet; we will message you when there is.")
        )
    elif estimate > turn.now:
        lines.append(_("Expected restoration: {when}", when=when(turn, estimate)))
    elif stopped:
        lines += [
            _(
                "We are sorry: the power was expected back by {when} and the repair is taking "
                "longer.",
                when=when(turn, estimate),
            ),
            stopped,
        ]
    else:
        lines.append(
            _(
                "We are sorry: the power was expected back by {when} and the repair is taking "
                "longer. We will message you here as soon as the team sets a new time.",
                when=when(turn, estimate),
            )
        )
    return lines


def when(turn: Turn, moment: datetime | None) -> str:
    """ "اليوم الساعة 11:00 ص" for today, "أمس الساعة 9:00 م" for yesterday (Riyadh's days),
    else the date and time."""
    if moment is None:
        return ""
    return turn.tr.datetime(moment, now=turn.now)


# A restoration notice this recent is what a bare "how much?" answers to.
AFTER_RESTORATION = timedelta(hours=24)
# A request read this surely is what it says, even just after a restoration notice.
SURE = 0.9


def asks_what_restoration_earned(turn: Turn, understood: Understanding) -> bool:
    """ "طيب كم لي", "so how much do I get" soon after the restoration notice of the sender's
    report: what that outage earned is asked, not a bill (the model's unsure guess). Only a
    message the model is unsure of, that asks "how much" and names nothing else."""
    if understood.intent not in ("unknown", "bill", "outage_status"):
        return False
    if understood.confidence >= SURE or not mentions_words(turn.text, "how_much"):
        return False
    found = latest_outage_report(turn)
    if found is None or found[0].status == CANCELLED or found[1].end is None:
        return False
    return timedelta(0) <= turn.now - found[1].end <= AFTER_RESTORATION


def takes_why(turn: Turn, understood: Understanding | None) -> bool:
    """ "ليش انقطعت؟" from a reporter whose report is open and no question waiting: its status
    answers it, with the cause when the team has recorded one; True when it did."""
    if understood is None or turn.asking or not mentions(turn.text, "ask_why_off"):
        return False
    found = latest_outage_report(turn)
    if found is None or found[0].status == CANCELLED or not found[1].is_open:
        return False
    turn.finish()
    start(turn, understood)
    return True


def takes_news(turn: Turn, understood: Understanding | None) -> bool:
    """ "رجعت الكهرباء" or "الغي البلاغ" from a reporter whose report is open: recorded on the
    report and answered; True when it was. A report still being made is simply dropped."""
    text = turn.text
    if not text or turn.flow in _ANSWERED_IN or _back_time_asked(turn):
        return False
    back, cancel = says(text, "power_back"), cancels_report(text)
    # "خربت الثلاجة بعد ما رجعت الكهرباء": damage when the power came back; it is back
    damage_after = mentions_damage(text) and mentions(text, "back_then")
    back = back or damage_after
    # "اسف طلع الفيوز حقي بس، الكهربا موجودة": no outage of the network at all, their own fuse;
    # the report is withdrawn (an outage report may be), never kept as "the power came back".
    own = says(text, "false_alarm") and not says_power_off(text)
    if own:
        back, cancel = False, True
    # "اقدر الغي البلاغ؟ رجعت الكهرباء الحين": cancelled because the power is back, the case is
    # not withdrawn but ended: the restoration recorded, as "رجعت الكهرباء" alone, and what it
    # earned said (a withdrawn report would throw away what is owed).
    kept = back and cancel
    cancel = cancel and not back
    if not (back or cancel):
        return False
    told = cancel or kept or damage_after
    if understood is not None and understood.intent == "compensation" and not told:
        return False  # "it came back at 4, how much do I get": the calculator's question
    if back and not cancel and asks_about(text, "power_back"):
        # "هل رجعت الكهرباء عندنا؟": the report's status answers it; nothing is recorded.
        if turn.flow == "outage_report" or understood is None:
            return False
        start(turn, understood)
        return True
    reporting = turn.flow == "outage_report" and turn.state.get("stage") != "which_report"
    meant = [] if reporting else outage_reports_meant(turn)
    if len(meant) > 1:
        ask_which_report(turn, meant)  # "الغي البلاغ" with the villa's and the shop's open
        return True
    if not (meant or reporting) and _none_where_named(turn):
        return True  # «رجعت الكهرباء في المحل» with the villa's report open only
    found = meant[0] if meant else latest_outage_report(turn) if reporting else None
    if cancel and not back and not own:
        from handlers import hazard_report

        open_report = found[0] if found is not None and found[0].is_current(found[1]) else None
        if hazard_report.takes_cancel(turn, open_report):
            return True  # a safety report: kept, or which report is meant asked
    stated_end = back and not cancel and _states_an_end(understood)
    if stated_end and found is not None and _takes_stated_end(turn, *found):
        return True  # "رجعت الساعة 3": the stated end closes the reporter's case
    _ = turn.tr._
    turn.finish()  # a report being made is not made: the power is back, or it is not wanted
    if found is None or not found[0].is_current(found[1]):
        if reporting:
            turn.intent = "outage_report"
            if own:
                turn.say(
                    own_fault_text(
                        turn, _("As the fault was on your side, I have not recorded the report.")
                    )
                )
            elif cancel:
                turn.say(_("All right, I have not recorded the report."))
            else:
                turn.say(_("Glad it is back! I have not recorded the report, then."))
            return True
        if damage_after and not cancel:
            from handlers.compensation import damage_after_restoration

            damage_after_restoration(turn)  # no outage going on to report
            return True
        if not cancel or own:
            return False  # nothing open to record it on: small talk, or a new question
        turn.intent = "outage_status"
        turn.say(_("You have no open outage report to cancel."))
        return True
    report, _incident = found
    turn.intent = "outage_status"
    if back:
        note_power_back(report, turn.now)
    if kept:
        from handlers.compensation import ask_when_back_kept

        if ask_when_back_kept(turn, report):
            return True
    if cancel:
        cancel_outage_report(turn, report, own=own)
        return True
    stopped = stopped_note(turn)
    if not says_now(text) and _incident.is_open and report.stated_end is None:
        # «el kahraba rag3et», «رجعت الكهرباء» with no time: when is asked, so the case is
        # counted to it (`back_part_answer`); "رجعت الحين" is back at the message itself.
        from handlers.outage_report import FLOW

        turn.begin(FLOW, stage="back_part", report=report.id, offer=None, part_hour=None, tries=0)
        noted = _("Glad the power is back! I have noted it on your report {ref}.")
        asked = _(
            "At about what time did it come back? Tell me and I will count any compensation "
            'owed. For example: "at 4:30".'
        )
        lines = [noted.format(ref=report.reference), *([stopped] if stopped else []), asked]
        if mentions_damage(text):
            lines.insert(1, damage_claim_text(turn))
        turn.say("\n".join(lines))
        return True
    if stopped:
        turn.say(
            _("Glad the power is back! I have noted it on your report {ref}.", ref=report.reference)
            + "\n"
            + stopped
        )
        return True
    turn.say(
        _(
            "Glad the power is back! I have noted it on your report {ref}. Once the team "
            "confirms the restoration we will message you here, with any compensation owed.",
            ref=report.reference,
        )
    )
    return True


def _back_time_asked(turn: Turn) -> bool:
    """Our question of when the power came back is open (`back_part_answer`): "رجعت الكهرباء
    المغرب" answers it, as "المغرب" would, never news that asks the same question again."""
    return turn.flow == outage_report.FLOW and turn.state.get("stage") == "back_part"


def takes_back_undone(turn: Turn, understood: Understanding | None) -> bool:
    """After a reporter said their power is back, while their report is open: "رجعت وطفت مرة
    ثانية الحين" is off again (their report now counts a new outage from this message, the one
    that ended said to be not on it); "لا لا غلطان ما رجعت" or "الكهرباء للحين طافية" takes
    their "back" away (the report stands as before, for operators too). True when taken."""
    text = turn.text
    if not text or turn.flow in _ANSWERED_IN:
        return False
    again = mentions_words(text, "off_again") or (says(text, "power_back") and says_power_off(text))
    denied = not again and (
        says_power_off(text)
        or (mentions_words(text, "never_back") and not says(text, "power_back"))
    )
    if not (again or denied) or asks(text):
        return False
    found = latest_outage_report(turn)
    if found is None:
        return False
    report, incident = found
    if report.power_back_at is None and report.stated_end is None:
        return False  # no "back" of theirs to undo: the report's flow answers as it does

    if not same_place(turn, report):
        return False  # "the shop is back" then "and the villa is still off": another premise
    if not (report.is_current(incident) or (denied and _denies_told_end(turn, report, incident))):
        return False  # their case is over: the power off now is a new outage, a new report
    _ = turn.tr._
    turn.finish()
    turn.intent = "outage_status"
    if again:
        earlier = off_again(report, incident, turn.now)
        from handlers.outage_report import earlier_not_counted

        turn.say(
            _(
                "Sorry it went off again. Your report {ref} stays open, for an outage from now "
                "({when}); we will message you here as soon as the power is back.",
                ref=report.reference,
                when=when(turn, turn.now),
            )
            + ("\n" + earlier_not_counted(turn, earlier) if earlier[0] < earlier[1] else "")
        )
        return True
    undo_power_back(report)
    turn.say(
        _(
            "Sorry, I have put it right: your report {ref} says the power is still off. We will "
            "message you here as soon as it is back.",
            ref=report.reference,
        )
    )
    return True


def _denies_told_end(turn: Turn, report: OutageReport, incident: Incident) -> bool:
    """ "لا غلطان ما رجعت" soon after the reporter told the hour their power came back (their
    case over by that hour alone, the incident still open): that hour taken back. Not a start
    told after that hour ("طافية من ساعتين" days later), nor a message a day on: a new outage."""
    from handlers.outage_report import STILL_OFF_WINDOW

    told_back, end = aware(report.power_back_at), aware(report.stated_end)
    if report.status == CANCELLED or not incident.is_open or told_back is None or end is None:
        return False
    if turn.now - told_back > STILL_OFF_WINDOW:
        return False
    began = read_times(turn.text, turn.now).start
    return began is None or began.at is None or began.at <= end


def says_still_off(text: str) -> bool:
    """The message says the power is off now, or still not back («للحين ما رجعت», "still no
    power")."""
    return says_power_off(text) or mentions_words(text, "never_back")


def own_fault_text(turn: Turn, tail: str) -> str:
    """A false alarm (their own fuse or breaker): the kind opening, then what became of the
    report."""
    opening = turn.tr._("Glad the power is on, and thank you for telling us!")
    return f"{opening} {tail}"


def cancel_outage_report(turn: Turn, report: OutageReport, own: bool = False) -> None:
    """The sender's open outage report cancelled, and said so; `own`: the outage was their own
    fuse or breaker, withdrawn with a kind word."""
    turn.intent = "outage_status"
    cancel_report(turn.session, report, turn.now)
    if own:
        tail = turn.tr._(
            "As the fault was on your side, I have withdrawn your report {ref}. If the power "
            "goes off again, just tell me.",
            ref=report.reference,
        )
        turn.say(own_fault_text(turn, tail))
        return
    turn.say(
        turn.tr._(
            "Done, your report {ref} is cancelled. If the power goes off again, just tell me.",
            ref=report.reference,
        )
    )


def cancels_report(text: str) -> bool:
    """ "الغي البلاغ", also with the report word misspelt ("ابي الغي البلاق", "الغي بلاكي")."""
    return says(_report_word_repaired(text), "cancel_report")


def names_report(text: str) -> bool:
    """The message names a report, spelt right or nearly ("البلاغ", "البلاق", "reprot")."""
    words = set(normalize(text).split())
    return any(_near_report_word(word) for word in words)


def _report_word_repaired(text: str) -> str:
    words = normalize(text).split()
    return " ".join(_near_report_word(word) or word for word in words)


@lru_cache(maxsize=8192)
def _near_report_word(word: str) -> str | None:
    """The report word (the last word of a cancel_report phrase: البلاغ, بلاغي, report) this
    word is, or is one slip of the keyboard or the tongue from (غ→ق/ك, two letters swapped)."""
    if len(word) < 4:
        return None
    if word in _report_words():
        return word  # "balagh" is itself, not one letter short of "balaghi"
    for known in _report_words():
        if _one_slip(word, known):
            return known
    return None


@cache
def _report_words() -> frozenset[str]:
    return frozenset(phrase.split()[-1] for phrase in phrases("cancel_report"))


def _one_slip(word: str, known: str) -> bool:
    """Equal, or one letter changed, added, dropped, or two neighbours swapped."""
    if word == known:
        return True
    if abs(len(word) - len(known)) > 1:
        return False
    if len(word) == len(known):
        diff = [i for i, (a, b) in enumerate(zip(word, known, strict=True)) if a != b]
        return len(diff) == 1 or (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and word[diff[0]] == known[diff[1]]
            and word[diff[1]] == known[diff[0]]
        )
    short, long = sorted((word, known), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def asks(text: str) -> bool:
    """The message is a question: a question mark, or a question word ("هل", "is the power
    back")."""
    return "?" in text or "؟" in text or says(text, "question")


def asks_about(text: str, name: str) -> bool:
    """The question is about the phrases of `name` ("هل رجعت الكهرباء؟", "رجعت الكهرباء؟"): a
    part of the message (between commas, full stops, question marks) that says one of them is
    itself asked. "رجعت الكهرباء الحين، ليش ما وصلتني رسالة؟" tells that the power is back and
    asks something else."""
    part = ""
    for ch in f"{text}\n":
        part += ch
        if ch in "،,.!؟?\n":
            if says(part, name) and asks(part):
                return True
            part = ""
    return False


def says(text: str, name: str) -> bool:
    """The message says one of the phrases of `name`, not turned around by a negation just
    before it ("ما رجعت الكهرباء")."""
    words = f" {normalize(text)} "
    if not _said_somewhere(name).search(words):
        return False  # most messages: none of the phrases at all (one scan, not one a phrase)
    negations = phrases("negation")
    for phrase in phrases(name):
        at = words.find(f" {phrase} ")
        if at < 0:
            continue
        before = words[:at].split()
        if len(before) >= 2 and before[-1] == before[-2]:
            before = []  # "لا لا الغي البلاغ": a "no" said twice answers, it negates nothing
        if not any(" ".join(before[-n:]) in negations for n in (1, 2) if len(before) >= n):
            return True
    return False


@cache
def _said_somewhere(name: str) -> re.Pattern[str]:
    """Any phrase of `name` as whole words of a text padded with spaces (as `says` looks)."""
    # (As a tree of the phrases' beginnings, bot.text.alternation: only whether one is found
    # matters here, and most messages have none.)
    return re.compile(one_of(f" {phrase} " for phrase in phrases(name)))


def yes_words() -> tuple[str, ...]:
    """Yes words, less a mere "OK" / "تمام" (an acknowledgement, answered as small talk)."""
    from handlers import small_talk

    def acknowledges(phrase: str) -> bool:
        courtesy = small_talk.read(phrase)
        return courtesy is not None and "acknowledge" in courtesy.kinds

    yes = (p for p, word in control_phrases().items() if word == "yes")
    return tuple(sorted(p for p in yes if not acknowledges(p)))


def takes_power_back(turn: Turn, understood: Understanding) -> bool:
    """ "الحمدلله الكهرباء رجعت الساعة 3" from a reporter whose outage is open: the end of their
    case, recorded on their report, and what it earned (the engine's figure). True when taken.
    An hour that could be morning or evening, both after the outage began, is asked, not
    guessed."""
    if not _states_an_end(understood):
        return False  # most messages: no end of a case at all, nothing to look up
    meant = outage_reports_meant(turn)
    if len(meant) > 1:
        ask_which_report(turn, meant)  # "رجعت الساعة ٤" with the villa's and the shop's open
        return True
    if not meant:
        return _none_where_named(turn)  # «رجعت في المحل الساعة ١٠»: never the villa's ended
    return _takes_stated_end(turn, *meant[0])


def _none_where_named(turn: Turn) -> bool:
    """A message about the report of a premise it names, where no report is open («رجعت
    الكهرباء في المحل» with the villa's open only): said so, and the open ones offered to choose
    from, never changed unasked (`outage_reports_meant` finds none there). False when it names
    no premise, or the sender has no report open."""

    premise = premise_named(turn)
    if premise is None:
        return False
    going = open_outage_reports(turn)
    if not going:
        return False
    ask_which_report(turn, going, missing=premise_shown(turn, premise))
    return True


def ask_which_report(
    turn: Turn, going: list[tuple[OutageReport, Incident]], missing: str | None = None
) -> None:
    """Several outage reports open and the message names none of them: which one it is about is
    asked (each by its reference and place), never guessed; the message is kept and read again
    with the report chosen (`which_report_answer`). `missing`: the place the message named, where
    no report is open: said so first, and the open ones offered."""
    from handlers.outage_report import FLOW, place_shown

    _ = turn.tr._
    turn.finish()
    turn.intent = "outage_status"
    turn.begin(
        FLOW, stage="which_report", said=turn.text, reports=[r.id for r, _i in going], tries=0
    )
    choices = [
        Choice(
            str(i),
            f"{report.reference}، {place_shown(turn, report)}",
            aliases=(report.reference,),
        )
        for i, (report, _i) in enumerate(going, 1)
    ]
    question = _("Which of your open reports do you mean? Send its number.")
    if missing is not None:
        question = _("You have no open outage report for {place}.", place=missing) + "\n"
        question += (
            _("Is it this report? Send its number, or tell me what you need.")
            if len(going) == 1
            else _("Is it one of these reports? Send its number, or tell me what you need.")
        )
    turn.say(question, choices)


def which_report_answer(turn: Turn, understood: Understanding) -> bool:
    """The answer to "which of your open reports?": its number, its reference or its place's
    word («الفيلا»); the message that was asked about is then read again, for that report, with
    what the answer says beside its choice («المحل، رجعت فيه الساعة ١٢ ونص»: that hour), and
    does what it asked ("رجعت الكهرباء": the power back recorded, never the status instead)."""
    from bot.understanding import choice_number, control_word, understand

    ids = [int(i) for i in turn.state.get("reports", [])]
    picked = choice_number(turn.text)
    chosen = ids[picked - 1] if picked is not None and 1 <= picked <= len(ids) else None
    no = control_word(turn.text) == "no"
    if chosen is None and not no:
        meant = outage_reports_meant(turn)
        # One report offered (none open where the message said): named, not just the one open.
        named = len(ids) > 1 or bool(named_reference(turn.text) or premise_named(turn))
        chosen = meant[0][0].id if named and len(meant) == 1 and meant[0][0].id in ids else None
    if chosen is None and no:
        turn.finish()  # none of them: nothing is changed
        turn.intent = "outage_status"
        turn.say(turn.tr._("All right, I have not changed any of your reports."))
        return True
    if chosen is None:
        tries = int(turn.state.get("tries", 0)) + 1
        if tries >= 3 or understood.intent not in ("unknown", "outage_status"):
            turn.finish()
            return False  # another request: read afresh
        turn.remember(tries=tries)
        turn.say(turn.tr._("Please send the number of the report from the list."))
        return True
    own = understood.intent not in ("unknown", "compensation") and understood.confidence >= 0.8
    if picked is None and (asks(turn.text) or own):
        # «وش صار على بلاغ الفيلا»: a request of its own, naming the report, read afresh; what
        # the question was asked about is not done unasked (an hour said with the choice is
        # read as "compensation" by the model: that one is the answer, with more).
        turn.finish()
        return False
    said = str(turn.state.get("said", ""))
    if picked is None:
        said = f"{said}، {turn.text}"  # the choice said with more: «المحل، رجعت الساعة ١٢»
    turn.finish()
    turn.remember(chosen_report=chosen)  # read by outage_reports_meant, for this turn only
    turn.text = said
    again = understand(said, now=turn.now)
    # "رجعت الكهرباء الصبح", its hour not one the chosen case can end at: the power back is
    # still recorded on it, and when asked (read as news, no end read into it).
    done = takes_news(turn, again) or takes_power_back(turn, again)
    if not (done or (says(said, "power_back") and takes_news(turn, None))):
        start(turn, again)
    if turn.flow is None:
        turn.finish()  # the choice is forgotten once the message is answered
    return True


def takes_end_correction(turn: Turn, understood: Understanding | None) -> bool:
    """The restore time of the reporter's outage corrected after its amount was given («لا
    رجعت الساعة ٦ مو ٤» after the restoration notice or their records): their case ends there,
    recorded on the report, and counted again (the engine's figure). Only a case that ended
    within the last 24 hours, and an end within 24 hours of the one counted (farther, it is
    another outage). True when taken."""
    if turn.flow is not None and (turn.flow, turn.state.get("stage")) != (
        "compensation",
        "records",
    ):
        return False  # an open question's own answer, or the calculator's case just answered
    if understood is None or not said_as_correction(turn.text):
        return False  # cheap first: no database read for a message that corrects nothing
    found = _end_just_told(turn)
    if found is None:
        return False
    report, incident = found
    counted = report.end_in(incident)
    assert counted is not None
    end = corrected_end(turn.text, turn.now, counted, report.start_in(incident))
    if end is None:
        return False
    turn.finish()
    turn.intent = "outage_status"
    record_stated_end(turn.session, report, end)
    lines = [
        turn.tr._(
            "Corrected on your report {ref}: the power came back {when}.",
            ref=report.reference,
            when=turn.tr.datetime(end, now=turn.now),
        )
    ]
    turn.say("\n".join(lines + _amount_lines(turn, report, incident)))
    return True


def _end_just_told(turn: Turn) -> tuple[OutageReport, Incident] | None:
    """The reporter's case whose end a correction is about: of their cases that ended within
    the last 24 hours (at the premise the message names, when it names one), the one whose end
    we heard of last, told by them or restored by an operator («رجعت في الفيلا الساعة ١٢» then
    «لا غلطت، رجعت ١٢ ونص» is the villa's, however new the shop's open report). None when no
    case ended so lately."""
    premise = premise_named(turn)
    ended = [
        (report, incident, end)
        for report, incident in sender_outage_reports(turn)
        if report.status != CANCELLED
        and (end := report.end_in(incident)) is not None
        and turn.now - end <= END_CORRECTION_REACH
        and (premise is None or same_place(turn, report, premise))
    ]
    if not ended:
        return None
    report, incident, _end = max(ended, key=lambda e: aware(e[0].power_back_at) or e[2])
    return report, incident


def _amount_lines(turn: Turn, report: OutageReport, incident: Incident) -> list[str]:
    """What the reporter's case earned, as the engine counts it (none while it cannot be)."""
    compensation = compensation_for_report(report, incident)
    return [] if compensation is None else [compensation.explain(turn.lang, now=turn.now)]


def _states_an_end(understood: Understanding | None) -> bool:
    """An end of a case and nothing else of one: "رجعت الساعة 3", not "من ٧ الى ٣"."""
    if understood is None:
        return False
    slots = understood.slots
    return "end" in slots and "start" not in slots and not slots.get("ongoing")


def _takes_stated_end(turn: Turn, report: OutageReport, incident: Incident) -> bool:
    """The stated end recorded on the reporter's open case and answered; True when taken (the
    flow the message came in is over then)."""
    if report.case_over(incident):
        return False
    reading = read_times(turn.text, turn.now)
    if reading.start is not None or reading.ongoing or reading.end is None:
        return False
    moments = _back_at(reading.end, report, incident, turn.now)
    ahead = [] if reading.end.day_part else _back_ahead(reading.end, report, turn.now)
    if not moments and not ahead:
        return False
    turn.finish()
    turn.intent = "outage_status"
    if reading.end.day_part:
        _ask_back_part(turn, report, reading.end, moments[-1])
        return True
    _say_back(turn, report, incident, moments, ahead)
    return True


def _say_back(
    turn: Turn,
    report: OutageReport,
    incident: Incident,
    moments: list[datetime],
    ahead: list[datetime] | None = None,
    greeted: bool = False,
) -> None:
    """The end recorded and what the case earned; or, when the hour told could be more than
    one moment (`_which_back`), which one is asked. `greeted`: the answer to our question of
    when it came back, whose sender was told "thank God it is back" already."""
    tr = turn.tr
    _ = tr._
    asked = _which_back(turn, moments, ahead or [])
    if asked is not None:
        from handlers.outage_report import FLOW

        options, ahead = asked
        # The answer («٩ الصبح», «1») is this question's (`back_part_answer`), not a new request.
        turn.begin(
            FLOW,
            stage="back_part",
            report=report.id,
            offer=None,
            part_hour=None,
            tries=0,
            options=[m.isoformat() for m in options],
            ahead=[a.isoformat() for a in ahead],
        )
        _ask_which_back(turn, options, ahead, greeted)
        return
    back = moments[0]
    record_stated_end(turn.session, report, back)
    note_power_back(report, turn.now)
    lines = [
        glad_back(
            turn,
            _(
                "I recorded on your report {ref} that the power came back {when}.",
                ref=report.reference,
                when=tr.datetime(back, now=turn.now),
            ),
            greeted,
        )
    ]
    turn.say("\n".join(lines + _amount_lines(turn, report, incident)))


def _which_back(
    turn: Turn, moments: list[datetime], ahead: list[datetime]
) -> tuple[list[datetime], list[datetime]] | None:
    """The one rule for a restore hour told with no day (`moments`: its readings inside the
    case, `back_within`; `ahead`: those still to come today, `back_ahead`). One moment is taken,
    unless it is an earlier day's and the hour is still ahead today. Otherwise it is asked,
    never guessed: (the moments offered as choices, the hours offered as "expected then"); the
    two halves of one hour («٩:٤٠»: 09:40 and 21:40) the evening's first, as they are named
    (`half_day_question`). A case over
    a night has the hour on each of its days («٣ الفجر» on Monday of an outage since Saturday
    night: Sunday's or Monday's); «رجعت الساعة ٢ الظهر» at 10:07 is yesterday's or the hour it
    is expected back. None when taken; a future end is never recorded."""
    today = turn.now.astimezone(RIYADH).date()
    if any(m.astimezone(RIYADH).date() == today for m in moments):
        ahead = []  # an hour of today already past is the one meant, not one still to come
    if len(moments) == 1 and not ahead:
        return None
    if not ahead and _halves_of_one_hour(moments):
        moments = sorted(moments, key=lambda m: m.astimezone(RIYADH).hour < 12)
    return moments, ahead


def _halves_of_one_hour(moments: list[datetime]) -> bool:
    """Two moments twelve hours apart in the day (07:30, 19:30): the readings of one hour said
    with no morning or evening, which morning or evening tells apart."""
    times = {m.astimezone(RIYADH).time() for m in moments}
    return len(moments) == 2 == len(times)


def _ask_which_back(
    turn: Turn, moments: list[datetime], ahead: list[datetime], greeted: bool = False
) -> None:
    """Which moment the restore hour told means (`_which_back`): each moment offered by its
    day and hour, an hour still ahead today as the hour the power is expected back; the two
    halves of one hour as morning or evening."""
    from handlers.outage_report import half_day_question

    _ = turn.tr._
    choices = [
        Choice(str(k), label) for k, label in enumerate(_back_labels(turn, moments, ahead), 1)
    ]
    if ahead and moments:
        question = _(
            "It is {now} now, so {time} today has not come yet. Which do you mean? Send its "
            "number, or write the day and the time the power came back.",
            now=turn.tr.time(turn.now),
            time=turn.tr.time(ahead[0]),
        )
    elif ahead and ahead[0].astimezone(RIYADH).date() > turn.now.astimezone(RIYADH).date():
        # «رجعت الساعة ٣ الفجر» at 22:30 of an outage from 22:00: tomorrow's 3:00, named so.
        question = _(
            "It is {now} now, so {when} has not come yet. Is that when the power is expected "
            "back? If it is back already, write the time it came.",
            now=turn.tr.time(turn.now),
            when=turn.tr.datetime(ahead[0], now=turn.now),
        )
    elif ahead:
        question = _(
            "It is {now} now, so {time} today has not come yet. Is that when the power is "
            "expected back? If it is back already, write the time it came.",
            now=turn.tr.time(turn.now),
            time=turn.tr.time(ahead[0]),
        )
    elif _halves_of_one_hour(moments):
        # «رجعت الساعة 7:30» at 20:00: this morning's or this evening's, named so (never
        # "the afternoon" for a 7), each a choice.
        question = glad_back(turn, half_day_question(turn, moments[0]), greeted)
    else:
        question = glad_back(
            turn,
            _(
                "That hour falls on more than one day of your outage: which one do you mean? "
                "Send its number, or write the day and the time."
            ),
            greeted,
        )
    turn.say(question, choices)


def _ask_back_part(turn: Turn, report: OutageReport, end: Moment, latest: datetime) -> None:
    """ "رجعت الكهرباء المغرب": a part of the day is no hour to count to. A named moment
    ("المغرب") is offered back with its usual hour and recorded once the subscriber says yes;
    a span ("العصر", "الصبح") is asked, as a start is (handlers/outage_report.py)."""
    from handlers.compensation import day_and_time, yes_no
    from handlers.outage_report import FLOW

    _ = turn.tr._
    named = end.guess == "named_part"
    turn.begin(
        FLOW,
        stage="back_part",
        report=report.id,
        offer=latest.isoformat() if named else None,
        part_hour=latest.astimezone(RIYADH).hour,
        tries=0,
    )
    if named:
        turn.say(
            glad_back(
                turn,
                _(
                    "Shall I record that it came back about {when}? If you know the hour, just "
                    "write it.",
                    when=day_and_time(turn, latest),
                ),
            ),
            yes_no(turn),
        )
        return
    turn.say(_back_time_question(turn))


def _back_time_question(turn: Turn, greeted: bool = False) -> str:
    return glad_back(
        turn, turn.tr._('At about what time did it come back? For example: "at 4:30".'), greeted
    )


def glad_back(turn: Turn, line: str, greeted: bool = False) -> str:
    """`line` led by "thank God it is back", unless the sender was told so already: an answer
    to our question of when it came back is not greeted again («الحمدلله على السلامة!» then
    «الحمد لله على السلامة.» read as the same words said twice)."""
    if greeted:
        return line
    return turn.tr._("Thank God it is back.") + " " + line


def back_part_answer(turn: Turn, understood: Understanding) -> bool:
    """The answer to "shall I record that it came back at about 6:00 PM?", "at about what
    time did it come back?" or "which one do you mean?" (`_ask_which_back`): yes keeps the
    offered hour, a choice's number (or its words, «امس») the moment offered; an hour written
    is taken as the end (its morning or evening from the part of the day said first), asked
    again while it still fits more than one moment; no asks the hour."""
    from bot.understanding import choice_named, choice_number, control_word

    # The report asked about, the sender's (the villa's chosen from a list, when the shop's is
    # their latest), never another.
    asked = turn.state.get("report")
    found = latest_outage_report(turn, report=asked) if asked is not None else None
    if found is None:
        turn.finish()
        return False
    report, incident = found
    if report.case_over(incident):
        turn.finish()
        return False
    word, picked = control_word(turn.text), choice_number(turn.text)
    offer = turn.state.get("offer")
    if offer and (word == "yes" or picked == 1):
        turn.finish()
        turn.intent = "outage_status"
        _say_back(turn, report, incident, [datetime.fromisoformat(offer)], greeted=True)
        return True
    options = [datetime.fromisoformat(o) for o in turn.state.get("options") or []]
    ahead = [datetime.fromisoformat(a) for a in turn.state.get("ahead") or []]
    reading = read_times(turn.text, turn.now)
    said = reading.end or reading.start or read_answer_hour(turn.text, turn.now)
    # A time written («رجعت الساعة ٨ ونص») is the answer itself, never a choice its words name
    # («ما رجعت للحين: …»: "رجعت" and "الساعة" are in it too).
    hour_written = said is not None and said.at is not None and not said.day_part
    if options or ahead:
        labels = _back_labels(turn, options, ahead)
        k = picked if picked is not None or hour_written else choice_named(turn.text, labels)
        if k is not None and 1 <= k <= len(labels):
            turn.finish()
            turn.intent = "outage_status"
            if k <= len(options):
                _say_back(turn, report, incident, [options[k - 1]], greeted=True)
            else:
                _expected_back(turn, report)
            return True
    part_hour = turn.state.get("part_hour")
    if said is not None and said.at is not None and said.day_part and not ahead:
        # «المغرب» answering "7:30 in the evening or in the morning?", or "which day?" of
        # three 7 o'clocks: the one choice in that part
        in_part = _nearest_to_part(options, said.at.astimezone(RIYADH).hour)
        if in_part is not None:
            turn.finish()
            turn.intent = "outage_status"
            _say_back(turn, report, incident, [in_part])
            return True
        fits = [] if options else _back_at(said, report, incident, turn.now)
        if fits and offer and said.guess == "named_part" and fits[-1].isoformat() == offer:
            # «رجعت الكهرباء المغرب» to "shall I record about 5:00 PM (sunset)?": the same
            # moment said again is a yes, never the same question again
            turn.finish()
            turn.intent = "outage_status"
            _say_back(turn, report, incident, [fits[-1]], greeted=True)
            return True
        if fits and said.guess == "named_part":
            # «مع المغرب» answering "at about what time?": its usual hour offered back, as
            # when told with the restoration itself (a span, «العصر», is asked its hour)
            turn.finish()
            turn.intent = "outage_status"
            _ask_back_part(turn, report, said, fits[-1])
            return True
        if not options:
            part_hour = said.at.astimezone(RIYADH).hour  # «العصر»: an hour written next is in it
    mismatched = None
    if hour_written:
        assert said is not None
        moments = _back_at(said, report, incident, turn.now)
        later = _back_ahead(said, report, turn.now)
        if part_hour is not None and said.guess == "am_pm":
            # "العصر" then "الساعة 4": the readings in the part of the day said first; "العصر"
            # then "الساعة ١١" has none there, and is asked, never taken as 11 in the morning.
            moments, later = (
                [m for m in found if _hours_apart(m, int(part_hour)) <= PART_REACH]
                for found in (moments, later)
            )
            mismatched = None if moments or later else said.at
        if len(moments) > 1 and part_hour is not None:
            nearest = min(_hours_apart(m, int(part_hour)) for m in moments)
            moments = [m for m in moments if _hours_apart(m, int(part_hour)) == nearest]
        if moments or later:
            turn.finish()
            turn.intent = "outage_status"
            _say_back(turn, report, incident, moments, later, greeted=True)
            return True
    tries = int(turn.state.get("tries", 0)) + 1
    if tries < 3 and (word == "no" or picked == 2 or said is not None or options or ahead):
        turn.remember(offer=None, tries=tries, part_hour=part_hour)
        turn.intent = "outage_status"
        if options or ahead:
            _ask_which_back(turn, options, ahead, greeted=True)
        elif mismatched is not None:
            turn.say(
                turn.tr._(
                    "{time} is not in the part of the day you said first. At about what time "
                    'did the power come back? For example: "4:30 in the afternoon".',
                    time=turn.tr.time(mismatched),
                )
            )
        else:
            turn.say(_back_time_question(turn, greeted=True))
        return True
    turn.finish()
    return False


def _back_labels(turn: Turn, moments: list[datetime], ahead: list[datetime]) -> list[str]:
    """The choices of `_ask_which_back`, in its order."""
    from handlers.compensation import day_and_time

    _ = turn.tr._
    labels = [day_and_time(turn, m) for m in moments]
    return labels + [
        _("Not back yet: expected {when}", when=day_and_time(turn, at)) for at in ahead
    ]


def _expected_back(turn: Turn, report: OutageReport) -> None:
    """The hour told was when the power is expected back, not when it came: nothing recorded
    as its end; the power is still off now, so a restore time told later is after this."""
    note_still_off(report, turn.now)
    turn.say(
        turn.tr._(
            "All right, the power is not back yet: your report {ref} stays open. Once it is "
            "back, tell me the time it came.",
            ref=report.reference,
        )
    )


# A part of the day ("العصر", "المغرب") holds the hours this near its usual hour (Asr at about
# 15:15: 12:15 to 18:15; never 11 in the morning).
PART_REACH = 3


def _nearest_to_part(options: list[datetime], part_hour: int) -> datetime | None:
    """The one choice in a part of the day («المغرب»: about 17:00), when only one is (of the
    two halves of one hour, the nearer); None otherwise."""
    if _halves_of_one_hour(options):
        return min(options, key=lambda m: _hours_apart(m, part_hour))
    near = [m for m in options if _hours_apart(m, part_hour) <= PART_REACH]
    return near[0] if len(near) == 1 else None


def _hours_apart(moment: datetime, hour: int) -> int:
    apart = abs(moment.astimezone(RIYADH).hour - hour)
    return min(apart, 24 - apart)


def _readings(end: Moment) -> list[datetime]:
    at = end.at
    assert at is not None
    return [at, at + timedelta(hours=12)] if end.guess == "am_pm" else [at]  # "9pm" is 9 pm


def _back_ahead(end: Moment, report: OutageReport, now: datetime) -> list[datetime]:
    """The readings of the stated end still ahead today (`back_ahead`)."""
    if end.at is None:
        return []
    return back_ahead(
        _readings(end), report.back_by(now), end.day_stated, aware(report.stated_start)
    )


def _back_at(
    end: Moment, report: OutageReport, incident: Incident, now: datetime
) -> list[datetime]:
    """The moments the stated end can mean (`back_within`): "الساعة 3" at 15:10 after an outage
    from 7 in the morning is 15:00 only; «الساعة ٩ الصبح» the next morning is that morning, never
    the day before (least of all before a «للحين ما رجعت»). A part of the day ("المغرب") is no
    AM or PM question: its usual hour only."""
    if end.at is None:
        return []
    after, by = report.back_after(incident), report.back_by(now)
    return back_within(_readings(end), after, by, end.day_stated, report.reported)
