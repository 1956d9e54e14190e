"""A location shared with no words: ask what it is about (a power outage here, or a safety
hazard), since both are reported with a pin. What comes next (a choice, "الطبلون مفتوح",
"الكهرباء طافية", a photo) is then reported at that location."""

from __future__ import annotations

import dataclasses

from bot.dialogue.messages import Choice, Location
from bot.dialogue.turn import Turn
from bot.hazards.vocabulary import is_danger, kind_in
from bot.understanding import Understanding, choice_number
from handlers import hazard_report, outage_report

FLOW = "shared_location"
OUTAGE, HAZARD = 1, 2
MOVED_ON = 0.8


def start(turn: Turn, understood: Understanding) -> None:
    turn.intent = FLOW
    _remember_location(turn)
    _ask(turn)


def step(turn: Turn, understood: Understanding) -> bool:
    if turn.message.location is not None and not turn.text:
        _remember_location(turn)
        _ask(turn)
        return True
    picked = choice_number(turn.text) if turn.text else None
    text = turn.text
    if (
        picked == HAZARD
        or turn.message.media
        or (text and (kind_in(text) or is_danger(text)))
        or understood.intent == "hazard_report"
    ):
        _hazard(turn, understood)
        return True
    if picked == OUTAGE or understood.intent == "outage_report":
        _outage(turn, understood)
        return True
    if picked is not None:
        turn.say(turn.tr._("Please send a number from 1 to {last}.", last=turn.tr.number(2)))
        return True
    if understood.intent != "unknown" and understood.confidence >= MOVED_ON:
        return False
    _ask(turn)
    return True


def _remember_location(turn: Turn) -> None:
    spot = turn.message.location
    assert spot is not None  # the router starts and steps this flow only for a shared location
    turn.begin(FLOW, latitude=spot.latitude, longitude=spot.longitude, address=spot.address)


def _ask(turn: Turn) -> None:
    _ = turn.tr._
    turn.say(
        _("Thank you, I have your location. What would you like to report there?"),
        [
            Choice(str(OUTAGE), _("A power outage")),
            Choice(str(HAZARD), _("A safety hazard (open cabinet, fallen cable, sparks…)")),
        ],
    )


def _location(turn: Turn) -> Location:
    state = turn.state
    return Location(state["latitude"], state["longitude"], state.get("address"))


def _outage(turn: Turn, understood: Understanding) -> None:
    # The outage flow reads the location from the message: this answer carries the one shared.
    turn.message = dataclasses.replace(turn.message, location=_location(turn))
    turn.finish()
    outage_report.start(turn, understood)


def _hazard(turn: Turn, understood: Understanding) -> None:
    spot = _location(turn)
    turn.finish()
    if choice_number(turn.text or "") == HAZARD:
        turn.text = ""  # the "2" picked the flow; it describes nothing
    hazard_report.start(
        turn,
        understood,
        location={"latitude": spot.latitude, "longitude": spot.longitude, "address": spot.address},
    )
