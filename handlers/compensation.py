"""Compensation: first what the sender's own recorded outages and requests earned, computed by
the standards engine; otherwise a guided calculator (pick the standard, give the times in free
text, get the amount and its breakdown). Every figure comes from `bot.standards`."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.dialogue.messages import Choice
from bot.dialogue.turn import Turn
from bot.outages import compensation_cases_for_phone, latest_report, restoration_standard
from bot.outages.models import Incident, OutageReport
from bot.phrases import mentions
from bot.service_requests import requests_for_phone
from bot.standards import (
    STANDARD_IDS,
    Case,
    CaseError,
    Compensation,
    compensation_for,
    rule_for,
    standard_name,
)
from bot.understanding import Understanding, choice_number, control_word
from bot.understanding.slots import find_duration_minutes, find_standard, find_times
from handlers.common import mask

# What the calculator asks for, by the kind of case (the deadline rules themselves live in the
# standards data; this is only which question to put to the subscriber).
ASKS_FOR_NOTICE = {"planned_outage_notice"}
ASKS_FOR_ONE_TIME = {"unlawful_disconnection"}
MAX_TRIES = 3
RECORDS_SHOWN = 5


def start(turn: Turn, understood: Understanding) -> None:
    turn.intent = "compensation"
    standard = understood.slots.get("standard")
    if standard and _answer_times(turn, standard, understood.slots):
        return
    if standard is None and _show_records(turn):
        return
    if standard:
        _ask_times(turn, standard)
    else:
        _ask_standard(turn)


def step(turn: Turn, understood: Understanding) -> bool:
    stage = turn.state.get("stage")
    if stage == "records":
        if choice_number(turn.text) == 1 or control_word(turn.text) == "yes":
            _ask_standard(turn)
            return True
        return False
    if stage == "pick":
        picked = choice_number(turn.text)
        standard = STANDARD_IDS[picked - 1] if picked and 1 <= picked <= len(STANDARD_IDS) else None
        standard = standard or find_standard(turn.text)
        if standard is None:
            if understood.intent not in ("unknown", "compensation") and understood.confidence >= 0.8:
                return False
            return _retry(turn, turn.tr._("Please send the number of the case from the list."))
        _ask_times(turn, standard)
        return True
    if stage == "times":
        standard = turn.state["standard"]
        if _answer_times(turn, standard, understood.slots):
            return True
        if understood.intent not in ("unknown", "compensation") and understood.confidence >= 0.8:
            return False
        return _retry(turn, _times_question(turn, standard))
    return False


def _show_records(turn: Turn) -> bool:
    """What the sender's own cases earn (an outage still open: what it will earn if it runs
    long); False when there are none."""
    tr = turn.tr
    # (the messages stay outside f-strings: Babel on Python 3.11 cannot extract them there)
    blocks = [tr._("Outage report {ref} (power not back yet)", ref=report.reference) + "\n"
              + rule_for(restoration_standard(incident), turn.now).summary(turn.lang)
              for report, incident in _open_outage(turn)]
    if turn.phone is not None:
        for report, _incident, compensation in compensation_cases_for_phone(turn.session, turn.phone):
            blocks.append(tr._("Outage report {ref}", ref=report.reference) + "\n"
                          + _result_text(turn, compensation))
        for request in requests_for_phone(turn.session, turn.phone):
            case = Case(request.standard, start=request.requested_at,
                        end=request.completed_at or turn.now, network=request.network or "lv")
            blocks.append(tr._("Account {account}", account=mask(request.account)) + "\n"
                          + _result_text(turn, compensation_for(case)))
    if not blocks:
        return False
    turn.begin("compensation", stage="records")
    turn.say(tr._("Here is what your recorded cases earn under the guaranteed standards:"))
    turn.say("\n\n".join(blocks[:RECORDS_SHOWN]), [Choice("1", tr._("Calculate for another case"))])
    return True


def _open_outage(turn: Turn) -> list[tuple[OutageReport, Incident]]:
    found = latest_report(turn.session, channel=turn.message.channel, sender=turn.message.sender,
                          phone=turn.phone)
    return [found] if found is not None and found[1].status != "restored" else []


def _ask_standard(turn: Turn) -> None:
    turn.begin("compensation", stage="pick", tries=0)
    choices = [Choice(str(i), standard_name(s, turn.lang)) for i, s in enumerate(STANDARD_IDS, 1)]
    turn.say(turn.tr._("Which case is it about? Send its number."), choices)


def _ask_times(turn: Turn, standard: str) -> None:
    turn.begin("compensation", stage="times", standard=standard, tries=0)
    turn.say(_times_question(turn, standard))


def _times_question(turn: Turn, standard: str) -> str:
    _ = turn.tr._
    if standard in ASKS_FOR_NOTICE:
        return _("How long before the planned outage were you notified? For example: \"one day\", "
                 "\"5 hours\", or \"no notice\".")
    if standard in ASKS_FOR_ONE_TIME:
        return _("When was the service disconnected? For example: \"yesterday at 2 pm\".")
    return _("When did it start and when did it end? For example: \"from 8 in the morning to 2 in the "
             "afternoon\", \"yesterday from 10 pm\", or how long it took: \"5 hours\", \"4 days\".")


def _answer_times(turn: Turn, standard: str, slots: dict) -> bool:
    """Compute from the times in the message; False when they are not there."""
    case = _case_from_text(turn, standard, slots)
    if case is None:
        return False
    try:
        compensation = compensation_for(case)
    except CaseError:
        return False
    turn.finish()
    turn.say(_result_text(turn, compensation))
    return True


def _case_from_text(turn: Turn, standard: str, slots: dict) -> Case | None:
    now = turn.now
    if standard in ASKS_FOR_NOTICE:
        if control_word(turn.text) == "no" or mentions(turn.text, "no_notice"):
            return Case(standard, start=now, notice_at=None)
        minutes = find_duration_minutes(turn.text)
        return Case(standard, start=now, notice_at=now - timedelta(minutes=minutes)) if minutes else None
    start, end = _times(turn, slots)
    if standard in ASKS_FOR_ONE_TIME:
        return Case(standard, start=start or now, end=start or now)
    if start is None:
        minutes = find_duration_minutes(turn.text)
        if not minutes:
            return None
        start, end = now - timedelta(minutes=minutes), now
    return Case(standard, start=start, end=end or now)


def _times(turn: Turn, slots: dict) -> tuple[datetime | None, datetime | None]:
    start, end = find_times(turn.text, turn.now)
    if start is None and "start" in slots:
        start = datetime.fromisoformat(slots["start"])
        end = datetime.fromisoformat(slots["end"]) if "end" in slots else None
    return start, end


def _result_text(turn: Turn, compensation: Compensation) -> str:
    text = compensation.explain(turn.lang)
    if compensation.eligible and compensation.pay_by and compensation.pay_by < turn.now.date():
        text += "\n" + turn.tr._("That date has already passed.")
    return text


def _retry(turn: Turn, question: str) -> bool:
    tries = int(turn.state.get("tries", 0)) + 1
    if tries >= MAX_TRIES:
        from handlers import menu

        turn.finish()
        menu.show(turn, turn.tr._("I could not work it out from that. Let us start again."))
        return True
    turn.remember(tries=tries)
    turn.say(question)
    return True
