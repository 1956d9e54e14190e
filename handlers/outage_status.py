"""Outage status: the state of the sender's latest report, and what it earned once restored."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.dialogue.messages import Choice
from bot.dialogue.turn import Turn
from bot.outages import compensation_for_report, latest_report, record_stated_end
from bot.understanding import Understanding
from bot.understanding.phrases import control_phrases
from bot.understanding.slots import Moment, read_times


def start(turn: Turn, understood: Understanding) -> None:
    tr = turn.tr
    _ = tr._
    turn.intent = "outage_status"
    found = latest_report(
        turn.session, channel=turn.message.channel, sender=turn.message.sender, phone=turn.phone
    )
    if found is None:
        # The question is ours: its "yes" (ايه, yes, نعم) picks the report like the choice.
        turn.say(
            _("I found no outage report from you. Is the power out now?"),
            [Choice("2", _("Report a power outage"), aliases=_yes_words())],
        )
        return
    report, incident = found
    lines = [
        _("Report {ref}, sent {when}", ref=report.reference, when=tr.datetime(report.reported_at))
    ]
    if report.stated_end is not None:
        lines.append(
            _("You told us the power came back at {when}.", when=tr.datetime(report.stated_end))
        )
        compensation = compensation_for_report(report, incident)
        if compensation is not None:
            lines.append(compensation.explain(turn.lang))
    elif incident.status == "restored" and incident.restored_at is not None:
        lines.append(_("Power was restored at {when}.", when=tr.datetime(incident.restored_at)))
        compensation = compensation_for_report(report, incident)
        if compensation is not None:
            lines.append(compensation.explain(turn.lang))
    else:
        lines.append(_("Status: the teams are working on it."))
        if incident.cause:
            lines.append(_("Cause: {cause}", cause=incident.cause))
        if incident.estimated_restoration_at is not None:
            lines.append(
                _(
                    "Expected restoration: {when}",
                    when=tr.datetime(incident.estimated_restoration_at),
                )
            )
        else:
            lines.append(
                _("There is no estimated restoration time yet; we will message you when there is.")
            )
    turn.say("\n".join(lines))


def _yes_words() -> tuple[str, ...]:
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
    slots = understood.slots
    if "end" not in slots or "start" in slots or slots.get("ongoing"):
        return False  # most messages: no end of a case at all, nothing to look up
    found = latest_report(
        turn.session, channel=turn.message.channel, sender=turn.message.sender, phone=turn.phone
    )
    if found is None:
        return False
    report, incident = found
    if incident.status == "restored" or report.stated_end is not None:
        return False
    reading = read_times(turn.text, turn.now)
    if reading.start is not None or reading.ongoing or reading.end is None:
        return False
    moments = _back_at(reading.end, report.start_in(incident), turn.now)
    if not moments:
        return False
    tr = turn.tr
    _ = tr._
    turn.intent = "outage_status"
    if len(moments) > 1:
        turn.say(
            _(
                "Thank God it is back. At what time exactly, morning or evening? "
                'For example: "it came back at 3 in the afternoon".'
            )
        )
        return True
    back = moments[0]
    record_stated_end(turn.session, report, back)
    lines = [
        _(
            "Thank God it is back. I recorded on your report {ref} that the power came back "
            "at {when}.",
            ref=report.reference,
            when=tr.datetime(back),
        )
    ]
    compensation = compensation_for_report(report, incident)
    if compensation is not None:
        lines.append(compensation.explain(turn.lang))
    turn.say("\n".join(lines))
    return True


def _back_at(end: Moment, start: datetime, now: datetime) -> list[datetime]:
    """The moments the stated end can mean between the outage's start and now: "الساعة 3" after
    an outage from 7 in the morning, at 15:10, is 15:00 only (03:00 was before it began)."""
    at = end.at
    if at is None:
        return []
    hours = [0, 12] if end.hour_guessed else [0]
    days = [0] if end.day_stated else [0, -1]
    found = {at + timedelta(hours=h, days=d) for h in hours for d in days}
    return sorted(m for m in found if start <= m <= now)
