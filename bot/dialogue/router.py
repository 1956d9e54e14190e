"""Who answers a message, in order of precedence. Read top to bottom; this is the whole policy.

1. A shared Telegram contact links the sender's phone.
2. STOP / START / HELP keywords, and the opt-out they govern (an opted-out number is still
   heard: its requests are handled, and on SMS left unanswered, handlers/subscription.py).
3. A photo with no words (a hazard report, or the open flow's), media we cannot read (a voice
   note: we read text only), and empty messages.
4. Control words: language, cancel, menu. A voice note named in words and nothing else asked.
   Then danger now: someone on medical equipment hears "call 933 now" before anything else,
   and the outage report (flagged urgent) takes the message unless it surely asks for more.
   Then a request for a person (whatever was being asked), and small talk alone (greetings,
   thanks, goodbyes, a laugh), answered briefly.
5. An outage report taken back while it is being made ("ما ابي ابلغ": nothing filed, the rest
   of the message read on its own), news of the sender's open outage report ("the power is
   back", "cancel my report"), then the open flow, if the message answers its question.
   An "OK" no question took is small talk too; a "yes" with nothing open is welcomed.
6. A location with no words (asked what it is about), a photo whose caption asks for nothing
   else (a hazard report), a request no guaranteed standard covers (weak voltage, a missed
   appointment: said so, and handed to a person), a main-menu number, bill alerts asked for (by
   SMS a bare account number too), a bare account number (its bill, never alerts unasked), then
   the recognised intent (two requests in one message: the first answered,
   the second answered too or offered; an outage told as over, then off again now: the one
   going on is reported). A greeting that came with the request is returned on the answer's
   first line.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.channels.render import was_cut
from bot.dialogue.messages import Reply, reply_from_json
from bot.dialogue.turn import Turn
from bot.hazards.vocabulary import is_danger, is_electrocuted, only_a_place
from bot.outages.places import FILLER, find_place, shown_place, spellings
from bot.phrases import mentions_words
from bot.text import clean_raw, normalize
from bot.text.normalize import UNREADABLE
from bot.understanding import MAX_CHARS as UNDERSTOOD_CHARS
from bot.understanding import (
    Understanding,
    bot_command,
    choice_number,
    control_word,
    detect_lang,
    knows_latin_words,
    looks_like_code,
    understand,
)
from handlers import (
    FLOWS,
    INTENTS,
    PHOTO_FLOWS,
    YES_FLOWS,
    YES_STAGES,
    agent,
    bill,
    bill_alerts,
    common,
    compensation,
    disconnection_rules,
    hazard_report,
    medical_need,
    menu,
    meter_test,
    outage_report,
    outage_status,
    outside_standards,
    second_request,
    shared_location,
    small_talk,
    subscription,
    voice_note,
)

_ARABIC_LETTER = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")

# Someone hurt named in the words: a safety report this sure, whatever the model read.
SURE_HURT = 0.95


# Only this much of a message is read; the rest of a 100 KB paste is ignored, not choked on.
MAX_MESSAGE_CHARS = 2000
# ...except danger: this much more is scanned for it ("... فيه سلك مكشوف عند باب البيت" at the
# end of a long complaint), and the sentences that tell of it are what is read. WhatsApp and
# Telegram carry at most 4,096 characters a message; past that is a paste, not a subscriber's
# words, and scanning it would let one message cost a tenth of a second (20,000 characters).
DANGER_SCAN_CHARS = 5_000
_LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?؟\n،,;؛]+")
_SENTENCE_WORDS = 40  # a long run with no punctuation is read this many words at a time
_SENTENCE_STEP = 30  # ...each run overlapping the last, so no danger is cut in two
_DANGER_SENTENCES = 3  # at most this many sentences that tell of danger are read


def _sentences(text: str) -> list[tuple[int, int, int]]:
    """The message's sentences, as (sentence, first word, past its last word): a long run with
    no punctuation as overlapping runs of _SENTENCE_WORDS words."""
    found = []
    for index, sentence in enumerate(_SENTENCE_END.split(text)):
        size = len(sentence.split())
        starts = range(0, max(size - _SENTENCE_WORDS, 0) + _SENTENCE_STEP, _SENTENCE_STEP)
        found += [(index, i, min(i + _SENTENCE_WORDS, size)) for i in starts if i < size]
    return found


def _danger_told(text: str) -> list[str]:
    """The sentences of the message that tell of danger now and read, alone, as a safety report
    (at most _DANGER_SENTENCES); overlapping runs of one sentence joined."""
    split = [sentence.split() for sentence in _SENTENCE_END.split(text)]
    picked: list[tuple[int, int, int]] = []
    for index, start, end in _sentences(text):
        words = " ".join(split[index][start:end])
        if not is_danger(words) or understand(words).intent != "hazard_report":
            continue
        if picked and picked[-1][0] == index and picked[-1][2] >= start:
            picked[-1] = (index, picked[-1][1], end)  # the same danger, overlapping runs
        elif len(picked) < _DANGER_SENTENCES:
            picked.append((index, start, end))
        else:
            break
    return [" ".join(split[index][start:end]) for index, start, end in picked]


def _request_part(head: str) -> str:
    """A message longer than the intent reads (its first MAX_CHARS), whose start asks for nothing
    and whose end does ("… والموظفين ما يردون … الكهرباء طافية من الظهر في حي السلي بالرياض":
    a complaint, then the request): its end is what is read, the last MAX_CHARS from a word's
    start. Otherwise the whole (its start read), told to the sender when nothing is understood
    (`_said_part_read`)."""
    if len(head) <= UNDERSTOOD_CHARS or understand(head).intent != "unknown":
        return head
    tail = head[-UNDERSTOOD_CHARS:]
    if not head[-UNDERSTOOD_CHARS - 1].isspace():
        tail = tail.partition(" ")[2]  # the word cut in two is not read
    tail = tail.strip()
    if not tail or understand(tail).intent == "unknown":
        return head
    return tail


def _said_part_read(turn: Turn, read: str) -> None:
    """A long message nothing was understood in: only its start was read, so the sender is
    told, first, and asked to send the request on its own."""
    if len(read) <= UNDERSTOOD_CHARS or turn.intent != "unknown":
        return
    said = turn.tr._(
        "Your message is long, and I read only its first part. If it asks for something, "
        "please send that part again on its own."
    )
    turn.replies.insert(0, Reply(text=said, lang=turn.lang))


def _read_part(raw: str) -> str:
    """The part of a message that is read: its first MAX_MESSAGE_CHARS; but when a long message
    tells of danger now (up to DANGER_SCAN_CHARS) and is not read as a safety report whole (a
    long story of the power's troubles leans to an outage, and the intent reads only its first
    1,000 characters), the sentences that tell of the danger are what is read, so 933 is said
    first: danger buried in a paste is still a safety report."""
    head = raw[:MAX_MESSAGE_CHARS].strip()
    scanned = raw[:DANGER_SCAN_CHARS]
    if len(scanned.split()) <= _SENTENCE_WORDS:
        return head  # one sentence's worth: read whole
    if not is_danger(scanned) or understand(head).intent == "hazard_report":
        return _request_part(head)
    danger = _danger_told(scanned)
    if not danger:
        return _request_part(head)
    return "\n".join(danger)[:MAX_MESSAGE_CHARS].strip()


def _outage_beside_danger(turn: Turn, head: str, read: str) -> None:
    """A long message whose danger sentences alone were read (`_read_part`) may tell of an
    outage too ("الكهرباء طافية عندنا في حي الملز من الساعة ثمانية ... وفيه سلك مكشوف عند
    العداد"): once the safety report is taken, that outage is offered after it, as in a short
    message (handlers/second_request.py), reported from the whole message's words (its place
    and its start), never dropped. A story of the power's troubles with no outage told now
    offers none."""
    if read == head or turn.intent != hazard_report.FLOW or turn.flow != hazard_report.FLOW:
        return
    two = second_request.plan(head, understand(head, now=turn.now), turn.now)
    if two is None or two.first != "hazard_report" or two.second != "outage_report":
        return
    hazard_report.outage_after(turn, told=head)


def _hurt_first(text: str, understood: Understanding | None) -> Understanding | None:
    """Someone hurt by electricity ("صعقت الكهربا جارنا", "انكهرب واحد") is a safety report
    whatever the model reads (an outage, a complaint): 997 first, then 933, then the report.
    An exact keyword (confidence 1) keeps its meaning."""
    if understood is None or understood.confidence >= 1 or understood.intent == "hazard_report":
        return understood
    if not is_electrocuted(text):
        return understood
    return replace(understood, intent="hazard_report", confidence=SURE_HURT)


def _danger_first(text: str, understood: Understanding | None) -> Understanding | None:
    """Danger named ("الفيش يطلع شرار وريحة احتراق") in a message the model is not sure of, with
    a safety report its leading guess: a safety report, so the warnings come at once, not a
    "did you mean?" question first."""
    if understood is None or understood.intent != "unknown" or understood.confidence >= 1:
        return understood
    leading = understood.alternatives[:1]
    if not leading or leading[0][0] != "hazard_report" or not is_danger(text):
        return understood
    return replace(understood, intent="hazard_report", confidence=SURE_HURT)


def route(turn: Turn) -> None:
    message = turn.message
    raw = clean_raw(message.text or "")
    read = _read_part(raw)
    text = _label_to_key(turn, read)
    turn.text = text
    _choose_language(turn, text)
    understood = understand(text, now=turn.now) if text else None
    understood = _danger_first(text, _hurt_first(text, understood))

    if message.contact_phone:
        subscription.link_phone(turn, message.contact_phone)
        resume = getattr(FLOWS.get(turn.flow or ""), "resume", None)
        if resume is not None and not text:
            resume(turn)
        return

    courtesy = small_talk.read(text) if text else None
    # "ايه صح" is agreement, not a guessed HELP: only an exact keyword outranks small talk.
    guessed = courtesy is not None and courtesy.only_small_talk
    guessed = guessed and (understood is None or understood.confidence < 1)
    # "رسالة صوتية" read as a guessed START ("رسالة"): a voice note named, answered below.
    guessed = guessed or (
        understood is not None and understood.confidence < 1 and voice_note.named(turn, understood)
    )
    if subscription.answered_by_provider(turn) or (
        not guessed and subscription.is_keyword(turn, text, understood)
    ):
        return
    _handle(turn, text, understood, courtesy)
    _said_part_read(turn, text)
    if read == text:
        _outage_beside_danger(turn, raw[:MAX_MESSAGE_CHARS].strip(), read)
    small_talk.return_greeting(turn, courtesy)
    if turn.contact.opted_out_at is not None and subscription.silent_when_stopped(turn):
        turn.replies.clear()  # recorded (an outage report above all), but not answered by SMS


def _handle(
    turn: Turn, text: str, understood: Understanding | None, courtesy: small_talk.Courtesy | None
) -> None:
    message = turn.message
    if (message.media or message.audio) and not text and outage_report.takes_media(turn):
        return  # a photo or voice note for the outage report being made, or just made
    if message.media and not text:
        if turn.flow in PHOTO_FLOWS and FLOWS[turn.flow].step(turn, _nothing(text)):
            return
        turn.finish()
        hazard_report.start(turn, _nothing(text))
        return
    if message.audio and not text:
        voice_note.answer(turn)  # a voice note: we read text only
        return
    if message.has_media and not text:
        turn.intent = "media"
        turn.say(turn.tr._("I can only read text messages for now. Please type your request."))
        return
    if not text and message.location is None:
        menu.empty(turn)
        return
    if text and not text.replace(UNREADABLE, "").strip():
        menu.unreadable(turn)
        return

    word = control_word(text) if text else None
    if word in ("lang_ar", "lang_en"):
        turn.switch_language("ar" if word == "lang_ar" else "en")
        menu.show(turn)
        return
    if word == "cancel":
        menu.cancelled(turn)
        return
    if word == "menu":
        turn.finish()
        menu.show(turn)
        return
    if word == "detail":
        _repeat_last_answer(turn)
        return
    if voice_note.sent(turn, understood):  # "رسالة صوتية", "voice note": we read text only
        voice_note.answer(turn)
        return

    if turn.flow is None and medical_need.asks_to_register(text):  # "تبي اسجلها" (dialysis)
        medical_need.answer_registration(turn)
        return
    if (
        understood is not None
        and medical_need.mentioned(text)
        and _medical_outage(turn, understood)
    ):
        return

    if (
        understood is not None
        and understood.intent == "agent"
        and understood.confidence >= agent.SURE
    ):
        turn.finish()  # asking for a person answers no flow's question
        agent.start(turn, understood)
        return

    reads_yes = turn.flow in YES_FLOWS or (
        turn.flow in YES_STAGES and turn.state.get("stage") in YES_STAGES[turn.flow]
    )
    if small_talk.takes_before_flow(courtesy, reads_yes=reads_yes):
        again = getattr(FLOWS.get(turn.flow or ""), "question_again", None)
        small_talk.answer(turn, courtesy, again(turn) if again is not None else None)
        return

    rest = outage_report.withdrawn(turn)  # "ما ابي ابلغ" while it is made: no report, then the rest
    if rest is not None:
        if rest:
            turn.text = rest
            _start_something(turn, rest, understand(rest, now=turn.now))
        return
    if outage_status.takes_back_undone(turn, understood):  # "رجعت وطفت", "غلطان ما رجعت"
        return
    if outage_status.takes_news(turn, understood):  # "رجعت الكهرباء", "الغي البلاغ"
        return
    if outage_status.takes_why(turn, understood):  # "ليش انقطعت؟"
        return
    if outage_report.takes_start_correction(turn, understood):  # "ترا طافية من الفجر"
        return
    if outage_status.takes_end_correction(turn, understood):  # "لا رجعت الساعة ٦ مو ٤"
        return
    if outage_report.takes_place_correction(turn, understood):  # "لا مو هذا، اللي في الملز"
        return

    asked = _outage_asked(turn)  # "Is the power out now?" answered with a place next
    open_before = turn.flow is not None
    if turn.flow in FLOWS and FLOWS[turn.flow].step(turn, understood or _nothing(text)):
        return
    if word == "yes" and not open_before:  # "نعم" with no question open: welcomed
        menu.lone_yes(turn)
        return

    if courtesy is not None and courtesy.only_small_talk:  # "تمام" that no question took
        small_talk.answer(turn, courtesy)
        return

    _start_something(turn, text, understood, asked)


def _medical_outage(turn: Turn, understood: Understanding) -> bool:
    """Someone on medical equipment (warned here, first): True when the outage report took the
    message. The open outage flow flags the report it is taking; a sure request for something
    else is answered as usual, with the sender's open outage report flagged."""
    if turn.flow == "outage_report":
        medical_need.warn(turn)
        return False
    if not medical_need.is_outage(understood, text=turn.text):
        # Answered as the other request: a report is promised only when one is there to flag.
        flagged = medical_need.flag_open_report(turn)
        medical_need.warn(turn, report_follows=flagged is not None)
        return False
    medical_need.warn(turn)
    turn.finish()
    flagged = (
        None if medical_need.names_another_place(turn) else medical_need.flag_open_report(turn)
    )
    if flagged is not None:
        turn.intent = "outage_report"
        turn.say(medical_need.flagged_line(turn, flagged))
        return True
    outage_report.start(turn, understood)
    return True


