"""Bill: the accounts linked to the sender's own number, and the latest bill of one of them.

Privacy rule: a bill is shown only for an account linked to the phone the message came from
(or the phone a Telegram user shared of themselves). Any other account number gets a refusal
with the reason, never the bill.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import cache

from babel.dates import format_date

from bot.billing import Account, Bill, BillingUnavailable
from bot.billing.tariff import tariff, tier_limit_kwh
from bot.dialogue.messages import Choice
from bot.dialogue.turn import Turn
from bot.i18n import month_text
from bot.notices.schedule import ISSUE_DAY, next_run
from bot.phrases import mentions, mentions_words, phrases
from bot.standards import rule_for
from bot.standards.wording import deadline_text
from bot.text import ascii_digits, normalize
from bot.understanding import Understanding, choice_number
from bot.understanding.slots import find_account
from bot.understanding.slots.account import find_mobile
from bot.understanding.slots.times import NamedMonth, read_times
from bot.understanding.vocabulary import load
from handlers.common import (
    account_choices,
    accounts_by_premise,
    accounts_named_alone,
    accounts_named_in,
    busy,
    linked_accounts,
    mask,
    named_account,
    phone_accounts,
    refuse_unlinked,
)
from handlers.disconnection_rules import asks_how_to_pay, how_to_pay_line

# Bills compared when a subscriber asks why the bill is high: this one and the ones before.
COMPARED_BILLS = 4
# Bills looked through for a month asked by name ("فاتورة شهر سبتمبر"): a year of them.
MONTHS_LOOKED_BACK = 12


def start(turn: Turn, understood: Understanding, default: str | None = None) -> None:
    """The bill asked for. `default` is the account whose bill was just shown: a follow-up
    naming no account ("كم علي الحين", "وفاتورة اغسطس؟") is about it, not "which account?"."""
    turn.intent = "bill"
    asked = question_asked(turn.text)
    if asked is not None:  # "ابي اقسط الفاتورة": answered, no account needed for it
        answer_question(turn, asked)
        return
    if asks_how_to_pay(turn.text):  # "كيف اسدد الفاتورة": where the ways are, then the bill
        turn.say(how_to_pay_line(turn))
    if mentions(turn.text, "ask_bill_date"):  # "متى تنزل الفاتورة": the issue day, then the bill
        turn.say(_issue_day_line(turn))
    typed = understood.text_slot("account")
    mobile = find_mobile(turn.text) if typed is None else None
    if mobile is not None:  # "فاتورة رقم 0501234567": a phone number, said so
        turn.say(_mobile_not_account_line(turn, mobile))
    turn.begin(
        "bill",
        month=month_asked(turn.text, turn.now),
        paid=paid_said(turn.text),
        every=typed is None and mentions_words(turn.text, "all_accounts"),
    )
    _show_or_ask(turn, typed, mentions(turn.text, "bill_high"), default=default)


def asks_by_name(text: str, understood: Understanding, now: datetime) -> bool:
    """«فاتورة» and a month, a season or premises ("فاتورة نوفمبر", "فاتورة رمضان", "فاتورة
    الصيف", "فاتورة الفيلا", "fatorat el villa"): a bill asked for, when the model found nothing
    else and the bill likeliest (which premises' is `_named_in_request`'s to read)."""
    likeliest = understood.alternatives[0][0] if understood.alternatives else None
    if understood.intent != "unknown" or likeliest != "bill":
        return False
    if not mentions(text, "bill_word"):
        return False
    return (
        month_asked(text, now) is not None
        or mentions_words(text, "season_words")
        or any(mentions_words(text, kind) for kind in ("premises_home", "premises_other"))
    )


# What a question of the due date alone may be read as by the model: "متى اخر موعد" and
# "meta akher mo3d" lean to a report's status ("متى").
_DUE_DATE_READ_AS = ("bill", "unknown", "outage_status")


def asks_due_date(text: str, understood: Understanding) -> bool:
    """The last day to pay asked with no bill shown ("متى اخر موعد؟", "meta akher mo3d"): the
    bill, whose card says it, not a report's status; a report or the power named
    ("متى اخر موعد لبلاغي") is about the report."""
    if understood.intent not in _DUE_DATE_READ_AS or not mentions(text, "ask_due_date"):
        return False
    return not mentions_words(text, "report_word") and not mentions(text, "power_off")


def paid_said(text: str) -> str | None:
    """ "asked" when the bill asked for is asked about as paid ("هل فاتورة اكتوبر مسددة"),
    "claimed" when the subscriber says they paid it ("سددت الفاتورة امس وصلتكم؟"), else None."""
    if mentions_words(text, "ask_paid"):
        return "asked"
    if mentions_words(text, "paid"):
        return "claimed"
    return None


def asks_with_mobile(text: str, understood: Understanding) -> bool:
    """A bill asked for with a mobile number where its account number would be ("فاتورة رقم
    0501234567"), read as the bill, or most likely it, by the model."""
    if find_mobile(text) is None:
        return False
    likeliest = understood.alternatives[0][0] if understood.alternatives else None
    return understood.intent == "bill" or (understood.intent == "unknown" and likeliest == "bill")


def _mobile_not_account_line(turn: Turn, mobile: str) -> str:
    return turn.tr._(
        "{number} is a mobile number, not an account number. The account number is printed "
        "on your bill.",
        number=mobile,
    )


@cache
def _month_names() -> tuple[re.Pattern[str], dict[str, int]]:
    """Gregorian month names (data/times.toml), as whole words; a name of under 4 letters
    ("اب", "may", "jan") only after "شهر"/"month", where it cannot be another word."""
    names = {
        normalize(w): int(m) for m, ws in load("times")["gregorian_months"].items() for w in ws
    }
    ordered = sorted(names, key=len, reverse=True)
    any_ = "|".join(re.escape(n) for n in ordered)
    long_ = "|".join(re.escape(n) for n in ordered if len(n) >= 4)
    dates = load("times")["dates"]
    month_word = "|".join(re.escape(normalize(w)) for w in dates["month_word"])
    of = "|".join(re.escape(normalize(w)) for w in dates["between"])
    # A month's number after "شهر"/"الشهر"/"month (of)" ("فاتورة شهر 9", "الشهر ١١") is that
    # month too.
    pattern = (
        rf"(?<!\w)(?:(?:{month_word})(?:\s+(?:{of}))?\s+"
        rf"(?:(?P<after>{any_})|(?P<number>1[0-2]|0?[1-9]))"
        rf"|(?P<name>{long_}))(?!\w)"
        r"(?:\s*/?\s*(?P<year>\d{4})(?!\d))?"
    )
    return re.compile(pattern), names


# A month and its year written as a date ("فاتورة 9/2025", "09-2025"), read before normalizing
# (which drops the slash); not the end of a day's date ("15/9/2025").
_MONTH_OF_YEAR = re.compile(r"(?<![\w/.-])(1[0-2]|0?[1-9])\s*[/-]\s*(20\d\d)(?![\w/.-])")


@cache
def _last_year() -> re.Pattern[str]:
    """ "السنة اللي فاتت", "last year" (data/times.toml), as whole words."""
    said = "|".join(re.escape(normalize(w)) for w in load("times")["dates"]["last_year"])
    return re.compile(rf"(?<!\w)(?:{said})(?!\w)")


def month_asked(text: str, now: datetime | None = None) -> dict | None:
    """{"month", "year" (or 0)} of the bill the message asks for ("كم فاتورة شهر سبتمبر",
    "فاتورة شهر ٩", "ايلول"), or None. A Hijri month ("فاتورة شهر رمضان", read at `now`: the
    latest begun) is the Gregorian month holding most of its days, the Hijri one kept under
    "hijri" (`NamedMonth.dump()`): Ramadan 1447 (18 February to 19 March 2026) is March 2026."""
    dated = _MONTH_OF_YEAR.search(ascii_digits(text))
    if dated is not None:  # "فاتورة 9/2025"
        return {"month": int(dated.group(1)), "year": int(dated.group(2))}
    pattern, names = _month_names()
    found = pattern.search(normalize(ascii_digits(text)))
    if found is None:
        named = read_times(text, now).month if now is not None else None
        if named is None or not named.hijri:
            return None
        days = Counter(
            (day.month, day.year)
            for day in (
                named.first + timedelta(days=n) for n in range((named.last - named.first).days + 1)
            )
        )
        (month, year), _ = max(days.items(), key=lambda kv: (kv[1], kv[0][1], kv[0][0]))
        return {"month": month, "year": year, "hijri": named.dump()}
    if found.group("number"):
        month = int(found.group("number"))
    else:
        month = names[found.group("after") or found.group("name")]
    year = int(found.group("year") or 0)
    if not year and now is not None and _last_year().search(normalize(text)):
        year = now.year - 1  # "فاتورة شهر ٩ السنة اللي فاتت": that month a year back
    return {"month": month, "year": year}


def _stored_month(kept: dict | list | None) -> dict | None:
    """A month kept in the conversation's state ({"month", "year"}); [month, year], as kept
    before, read the same."""
    if isinstance(kept, list):
        return {"month": kept[0], "year": kept[1]}
    return kept


def _of_month(bill: Bill, asked: dict) -> bool:
    month, year = asked["month"], asked["year"]
    return bill.period_start.month == month and year in (0, bill.period_start.year)


def _issue_day_line(turn: Turn) -> str:
    return turn.tr._(
        "Bills are issued on day {day} of every month; the next one on {date}.",
        day=turn.tr.number(ISSUE_DAY),
        date=turn.tr.date(next_run(turn.now, 0).date(), hijri=False),
    )


def resume(turn: Turn) -> None:
    _show_or_ask(turn, None, bool(turn.state.get("why_high")))


def step(turn: Turn, understood: Understanding) -> bool:
    if mentions(turn.text, "bill_alerts"):
        return False  # "اشتراك الفاتورة 30012345678": alerts asked for, not this bill again
    accounts: list[str] = turn.state.get("accounts", [])
    why_high = bool(turn.state.get("why_high"))
    picked = choice_number(turn.text)
    several = _picked_several(turn.text, len(accounts)) if accounts and picked is None else None
    if several:  # "1 و 2" at "which account?": each bill asked for, and what they add up to
        turn.intent = "bill"
        _show_several(turn, [accounts[n - 1] for n in several], why_high)
        return True
    if picked is not None and accounts:
        if 1 <= picked <= len(accounts):
            turn.intent = "bill"
            _show_one_of(turn, accounts[picked - 1], accounts, why_high)
        else:
            turn.say(
                turn.tr._(
                    "Please send a number from 1 to {last}.", last=turn.tr.number(len(accounts))
                )
            )
        return True
    asked = question_asked(turn.text)
    if (
        asked is not None
        and (accounts or turn.state.get("shown"))
        and (_for_bill(understood) or understood.intent == "help")  # "اقدر اقسطها؟"
    ):
        # "اقدر اقسطها؟", "ابي نسخة من الفاتورة", "وش الرسوم هذي": answered; a card just shown
        # stays open for «تفاصيل», "which account?" is left.
        if accounts:
            turn.finish()
        answer_question(turn, asked)
        return True
    typed = find_account(turn.text)
    if typed is not None:
        turn.intent = "bill"
        _show_or_ask(turn, typed, why_high)
        return True
    mobile = find_mobile(turn.text) if accounts else None
    if mobile is not None:  # "0501234567" at "which account?": a phone number, and the list
        turn.intent = "bill"
        turn.say(_mobile_not_account_line(turn, mobile))
        _show_or_ask(turn, None, why_high)
        return True
    if accounts and _for_bill(understood) and _named_one(turn, accounts, why_high):
        return True  # "فاتورة الحساب 4321", "حق البيت", "المحل"
    if accounts and (_says_both(turn.text) or mentions_words(turn.text, "all_accounts")):
        turn.intent = "bill"  # "الاثنين": both bills, one after the other, and their total
        _show_several(turn, accounts, why_high)
        return True
    if accounts and _for_bill(understood) and (month := month_asked(turn.text, turn.now)):
        # "لا قصدي اغسطس" at "which account?": the month corrected, the same question again
        turn.intent = "bill"
        turn.remember(month=month)
        _show_or_ask(turn, None, why_high)
        return True
    listed: list[str] = turn.state.get("listed", [])
    if listed and turn.state.get("shown") and (other := _other_picked(turn, listed)):
        # "لا قصدي الحساب الثاني", "والثاني؟" right after the card of the first: that account's
        turn.intent = "bill"
        _show_one_of(turn, other, listed, why_high)
        return True
    if accounts and not why_high and mentions(turn.text, "bill_high"):
        # "ليش عاليه كذا" at "which account?": the same question, for why it is high.
        turn.intent = "bill"
        _show_or_ask(turn, None, why_high=True)
        return True
    if turn.state.get("shown") and mentions(turn.text, "ask_due_date"):
        # "وش آخر موعد للسداد؟" right after a card: that bill's due date, not the picker again.
        return _due_date(turn)
    if turn.state.get("shown") and mentions_words(turn.text, "ask_paid"):
        # "is it paid?" right after a card: whether that bill is paid, not the picker again.
        return _from_card(turn, _say_paid)
    if turn.state.get("shown") and asks_how_to_pay(turn.text):
        # "كيف بدفعها؟" right after a card: the ways to pay that bill, not the card again.
        turn.intent = "bill"
        turn.say(how_to_pay_line(turn))
        return True
    if turn.state.get("shown") and mentions(turn.text, "bill_high"):
        # "ليش غالية كذا" right after a card is about that card: not "which account?" again
        # ("ليش فاتورة الملز زادت" is about the account it names).
        turn.intent = "bill"
        _show_or_ask(turn, find_account(turn.text), why_high=True, default=turn.state["shown"])
        return True
    if (
        turn.state.get("shown")
        and _for_bill(understood)
        and (month_asked(turn.text, turn.now) or mentions_words(turn.text, "bill_now"))
    ):
        # "كم علي الحين", "وفاتورة اغسطس؟", "شهر ٩" right after a card: the same account's
        # (a new "فاتورتي" asks which account again).
        start(turn, understood, default=turn.state["shown"])
        return True
    return False


# Questions about a bill answered in a line, not with a bill (locales/<lang>/phrases/<name>.txt),
# the first found answered: an objection first, as it has a deadline.
BILL_QUESTIONS = ("bill_objection", "bill_installments", "bill_copy", "bill_fees")
# Lists matched as whole words ("fee" is not in "coffee").
_WHOLE_WORDS = ("bill_fees",)


def question_asked(text: str) -> str | None:
    """The bill question the message asks ("ابي اعترض", "اقدر اقسطها؟", "send me bill copy pdf",
    "وش الرسوم هذي"), one of BILL_QUESTIONS, or None."""
    for name in BILL_QUESTIONS:
        if (mentions_words if name in _WHOLE_WORDS else mentions)(text, name):
            return name
    return None


def answer_question(turn: Turn, asked: str) -> None:
    """A short true answer: what the bot can do about it, or who can (customer service, with
    the hand-over offered as the objection wording does)."""
    _ = turn.tr._
    turn.intent = "bill"
    number = turn.settings.agent_phone
    if asked == "bill_objection":
        line = _(
            "You can object to the bill with customer service: call {number} or send "
            '"agent" to talk to a person. They must reply to you in detail within {deadline}.',
            number=number,
            deadline=deadline_text(rule_for("billing_complaint", turn.now), turn.lang),
        )
    elif asked == "bill_installments":
        line = _(
            "I cannot split a bill into installments here. Whether it can be paid in "
            'installments is for customer service to decide: call {number} or send "agent" to '
            "talk to a person.",
            number=number,
        )
    elif asked == "bill_copy":
        line = _(
            "I cannot send a copy of the bill as a file or by email. Here I can show every line "
            'of it: send "details" after your bill. For an official copy, customer service can '
            'help: call {number} or send "agent" to talk to a person.',
            number=number,
        )
    else:
        line = _fees_line(turn)
    turn.say(line, object_choices(turn))


def _fees_line(turn: Turn) -> str:
    """What a bill is made of, from the tariff in force (bot/billing/tariff.toml)."""
    t = tariff()
    fees = [sar for _, sar in t.fee_by_breaker] + [t.fee_above]
    return turn.tr._(
        "A bill is made of: the electricity used (kWh at your account's tariff), a monthly "
        "meter reading and billing fee by the size of your breaker (from {low} to {high}), and "
        "{vat}% VAT on both. An unpaid earlier bill is added to the total due. To have your "
        'bill\'s charges explained, customer service can help: call {number} or send "agent" '
        "to talk to a person.",
        low=turn.tr.money(min(fees)),
        high=turn.tr.money(max(fees)),
        vat=turn.tr.number(round(t.vat_rate * 100)),
        number=turn.settings.agent_phone,
    )


_SEVERAL = re.compile(r"^\s*(\d{1,2})(?:\s*(?:و|,|،|&|\+|and|-)\s*(\d{1,2}))+\s*$")


def _picked_several(text: str, listed: int) -> list[int] | None:
    """The numbers of a list picked together ("1 و 2", "١،٢", "1 and 2"), each once, in the
    order sent; None unless the message is only two or more of them."""
    said = normalize(ascii_digits(text))
    if not _SEVERAL.match(said):
        return None
    numbers = list(dict.fromkeys(int(n) for n in re.findall(r"\d{1,2}", said)))
    if len(numbers) < 2 or not all(1 <= n <= listed for n in numbers):
        return None
    return numbers


# Words at most of «و + an account» right after a card ("what about the shop?").
_AND_NAMED_WORDS = 6


def _and_number(word: str) -> int | None:
    """A list's number in a word, an «و» joined to it too («والأول؟»: "and the first?", as
    «والثاني؟» is)."""
    number = choice_number(word)
    if number is None and word.startswith("و") and len(word) > 2:
        number = choice_number(word[1:])
    return number


def _other_picked(turn: Turn, listed: list[str]) -> str | None:
    """Another listed account named by its number in the list ("لا قصدي الحساب الثاني", "the
    second"), or the other one of two ("الحساب الاخر"), after the card of one of them; or a
    listed account named alone («والمحل؟», "and Al Malaz?")."""
    shown = turn.state.get("shown")
    if len(listed) == 2 and mentions_words(turn.text, "other_one"):
        # before the numbers: "the other one" is no pick of the first ("one")
        return next(a for a in listed if a != shown)
    words = normalize(ascii_digits(turn.text)).split()
    picks = {n for w in words if (n := _and_number(w)) is not None and 1 <= n <= len(listed)}
    if len(picks) == 1:
        account = listed[picks.pop() - 1]
        return account if account != shown else None
    # «والمحل؟», «وحق الملز؟», "and the shop?": a listed account named by its premises, district
    # or digits and nothing else is its bill (never an outage nor a hazard: nothing was said
    # of either).
    if len(words) > _AND_NAMED_WORDS:
        return None
    try:
        accounts = phone_accounts(turn, turn.phone or "")
    except BillingUnavailable:
        return None
    named = accounts_named_alone(turn.text, [a for a in accounts if a.account in listed])
    return named[0].account if named else None


def _show_several(turn: Turn, accounts: list[str], why_high: bool) -> None:
    """The bills of several accounts, one after the other, then what is owed on them in all,
    added up from those bills (the billing system's own figures)."""
    asked = {k: turn.state.get(k) for k in ("month", "paid")}  # each card begins anew
    for account in accounts:
        turn.remember(**asked)
        _show_bill(turn, account, why_high)
    try:
        bills = [turn.billing.bill_for_phone(turn.phone or "", a) for a in accounts]
    except BillingUnavailable:
        return
    latest = [b.on(turn.today) for b in bills if b is not None]
    if len(latest) < 2:
        return
    owed = sum(b.total_due_sar for b in latest if b.status != "paid")
    if owed <= 0:
        turn.say(turn.tr._("Nothing is owed on these accounts now."))
        return
    turn.say(
        turn.tr._("In all, {amount} is owed on these accounts now.", amount=turn.tr.money(owed))
    )


def _says_both(text: str) -> bool:
    """The whole answer to "which account?" is "both" ("الاثنين", "كلهم", "both")."""
    said = " ".join(normalize(text).replace("؟", " ").replace("?", " ").split())
    return said in {normalize(p) for p in phrases("both_accounts")}


def _for_bill(understood: Understanding) -> bool:
    """A district named at "which account?" picks that bill only when the message is about the
    bill or not understood: "فيه عمود طايح في العليا" is a hazard, "الكهرباء طافية في الملز" an
    outage report, even though each names a listed premise (as outage_report.step guards)."""
    return understood.intent in ("unknown", "bill") or understood.confidence < 0.8


def _named_one(turn: Turn, numbers: list[str], why_high: bool) -> bool:
    """The answer to "which account?" names one of the listed accounts inside a sentence."""
    named = named_account(turn, numbers)
    if isinstance(named, bool):
        return named  # True: answered (billing unavailable)
    turn.intent = "bill"
    _show_one_of(turn, named.account, numbers, why_high)
    return True


def card_shown(turn: Turn) -> bool:
    """The bill flow is open only to give the card just shown in full («تفاصيل»): no question."""
    return turn.flow == "bill" and bool(turn.state.get("shown")) and not turn.state.get("accounts")


def detail(turn: Turn) -> bool:
    """«تفاصيل» after a bill card: the whole bill. False when no card was the last answer."""
    return _from_card(turn, _say_details)


def _say_details(turn: Turn, bill: Bill) -> None:
    turn.intent = "detail"
    turn.say(bill_details(turn, bill))


def _from_card(turn: Turn, answer: Callable[[Turn, Bill], None]) -> bool:
    """Answer from the bill of the card just shown; False when there is none (the billing
    system down: the busy answer, and True)."""
    try:
        bill = _shown_bill(turn)
    except BillingUnavailable:
        busy(turn)
        return True
    if bill is None:
        return False
    answer(turn, bill)
    return True


def _shown_bill(turn: Turn) -> Bill | None:
    """The bill of the card just shown (an older month's too), or None when there is none."""
    account = turn.state.get("shown")
    if not account:
        return None
    shown_month = _stored_month(turn.state.get("shown_month"))
    bill = turn.billing.bill_for_phone(turn.phone or "", account)
    if bill is not None and shown_month and not _of_month(bill, shown_month):
        older = turn.billing.recent_bills_for_phone(turn.phone or "", account, MONTHS_LOOKED_BACK)
        bill = next((b for b in older if _of_month(b, shown_month)), bill)
    return bill.on(turn.today) if bill is not None else None


def _bill_before(turn: Turn, bill: Bill) -> Bill | None:
    """The bill issued before `bill` (whose due date its unpaid previous balance missed), or
    None when the billing source keeps no earlier one."""
    bills = turn.billing.recent_bills_for_phone(turn.phone or "", bill.account, MONTHS_LOOKED_BACK)
    later = [b for b in bills if b.period_start < bill.period_start]
    return later[0].on(turn.today) if later else None


def _due_date(turn: Turn) -> bool:
    """The due date of the bill just shown; False when there is no card to answer from."""
    return _from_card(turn, _say_due_date)


def _bill_values(turn: Turn, bill: Bill) -> dict[str, str]:
    """The bill's figures as the due-date and «is it paid?» answers say them."""
    return {
        "account": mask(bill.account),
        "month": turn.tr.month(bill.period_start),
        "date": turn.tr.date(bill.due_date),
        "amount": turn.tr.money(bill.total_due_sar),
    }


def _say_due_date(turn: Turn, bill: Bill) -> None:
    _ = turn.tr._
    turn.intent = "bill"
    values = _bill_values(turn, bill)
    if bill.arrears_only(turn.today):
        turn.say("\n".join(_arrears_lines(turn, bill, _bill_before(turn, bill))))
    elif bill.status == "paid" and bill.due_date >= turn.today:
        # paid before a due date still ahead: never said as past ("وكان آخر موعد")
        turn.say(
            _(
                "The bill of account {account} for {month} is paid; the last day to pay it is "
                "{date}.",
                **values,
            )
        )
    elif bill.status == "paid":
        turn.say(
            _("The bill of account {account} for {month} is paid: it was due by {date}.", **values)
        )
    elif bill.status == "overdue":
        turn.say(_("The due date was {date}: {amount} is overdue. Please pay it now.", **values))
    else:
        turn.say(
            _(
                "You owe {amount} on account {account} for {month}; the last day to pay is {date}.",
                **values,
            )
        )


def _say_paid(turn: Turn, bill: Bill) -> None:
    """Whether the bill just shown is paid: yes, or what is owed on it and by when."""
    _ = turn.tr._
    if bill.status == "paid":
        _say_due_date(turn, bill)
        return
    turn.intent = "bill"
    values = _bill_values(turn, bill)
    if bill.arrears_only(turn.today):
        turn.say(_("No, this bill is not paid yet."))
        turn.say("\n".join(_arrears_lines(turn, bill, _bill_before(turn, bill))))
    elif bill.status == "overdue":
        turn.say(
            _(
                "Not paid yet: the bill of account {account} for {month} was due by {date}, "
                "and {amount} is overdue. Please pay it now.",
                **values,
            )
        )
    else:
        turn.say(
            _(
                "Not paid yet: you owe {amount} on account {account} for {month}; the last "
                "day to pay is {date}.",
                **values,
            )
        )


def _show_or_ask(
    turn: Turn, typed_account: str | None, why_high: bool = False, default: str | None = None
) -> None:
    _ = turn.tr._
    accounts = linked_accounts(turn, typed_account)
    if accounts is None:
        return
    numbers = [a.account for a in accounts]
    if typed_account is not None:
        if typed_account in numbers:
            _show_bill(turn, typed_account, why_high)
        else:
            refusal = _(
                "The account {account} is not linked to your mobile number, so I cannot show its "
                "bill: to protect every subscriber's privacy I only show bills of accounts "
                "registered to the number you are writing from. The account holder can write "
                "to us from their own number, or call {number}.",
                account=mask(typed_account),
                number=turn.settings.agent_phone,
            )
            if not accounts:  # perhaps their own account, on a number never linked to it
                refusal += "\n" + _link_number_line(turn)
            refuse_unlinked(turn, refusal)  # the number to call is in it: no menu of one
        return
    if not accounts:
        _unregistered(turn)
    elif len(accounts) > 1 and turn.state.get("every"):
        _show_several(turn, numbers, why_high)  # "ابي فواتير الحسابين كلهم"
    elif len(accounts) == 1:
        _show_bill(turn, accounts[0].account, why_high)
    elif len(named := _named_in_request(turn.text, accounts)) == 1:
        _show_one_of(turn, named[0].account, numbers, why_high)  # "فاتورة الملز", "فاتورة المحل"
    elif default in numbers and not named:
        _show_one_of(turn, default, numbers, why_high)  # the account of the card just shown
    else:
        turn.begin(
            "bill",
            accounts=numbers,
            why_high=why_high,
            month=turn.state.get("month"),
            paid=turn.state.get("paid"),
        )
        question = (
            _("To see why the bill is high, which account? Send its number from the list.")
            if why_high  # the question is kept: the bill chosen is compared, not just shown
            else _("Which account? Send its number from the list.")
        )
        turn.say(question, account_choices(accounts, turn.lang))


def _unregistered(turn: Turn) -> None:
    """A bill asked from a number linked to no account: why no bill is shown (the privacy rule),
    how to link the number, and a person for the bill now. The flow stays open, answered, so
    an account number sent next is refused as a bill's (never shown), not read as alerts."""
    _ = turn.tr._
    turn.begin("bill", stage="answered")
    turn.say(
        "\n".join(
            [
                _(
                    "I found no electricity account linked to the number you are writing from. "
                    "To protect every subscriber's privacy, I show a bill only to the mobile "
                    "number registered on its account, so I cannot look one up by its account "
                    "number."
                ),
                _link_number_line(turn),
                _(
                    "For your bill now (its amount, or an objection to it), customer service can "
                    "help: call {number}.",
                    number=turn.settings.agent_phone,
                ),
            ]
        )
    )  # no lone "6. Talk to a person": a menu of one item reads like a form left half-made


def _link_number_line(turn: Turn) -> str:
    return turn.tr._(
        "To link your number, update the mobile number on your account in the Alkahraba app, "
        "then write to me again from it."
    )


def latest_such_month(asked: dict, today: date) -> dict:
    """A month named without its year ("فاتورة نوفمبر", {"month": 11, "year": 0}) is the latest
    such month begun by `today`: this year's, or last year's when it has not begun yet. A year
    said stays."""
    if asked["year"]:
        return asked
    month = asked["month"]
    return {**asked, "year": today.year if month <= today.month else today.year - 1}


def _not_issued_yet(turn: Turn, month: dict, latest: Bill) -> bool:
    """The month asked for is after the latest bill's: its bill is not out yet. Says when it
    is issued (the ISSUE_DAY of the month after it), then the latest bill follows."""
    asked = date(month["year"], month["month"], 1)
    if asked <= latest.period_start:
        return False
    issued = (asked.replace(day=28) + timedelta(days=4)).replace(day=ISSUE_DAY)
    turn.say(
        turn.tr._(
            "The bill for {month} is not out yet: it is issued on {date}. The latest one is for "
            "{latest}:",
            month=turn.tr.month(asked),
            date=turn.tr.date(issued, hijri=False),
            latest=turn.tr.month(latest.period_start),
        )
    )
    return True


def _named_in_request(text: str, accounts: list[Account]) -> list[Account]:
    """The accounts a bill request names: by digits or district ("فاتورة الملز"), else by its
    premises ("فاتورة المحل كم": the shop's), as an answer to "which account?" would, in a
    sentence of any length ("ليش فاتورة شهر ٧ عالية مرة؟ للفيلا", "fatorat shahr 9 lel ma7al":
    a bill asked is of the sender's own premises, so their kind names one too)."""
    return accounts_named_in(text, accounts) or accounts_by_premise(
        text, accounts, in_sentence=True
    )


def _show_one_of(turn: Turn, account: str, listed: list[str], why_high: bool = False) -> None:
    """The bill of one of several linked accounts; the others kept, so that "والثاني؟" next is
    the other's bill."""
    _show_bill(turn, account, why_high)
    if turn.state.get("shown") == account:
        turn.remember(listed=listed)


def _show_bill(turn: Turn, account: str, why_high: bool = False) -> None:
    month = _stored_month(turn.state.get("month"))
    paid = turn.state.get("paid")
    if month:
        month = latest_such_month(month, turn.today)
    if month:  # a year of bills looked through for it, and the ones before it when compared
        count = MONTHS_LOOKED_BACK + (COMPARED_BILLS if why_high else 0)
    else:
        count = COMPARED_BILLS if why_high else 2
    try:
        bills = turn.billing.recent_bills_for_phone(turn.phone or "", account, count)
    except BillingUnavailable:
        busy(turn)
        return
    turn.finish()
    latest = bills[0].on(turn.today) if bills else None
    if isinstance(month, dict) and month.get("hijri") and bills:
        # "فاتورة رمضان": bills run by Gregorian month, so which one holds it is said first (no
        # verb: the month may be running still)
        named = NamedMonth.load(month["hijri"])
        turn.say(
            turn.tr._(
                "{hijri}: from {first} to {last}; most of it is in the bill for {month}.",
                hijri=month_text(turn.tr, named),
                first=turn.tr.day(named.first),
                last=turn.tr.day(named.last, with_year=True),
                month=turn.tr.month(date(month["year"], month["month"], 1)),
            )
        )
    if month and bills:
        asked = [i for i, b in enumerate(bills) if _of_month(b, month)]
        if asked and asked[0] > 0 and latest is not None and not why_high:
            # An earlier month's bill: that month's amount and whether it is paid, then what is
            # owed on the account now (never "you owe nothing" for a paid old bill).
            past = bills[asked[0]].on(turn.today)
            period = past.period_start
            turn.begin(
                "bill", shown=account, shown_month={"month": period.month, "year": period.year}
            )
            before = bills[1].on(turn.today) if len(bills) > 1 else None
            turn.say(past_bill_text(turn, past, latest, before))
            return
        if asked:  # the month asked for, newest such, with the bill before it
            bills = bills[asked[0] :]
        elif _not_issued_yet(turn, month, bills[0]):
            pass  # "فاتورة نوفمبر" on 2 December: out on the 28th; the latest one follows
        else:  # never another month's bill shown as if it were the one asked for
            turn.say(
                turn.tr._(
                    "I do not have the bill for {month}. The latest I have is for {latest}:",
                    month=format_date(
                        date(month["year"] or 2000, month["month"], 1),
                        "MMMM y" if month["year"] else "MMMM",
                        locale=turn.tr.locale,
                    ),
                    latest=turn.tr.month(bills[0].period_start),
                )
            )
    if not bills:
        turn.say(
            turn.tr._("There is no bill yet for the account {account}.", account=mask(account))
        )
        return
    # "ليش فاتورة يوليو عالية": July's bill beside the ones before it, not the latest
    bills = [b.on(turn.today) for b in bills[: COMPARED_BILLS if why_high else None]]
    # The card stays "open" so that «تفاصيل» can show the whole bill.
    # «تفاصيل» gives the bill of this card, an older month's too.
    period = bills[0].period_start
    turn.begin("bill", shown=account, shown_month={"month": period.month, "year": period.year})
    if why_high:
        turn.say(comparison_text(turn, bills), object_choices(turn))
        return
    unpaid = bills[0].status != "paid"
    if paid and unpaid:  # "is it paid?" answered plainly first, then what is owed
        turn.say(turn.tr._("No, this bill is not paid yet."))
    turn.say(bill_text(turn, bills[0], bills[1] if len(bills) > 1 else None))
    if paid == "claimed" and unpaid:
        turn.say(_payment_takes_time_line(turn))


def _payment_takes_time_line(turn: Turn) -> str:
    """Said when a subscriber says they paid a bill that still shows unpaid: no delay figure
    is given (domain.md names none)."""
    return turn.tr._(
        "If you paid it recently, a payment can take some time to show here. If it still shows "
        "unpaid later, keep your receipt: customer service can check it for you on {number}.",
        number=turn.settings.agent_phone,
    )


def _arrears_lines(turn: Turn, bill: Bill, before: Bill | None) -> list[str]:
    """A bill overdue only through an earlier bill's arrears (`Bill.arrears_only`): what is
    overdue and since when (the earlier bill's due date, when `before` is known), then this
    bill's own amount and the date still ahead. Never the new due date as a date passed."""
    tr = turn.tr
    _ = tr._
    if before is not None and before.status != "paid":
        late = _(
            "{amount} is overdue: it was due on {date}.",
            amount=tr.money(bill.previous_balance_sar),
            date=tr.date(before.due_date),
        )
    else:
        late = _(
            "{amount} is overdue from an earlier bill.",
            amount=tr.money(bill.previous_balance_sar),
        )
    new = _(
        "The new bill is {amount}, due by {date}.",
        amount=tr.money(bill.amount_sar),
        date=tr.date(bill.due_date, hijri=False),
    )
    return [late, new]


def bill_text(turn: Turn, bill: Bill, before: Bill | None = None) -> str:
    """The card: what is owed and by when first (an SMS may be cut after the first lines), the
    Hijri date once, and «تفاصيل» for the rest. `before` is the previous bill, whose due date
    is the one an unpaid previous balance missed."""
    tr = turn.tr
    _ = tr._
    about = _(
        "Bill of account {account} for {month}: {kwh} kWh.",
        account=mask(bill.account),
        month=tr.month(bill.period_start),
        kwh=tr.number(bill.kwh),
    )
    more = _('For the whole bill send "details".')
    if bill.status == "paid":
        return "\n".join(
            [
                _(
                    "You owe nothing: the bill of account {account} is paid. Thank you!",
                    account=mask(bill.account),
                ),
                _(
                    "It was {amount} for {month}, {kwh} kWh.",
                    amount=tr.money(bill.amount_sar),
                    month=tr.month(bill.period_start),
                    kwh=tr.number(bill.kwh),
                ),
                more,
            ]
        )
    if bill.arrears_only(turn.today):
        return "\n".join(
            [
                *_arrears_lines(turn, bill, before),
                _(
                    "In all {amount}, account {account}.",
                    amount=tr.money(bill.total_due_sar),
                    account=mask(bill.account),
                ),
                more,
            ]
        )
    if bill.status == "overdue":
        first = _(
            "You owe {amount}: it was due on {date}. Please pay it now.",
            amount=tr.money(bill.total_due_sar),
            date=tr.date(bill.due_date),
        )
    else:
        first = _(
            "You owe {amount}, due by {date}.",
            amount=tr.money(bill.total_due_sar),
            date=tr.date(bill.due_date),
        )
    return "\n".join([first, about, more])


def past_bill_text(turn: Turn, past: Bill, latest: Bill, before: Bill | None = None) -> str:
    """An earlier month's bill asked by name ("فاتورة سبتمبر"): its amount and kWh, paid or not,
    then what is owed on the account now, from its latest bill (`before`: the bill before the
    latest, whose due date its arrears missed)."""
    tr = turn.tr
    _ = tr._
    values = {
        "account": mask(past.account),
        "month": tr.month(past.period_start),
        "amount": tr.money(past.amount_sar),
        "kwh": tr.number(past.kwh),
    }
    if past.status == "paid":
        first = _(
            "The bill of account {account} for {month} was {amount} for {kwh} kWh; it is paid.",
            **values,
        )
    else:
        first = _(
            "The bill of account {account} for {month} was {amount} for {kwh} kWh; it is not paid yet.",
            **values,
        )
    if latest.status == "paid" or latest.total_due_sar <= 0:
        now = _("Nothing is owed on this account now.")
    elif latest.arrears_only(turn.today):
        now = "\n".join(
            [
                *_arrears_lines(turn, latest, before),
                _(
                    "In all {amount}, account {account}.",
                    amount=tr.money(latest.total_due_sar),
                    account=mask(latest.account),
                ),
            ]
        )
    elif latest.status == "overdue":
        now = _(
            "Owed on this account now: {amount}, overdue since {date}. Please pay it now.",
            amount=tr.money(latest.total_due_sar),
            date=tr.date(latest.due_date),
        )
    else:
        now = _(
            "Owed on this account now: {amount} (the bill for {month}), the last day to pay is "
            "{date}.",
            amount=tr.money(latest.total_due_sar),
            month=tr.month(latest.period_start),
            date=tr.date(latest.due_date),
        )
    return "\n".join([first, now, _('For the whole bill send "details".')])


def bill_details(turn: Turn, bill: Bill) -> str:
    """The whole bill, on «تفاصيل». A paid bill shows no amount due."""
    tr = turn.tr
    _ = tr._
    status = {"paid": _("paid"), "unpaid": _("unpaid"), "overdue": _("overdue")}.get(
        bill.status, bill.status
    )
    if bill.status == "overdue" and bill.due_date >= turn.today:
        # Overdue only through an earlier bill's arrears: "overdue" beside a due date still
        # ahead reads as a contradiction.
        status = _("arrears from an earlier bill")
    lines = [
        _("Bill of account {account}", account=mask(bill.account)),
        _("Status: {status}", status=status),
        _(
            "Period: {start} to {end}",
            start=tr.date(bill.period_start, hijri=False),
            end=tr.date(bill.period_end, hijri=False),
        ),
        _("Consumption: {kwh} kWh", kwh=tr.number(bill.kwh)),
        _("Amount for the period: {amount}", amount=tr.money(bill.amount_sar)),
    ]
    if bill.previous_balance_sar > 0:
        lines.append(_("Previous balance: {amount}", amount=tr.money(bill.previous_balance_sar)))
    if bill.status != "paid":
        lines.append(_("Total due: {amount}", amount=tr.money(bill.total_due_sar)))
    lines += [
        _("Due date: {date}", date=tr.date(bill.due_date)),
        _("Issued on: {date}", date=tr.date(bill.issue_date, hijri=False)),
    ]
    return "\n".join(lines)


def comparison_text(turn: Turn, bills: list[Bill]) -> str:
    """ "Why is my bill high?": this bill beside the one before it (consumption and amount), the
    causes the bills show (more kWh used, the higher tariff tier, an unpaid balance carried),
    how to object, then the months before. Every figure is the billing system's; with only this
    bill known, the usual causes are named and none is claimed."""
    tr = turn.tr
    _ = tr._
    bill = bills[0]
    earlier = bills[1:]
    previous = earlier[0] if earlier else None
    lines = [
        _(
            "Bill of account {account} for {month}: {amount} for {kwh} kWh.",
            account=mask(bill.account),
            month=tr.month(bill.period_start),
            amount=tr.money(bill.amount_sar),
            kwh=tr.number(bill.kwh),
        )
    ]
    causes = []
    if previous is None:
        lines.append(
            _(
                "I do not have your earlier bills to compare with. The amount follows "
                "the kWh you used in the month."
            )
        )
    elif previous.kwh:
        percent = round(abs(bill.kwh - previous.kwh) * 100 / previous.kwh)
        if not percent:  # a change that rounds to 0% is none to speak of, never "0% more"
            lines.append(
                _(
                    "You used about as much electricity as in {month}.",
                    month=tr.month(previous.period_start),
                )
            )
        elif bill.kwh > previous.kwh:
            causes.append(
                _(
                    "You used {percent}% more electricity than in {month} ({kwh} kWh more), and "
                    "the bill follows consumption: in the hot months air conditioning is most "
                    "of it.",
                    percent=tr.number(percent),
                    month=tr.month(previous.period_start),
                    kwh=tr.number(bill.kwh - previous.kwh),
                )
            )
        else:
            lines.append(
                _(
                    "You used {percent}% less electricity than in {month}.",
                    percent=tr.number(percent),
                    month=tr.month(previous.period_start),
                )
            )
    limit = tier_limit_kwh()
    if limit is not None and bill.kwh > limit:
        causes.append(
            _(
                "You used more than {limit} kWh this month: on the tiered tariffs (homes, "
                "shops, farms, charities), each kWh above that costs more (the second tier).",
                limit=tr.number(limit),
            )
        )
    if bill.previous_balance_sar > 0:
        causes.append(
            _(
                "The amount due also carries {amount} unpaid from an earlier bill.",
                amount=tr.money(bill.previous_balance_sar),
            )
        )
    lines += causes
    if previous is not None and not causes and bill.amount_sar < previous.amount_sar:
        lines.append(
            _(
                "So this bill is {amount} less than the one for {month}, not more.",
                amount=tr.money(previous.amount_sar - bill.amount_sar),
                month=tr.month(previous.period_start),
            )
        )
    elif not causes:
        lines.append(
            _(
                "A bill usually goes up with more consumption (air conditioning in the hot "
                "months), the higher tariff tier above {limit} kWh a month, or an unpaid balance "
                "carried from an earlier bill.",
                limit=tr.number(limit),
            )
            if limit is not None
            else _(
                "A bill usually goes up with more consumption (air conditioning in the hot "
                "months) or an unpaid balance carried from an earlier bill."
            )
        )
    lines.append(objection_line(turn))
    if earlier:
        lines.append(_("The months before:"))
        lines += [
            _(
                "{month}: {amount} for {kwh} kWh",
                month=tr.month(b.period_start),
                amount=tr.money(b.amount_sar),
                kwh=tr.number(b.kwh),
            )
            for b in earlier
        ]
    lines.append(_('For the whole bill send "details".'))
    return "\n".join(lines)


def objection_line(turn: Turn) -> str:
    """How to object to a bill: customer service (the agent hand-over), and the reply's deadline
    under the guaranteed standard of the rule set in force."""
    return turn.tr._(
        "If you think the reading or the amount is wrong, you can object to the bill with "
        'customer service: call {number} or send "agent" to talk to a person. They must reply '
        "to you in detail within {deadline}.",
        number=turn.settings.agent_phone,
        deadline=deadline_text(rule_for("billing_complaint", turn.now), turn.lang),
    )


def object_choices(turn: Turn) -> list[Choice]:
    """The main menu's "talk to a person", offered in the objection's words."""
    from handlers.menu import agent_offered

    return agent_offered(turn)
