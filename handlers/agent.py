"""Talk to a person: we cannot hand the chat over, so say honestly where a person answers."""

from __future__ import annotations

from bot.dialogue.turn import Turn
from bot.understanding import Understanding

CALL_CENTRE = "920001100"


def start(turn: Turn, understood: Understanding) -> None:
    turn.intent = "agent"
    turn.say(turn.tr._(
        "To talk to a customer service agent, call the unified number {number} (24 hours). "
        "I am still here for your bill, outage reports and compensation.",
        number=CALL_CENTRE,
    ))