def _outage_asked(turn: Turn) -> str | None:
    """The words of an outage the sender was asked about ("wala pong kuryente … since 9am" →
    "Is the power out now?"), still waiting for their yes; None when none is."""
    if turn.flow == "menu" and turn.state.get("meant") == "outage_report":
        return turn.state.get("said") or None
    return None


def _start_something(
    turn: Turn, text: str, understood: Understanding | None, asked: str | None = None
) -> None:
    if understood is None:  # a shared location with no words: an outage or a hazard?
        turn.finish()
        shared_location.start(turn, _nothing(text))
        return
    if _only_a_place(turn, text, understood, asked):  # "في حي الروضة جدة": what is needed there?
        return
    if understood.intent == "unknown":
        understood = _read_without_place(text, understood, turn)  # "فاتورة الملز"
    if outage_status.takes_power_back(turn, understood):  # "رجعت الكهرباء الساعة 3" from a reporter
        return
    if outage_status.asks_what_restoration_earned(turn, understood):  # "طيب كم لي"
        understood = replace(understood, intent="compensation", confidence=1.0)
    if compensation.explains_open_report(turn, understood):  # "ليش هيك كتير؟" after its amount
        return
    if hazard_report.claims_photo(turn, understood):
        turn.finish()
        hazard_report.start(turn, understood)
        return
    if outside_standards.takes(turn, text, understood):
        return  # "الجهد عندي ضعيف", "موعد الفني ما جا": no standard's case, a person follows it
    picked = choice_number(text)
    if picked is not None and not _choices_were_open(turn):
        # "6" after an answer with no list: no old menu's number is taken for a request.
        turn.intent = "unknown"
        turn.finish()
        menu.show(turn, turn.tr._("Which of these do you need? Send its number."))
        return
    if picked is not None:
        menu.pick(turn, picked, understood)
        return
    if bill_alerts.wants(turn, text, understood):
        turn.intent = "bill_alerts"
        bill_alerts.start(turn, understood)
        return
    if bill.asks_with_mobile(text, understood):  # "فاتورة رقم 0501234567": a phone number
        turn.finish()
        bill.start(turn, understood)
        return
    if bill.asks_by_name(text, understood, turn.now):  # "فاتورة نوفمبر", "فاتورة الفيلا": a bill
        turn.finish()
        bill.start(turn, understood)
        return
    if bill_alerts.bare_account(text):  # "30012345678": that account's bill, never alerts unasked
        turn.finish()
        bill.start(turn, understood)
        return
    if disconnection_rules.asks_disconnection_rules(text, understood):  # "متى يفصلون عني"
        shown = bill.card_shown(turn)  # "متى يفصلون اذا ما دفعت" right after the bill
        turn.finish()
        disconnection_rules.answer_disconnection_rules(turn, bill_shown=shown)
        return
    if meter_test.asks(text, understood):  # "العداد يعد غلط": a bill objection, not a standard
        turn.finish()
        meter_test.answer(turn)
        return
    if disconnection_rules.asks_how_compensation_paid(text, understood):  # "كيف يصرف التعويض"
        turn.finish()
        disconnection_rules.answer_how_compensation_paid(turn)
        return
    # (The intent asked first: an outage report's words are not read for bill questions.)
    if understood.intent in ("bill", "unknown", "help") and (question := bill.question_asked(text)):
        turn.finish()  # "ابي اعترض", "وش الرسوم هذي": a bill question, answered in a line
        bill.answer_question(turn, question)
        return
    if bill.asks_due_date(text, understood):  # "متى اخر موعد؟" (read as a report's status)
        turn.intent = "bill"
        turn.finish()
        bill.start(turn, understood)
        return
    if understood.intent in ("bill", "unknown") and disconnection_rules.asks_how_to_pay(text):
        turn.intent = "bill"  # "كيف اسدد الفاتورة": the bill, with where the ways to pay are
        turn.finish()
        bill.start(turn, understood)
        return
    if understood.intent == "stop" and understood.confidence < 1 and turn.flow:
        menu.cancelled(turn)  # "ما عاد ابي" at a question leaves it; only the word STOP stops all
        return
    if outage_report.takes_off_again(turn, understood):  # "…ورجعت ١٠ وبعدين طفت مرة ثانية"
        return
    if menu.only_frustration(text, understood):  # "I am so fed up": no request to guess
        understood = replace(understood, intent="unknown")
    two = second_request.plan(text, understood, turn.now)  # "كم فاتورتي وكمان طافية عندي"
    if two is not None:
        understood = second_request.first_understanding(understood, two)
    turn.intent = understood.intent
    turn.finish()
    if two is not None:
        turn.text = two.first_text  # the first request reads its own clauses only
    INTENTS.get(understood.intent, menu.not_understood)(turn, understood)
    if two is not None:
        turn.text = text
        second_request.follow(turn, two, understood)


