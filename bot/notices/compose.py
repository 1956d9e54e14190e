"""The text of one month's bill notice, per channel and language.

SMS is kept within two UCS-2 segments (`SMS_LIMIT`), so it carries the essentials only;
WhatsApp, Telegram and the terminal get the full bill. WhatsApp outside the 24-hour window
can only carry an approved template, so the same facts also go out as template variables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from babel.dates import format_date

from bot.billing import Bill
from bot.i18n import texts

SMS_LIMIT = 134  # two concatenated UCS-2 segments of 67 characters


@dataclass(frozen=True)
class NoticeText:
    text: str
    template: str | None
    template_variables: dict[str, str] | None


def whatsapp_template() -> str | None:
    """The approved template's content SID (SADEEQ_WHATSAPP_BILL_TEMPLATE), if configured."""
    from bot.config import Settings

    return Settings.from_env().whatsapp_bill_template


# A month's million notices carry far fewer distinct amounts and due dates, and Babel's
# formatting is most of the cost of composing one: each is formatted once per language.
# (typed: 5 riyals and 5.00 SAR of a bill are shown differently.)
@lru_cache(maxsize=1 << 18, typed=True)
def money(amount: Decimal, lang: str) -> str:
    return texts(lang).money(amount)


@lru_cache(maxsize=4096)
def long_date(value: date, lang: str) -> str:
    return texts(lang).date(value)


@lru_cache(maxsize=4096)
def short_date(bill_date: date, lang: str) -> str:
    """A compact Babel date (no Hijri) for SMS and template variables."""
    return format_date(bill_date, "medium", locale=texts(lang).locale)


def sms_text(bill: Bill, lang: str) -> str:
    tr = texts(lang)
    return tr._(
        "Electricity bill {account}: {total} due by {due}. Pay via SADAD (biller 001) or the SEC app.",
        account=bill.account,
        total=money(bill.total_due_sar, lang),
        due=short_date(bill.due_date, lang),
    )


def full_text(bill: Bill, lang: str) -> str:
    tr = texts(lang)
    lines = [
        tr._("Your electricity bill for account {account} is out.", account=bill.account),
        tr._("Amount of this bill: {amount}", amount=money(bill.amount_sar, lang)),
    ]
    if bill.previous_balance_sar > 0:
        lines.append(
            tr._("Previous balance: {amount}", amount=money(bill.previous_balance_sar, lang))
        )
    lines += [
        tr._("Total due: {amount}", amount=money(bill.total_due_sar, lang)),
        tr._("Pay by: {date}", date=long_date(bill.due_date, lang)),
        tr._("Pay through SADAD (biller code 001) or the SEC app."),
    ]
    return "\n".join(lines)


def compose(bill: Bill, channel: str, lang: str, template: str | None = None) -> NoticeText:
    if channel == "sms":
        return NoticeText(sms_text(bill, lang), None, None)
    text = full_text(bill, lang)
    if channel != "whatsapp" or template is None:
        return NoticeText(text, None, None)
    variables = {
        "1": bill.account,
        "2": money(bill.total_due_sar, lang),
        "3": short_date(bill.due_date, lang),
    }
    return NoticeText(text, template, variables)
