"""Requests that no guaranteed standard covers, told so honestly and handed to a person.

- Weak or unsteady voltage ("الجهد عندي ضعيف والاجهزة تخرب"): the power is on, so it is no
  outage report and earns no outage compensation; the faults line (933) checks it, and damaged
  appliances are a separate claim to the company (domain.md).
- A technician who missed an appointment ("حددوا لي موعد الفني امس وما جا احد"): no standard
  has a visit's appointment; a request with a deadline behind the visit (a meter registration,
  a connection, a reconnection) is still counted when the subscriber tells it.
- "None of these" at the list of cases (handlers/compensation.py): not one of the standards;
  a person is offered there, and a hand-over recorded only on yes (a pick from a list is no
  request for a person).
- The offices' or branches' hours ("هل مكاتبكم تشتغل يوم العطله؟"): not known here, never
  read as a report's status (phrase list office_hours), with no danger or request said with it.

The others are handed to a person as the agent flow does (handlers/agent.py): the call centre and a
recorded hand-over. The words are phrase lists: locales/<lang>/phrases/voltage_quality.txt,
appointment.txt and no_show.txt (whole words), none_of_these.txt, power_off.txt.
"""

from __future__ import annotations

from bot.dialogue.turn import Turn
from bot.hazards.vocabulary import is_danger
from bot.phrases import mentions, mentions_words, phrases
from bot.text import normalize
from bot.understanding import Understanding
from bot.understanding.slots import says_power_off
from handlers import agent
from handlers.menu import ask_meant

EMERGENCY = agent.EMERGENCY

# A voltage network named for a connection ("توصيل على الجهد المنخفض") is that case, not a
# complaint about the voltage at home.
_CASE_STANDARDS = frozenset({"connection"})
# A visit for a request with a deadline of its own ("موعد تركيب العداد وما جا احد") is that
# request's case, counted by the compensation flow, not a missed appointment alone.
_VISIT_STANDARDS = frozenset({"connection", "meter_registration", "reconnection_after_payment"})


def _power_said_off(text: str) -> bool:
    """The power is said to be off now ("والكهربا للحين طافية", "وبعدين طفت"), not denied ("مو
    طافية بس الجهد ضعيف")."""
    return says_power_off(text) or (
        mentions(text, "power_off") and not mentions_words(text, "negation")
    )


def _off_denied(text: str) -> bool:
    """ "مو طافية", "ما انقطعت": the power said not to be off, a negation word just before it."""
    said = f" {normalize(text)} "
    return any(
        f" {negation} {off} " in said
        for negation in phrases("negation")
        for off in phrases("power_off")
    )


def _weak_not_off(text: str) -> bool:
    """ "الكهرباء مو طافية بس ضعيفة": weak power with its being off denied, a voltage complaint
    though the voltage is not named (phrase list weak_power, whole words)."""
    return mentions_words(text, "weak_power") and _off_denied(text) and not says_power_off(text)


# Read this surely, a message naming the offices is that request ("فاتورتي من الفرع").
SURE = 0.9


def voltage_complaint(text: str, understood: Understanding) -> bool:
    """Weak, low, high or unsteady voltage at the subscriber's, with no danger said (sparks,
    smoke: a hazard first), the power not said to be off (an outage: "الجهد ضعيف وبعدين طفت")
    and no connection case."""
    return (
        (mentions(text, "voltage_quality") or _weak_not_off(text))
        and not is_danger(text)
        and not _power_said_off(text)
        and understood.slots.get("standard") not in _CASE_STANDARDS
    )


def missed_appointment(text: str, understood: Understanding) -> bool:
    """An appointment (a technician's visit) that nobody came to, with no outage going on and
    no request of a standard's behind it (those are answered as themselves)."""
    return (
        mentions_words(text, "appointment")
        and mentions_words(text, "no_show")
        and not _power_said_off(text)
        and understood.slots.get("standard") not in _VISIT_STANDARDS
    )


def none_of_these(text: str) -> bool:
    """ "ولا وحدة منها", "none of these": the case is not on the list."""
    return mentions(text, "none_of_these")


def takes(turn: Turn, text: str, understood: Understanding) -> bool:
    """A request outside the standards, answered here; True when taken."""
    if voltage_complaint(text, understood):
        answer_voltage(turn)
        return True
    if missed_appointment(text, understood):
        answer_missed_appointment(turn)
        return True
    if office_hours(text, understood):
        answer_office_hours(turn)
        return True
    return False


def office_hours(text: str, understood: Understanding) -> bool:
    """The offices' or branches' hours asked, with nothing the bot serves read surely
    (a bill, an outage, a danger said with it is that request)."""
    return (
        mentions(text, "office_hours")
        and not is_danger(text)
        and (understood.intent in ("unknown", "agent", "help") or understood.confidence < SURE)
    )


def answer_office_hours(turn: Turn) -> None:
    _ = turn.tr._
    _handed_over(
        turn,
        _(
            "I have no details of the offices and branches (where they are, their "
            "hours), so I cannot tell you that."
        ),
    )


def answer_voltage(turn: Turn) -> None:
    _ = turn.tr._
    _handed_over(
        turn,
        _(
            "Weak or unsteady voltage is not one of the guaranteed standards, so I "
            "cannot promise compensation for it, and it is not an outage report."
        ),
        _(
            "To have the voltage checked, call the electricity company's faults line "
            "{emergency} (24 hours).",
            emergency=EMERGENCY,
        ),
        _(
            "Appliances damaged by the voltage are a separate claim to the electricity "
            "company, outside the guaranteed standards."
        ),
    )


def answer_missed_appointment(turn: Turn) -> None:
    _ = turn.tr._
    _handed_over(
        turn,
        _(
            "Sorry nobody came. A missed appointment is not one of the guaranteed "
            "standards, so I cannot promise compensation for the visit itself."
        ),
        _(
            "If the visit was for a meter registration, a connection or a reconnection "
            "after payment, that request's deadline still counts: tell me when you "
            "made it and I will count it."
        ),
    )


def answer_none(turn: Turn) -> None:
    """The case is none of the listed ones: said plainly, with a person offered (the call
    centre, and a hand-over recorded only on their yes: "10" picks a list's line, it asks for
    no one)."""
    _ = turn.tr._
    turn.finish()
    turn.intent = "outside_standards"
    lines = [
        _(
            "Then it is not one of the guaranteed standards, so I cannot count a compensation for it."
        ),
        _(
            'To talk to a customer service agent, call {number} (24 hours), or send "yes" and '
            "I will pass your request to the customer service team.",
            number=turn.settings.agent_phone,
        ),
    ]
    # A yes-or-no question of its own: "no" ("لا مابي") shows the menu, never read afresh as a
    # STOP of every message.
    ask_meant(turn, "agent", "\n".join(lines))


def _handed_over(turn: Turn, *lines: str) -> None:
    """What no standard covers, said in `lines`, then the hand-over to a person."""
    turn.finish()
    turn.intent = "outside_standards"
    turn.say("\n".join([*lines, *agent.handover_lines(turn)]))
