"""Small phrase lists kept as data under locales/<lang>/phrases/<name>.txt, matched after
normalization anywhere in a message (for things that are not intents of their own)."""

from __future__ import annotations

import re
from functools import cache

from bot import resources
from bot.resources import LANGS
from bot.text import normalize
from bot.text.alternation import one_of
from bot.understanding.phrases import GREETING_LISTS, read_phrase_file

# Every list exists in every language. The hazard_<kind> lists name the kinds of
# bot/hazards/data/kinds.toml (hazard_<kind>_danger: the states that make a kind danger now);
# hazard_danger, hazard_hurt, hazard_electrocuted, hazard_touched, hazard_place,
# hazard_place_vague and hazard_area are read by bot/hazards/vocabulary.py (hazard_electrocuted,
# hazard_touched and hazard_hurt in their own files, a word ending in "*" kept as a word's
# beginning); stop_in_flow by
# handlers/subscription.py; hazard_status_ask, hazard_still, hazard_reported_before and
# hazard_same_place by handlers/hazard_report.py;
# medical_equipment, cut_reason and medical_register by handlers/medical_need.py; back_last by
# handlers/compensation_facts.py and back_alone by handlers/compensation.py; the others by the compensation conversation
# (handlers/compensation_facts.py); greeting_*, wellwish, thanks, laughter, acknowledge,
# farewell and small_talk_address by handlers/small_talk.py (matched as whole words there);
# bill_high, ask_bill_date, ask_due_date, both_accounts, bill_now (whole words),
# bill_objection, bill_installments, bill_copy and bill_fees by handlers/bill.py; power_back, cancel_report, negation and question by
# handlers/outage_status.py; damage_claim by handlers/common.py; compensation_ask by
# handlers/compensation.py; tomorrow, complaint_open, paid, not_paid, paid_late and they_cut by
# handlers/compensation.py;
# ask_disconnection, ask_compensation_paid and ask_how_to_pay by
# handlers/disconnection_rules.py; meter_counts_wrong by handlers/meter_test.py; own_premise by
# handlers/hazard_report.py; also by handlers/second_request.py; never_back by
# handlers/outage_report.py (matched as whole words); premises_other and premises_home by
# handlers/compensation_facts.py (whole words: which disconnection prohibitions hold);
# premise_words by handlers/common.py (a premises' own word as another language says it); notice_lead
# and notice_lead_by by handlers/compensation_facts.py (a unit after it is how long before the
# notice came);
# money_riyal, arrears_owed, money_thousand, unpaid_one, unpaid_two, unpaid_unit, month_words and
# unpaid_said by handlers/compensation_facts.py (the arrears told with a disconnection);
# voice_note by handlers/voice_note.py; how_much by handlers/outage_status.py (whole words);
# outage_fault and outage_planned by handlers/compensation.py (an outage's cause said as a
# fault or as planned work; not_fault, words with a fault's letters that name none, "العطلة",
# taken out first); correction, ask_why (at a word's start: "عليه" has no "ليه") and
# time_before by handlers/compensation.py (a message about the case just answered); frustration by handlers/menu.py (whole words:
# acknowledged before anything is asked); ask_why_off by handlers/outage_status.py ("ليش
# انقطعت؟": the report's status and cause, not how an amount was counted); off_again by
# handlers/outage_report.py (whole words: the power off again now, after an outage that ended;
# back_after, an end told as a length after the start: "ورجع بعد ساعتين"); outage_here by
# handlers/outage_status.py (whole words: "فيه انقطاع عندنا", an outage said as a noun);
# ask_when_back by handlers/outage_report.py (whole words: "when will it be back?" said with the
# report, answered with it); past_state by bot/understanding/slots/times.py (a state told as past:
# "كانت طافية" is not off now); report_word by handlers/outage_status.py (whole words: a report
# named is asked about); voltage_quality, appointment and no_show (both whole words),
# none_of_these and power_off by handlers/outside_standards.py (requests no guaranteed standard
# covers); paid_before_cut by handlers/compensation_facts.py (the bills said paid when service
# was cut: asked as the small arrears); office_hours by handlers/outside_standards.py (the
# offices' or branches' hours: not known here, to a person); bill_messages by
# handlers/subscription.py (our messages about the bill named in a STOP: "وقفوا رسايل الفاتورة"
# stops the bill alerts only, never every message); weak_power by handlers/outside_standards.py
# (whole words: weak power with "off" denied, "مو طافية بس ضعيفة", is a voltage complaint);
# by_sms by handlers/bill_alerts.py (whole words: the bill alerts asked for by SMS, answered with
# the short code's steps); all_accounts, other_one and season_words (whole words) and bill_word
# by handlers/bill.py (every account's bill asked, the other of two, «فاتورة» and a season);
# ask_paid by handlers/bill.py (whole words: whether the bill just
# shown is paid, answered from it);
# location_label by bot/text/coordinates.py (the words that label typed coordinates);
# outage_report_named by handlers/outage_status.py (whole words: the outage report named,
# "الغي بلاغ الانقطاع", is that kind, as its reference would name it: `named_kinds`); false_alarm by
# handlers/outage_status.py (the outage was the reporter's own fuse: their report withdrawn).
# ask_pay_date and first_one (whole words) by handlers/compensation.py (when the cases just
# listed are paid, "متى ينصرف أول واحد؟": their pay-by dates, the first one's alone).
# other_service (whole words) and electricity_named (anywhere) by bot/understanding: a message
# naming another service or company and nothing of electricity is not ours (`another_service`);
# travel_told (anywhere) by bot/understanding/abroad.py (a place abroad named with a trip
# is where the subscriber was, not where the power is).
# report_unwanted by handlers/outage_report.py (whole words: "ما ابي ابلغ" while the report is
# being made ends it, nothing filed).
# request_done by handlers/compensation.py (a request on record said to be done, "وصلوا الكهربا
# امس": closed on that day and counted with its own facts). hypothetical (whole words, after
# hypothetical_not is taken out: `supposes`) by handlers/compensation.py (a length supposed, "لو
# انقطعت يومين": counted for that length, no day asked) and by bot/understanding/slots/times.py
# (a length supposed with the power off is no case going on); outage_case (whole words) by
# handlers/compensation.py (an outage named at the list of cases: the outage's case).
# and_about by handlers/common.py (whole words: the words around an account named alone, «والمحل؟»).
# total_asked by handlers/compensation.py (whole words: the sum of the cases just listed asked).
# back_then by handlers/outage_status.py (the moment the power came back, told with damage).
# place_street and place_lead by bot/hazards/vocabulary.py (a street named says where; the words
# that may lead a message that says only where: "ساكن في حي الملز"); hazard_place_end by
# bot/hazards/vocabulary.py (what ends a place told in words: a time, or the message going on).
NAMES = (
    "report_unwanted",
    "request_done",
    "outage_ahead",
    "bill_alerts",
    "bill_messages",
    "account_alerts",
    "weak_power",
    "no_notice",
    "notice_lead",
    "notice_lead_by",
    "notice_lead_night",
    "money_riyal",
    "arrears_owed",
    "money_thousand",
    "unpaid_one",
    "unpaid_two",
    "unpaid_unit",
    "month_words",
    "unpaid_said",
    "hazard_open_cabinet",
    "hazard_cable",
    "hazard_pole",
    "hazard_sparks_fire",
    "hazard_meter",
    "hazard_digging",
    "hazard_danger",
    "hazard_place",
    "hazard_place_vague",
    "hazard_hurt",
    "hazard_electrocuted",
    "hazard_touched",
    "stop_in_flow",
    "hazard_status_ask",
    "hazard_still",
    "hazard_reported_before",
    "hazard_same_place",
    "cut_for_bills",
    "dont_know",
    "not_yet",
    "network_lv",
    "network_mv",
    "network_hv",
    "medical_equipment",
    "hazard_cable_danger",
    "hazard_pole_danger",
    "hazard_area",
    *GREETING_LISTS,
    "thanks",
    "laughter",
    "acknowledge",
    "agreement",
    "farewell",
    "small_talk_address",
    "bill_high",
    "both_accounts",
    "bill_now",
    "bill_objection",
    "bill_installments",
    "bill_copy",
    "bill_fees",
    "power_back",
    "cancel_report",
    "negation",
    "damage_claim",
    "compensation_ask",
    "about_messages",
    "ask_disconnection",
    "ask_how_to_pay",
    "ask_compensation_paid",
    "meter_counts_wrong",
    "ask_bill_date",
    "tomorrow",
    "complaint_open",
    "paid",
    "not_paid",
    "paid_late",
    "they_cut",
    "question",
    "own_premise",
    "also",
    "never_back",
    "premises_other",
    "premises_home",
    "premise_words",
    "voice_note",
    "how_much",
    "outage_fault",
    "not_fault",
    "outage_planned",
    "correction",
    "ask_due_date",
    "ask_why",
    "time_before",
    "frustration",
    "ask_why_off",
    "off_again",
    "back_after",
    "outage_here",
    "ask_when_back",
    "past_state",
    "report_word",
    "outage_report_named",
    "voltage_quality",
    "appointment",
    "no_show",
    "none_of_these",
    "power_off",
    "paid_before_cut",
    "office_hours",
    "cut_reason",
    "medical_register",
    "back_last",
    "back_alone",
    "location_label",
    "false_alarm",
    "by_sms",
    "ask_paid",
    "other_service",
    "electricity_named",
    "travel_told",
    "all_accounts",
    "other_one",
    "bill_word",
    "season_words",
    "hypothetical",
    "hypothetical_not",
    "outage_case",
    "ask_pay_date",
    "first_one",
    "and_about",
    "total_asked",
    "back_then",
    "place_street",
    "place_lead",
    "hazard_place_end",
)


