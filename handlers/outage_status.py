"""Outage status: the state of the sender's latest report, and what it earned once restored."""

from __future__ import annotations

from bot.dialogue.messages import Choice
from bot.dialogue.turn import Turn
from bot.outages import compensation_for_report, latest_report
from bot.understanding import Understanding
from bot.understanding.phrases import control_phrases


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
    if incident.status == "restored" and incident.restored_at is not None:
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
