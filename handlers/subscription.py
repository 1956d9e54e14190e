"""STOP / START / HELP, and linking a Telegram user's phone.

Short-code rules: STOP (and the carrier keywords below, and إيقاف) stops every message to the
number with one confirmation; START resumes; HELP always answers, even to an opted-out number.
"""

from __future__ import annotations

from bot.dialogue.turn import Turn
from bot.text import normalize
from bot.understanding import Understanding, control_word

# Carrier keywords that mean STOP on an SMS short code, even where "cancel" means "leave this
# step" on other channels.
SMS_STOP_WORDS = frozenset({"stop", "stopall", "end", "cancel", "unsubscribe", "quit"})


def is_keyword(turn: Turn, text: str, understood: Understanding | None) -> bool:
    """Handle STOP/START/HELP here; True when the message was one of them."""
    from handlers import menu

    intent = understood.intent if understood else None
    if turn.message.channel == "sms" and normalize(text) in SMS_STOP_WORDS:
        intent = "stop"
    elif control_word(text) is not None:
        return False  # "cancel", "menu": the dialogue's own words, whatever they resemble
    if intent == "stop":
        stop(turn, understood)
    elif intent == "start":
        resume(turn, understood)
    elif intent == "help" and turn.contact.opted_out_at is not None:
        turn.intent = "help"
        turn.say(turn.tr._("Messages to this number are stopped. Send START to receive them again."))
    elif intent == "help":
        menu.help(turn, understood)
    else:
        return False
    return True


def stop(turn: Turn, understood: Understanding | None) -> None:
    from bot.notices import unsubscribe_all

    turn.intent = "stop"
    turn.finish()
    turn.contact.opted_out_at = turn.now
    unsubscribe_all(turn.session, channel=turn.message.channel, address=turn.message.sender,
                    phone=turn.phone, at=turn.now)
    turn.say(turn.tr._("You will not receive any more messages from us on this number, "
                       "bill alerts included. Send START at any time to resume."))


def resume(turn: Turn, understood: Understanding | None) -> None:
    """START after STOP turns messages on again; from a number that never stopped them, "start"
    / "اشتراك الفاتورة" asks for the monthly bill alerts."""
    from handlers import bill_alerts, menu

    if turn.contact.opted_out_at is None and understood is not None:
        turn.intent = "bill_alerts"
        bill_alerts.start(turn, understood)
        return
    turn.intent = "start"
    was_stopped = turn.contact.opted_out_at is not None
    turn.contact.opted_out_at = None
    _ = turn.tr._
    menu.show(turn, _("Welcome back! Messages to this number are on again.") if was_stopped else None)


def link_phone(turn: Turn, phone: str) -> None:
    turn.intent = "contact"
    turn.contact.phone = phone
    turn.say(turn.tr._("Thank you, your number is linked. I can now show the bills of your accounts."))