@cache
def phrases(name: str) -> tuple[str, ...]:
    if name not in NAMES:
        raise ValueError(f"{name!r} is not a phrase list (known: {', '.join(NAMES)})")
    files = (resources.locale_file(lang, "phrases", f"{name}.txt") for lang in LANGS)
    return tuple(phrase for file in files for phrase in read_phrase_file(file))


def mentions(text: str, name: str) -> bool:
    """One of the phrases of `name` is somewhere in the normalized text (anywhere: a part of a
    word counts, as `phrase in text` would)."""
    return _anywhere(name).search(normalize(text)) is not None


def mentions_words(text: str, name: str) -> bool:
    """One of the phrases of `name` is in the normalized text as whole words ("لسا" is not
    found in "الساعه")."""
    return _found_as_words(name).search(normalize(text)) is not None


def mentions_at_word_start(text: str, name: str) -> bool:
    """One of the phrases of `name` begins a word of the normalized text and may run on into
    it ("كيف حسبتها" has "كيف حسبت"; "عليه" has no "ليه")."""
    return _at_word_start(name).search(normalize(text)) is not None


def split_at_words(text: str, name: str) -> tuple[str, str] | None:
    """The normalized text cut before the first phrase of `name` found as whole words: (what
    comes before it, the phrase and what follows); None when there is none."""
    normalized = normalize(text)
    found = _found_as_words(name).search(normalized)
    if found is None:
        return None
    return normalized[: found.start()].strip(), normalized[found.start() :].strip()


