"""STOP / START / HELP, and linking a Telegram user's phone.

Opt-out as subscribers mean it:
- "stop bill alerts" (a STOP that names the bill alerts, phrase lists bill_alerts and
  bill_messages, Arabizi and English too) ends the bill alerts, nothing else; one that names an
  account of the sender with its alerts ("الغي التنبيه عن حساب الملز", phrase list
  account_alerts) ends that account's bill alerts only; an account or a district said without
  the alerts ("stop sending me messages, my home is in olaya") does not narrow a STOP;
- STOP (and the carrier keywords below, and إيقاف) stops everything the bot starts on that
  number (bill alerts, outage estimates and restoration notices); its reply names the accounts
  whose bill alerts it ended. What the subscriber sends later is still handled: an outage report
  is recorded, and answered on WhatsApp and Telegram; on SMS, short-code rules allow answering
  only START and HELP (the router keeps SMS silent).
Said alone while a question is open, "وقف" (phrase list stop_in_flow) stops that step only,
with a line on how to stop every message: only the exact STOP keywords do that there.
START resumes what STOP stopped, and only that: the bill alerts STOP ended come back (not those
stopped on their own before it), and the reply says what is on again. HELP always answers, even
to an opted-out number.
When the provider has already answered the keyword itself (Twilio's Advanced Opt-Out sends
OptOutType), the opt-out or opt-in is recorded the same way and nothing more is sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from babel.lists import format_list

from bot.billing import Account, BillingUnavailable
from bot.dialogue.turn import Turn
from bot.i18n import Texts
from bot.phrases import mentions, phrases
from bot.text import normalize
from bot.understanding import Understanding, control_word
from bot.understanding.slots import find_account
from handlers import menu, outage_report, outage_status
from handlers.common import accounts_named_in, mask, phone_accounts
from handlers.outage_status import cancels_report, names_report

# Carrier keywords that mean STOP on an SMS short code, even where "cancel" means "leave this
# step" on other channels.
SMS_STOP_WORDS = frozenset({"stop", "stopall", "end", "cancel", "unsubscribe", "quit"})
# A STOP the model guesses is carried out only when it is this sure; below, the sender is told
# the words that do it. A wrong stop silences every notice, restoration ones too, unseen: «ارسلوا
# لي اشعارات» (0.71) and «rje3 el rasa2el» (0.48) asked for messages back, «والله تعبنا من
# الخدمة» (0.48) is a complaint. Chosen on the dev sets (bench/RESULTS.md, sixteenth session):
# at 0.8, 94 of 98 stops read as stop still carried out, and 1 of 4 wrong ones.
GUESSED_STOP_SURE = 0.8


def is_keyword(turn: Turn, text: str, understood: Understanding | None) -> bool:
    """Handle STOP/START/HELP here; True when the message was one of them."""
    intent = understood.intent if understood else None
    carrier_stop = turn.message.channel == "sms" and normalize(text) in SMS_STOP_WORDS
    if carrier_stop:
        intent = "stop"
    elif control_word(text) is not None:
        return False  # "cancel", "menu": the dialogue's own words, whatever they resemble
    elif intent == "stop" and turn.asking and normalize(text) in phrases("stop_in_flow"):
        # "وقف" answering "where is it?": stop this step. Only STOP or إيقاف stops everything.
        menu.cancelled(turn)
        turn.say(turn.tr._('To stop all our messages to this number, send "STOP".'))
        return True
    elif intent in ("stop", "start") and turn.flow and understood and understood.confidence < 1:
        return False  # "لا أبغى" answering a question is not STOP: only the exact word is
    elif (
        intent == "stop"
        and understood
        and understood.confidence < 1
        and names_report(text)
        and not mentions(text, "about_messages")
    ):
        # "ابي الغي البلاق" (البلاغ misspelt) is about a report: never a guessed STOP. One that
        # speaks of our messages ("الغاء الإبلاغ بالرسائل", "stop sending me reports") is.
        if cancels_report(text) or outage_report.unwanted(text):
            return False  # the report is cancelled, or not made (outage_status, outage_report)
        turn.finish()
        outage_status.start(turn, understood)
        return True
    if (
        intent == "stop"
        and not carrier_stop
        and (named := _bill_alerts_named(turn, text)) is not None
    ):
        stop_bill_alerts(turn, named)  # only the alerts named: the outage notices keep coming
    elif (
        intent == "stop"
        and not carrier_stop
        and understood is not None
        and understood.confidence < GUESSED_STOP_SURE
    ):
        turn.say(
            turn.tr._(
                'To stop all our messages to this number, send "STOP". To receive them again, '
                'send "START".'
            )
        )
    elif intent == "stop":
        stop(turn, understood)
    elif intent == "start":
        resume(turn, understood)
    elif intent == "help" and turn.contact.opted_out_at is not None and silent_when_stopped(turn):
        turn.intent = "help"
        turn.say(
            turn.tr._("Messages to this number are stopped. Send START to receive them again.")
        )
    elif intent == "help" and understood and understood.confidence < 1 and _asks_of_bill(text):
        return False  # "اقدر اقسطها؟" is a question about the bill, not a guessed HELP
    elif intent == "help" and understood is not None and _asks_what_to_do_now(turn, understood):
        return False  # "وش اسوي الحين" after a danger told: what to do (the hazard flow's)
    elif intent == "help" and understood is not None:  # only words say "help"
        menu.help(turn, understood)
    else:
        return False
    return True


def _asks_of_bill(text: str) -> bool:
    from handlers.bill import question_asked

    return question_asked(text) is not None


def _asks_what_to_do_now(turn: Turn, understood: Understanding) -> bool:
    """ "What should I do?" (a guessed HELP) while a safety report is open: about the danger."""
    from bot.hazards.vocabulary import asks_what_to_do

    return (
        understood.confidence < 1
        and turn.flow == "hazard_report"
        and asks_what_to_do(turn.text or "")
    )


def answered_by_provider(turn: Turn) -> bool:
    """STOP/START/HELP the provider answered already: record it, say nothing (a second reply
    to STOP is what the subscriber asked not to get)."""
    keyword = turn.message.provider_answered
    if keyword not in ("stop", "start", "help"):
        return False
    if keyword == "stop":
        stop(turn, None)
    elif keyword == "start":
        turn.intent = "start"
        _turn_on_again(turn)
    else:
        turn.intent = "help"
    turn.replies.clear()
    return True


def stop(turn: Turn, understood: Understanding | None) -> None:
    from bot.notices import unsubscribe

    turn.intent = "stop"
    turn.finish()
    # A second STOP keeps the first one's moment: every bill alert a STOP ends is stamped with
    # it, and START brings back exactly those (resubscribe_stopped).
    since = turn.contact.opted_out_at or turn.now
    turn.contact.opted_out_at = since
    ended = unsubscribe(
        turn.session,
        channel=turn.message.channel,
        address=turn.message.sender,
        phone=turn.phone,
        at=since,
    )
    accounts = _distinct(sub.account for sub in ended)
    # One language, the one the reply language rule chose for the message (router
    # `_choose_language`: a first "STOP" is English, «إيقاف» Arabic), as every answer is. "STOP"
    # as a number's first word by SMS gets the short form, so that it is not cut with a
    # «تفاصيل» nobody can ask for once stopped.
    short = _keyword_first(turn) and silent_when_stopped(turn)
    turn.say(_stopped(turn, turn.tr, short, accounts))


def _keyword_first(turn: Turn) -> bool:
    """A Latin keyword alone ("STOP") from a number never seen before."""
    words = turn.text.split()
    return turn.contact.last_inbound_at is None and len(words) == 1 and turn.text.isascii()


def _stopped(turn: Turn, tr: Texts, short: bool = False, accounts: Sequence[str] = ()) -> str:
    """What STOP stopped, exactly: the updates of the subscriber's reports, and the monthly bill
    alerts of the accounts named (those it ended, which START brings back)."""
    _ = tr._
    if short:
        return _("Stopped: we will send nothing more to this number. Send START to resume.")
    if silent_when_stopped(turn):
        said = _(
            "Stopped: we will send nothing more to this number, updates on your outage and "
            "hazard reports included. An outage report you send is still recorded, but by SMS "
            "we can only answer START and HELP. Send START at any time to resume."
        )
    else:
        said = _(
            "Stopped: we will not message you on our own any more on this number, updates on "
            "your outage and hazard reports included. When you write to us we still answer, "
            "and we record your outage reports. Send START at any time to resume."
        )
    if not accounts:
        return said
    also = tr.ngettext(
        "The monthly bill alerts of account {accounts} are stopped too; START turns them on again.",
        "The monthly bill alerts of accounts {accounts} are stopped too; START turns them on "
        "again.",
        len(accounts),
        accounts=_masked(accounts, tr),
    )
    return f"{said}\n{also}"


def _bill_alerts_named(turn: Turn, text: str) -> list[Account] | None:
    """What a STOP says of the bill alerts: None when it does not speak of them (everything
    stops), [] for all of them ("وقفوا رسايل الفاتورة", "wa2ef tanbihat el fatora"), or the
    linked accounts it names ("الغي التنبيه عن حساب الملز", "…4321"): only theirs stop, since
    the bill alerts are the only messages we send about an account. An account or district
    narrows a STOP only when the alerts are named too: "please stop sending me messages, my
    home is in olaya" stops everything."""
    bill = mentions(text, "bill_alerts") or mentions(text, "bill_messages")
    if not bill and not mentions(text, "account_alerts"):
        return None
    named = _linked_accounts_named(turn, text)
    if named:
        return named
    return [] if bill else None


