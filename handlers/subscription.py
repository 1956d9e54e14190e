"""STOP / START / HELP, and linking a Telegram user's phone.

Opt-out as subscribers mean it:
- "stop bill alerts" (a STOP that names the bill alerts) ends the bill alerts, nothing else;
- STOP (and the carrier keywords below, and إيقاف) stops everything the bot starts on that
  number (bill alerts, outage estimates and restoration notices). What the subscriber sends
  later is still handled: an outage report is recorded, and answered on WhatsApp and Telegram;
  on SMS, short-code rules allow answering only START and HELP (the router keeps SMS silent).
Said alone while a question is open, "وقف" (phrase list stop_in_flow) stops that step only,
with a line on how to stop every message: only the exact STOP keywords do that there.
START resumes; HELP always answers, even to an opted-out number.
When the provider has already answered the keyword itself (Twilio's Advanced Opt-Out sends
OptOutType), the opt-out or opt-in is recorded the same way and nothing more is sent.
"""

from __future__ import annotations

from bot.dialogue.turn import Turn
from bot.i18n import Texts, texts
from bot.phrases import mentions, phrases
from bot.text import normalize
from bot.understanding import Understanding, control_word
from handlers import outage_status
from handlers.outage_status import cancels_report, names_report

# Carrier keywords that mean STOP on an SMS short code, even where "cancel" means "leave this
# step" on other channels.
SMS_STOP_WORDS = frozenset({"stop", "stopall", "end", "cancel", "unsubscribe", "quit"})


def is_keyword(turn: Turn, text: str, understood: Understanding | None) -> bool:
    """Handle STOP/START/HELP here; True when the message was one of them."""
    from handlers import menu

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
        if cancels_report(text):
            return False  # the report is cancelled (handlers/outage_status.py, takes_news)
        turn.finish()
        outage_status.start(turn, understood)
        return True
    if (
        intent == "stop"
        and not carrier_stop
        and (mentions(text, "bill_alerts") or mentions(text, "bill_messages"))
    ):
        stop_bill_alerts(turn)
    elif intent == "stop":
        stop(turn, understood)
    elif intent == "start":
        resume(turn, understood)
    elif intent == "help" and turn.contact.opted_out_at is not None and silent_when_stopped(turn):
        turn.intent = "help"
        turn.say(
            turn.tr._("Messages to this number are stopped. Send START to receive them again.")
        )
    elif intent == "help" and understood is not None and _asks_what_to_do_now(turn, understood):
        return False  # "وش اسوي الحين" after a danger told: what to do (the hazard flow's)
    elif intent == "help" and understood is not None:  # only words say "help"
        menu.help(turn, understood)
    else:
        return False
    return True


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
        turn.contact.opted_out_at = None
    else:
        turn.intent = "help"
    turn.replies.clear()
    return True


def stop(turn: Turn, understood: Understanding | None) -> None:
    from bot.notices import unsubscribe_all

    turn.intent = "stop"
    turn.finish()
    turn.contact.opted_out_at = turn.now
    unsubscribe_all(
        turn.session,
        channel=turn.message.channel,
        address=turn.message.sender,
        phone=turn.phone,
        at=turn.now,
    )
    if not _keyword_first(turn):
        turn.say(_stopped(turn, turn.tr))
        return
    # "STOP" is the number's first word: a keyword, written in no language of its own, so the
    # answer is Arabic first (and the conversation stays Arabic), then English.
    # One message (STOP is answered once); by SMS both languages in its short form, so that it
    # is not cut with a «تفاصيل» nobody can ask for once stopped.
    turn.switch_language("ar")
    short = silent_when_stopped(turn)
    turn.say("\n\n".join(_stopped(turn, tr, short) for tr in (turn.tr, texts("en"))))


def _keyword_first(turn: Turn) -> bool:
    """A Latin keyword alone ("STOP") from a number never seen before."""
    words = turn.text.split()
    return turn.contact.last_inbound_at is None and len(words) == 1 and turn.text.isascii()


def _stopped(turn: Turn, tr: Texts, short: bool = False) -> str:
    _ = tr._
    if short:
        return _("Stopped: we will send nothing more to this number. Send START to resume.")
    if silent_when_stopped(turn):
        return _(
            "Stopped: we will send nothing more to this number, bill alerts and outage "
            "updates included. An outage report you send is still recorded, but by SMS "
            "we can only answer START and HELP. Send START at any time to resume."
        )
    return _(
        "Stopped: we will not message you on our own any more on this number, bill "
        "alerts and outage updates included. When you write to us we still answer, "
        "and we record your outage reports. Send START at any time to resume."
    )


def stop_bill_alerts(turn: Turn) -> None:
    """ "Stop bill alerts": the monthly bill alerts end; everything else stays as it was."""
    from bot.notices import unsubscribe_all

    turn.intent = "stop_bill_alerts"
    turn.finish()
    ended = unsubscribe_all(
        turn.session,
        channel=turn.message.channel,
        address=turn.message.sender,
        phone=turn.phone,
        at=turn.now,
    )
    _ = turn.tr._
    if not ended:
        turn.say(_("You had no bill notices to stop."))
        return
    turn.say(
        _(
            "Done: the monthly bill alerts are off. Everything else stays as it was; send "
            '"bill alerts" to turn them on again.'
        )
    )


def silent_when_stopped(turn: Turn) -> bool:
    """Short-code rules: a number that sent STOP by SMS hears only START and HELP there."""
    return turn.message.channel == "sms"


def resume(turn: Turn, understood: Understanding | None) -> None:
    """START after STOP turns messages on again. From a number that never stopped them, the exact
    word (START, /start) shows the menu, and a request like "اشتراك الفاتورة" asks for the
    monthly bill alerts."""
    from handlers import bill_alerts, menu

    if turn.contact.opted_out_at is None and understood is not None and understood.confidence < 1:
        turn.intent = "bill_alerts"
        bill_alerts.start(turn, understood)
        return
    turn.intent = "start"
    was_stopped = turn.contact.opted_out_at is not None
    turn.contact.opted_out_at = None
    _ = turn.tr._
    menu.show(
        turn, _("Welcome back! Messages to this number are on again.") if was_stopped else None
    )


def link_phone(turn: Turn, phone: str) -> None:
    turn.intent = "contact"
    turn.contact.phone = phone
    turn.say(
        turn.tr._("Thank you, your number is linked. I can now show the bills of your accounts.")
    )
