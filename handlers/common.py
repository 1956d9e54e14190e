"""Small pieces several flows say the same way."""

from __future__ import annotations

from bot.dialogue.messages import Choice
from bot.dialogue.turn import Turn


def mask(account: str) -> str:
    """Show only the last four digits of an account: ••••5678."""
    return "••••" + account[-4:]


def busy(turn: Turn) -> None:
    """The billing service is down or slow: say so politely; the conversation carries on."""
    turn.say(turn.tr._("The billing service is busy right now. Please try again in a few minutes."))


def ask_for_phone(turn: Turn) -> None:
    """Telegram does not tell us the number: ask the subscriber to share their own contact."""
    _ = turn.tr._
    turn.say(
        _("To show your bill I need your mobile number. Please tap the button below to share it."),
        [Choice("share", _("Share my number"), request_contact=True)],
    )


def no_accounts(turn: Turn) -> None:
    turn.say(turn.tr._("I found no electricity account linked to your number. To link your account, "
                       "update your mobile number in the Alkahraba app or call 920001100."))