def _linked_accounts_named(turn: Turn, text: str) -> list[Account]:
    """The sender's own accounts a message names, by number, last four digits or district."""
    if turn.phone is None or len(text.split()) < 2:
        return []  # a keyword alone names nothing
    try:
        linked = phone_accounts(turn, turn.phone)
    except BillingUnavailable:
        return []
    typed = find_account(text)
    return [a for a in linked if a.account == typed] or accounts_named_in(text, linked)


def stop_bill_alerts(turn: Turn, named: Sequence[Account] = ()) -> None:
    """ "Stop bill alerts": the monthly bill alerts end (only the named accounts' when the
    message names some); updates on reports, and the other accounts' alerts, stay as they were.
    The reply says which accounts' alerts stopped, and which stay on."""
    from bot.notices import subscriptions_for, unsubscribe

    turn.intent = "stop_bill_alerts"
    turn.finish()
    ended = unsubscribe(
        turn.session,
        channel=turn.message.channel,
        address=turn.message.sender,
        phone=turn.phone,
        at=turn.now,
        accounts=[a.account for a in named] if named else None,
    )
    stopped = _distinct(sub.account for sub in ended)
    still = _distinct(sub.account for sub in subscriptions_for(turn.session, turn.phone or ""))
    tr = turn.tr
    lines = []
    if stopped:
        lines.append(
            tr.ngettext(
                'Done: the monthly bill alerts of account {accounts} are off; send "bill alerts" '
                "to turn them on again.",
                'Done: the monthly bill alerts of accounts {accounts} are off; send "bill alerts" '
                "to turn them on again.",
                len(stopped),
                accounts=_masked(stopped, turn.tr),
            )
        )
        lines.append(tr._("Updates on your outage and hazard reports go on as before."))
    elif named:
        asked = [a.account for a in named]
        lines.append(
            tr.ngettext(
                "Account {accounts} had no bill alerts on, so nothing was stopped.",
                "Accounts {accounts} had no bill alerts on, so nothing was stopped.",
                len(asked),
                accounts=_masked(asked, turn.tr),
            )
        )
    else:
        lines.append(tr._("You had no bill notices to stop."))
    if still:
        lines.append(
            tr.ngettext(
                "The bill alerts of account {accounts} stay on.",
                "The bill alerts of accounts {accounts} stay on.",
                len(still),
                accounts=_masked(still, turn.tr),
            )
        )
    turn.say("\n".join(lines))


