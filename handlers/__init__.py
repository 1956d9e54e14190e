"""One conversation flow per module. This file is the map from intents and flow names to them.

A flow module has `start(turn, understood)`; a flow that asks questions also has
`step(turn, understood) -> bool` (True when the message answered its question; False lets the
router treat the message afresh) and `resume(turn)` (carry on after a shared contact).
"""

from collections.abc import Callable

from bot.dialogue.turn import Turn
from bot.understanding import Understanding
from handlers import (
    agent,
    bill,
    bill_alerts,
    compensation,
    disconnection_rules,
    hazard_report,
    medical_need,
    menu,
    meter_test,
    outage_report,
    outage_status,
    outside_standards,
    second_request,
    shared_location,
    small_talk,
    subscription,
)

# Flows that keep state between messages, by the name stored in contacts.flow.
FLOWS = {
    "bill": bill,
    "bill_alerts": bill_alerts,
    "compensation": compensation,
    "outage_report": outage_report,
    "hazard_report": hazard_report,
    "shared_location": shared_location,
    "menu": menu,  # "did you mean: <one request>?"
}

# Flows whose questions read "تمام" / "ok" as yes (elsewhere it is small talk).
YES_FLOWS = ("compensation", "menu")
# Steps of other flows that ask a yes-or-no question ("shall I count from about 5:00 PM?", "is
# this about your report OUT-…?"): there too «ايوه», «صح», «تمام» are yes, not small talk.
YES_STAGES = {"outage_report": ("start_part", "same_report", "back_part")}

# Flows that take a photo sent with no words (the rest treat it as a new hazard report).
PHOTO_FLOWS = ("hazard_report", "shared_location")

# What answers each recognised intent when no flow claims the message. Typed: the starts take
# extra keyword arguments of their own (bill's default account, a report's stated start), which
# would otherwise join to no callable type at all.
INTENTS: dict[str, Callable[[Turn, Understanding], None]] = {
    "bill": bill.start,
    "outage_report": outage_report.start,
    "outage_status": outage_status.start,
    "compensation": compensation.start,
    "hazard_report": hazard_report.start,
    "agent": agent.start,
    "greeting": menu.greet,
    "help": menu.help,
    "thanks": menu.thanks,
    "stop": subscription.stop,
    "start": subscription.resume,
    "unknown": menu.not_understood,
}

__all__ = [
    "FLOWS",
    "INTENTS",
    "PHOTO_FLOWS",
    "YES_FLOWS",
    "agent",
    "bill",
    "bill_alerts",
    "disconnection_rules",
    "meter_test",
    "hazard_report",
    "medical_need",
    "menu",
    "outage_report",
    "outage_status",
    "outside_standards",
    "second_request",
    "shared_location",
    "small_talk",
    "subscription",
]