# What a message that is only a place may have been read as: none of them is said by a place.
_PLACE_ALONE_READ_AS = ("unknown", "outage_status", "outage_report")
# A message naming only one of the sender's premises is read as another request only when the
# model is this sure of it ("the shop account" as the bill); "وحق المحل؟" is a hazard at 0.68.
PREMISE_ALONE_SURE = 0.8


def _only_a_place(
    turn: Turn, text: str, understood: Understanding, asked: str | None = None
) -> bool:
    """A message that is only a place, with no request ("في حي الروضة جدة", "شارع الامير سلطان
    حي الروضة جدة", "ساكن في حي الملز بالرياض"): no outage was said, so none is reported; asked
    whether the power is off there (yes reports it at that place), or the menu. True when asked.
    `asked`: the words of an outage the sender was just asked about; its yes reports them with
    this place (their start is not lost)."""
    if understood.slots:
        return False
    read_as_place = understood.intent in _PLACE_ALONE_READ_AS
    if (
        read_as_place
        # (looked for only then: a sure bill question is no place alone whatever it names)
        and ((named := find_place(text)).district or named.city)
        and only_a_place(text)
        and not mentions_words(text, "power_off")  # "عند بيتنا طافية": an outage told
    ):
        place = shown_place((None, named.district, named.city), turn.lang) or text
    elif (read_as_place or understood.confidence < PREMISE_ALONE_SURE) and (
        premise := _premise_alone(turn, text)
    ):
        # «والمحل؟», «وحق المحل؟» (read as a hazard, unsurely): a premise named and nothing else
        # tells no outage and asks nothing (after a bill card it is the bill flow's follow-up).
        place = premise
    else:
        return False
    turn.finish()
    turn.intent = "unknown"
    menu.ask_meant(
        turn,
        "outage_report",
        turn.tr._(
            "You sent a place ({place}). What do you need there: is the power off there?",
            place=place,
        ),
    )
    if asked:
        turn.remember(said=f"{asked}\n{text}")
    return True