def _distinct(accounts: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(accounts))


def _masked(accounts: Sequence[str], tr: Texts) -> str:
    """••••5678 and ••••4321, as the language joins a list."""
    return format_list([mask(a) for a in accounts], locale=tr.locale)


def silent_when_stopped(turn: Turn) -> bool:
    """Short-code rules: a number that sent STOP by SMS hears only START and HELP there."""
    return turn.message.channel == "sms"


def resume(turn: Turn, understood: Understanding | None) -> None:
    """START after STOP turns messages on again. From a number that never stopped them, the exact
    word (START, /start) shows the menu, and a request like "اشتراك الفاتورة" asks for the
    monthly bill alerts."""
    from bot.notices import subscriptions_for
    from handlers import bill_alerts, menu

    if turn.contact.opted_out_at is None and understood is not None and understood.confidence < 1:
        turn.intent = "bill_alerts"
        bill_alerts.start(turn, understood)
        return
    turn.intent = "start"
    if turn.contact.opted_out_at is None:
        menu.show(turn)
        return
    restored = _turn_on_again(turn)
    tr = turn.tr
    lines = [
        tr._(
            "Welcome back! Messages to this number are on again: updates on your outage and "
            "hazard reports."
        )
    ]
    if restored:
        lines.append(
            tr.ngettext(
                "The monthly bill alerts of account {accounts} are on again too.",
                "The monthly bill alerts of accounts {accounts} are on again too.",
                len(restored),
                accounts=_masked(restored, turn.tr),
            )
        )
    elif not turn.phone or not subscriptions_for(turn.session, turn.phone):
        lines.append(tr._('Monthly bill alerts are not on; send "bill alerts" to get them.'))
    menu.show(turn, "\n".join(lines))


def _turn_on_again(turn: Turn) -> list[str]:
    """START after STOP: the contact hears from us again, and the bill alerts that STOP ended
    come back (not those stopped on their own before it). Returns their accounts."""
    from bot.notices import resubscribe_stopped

    stopped_at = turn.contact.opted_out_at
    turn.contact.opted_out_at = None
    if stopped_at is None:
        return []
    restored = resubscribe_stopped(
        turn.session,
        channel=turn.message.channel,
        address=turn.message.sender,
        phone=turn.phone,
        stopped_at=stopped_at,
    )
    return _distinct(sub.account for sub in restored)


def link_phone(turn: Turn, phone: str) -> None:
    turn.intent = "contact"
    turn.contact.phone = phone
    turn.say(
        turn.tr._("Thank you, your number is linked. I can now show the bills of your accounts.")
    )