def supposes(text: str) -> bool:
    """The message supposes a case rather than tells one ("لو", "اذا", "ولو", "what if", Arabizi
    "law"); "لو سمحت" is politeness and supposes nothing."""
    return mentions_words(without(text, "hypothetical_not"), "hypothetical")


def without(text: str, name: str) -> str:
    """The normalized text with the phrases of `name` taken out where they are whole words."""
    return _as_words(name).sub(" ", normalize(text))


# Where only whether (and where) a phrase is found matters, a list is one tree of its
# phrases' beginnings (bot.text.alternation: 2-4 times faster a search, ~20 searches a
# turn); `without` replaces what it finds, so it keeps the plain list and its order.
@cache
def _as_words(name: str) -> re.Pattern[str]:
    listed = phrases(name)
    if not listed:
        return re.compile(r"(?!)")
    alternatives = "|".join(re.escape(phrase) for phrase in listed)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


@cache
def _found_as_words(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:{one_of(phrases(name), then=True)})(?!\w)")


@cache
def _at_word_start(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:{one_of(phrases(name))})")


@cache
def _anywhere(name: str) -> re.Pattern[str]:
    # One scan of the text for the whole list instead of one `in` per phrase (a list has up to
    # ~100 phrases and several lists are asked about every message).
    return re.compile(one_of(phrases(name)))