# Words at most of a premise named alone ("what about the shop?").
_PREMISE_ALONE_WORDS = 6


def _premise_alone(turn: Turn, text: str) -> str | None:
    """The address of the sender's one premises a message names and nothing else («والمحل؟»,
    "w el ma7al?"), else None."""
    if len(text.split()) > _PREMISE_ALONE_WORDS:
        return None
    named = common.accounts_named_alone(text, common.sender_accounts(turn))
    return named[0].premise if named else None


# How sure a message read again without its district must be to count.
WITHOUT_PLACE_SURE = 0.8


def _read_without_place(text: str, understood: Understanding, turn: Turn) -> Understanding:
    """A district's or a city's name says nothing of what is asked, yet it can leave the intent
    model unsure ("فاتورة الملز", "فاتورتي في الرياض"): an unsure message naming a place is read
    again without it (and without a preposition joined to it: "بالرياض"), and without the
    words that only lead to a place name ("حي", "في": "شارع الامير سلطان حي" is no outage)."""
    found = find_place(text)
    places = [name for name in (found.district, found.city) if name]
    if not places:
        return understood
    rest = f" {normalize(text)} "
    variants = {variant for name in places for variant in (name, *spellings(name))}
    for name in sorted(variants, key=len, reverse=True):
        for joined in ("", "ب", "و", "ل", "ف"):
            rest = rest.replace(f" {joined}{normalize(name)} ", " ")
    rest = " ".join(word for word in rest.split() if word not in FILLER)
    if not rest or rest == normalize(text):
        return understood
    again = understand(rest, now=turn.now)
    if again.intent == "unknown" or again.confidence < WITHOUT_PLACE_SURE:
        return understood
    return replace(again, slots={**again.slots, **understood.slots})


