"""Questions about the rules, not about a case: "when can they cut me off?" (the
disconnection rules, from bot/standards/disconnection.toml and the rule set in force), "how is
compensation paid?" (bot/standards/wording.py, from the rule set in force) and "how do I pay?"
(the ways the utility offers: SADAD, biller 001, in any bank's app, and the Alkahraba app;
with the bill card when no card was just shown). The questions are phrase lists: locales/<lang>/phrases/
ask_disconnection.txt, ask_compensation_paid.txt and ask_how_to_pay.txt."""

from __future__ import annotations

from datetime import datetime, time

from bot.config import RIYADH
from bot.dialogue.turn import Turn
from bot.phrases import mentions
from bot.standards import rule_for
from bot.standards.disconnection import rules
from bot.standards.wording import how_paid_line, how_paid_text
from bot.understanding import Understanding

# The utility's SADAD biller number: what a bank's app asks for before the account number.
SADAD_BILLER = "001"


def asks_disconnection_rules(text: str, understood: Understanding) -> bool:
    """ "متى يفصلون الكهربا عني", "when can they cut me off": the rules, not a case (a message
    with a time of its own is a case, for the compensation flow)."""
    slots = understood.slots
    return mentions(text, "ask_disconnection") and "start" not in slots and "end" not in slots


def asks_how_compensation_paid(text: str, understood: Understanding) -> bool:
    """ "كيف يصرف التعويض؟", "how is compensation paid?": the rule, not a case (a message with
    a time, a length or an outage going on is a case, counted by the compensation flow)."""
    case_slots = {"start", "end", "duration_minutes", "ongoing"}
    return mentions(text, "ask_compensation_paid") and not case_slots & set(understood.slots)


def answer_how_compensation_paid(turn: Turn) -> None:
    """How compensation is paid; a sender with cases on record is then shown them, each with
    its pay-by date (what "when does my compensation come?" is really after)."""
    from handlers.compensation import show_records

    turn.intent = "compensation"
    rule = rule_for("emergency_outage", turn.now)  # one pay-by rule for the whole rule set
    if show_records(turn, lead=how_paid_line(turn.lang, rule)):
        return
    turn.say(
        how_paid_text(turn.lang, rule)
        + "\n"
        + turn.tr._(
            "To know what you are owed, send «my compensation», or tell me what happened and when."
        )
    )


def asks_how_to_pay(text: str) -> bool:
    return mentions(text, "ask_how_to_pay")


def answer_disconnection_rules(turn: Turn, bill_shown: bool = False) -> None:
    """When the power may be cut for unpaid bills. `bill_shown`: the bill was the answer just
    before, so "send «my bill»" is not said again."""
    turn.intent = "compensation"
    spec = rules()
    tr = turn.tr
    _ = tr._
    today = turn.now.astimezone(RIYADH).date()

    def at(clock: str) -> str:
        return tr.time(datetime.combine(today, time.fromisoformat(clock), RIYADH))

    amount = rule_for("unlawful_disconnection", turn.now).first_amount()
    turn.say(
        "\n".join(
            [
                _(
                    "The power may be cut for unpaid bills only when more than {arrears} is "
                    "owed, or {months} months of bills are unpaid.",
                    arrears=tr.money(spec["min_arrears_sar"]),
                    months=tr.number(spec["min_unpaid_months"]),
                ),
                _(
                    "Even then, never after {noon} or outside working hours (a weekend or a "
                    "public holiday); for a home never during Ramadan or public school exams; "
                    "never while a complaint about the bill is open, where someone with critical "
                    "medical needs lives, or for a debt that is not for metered consumption.",
                    noon=at(spec["not_from"]),
                ),
                _(
                    "A disconnection against these rules earns {amount}, and the power must be "
                    "restored at once.",
                    amount=tr.money(amount),
                ),
            ]
            + ([] if bill_shown else [_("To see what you owe, send «my bill».")])
        )
    )


def how_to_pay_line(turn: Turn) -> str:
    return turn.tr._(
        "You can pay your bill through SADAD in your bank's app or website (biller number {biller}, "
        "and your account number), or in the Alkahraba app.",
        biller=SADAD_BILLER,
    )
