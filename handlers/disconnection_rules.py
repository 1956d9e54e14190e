"""Questions about the rules, not about a case: "when can they cut me off?" (the
disconnection rules, from bot/standards/disconnection.toml and the rule set in force), "how is
compensation paid?" (bot/standards/wording.py, from the rule set in force) and "how do I pay?"
(the ways the utility offers: SADAD, biller 001, in any bank's app, and the Alkahraba app;
with the bill card when no card was just shown). The questions are phrase lists: locales/<lang>/phrases/
ask_disconnection.txt, ask_compensation_paid.txt and ask_how_to_pay.txt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from bot.billing import BillingUnavailable
from bot.config import RIYADH
from bot.dialogue.turn import Turn
from bot.phrases import mentions
from bot.standards import rule_for
from bot.standards.disconnection import arrears_allow_cut, rules
from bot.standards.wording import how_paid_line, how_paid_text
from bot.understanding import Understanding
from handlers.common import mask, phone_accounts

# The utility's SADAD biller number: what a bank's app asks for before the account number.
SADAD_BILLER = "001"


@dataclass(frozen=True)
class Arrears:
    """What the billing records show owed past its due date on a day, for one account."""

    account: str
    overdue_sar: Decimal
    unpaid_bills: int  # bills past their due date and not paid

    def allow_cut(self) -> bool:
        return arrears_allow_cut(float(self.overdue_sar), self.unpaid_bills)


def account_arrears(turn: Turn, day: date) -> Arrears | None:
    """The arrears on record on `day` of the sender's account, or None when the records cannot
    tell them: no phone, several accounts (which one was cut is not known), no bill, the
    billing system down, or the latest bill paid (whether before or after that day is not
    recorded)."""
    if turn.phone is None:
        return None
    try:
        accounts = phone_accounts(turn, turn.phone)
        if len(accounts) != 1:
            return None
        account = accounts[0].account
        bills = turn.billing.recent_bills_for_phone(turn.phone, account, 12)
    except BillingUnavailable:
        return None
    if not bills or bills[0].status == "paid":
        return None
    issued = [b.on(day) for b in bills if b.issue_date <= day]
    if not issued:
        return None
    latest = issued[0]
    if latest.status == "paid":
        overdue = Decimal(0)
    elif day > latest.due_date:
        overdue = latest.total_due_sar
    else:
        overdue = latest.previous_balance_sar
    unpaid = sum(1 for b in issued if b.status != "paid" and b.due_date < day)
    return Arrears(account, overdue, unpaid)


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
    arrears = account_arrears(turn, today)
    if arrears is not None:
        # Its bill is what the answer spoke of: «تفاصيل» next gives it in full, as after a card.
        turn.begin("bill", shown=arrears.account)
        more = [_('For the whole bill send "details".')]
    else:
        more = [] if bill_shown else [_("To see what you owe, send «my bill».")]
    turn.say(
        "\n".join(
            _account_lines(turn, arrears)
            + [
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
            + more
        )
    )


def _account_lines(turn: Turn, arrears: Arrears | None) -> list[str]:
    """ "بيقطعون الكهرباء؟" from a subscriber whose account the records show: what it owes past
    due today, and whether that alone allows a cut under the rules said next."""
    if arrears is None:
        return []
    _ = turn.tr._
    values = {
        "account": mask(arrears.account),
        "amount": turn.tr.money(arrears.overdue_sar),
        "bills": turn.tr.number(arrears.unpaid_bills),
    }
    if arrears.overdue_sar <= 0:
        return [_("Account {account} has nothing overdue, so it may not be cut.", **values)]
    if arrears.allow_cut():
        return [
            _(
                "Account {account} has {amount} overdue, from {bills} unpaid bill(s): enough for "
                "a disconnection, so please pay it soon.",
                **values,
            )
        ]
    return [
        _(
            "Account {account} has {amount} overdue, from {bills} unpaid bill(s): not enough "
            "for a disconnection, so they may not cut it for that now. Please pay it, so it "
            "does not grow.",
            **values,
        )
    ]


def how_to_pay_line(turn: Turn) -> str:
    return turn.tr._(
        "You can pay your bill through SADAD in your bank's app or website (biller number {biller}, "
        "and your account number), or in the Alkahraba app.",
        biller=SADAD_BILLER,
    )
