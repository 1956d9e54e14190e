"""What the chat answers to an opt-in or an opt-out (the dialogue sends these as they are)."""

from __future__ import annotations

from bot.i18n import texts
from bot.notices.subscriptions import SubscribeResult


def subscribe_reply(result: SubscribeResult, lang: str) -> str:
    tr = texts(lang)
    if result.status == "not_linked":
        return tr._(
            "Account {account} is not linked to your number, so we cannot send its bill here.",
            account=result.account,
        )
    if result.status == "already_subscribed":
        return tr._(
            "You already get the monthly bill of account {account} here.", account=result.account
        )
    return tr._(
        "Done: the bill of account {account} will reach you here every month on the 28th. "
        "Send STOP at any time to end it.",
        account=result.account,
    )


def unsubscribe_reply(ended: int, lang: str) -> str:
    tr = texts(lang)
    if ended == 0:
        return tr._("You had no bill notices to stop.")
    return tr.ngettext(
        "Stopped: {n} bill notice will no longer be sent.",
        "Stopped: {n} bill notices will no longer be sent.",
        ended,
    )