def _choices_were_open(turn: Turn) -> bool:
    """The last answer offered choices, or there was none yet (a first "1" is the menu's, as
    the menu is what a number is known from): a bare number may pick from the main menu."""
    last = turn.contact.last_replies or []
    return not last or any(reply.get("choices") for reply in last)


def _label_to_key(turn: Turn, text: str) -> str:
    """A choice sent back by its label (a Telegram button, or typed) counts as its number, and
    so does what the label shows of it ("5678", "الملز") when only one choice shows that."""
    if not text or not turn.contact.last_replies:
        return text
    wanted = normalize(text)
    if not wanted:
        return text
    by_alias: set[str] = set()
    for reply in turn.contact.last_replies:
        for key, label, *rest in reply["choices"]:
            if wanted in (
                normalize(label),
                normalize(f"{key}. {label}"),
                normalize(f"{key} {label}"),
            ):
                return key
            if len(rest) > 1 and wanted in {normalize(alias) for alias in rest[1]}:
                by_alias.add(key)
    return by_alias.pop() if len(by_alias) == 1 else text


def _repeat_last_answer(turn: Turn) -> None:
    """ "Details": the open flow's longer answer (a bill card's whole bill), else the open
    question again (or the last answer, when the channel cut it: SMS), else nothing is open:
    the menu, with any flow left open for what may follow finished first (a number sent next
    picks from the menu shown, not the old flow's question)."""
    detail = getattr(FLOWS.get(turn.flow or ""), "detail", None)
    if detail is not None and detail(turn):
        return
    turn.intent = "detail"
    last = [reply_from_json(stored) for stored in turn.contact.last_replies or []]
    if last and (turn.asking or any(was_cut(reply, turn.message.channel) for reply in last)):
        for reply in last:  # the question still waiting, or an SMS cut to its first segments
            turn.say(reply.text, reply.choices)
        return
    turn.finish()
    # Nothing was left out: the same answer again would read as a glitch.
    menu.show(
        turn,
        turn.tr._(
            "There is nothing open to give details of. Send the number of what you need, or "
            "write your request."
        ),
    )


