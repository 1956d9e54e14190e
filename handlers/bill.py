"""Bill: the accounts linked to the sender's own number, and the latest bill of one of them.

Privacy rule: a bill is shown only for an account linked to the phone the message came from
(or the phone a Telegram user shared of themselves). Any other account number gets a refusal
with the reason, never the bill.
"""

from __future__ import annotations

from bot.billing import Bill, BillingUnavailable
from bot.dialogue.turn import Turn
from bot.understanding import Understanding, choice_number
from bot.understanding.slots import find_account
from handlers.common import (
    account_choices,
    busy,
    linked_accounts,
    mask,
    no_accounts,
    refuse_unlinked,
)


def start(turn: Turn, understood: Understanding) -> None:
    turn.intent = "bill"
    turn.begin("bill")
    _show_or_ask(turn, understood.slots.get("account"))


def resume(turn: Turn) -> None:
    _show_or_ask(turn, None)


def step(turn: Turn, understood: Understanding) -> bool:
    accounts: list[str] = turn.state.get("accounts", [])
    picked = choice_number(turn.text)
    if picked is not None and accounts:
        if 1 <= picked <= len(accounts):
            turn.intent = "bill"
            _show_bill(turn, accounts[picked - 1])
        else:
            turn.say(turn.tr._("Please send a number from 1 to {last}.", last=turn.tr.number(len(accounts))))
        return True
    typed = find_account(turn.text)
    if typed is not None:
        turn.intent = "bill"
        _show_or_ask(turn, typed)
        return True
    return False


def _show_or_ask(turn: Turn, typed_account: str | None) -> None:
    _ = turn.tr._
    accounts = linked_accounts(turn, typed_account)
    if accounts is None:
        return
    numbers = [a.account for a in accounts]
    if typed_account is not None:
        if typed_account in numbers:
            _show_bill(turn, typed_account)
        else:
            refuse_unlinked(turn, _(
                "The account {account} is not linked to your mobile number, so I cannot show its "
                "bill. For your privacy I only show bills of accounts registered to the number you "
                "are writing from.", account=mask(typed_account)))
        return
    if not accounts:
        turn.finish()
        no_accounts(turn)
    elif len(accounts) == 1:
        _show_bill(turn, accounts[0].account)
    else:
        turn.begin("bill", accounts=numbers)
        turn.say(_("Which account? Send its number from the list."), account_choices(accounts))


def _show_bill(turn: Turn, account: str) -> None:
    try:
        bill = turn.billing.bill_for_phone(turn.phone or "", account)
    except BillingUnavailable:
        busy(turn)
        return
    turn.finish()
    if bill is None:
        turn.say(turn.tr._("There is no bill yet for the account {account}.", account=mask(account)))
        return
    turn.say(bill_text(turn, bill))


def bill_text(turn: Turn, bill: Bill) -> str:
    """Most important first (an SMS may be cut after the first lines)."""
    tr = turn.tr
    _ = tr._
    status = {"paid": _("paid"), "unpaid": _("unpaid"), "overdue": _("overdue")}.get(bill.status, bill.status)
    lines = [
        _("Bill of account {account}", account=mask(bill.account)),
        _("Total due: {amount}", amount=tr.money(bill.total_due_sar)),
        _("Due date: {date}", date=tr.date(bill.due_date)),
        _("Status: {status}", status=status),
        _("Period: {start} to {end}", start=tr.date(bill.period_start), end=tr.date(bill.period_end)),
        _("Consumption: {kwh} kWh", kwh=tr.number(bill.kwh)),
        _("Amount for the period: {amount}", amount=tr.money(bill.amount_sar)),
        _("Previous balance: {amount}", amount=tr.money(bill.previous_balance_sar)),
        _("Issued on: {date}", date=tr.date(bill.issue_date)),
    ]
    return "\n".join(lines)
