"""Talk to a person. We cannot pass the chat itself to an agent, so the subscriber is given the
call centre (SADEEQ_AGENT_PHONE; SEC emergency 933 first when the conversation is about danger)
and a hand-over request is recorded with the last messages, for operators to read
(`sadeeq handovers list`). A request for a person said beside a safety report ("ابي موظف ضروري،
فيه سلك مكشوف وولدي لمسه") is recorded too, after the report's own emergency lines
(handlers/hazard_report.py). Asked again while that request is open, the same request is named
(its messages brought up to date), never a second one."""

from __future__ import annotations

from bot.dialogue.turn import Turn
from bot.handovers import handover_ref, record_handover
from bot.hazards.vocabulary import is_danger
from bot.understanding import Understanding, understand
from handlers import medical_need

EMERGENCY = "933"
# A request for a person this sure leaves any open question (the intent model's confidence).
SURE = 0.7


def start(turn: Turn, understood: Understanding) -> None:
    turn.intent = "agent"
    lines = handover_lines(turn)
    lines.append(turn.tr._("I am still here for your bill, outage reports and compensation."))
    turn.say("\n".join(lines))


def asked_in(turn: Turn) -> bool:
    """A part of the message surely asks for a person ("ابي موظف ضروري" in "ابي موظف ضروري، فيه
    سلك مكشوف قدام البيت"), whatever the whole message is read as."""
    from handlers.second_request import clauses

    for part in clauses(turn.text or ""):
        read = understand(part, now=turn.now)
        if read.intent == "agent" and read.confidence >= SURE:
            return True
    return False


def handover_lines(turn: Turn, *, emergency_said: bool = False) -> list[str]:
    """The hand-over itself, recorded for the customer service team, and what the subscriber
    is told of it: 933 first when the conversation is about danger (unless `emergency_said`:
    this reply told it already), the call centre, the request's reference. Also said by a
    request that no guaranteed standard covers (handlers/outside_standards.py): a person follows
    it up."""
    _ = turn.tr._
    danger = _about_danger(turn)
    handover, new = record_handover(
        turn.session, turn.contact, text=turn.text or "", lang=turn.lang, danger=danger, at=turn.now
    )
    lines = []
    if danger and not emergency_said:
        lines.append(
            _(
                "⚠️ If there is danger now (sparks, smoke, a fallen cable, someone on medical "
                "equipment), call the electricity emergency number {emergency} at once.",
                emergency=EMERGENCY,
            )
        )
    lines.append(
        _(
            "To talk to a customer service agent, call {number} (24 hours).",
            number=turn.settings.agent_phone,
        )
    )
    if new:
        lines.append(
            _(
                "I have also recorded your request with our last messages for the customer "
                "service team (request {ref}).",
                ref=handover_ref(handover),
            )
        )
    else:
        # Asked again before the team closed the first: the same request, not a second one.
        lines.append(
            _(
                "Your request is already with the customer service team (request {ref}); "
                "I have added your latest messages to it.",
                ref=handover_ref(handover),
            )
        )
    return lines


def _about_danger(turn: Turn) -> bool:
    """The request, or what the subscriber said just before it, names danger now."""
    said = [turn.text or ""] + [
        entry["text"]
        for entry in (turn.contact.recent_messages or [])
        if entry.get("by") == "subscriber"
    ]
    return any(is_danger(text) or medical_need.mentioned(text) for text in said if text)