def _choose_language(turn: Turn, text: str) -> None:
    """Answer in the subscriber's language: the last one they wrote a sentence in. Until they
    have written in one, the language their app is set to (Telegram), else Arabic. A bot command
    ("/start") is not written in a language, and once a conversation has its language, one Latin
    word ("ok", "STOP", "OUT-000006") does not change it: asking does ("English"). Nor does a
    voice note, sent or only named ("[voice note]"), nor the app's language then. Nor does
    a line of code or markup ("SELECT * FROM bills;", "<script>") or a link (a map's, shared
    to say where): they are in no language."""
    if looks_like_code(text):
        return
    text = _LINK.sub(" ", text).strip()
    if voice_note.only_named(text):
        text = ""  # "[voice note]" is in no language: read as a voice note sent without words
    if any(ch.isalpha() for ch in text) and bot_command(text) is None:
        lang = detect_lang(text)
        if lang != turn.lang and _has_language(turn) and not _whole_sentence(text):
            return
    elif not _has_language(turn) and turn.message.client_lang:
        lang = turn.message.client_lang
    else:
        return
    if lang != turn.lang:
        turn.switch_language(lang)


def _has_language(turn: Turn) -> bool:
    return turn.contact.lang is not None or turn.contact.last_inbound_at is not None


def _whole_sentence(text: str) -> bool:
    """Arabic script always says Arabic; Latin letters need two words or more, since codes,
    brand names and "ok" turn up alone in Arabic chats."""
    if _ARABIC_LETTER.search(text):
        return True
    if not knows_latin_words(text):
        return False  # "asdkjh qwe zzz": letters, but no language we could answer in
    if _greeting_alone(text):
        return True  # "hello": a greeting is a whole sentence, answered in its language
    named = find_place(text)
    if (named.district or named.city) and not named.other_words:
        return False  # "Al Naseem, Riyadh": a place's name is in no language of its own
    return len([w for w in normalize(text).split() if sum(ch.isalpha() for ch in w) >= 2]) >= 2


def _greeting_alone(text: str) -> bool:
    """ "hello", "good morning": only a greeting, which says the language it is in ("ok",
    "thanks" are said in Latin letters in Arabic chats too, and do not)."""
    courtesy = small_talk.read(text)
    if courtesy is None or not courtesy.only_small_talk:
        return False
    return all(kind in small_talk.GREETINGS and kind != "wellwish" for kind in courtesy.kinds)


def _nothing(text: str) -> Understanding:
    return Understanding(intent="unknown", confidence=0.0, slots={}, lang="ar", alternatives=())
