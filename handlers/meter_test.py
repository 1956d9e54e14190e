"""A meter that counts wrong ("العداد يعد غلط", "my meter counts wrong"): not one of the
guaranteed standards. It is handled as an objection to the bill with a request to test the
meter, and the company's reply to a bill complaint is a guaranteed standard
(`billing_complaint`): that rule, from the rule set in force, is said with it. The next step is
the customer service line (the agent hand-over), the only channel the project knows for it.
The words are a phrase list: locales/<lang>/phrases/meter_counts_wrong.txt."""

from __future__ import annotations

from bot.dialogue.turn import Turn
from bot.hazards.vocabulary import is_danger
from bot.phrases import mentions
from bot.standards import rule_for
from bot.standards.wording import rule_summary
from bot.understanding import Understanding

# What the intent model may make of such a message: a bill question, a meter hazard, a
# compensation question, or nothing sure.
_READ_AS = ("bill", "hazard_report", "compensation", "unknown")


# A standard or a time in the message makes it a case ("طلبت فحص العداد من اسبوعين وما ردوا":
# a late reply to a bill complaint, owed money), for the compensation flow.
_CASE_SLOTS = frozenset({"standard", "start", "end", "duration_minutes"})


def asks(text: str, understood: Understanding) -> bool:
    """A meter said to count wrong, no danger (sparks, smoke: a hazard first) and no case."""
    return (
        understood.intent in _READ_AS
        and mentions(text, "meter_counts_wrong")
        and not _CASE_SLOTS & set(understood.slots)
        and not is_danger(text)
    )


def answer(turn: Turn) -> None:
    from handlers.menu import agent_offered
    from handlers.outage_status import yes_words

    _ = turn.tr._
    turn.intent = "bill"
    rule = rule_for("billing_complaint", turn.now)
    turn.say(
        "\n".join(
            [
                _(
                    "A meter that counts wrong is not one of the guaranteed standards: it is "
                    "handled as an objection to your bill, with a request to test the meter."
                ),
                _(
                    "The reply to your objection is a guaranteed standard. {rule}",
                    rule=rule_summary(rule, turn.lang),
                ),
                _(
                    "To object and ask for a meter test, call customer service on {phone}, or "
                    'send "agent" to talk to a person.',
                    phone=turn.settings.agent_phone,
                ),
            ]
        ),
        agent_offered(turn, aliases=yes_words()),  # its yes takes it too
    )
