"""Monthly bill alerts: a subscriber asks for them ("اشتراك الفاتورة" / "bill alerts", with an
account number or then picking one) and that account's bill notices come to the number they
wrote from, on this channel. An account number alone is a bill asked for, not alerts.
Only accounts linked to that number can be subscribed; "stop bill alerts" ends them (and STOP,
with everything else the bot sends)."""

from __future__ import annotations

from bot.billing import Account
from bot.dialogue.turn import Turn
from bot.notices import subscribe
from bot.notices.schedule import ISSUE_DAY
from bot.phrases import mentions, mentions_words
from bot.text import ascii_digits
from bot.understanding import Understanding, choice_number
from bot.understanding.slots import find_account
from handlers.common import (
    account_choices,
    linked_accounts,
    mask,
    named_account,
    no_accounts,
    refuse_unlinked,
)


def wants(turn: Turn, text: str, understood: Understanding) -> bool:
    """A message that asks for bill alerts. An account number alone does so by SMS only: texting
    it to the short code is how subscribers sign up there (domain.md); elsewhere it is that
    account's bill (handlers/bill.py), never alerts switched on unasked."""
    return mentions(text, "bill_alerts") or (turn.message.channel == "sms" and bare_account(text))


def bare_account(text: str) -> bool:
    """The message is only an account number ("30012345678", "٣٠٠١٢٣٤٥٦٧٨")."""
    bare = ascii_digits(text).replace(" ", "").replace("-", "")
    return bare.isdigit() and find_account(text) == bare


def start(turn: Turn, understood: Understanding) -> None:
    turn.intent = "bill_alerts"
    if mentions_words(turn.text, "by_sms") and find_account(turn.text) is None:
        _steps_by_sms(turn)
        return
    turn.begin("bill_alerts")
    _subscribe_or_ask(turn, find_account(turn.text))


def _steps_by_sms(turn: Turn) -> None:
    """The alerts asked for by SMS ("كيف اشترك برسايل الفاتورة عن طريق SMS"): the short code's
    steps (domain.md: subscribers text their account number to it), not a list to pick from."""
    _ = turn.tr._
    turn.finish()
    turn.say(_sms_steps_line(turn))
    if turn.message.channel != "sms":
        turn.say(_("I can also send them to you here: send «bill alerts»."))


def _sms_steps_line(turn: Turn) -> str:
    return turn.tr._(
        "To get your bill by SMS, text your account number (the digits only) to {code} "
        "from your mobile. Every month, when the bill is issued on day {day} of the month, "
        "its amount and due date come to that mobile by SMS.",
        code=turn.settings.bill_sms_code,
        day=turn.tr.number(ISSUE_DAY),
    )


def resume(turn: Turn) -> None:
    _subscribe_or_ask(turn, None)


def step(turn: Turn, understood: Understanding) -> bool:
    accounts: list[str] = turn.state.get("accounts", [])
    picked = choice_number(turn.text)
    if picked is not None and accounts and 1 <= picked <= len(accounts):
        _subscribe_or_ask(turn, accounts[picked - 1])
        return True
    typed = find_account(turn.text)
    if typed is not None:
        _subscribe_or_ask(turn, typed)
        return True
    named = named_account(turn, accounts)
    if named is True:  # billing unavailable: said so
        return True
    if named:  # "الفيلا", "the shop", "حق الملز": the one account it names
        _subscribe_or_ask(turn, named.account)
        return True
    return False


def _subscribe_or_ask(turn: Turn, account: str | None) -> None:
    _ = turn.tr._
    linked = linked_accounts(turn, account)
    if linked is None:
        return
    if account is None:
        _ask_which(turn, linked)
        return
    turn.finish()
    result = subscribe(
        turn.session,
        account=account,
        channel=turn.message.channel,
        address=turn.message.sender,
        phone=turn.phone,
        lang=turn.lang,
        consent_text=turn.text,
        consent_message_id=turn.message.message_id,
        at=turn.now,
        linked_accounts=linked,
    )
    if result.status == "not_linked":
        refuse_unlinked(
            turn,
            _(
                "The account {account} is not linked to your mobile number, so I "
                "cannot send its bill alerts here.",
                account=mask(account),
            ),
        )
    elif result.status == "already_subscribed":
        turn.say(
            _(
                "Bill alerts for account {account} are already on for this number.",
                account=mask(account),
            )
        )
    else:
        turn.say(
            _(
                "Done! Every month, when the bill of account {account} is issued on day {day} "
                "of the month, I will send you its amount and due date here. To end them, send "
                "«stop bill alerts».",
                account=mask(account),
                day=turn.tr.number(ISSUE_DAY),
            )
        )


def _ask_which(turn: Turn, linked: list[Account]) -> None:
    _ = turn.tr._
    if not linked:
        turn.finish()
        no_accounts(turn)
        # The short code works for any account, linked to this number or not (domain.md).
        turn.say(_sms_steps_line(turn))
        return
    turn.begin("bill_alerts", accounts=[a.account for a in linked])
    turn.say(
        _("Which account should I send monthly bill alerts for? Send its number from the list."),
        account_choices(linked, turn.lang),
    )
