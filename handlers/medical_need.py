"""A person on electrically powered medical equipment (oxygen, dialysis, a ventilator) while the
power is out is danger now. Whatever else the message asks, SEC 933 comes first; then the outage
report goes on (or the sender's open one is kept), flagged urgent so operators see it first.

The words are data: locales/<lang>/phrases/medical_equipment.txt.
"""

from __future__ import annotations

from bot.dialogue.turn import Turn
from bot.outages import flag_urgent
from bot.outages.models import OutageReport
from bot.phrases import mentions
from bot.text import normalize
from bot.understanding import Understanding
from bot.understanding.slots import find_standard, says_power_off
from handlers.common import current_outage_report, same_place

# Requests this sure of something else (a compensation case, a bill) are answered as asked,
# after the 933 warning; anything less is taken as the outage it describes.
OTHER_REQUEST = 0.8
OUTAGE_INTENTS = frozenset({"outage_report", "unknown", "greeting", "thanks", "help"})
DISCONNECTION = "unlawful_disconnection"


def mentioned(text: str) -> bool:
    return bool(text) and mentions(text, "medical_equipment")


def warn(turn: Turn, report_follows: bool = True) -> None:
    """933 first. `report_follows`: an outage report is taken (or kept) here too; otherwise
    (a compensation question, say) no report is promised that would not be recorded."""
    _ = turn.tr._
    # The danger stays first (nothing goes before "⚠️ … 933"); then one warm line for the
    # person, before the flow goes on.
    warm = _("I hope your loved one is well; I am with you.")
    if report_follows:
        turn.say(
            _(
                "⚠️ Someone with you depends on medical equipment: call 933 now and tell "
                "them, so the emergency team knows. I will take your report here too."
            )
            + "\n"
            + warm
        )
        return
    turn.say(
        _(
            "⚠️ Someone with you depends on medical equipment: call 933 now and tell them, "
            "so the emergency team knows. If the power is off now, tell me here and I will "
            "record an outage report too."
        )
        + "\n"
        + warm
    )


def is_outage(understood: Understanding, text: str = "") -> bool:
    """The message is about the outage itself rather than another, confident request. The
    company cutting the supply ("الشركة فصلت العداد") is a disconnection case, however sure the
    intent: no outage report (the medical need makes that cut unlawful). "قطعو الكهربا" with no
    reason of the company's (a bill, a payment, the meter: phrase list `cut_reason`) is how the
    power going off is said too: with someone on a machine it is reported at once, urgent."""
    if understood.slots.get("standard") == DISCONNECTION:
        return bool(text) and not mentions(text, "cut_reason")
    return understood.intent in OUTAGE_INTENTS or understood.confidence < OTHER_REQUEST


def asks_to_register(text: str) -> bool:
    """ "الوالدة تستخدم جهاز غسيل كلوي، تبي اسجلها": a household with someone on medical equipment
    asked to be registered, the power not said to be off (phrase list `medical_register`)."""
    return (
        mentioned(text)
        and mentions(text, "medical_register")
        and not says_power_off(text)
        and not mentions(text, "power_off")
        and not any(word in normalize(text) for word in ("بلاغ", "انقطاع", "report", "outage"))
        and find_standard(text) != DISCONNECTION  # "جا موظف فصل عنا الكهرباء": cut now
    )


def answer_registration(turn: Turn) -> None:
    """What the bot truly can do for such a household: no register is kept here; an outage they
    report is marked urgent when they say who is on the machine; the company's register is by
    phone; and the company may not disconnect a home where such a person lives."""
    _ = turn.tr._
    turn.intent = "medical_register"
    turn.finish()
    turn.say(
        _(
            "I hope your loved one is well. I cannot keep a register of medical needs here, "
            "but this is what I can do:"
        )
        + "\n"
        + _(
            "• If the power goes off, tell me here that someone is on medical equipment: I record "
            "your outage report marked urgent, so the team sees it first."
        )
        + "\n"
        + _(
            "• To register the household's medical needs with the company, call 933 "
            "(free of charge) or {agent}."
        ).format(agent=turn.settings.agent_phone)
        + "\n"
        + _(
            "• The company may not disconnect the service of a home where someone with critical "
            "medical needs lives."
        )
        + "\n"
        + _("⚠️ If the power is off now, call 933 at once and tell me here too.")
    )


def names_another_place(turn: Turn) -> bool:
    """ "وعند بيت اختي كمان طافية …، حي النظيم": the message names a place other than the
    sender's open outage report's. That is a new report at that place, urgent there; the open
    report keeps its own flag."""
    found = current_outage_report(turn)
    return found is not None and not same_place(turn, found[0])


def flag_open_report(turn: Turn) -> OutageReport | None:
    """Flag the sender's current outage report urgent: that report, None when they have none
    (`flag_urgent`: a restored case is never it)."""
    message = turn.message
    return flag_urgent(
        turn.session, channel=message.channel, sender=message.sender, phone=turn.phone
    )


def flagged_line(turn: Turn, report: OutageReport | None = None) -> str:
    """The report marked urgent; `report`: named by its number, when no acknowledgement of it
    with the number goes before ("done" said only of a report the subscriber can quote)."""
    if report is not None:
        return turn.tr._(
            "Your report {ref} is marked urgent: someone there depends on medical equipment.",
            ref=report.reference,
        )
    return turn.tr._("Your report is marked urgent: someone there depends on medical equipment.")
