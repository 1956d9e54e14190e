"""Small pieces several flows say the same way."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from bot import outages
from bot.billing import Account, BillingUnavailable
from bot.config import RIYADH
from bot.coordination import account_guard
from bot.dialogue.messages import Choice
from bot.dialogue.turn import Turn
from bot.outages.places import display_name, find_place, shown_place, spellings
from bot.phrases import mentions, mentions_words, phrases, supposes, without
from bot.text import ascii_digits, normalize, words
from bot.understanding import choice_number, control_word
from bot.understanding.slots import find_duration_minutes, read_times

if TYPE_CHECKING:
    from bot.hazards.models import Hazard, HazardReport
    from bot.outages.models import Incident, OutageReport
    from bot.outages.places import NamedPlace
    from bot.understanding.slots.times import Moment, NamedMonth


def back_alone(text: str) -> bool:
    """The whole message says the power is back, and nothing else («رجعت الكهرباء», «الحمدلله
    رجعت»: back_alone): no time told, and not «رجعت الكهرباء تقطع» (off again)."""
    return words(normalize(text)) in phrases("back_alone")


def sender_outage_reports(turn: Turn) -> list[tuple[OutageReport, Incident]]:
    """The sender's outage reports, newest first: by phone across channels when known, else by
    this channel's sender. Read once a turn, until the turn makes a report (`report_made`)."""

    message = turn.message
    who = (message.channel, message.sender, turn.phone)
    read = turn.outage_reports
    if read is not None and read[0] == who:
        return list(read[1])
    mine = outages.reports_by_sender(turn.session, channel=who[0], sender=who[1], phone=who[2])
    turn.outage_reports = (who, mine)
    return list(mine)


def report_made(turn: Turn) -> None:
    """An outage report was made in this turn: the sender's reports are read again."""
    turn.outage_reports = None


def latest_outage_report(
    turn: Turn, *, report: int | None = None, incident: int | None = None
) -> tuple[OutageReport, Incident] | None:
    """The sender's latest outage report and its incident: by phone across channels when known,
    else by this channel's sender. `report` / `incident`: that one only ("OUT-000012",
    "INC-000012"), None when it is not theirs."""
    return outages.latest_of(sender_outage_reports(turn), report=report, incident=incident)


def open_outage_reports(turn: Turn) -> list[tuple[OutageReport, Incident]]:
    """The sender's outage reports still current (`OutageReport.is_current`), newest first."""
    return [
        (report, incident)
        for report, incident in sender_outage_reports(turn)
        if report.is_current(incident)
    ]


def outage_reports_meant(turn: Turn) -> list[tuple[OutageReport, Incident]]:
    """The sender's outage report a message is about: the one chosen when asked which, the one
    it names (its reference, or among the open ones its premises' word: «الفيلا», «المحل»),
    else the only one open, else the latest. Several (the open ones) when several are open and
    none is named: which one is asked, never guessed. [] when the sender has none, or none at
    the premise the message names (`same_place`: «رجعت في المحل» is never the villa's)."""
    reports = sender_outage_reports(turn)
    chosen = turn.state.get("chosen_report")
    named = named_reference(turn.text or "")
    for report, incident in reports:
        if report.id == chosen or (
            named is not None and (named[0], named[1]) in (("out", report.id), ("inc", incident.id))
        ):
            return [(report, incident)]
    premise = premise_named(turn) if reports and turn.text else None
    if premise is not None:
        reports = [(r, i) for r, i in reports if same_place(turn, r, premise)]
    going = [(report, incident) for report, incident in reports if report.is_current(incident)]
    by_place = premises_named(turn.text or "", [report.premise for report, _ in going])
    if len(by_place) == 1:
        return [going[by_place[0]]]
    if len(going) > 1:
        return going
    return going or reports[:1]


def back_within(
    readings: list[datetime],
    after: datetime,
    by: datetime,
    day_told: bool,
    reported: datetime | None = None,
) -> list[datetime]:
    """The moments a restore time told can mean: for each reading of its hour ("٩": 09:00, and
    21:00 too when it may be either), every such moment after `after` (the power known to be
    off then: the outage's start, or the last «للحين ما رجعت») and no later than `by` (now, or
    their «رجعت» message); on its own day only when a day was told. A case over a night has
    one on each day: «٣ الفجر» on Monday morning of an outage since Saturday night is Sunday's
    or Monday's, asked, never the latest guessed; but not one before the report (`reported`,
    made with the power off) when the same hour on a later day fits too. A time the power was
    known to be off is never one of them."""
    found = set()
    for at in readings:
        if day_told:
            if after < at <= by:
                found.add(at)
            continue
        moment = at + timedelta(days=(by - at) // timedelta(days=1))  # the latest not after `by`
        latest = True
        while moment > after and (latest or reported is None or moment > reported):
            found.add(moment)
            moment -= timedelta(days=1)
            latest = False
    return sorted(found)


def back_ahead(
    readings: list[datetime], by: datetime, day_told: bool, after: datetime | None = None
) -> list[datetime]:
    """The readings of a restore hour told with no day that are still to come on the day of
    `by` («رجعت الساعة ٢ الظهر» at 10:07): no end of a case, which is never in the future; the
    subscriber is asked whether they meant an earlier day's, or the hour the power is expected
    back (`back_within` gives the earlier days'). An hour of that day before `after`, the
    case's start, is the next day's, still ahead («رجعت الساعة ٣ الفجر» at 22:30 of an outage
    from 22:00). Of an hour said with no morning or evening only the nearer reading is kept:
    «رجعت الساعة ٢» at 21:00 of an outage from 15:15 may mean tonight's 2:00, never tomorrow's
    14:00 as well (two "not back yet" choices for one hour said)."""
    if day_told:
        return []
    today = by.astimezone(RIYADH).date()
    ahead = {datetime.combine(today, at.astimezone(RIYADH).time(), RIYADH) for at in readings}
    if after is not None:
        ahead = {at + timedelta(days=1) if at <= after else at for at in ahead}
    return sorted(at for at in ahead if at > by)[:1]


def current_outage_report(turn: Turn) -> tuple[OutageReport, Incident] | None:
    """The sender's report a message about the power off now is about: their latest, when it
    is current (`OutageReport.is_current`: standing, its case not over). None after a
    restoration: a new outage then is a new report, never the old one reopened or offered."""
    found = latest_outage_report(turn)
    return found if found is not None and found[0].is_current(found[1]) else None


def latest_safety_report(
    turn: Turn, *, report: int | None = None, hazard: int | None = None, kind: str | None = None
) -> tuple[HazardReport, Hazard] | None:
    """The sender's latest safety report and its hazard, found as `latest_outage_report`;
    `report` / `hazard`: that one only ("HAZ-000012", "HZ-000012"), None when not theirs;
    `kind`: the latest of that kind ("بلاغ الكيبل")."""
    from bot.hazards.service import latest_report_of

    message = turn.message
    return latest_report_of(
        turn.session,
        channel=message.channel,
        sender=message.sender,
        phone=turn.phone,
        report=report,
        hazard=hazard,
        kind=kind,
    )


def mentions_damage(text: str) -> bool:
    """Food or an appliance spoiled by the outage (data: phrases/damage_claim.txt)."""
    return bool(text) and mentions(text, "damage_claim")


def supposed_length(text: str) -> int | None:
    """Minutes of an outage's length supposed, not lived ("كم التعويض اذا انقطعت 8 ساعات", "لو
    صار لي 10 ساعات", "if it is out for 8 hours"); None when the message supposes nothing ("لو
    سمحت" is politeness) or gives no length. Such a length is never a start nor a day to ask."""
    if not supposes(text):
        return None
    return find_duration_minutes(text)


def bare_number(text: str) -> int | None:
    """A number said alone, besides the words around a follow-up ("طيب ولو ١٠؟", "and 10?",
    "wa law 10?": phrases/and_about and hypothetical taken out); None when anything else is
    said. Right after a supposed length was answered, it is another length in that unit."""
    return choice_number(without(without(ascii_digits(text), "and_about"), "hypothetical"))


def damage_claim_text(turn: Turn) -> str:
    """Spoiled food or appliances are no guaranteed standard but a separate claim to the
    company (domain.md): said once, briefly, beside the answer."""
    return turn.tr._(
        "Spoiled food or damaged appliances are not covered by the guaranteed standards: that "
        "is a separate claim to the electricity company (call 933)."
    )


def stopped_note(turn: Turn) -> str | None:
    """After STOP nothing is sent unasked: the line said instead of a promise to message them
    (None for a number that gets our messages)."""
    if turn.contact.opted_out_at is None:
        return None
    return turn.tr._(
        "You stopped our messages, so we will not message you about it: ask here any time, "
        "or send START to get our news again."
    )


def mask(account: str) -> str:
    """Show only the last four digits of an account: ••••5678."""
    return "••••" + account[-4:]


def busy(turn: Turn) -> None:
    """The billing service is down or slow: say so politely; the conversation carries on."""
    turn.say(turn.tr._("The billing service is busy right now. Please try again in a few minutes."))


def ask_for_phone(turn: Turn) -> None:
    """Telegram does not tell us the number: ask the subscriber to share their own contact."""
    _ = turn.tr._
    turn.say(
        _("To show your bill I need your mobile number. Please tap the button below to share it."),
        [Choice("share", _("Share my number"), request_contact=True)],
    )


def no_accounts(turn: Turn) -> None:
    turn.say(
        turn.tr._(
            "I found no electricity account linked to your number. To link your account, "
            "update your mobile number in the Alkahraba app or call {number}.",
            number=turn.settings.agent_phone,
        )
    )


def linked_accounts(turn: Turn, typed_account: str | None) -> list[Account] | None:
    """The accounts linked to the sender's own phone; None when this turn is already answered
    (no phone known yet, account lookups paused for this sender, or billing unavailable)."""
    if turn.phone is None:
        ask_for_phone(turn)
        return None
    if typed_account is not None and account_guard(turn.settings).is_blocked(turn.message.sender):
        turn.finish()
        lookups_paused(turn)
        return None
    try:
        return phone_accounts(turn, turn.phone)
    except BillingUnavailable:
        busy(turn)
        return None


def refuse_unlinked(
    turn: Turn, explanation: str, choices: list[Choice] | tuple[Choice, ...] = ()
) -> None:
    """An account not linked to the sender: refused, and counted against account guessing."""
    account_guard(turn.settings).record_miss(turn.message.sender)
    turn.finish()
    turn.say(explanation, choices)


def account_choices(accounts: list[Account], lang: str = "ar") -> list[Choice]:
    """The accounts as a numbered list: masked number and district (its English name in an
    English conversation, when we know one)."""
    return [
        Choice(
            str(i),
            f"{mask(a.account)} {display_name(a.district, lang) if a.district else ''}".strip(),
            aliases=account_aliases(a),
        )
        for i, a in enumerate(accounts, 1)
    ]


def accounts_named_in(text: str, accounts: list[Account]) -> list[Account]:
    """The accounts a message names inside it ("فاتورة الحساب 4321", "فاتورة الملز"): by the
    last four digits written as a number of their own, or by the district, in any spelling.
    A choice's aliases match a whole message only; this reads them within a sentence."""
    words = normalize(ascii_digits(text)).split()
    # A district with a letter joined before its article ("بالملز", "والملز") is named too.
    padded = f" {' '.join(map(_unattached, words))} "
    named = []
    for account in accounts:
        last = account.account[-4:]
        forms = _district_forms(account.district) if account.district else ()
        if last in words or any(form in padded for form in forms):
            named.append(account)
    return named


def named_account(turn: Turn, numbers: list[str]) -> Account | bool:
    """The one account of `numbers` (the accounts just listed) an answer names inside a sentence,
    by its digits, district or premises ("الفيلا", "حق الملز"). False when it names none or
    several; True when this turn is already answered (billing unavailable: said so)."""
    if not numbers:
        return False
    accounts = linked_accounts(turn, None)
    if accounts is None:
        return True
    listed = [a for a in accounts if a.account in numbers]
    named = accounts_named_in(turn.text, listed) or accounts_by_premise(turn.text, listed)
    return named[0] if len(named) == 1 else False


# Words of a short answer to "which account?" that name the kind of premises ("حق البيت",
# "المحل"); a longer message is a sentence about something else.
_PREMISE_ANSWER_WORDS = 4


def accounts_by_premise(
    text: str, accounts: list[Account], *, by_kind: bool = True, in_sentence: bool = False
) -> list[Account]:
    """The accounts a short answer names by their premises: by the premises' own word first
    ("الفيلا" is the account at "فيلا 12، ...", "الشقة" the one at "شقة 5"), else by their kind:
    "حق البيت" a home's, "المحل", "the shop" a shop's or office's (the premises lists of
    locales/<lang>/phrases/, read from each account's premises). Whole words only; [] when the
    answer names no premises, or both kinds. `by_kind=False`: by the premises' word only (where
    "عند بيت ابوي", someone else's home, must not pick the subscriber's villa), or that word
    as English says it ("the villa": premise_words). `in_sentence`:
    the premises' own word read in a message of any length ("ابي ابلغ عن انقطاع بالمحل")."""
    if len(text.split()) > _PREMISE_ANSWER_WORDS and not in_sentence:
        return []
    return [accounts[i] for i in premises_named(text, [a.premise for a in accounts], by_kind)]


def accounts_named_alone(text: str, accounts: list[Account]) -> list[Account]:
    """The one account a message names and nothing else, besides the words around it that ask
    "and …?" (phrases/and_about: «والمحل؟», «طيب وحق الملز؟», "w el ma7al?", "and the shop?"):
    by its digits, district or premises, every word left naming it. [] when the message says
    anything more ("والمحل طافي" tells of an outage) or names none, or several."""
    said = without(ascii_digits(text), "and_about").split()
    if not said or len(said) > _PREMISE_ANSWER_WORDS:
        return []

    def named(words: str) -> set[str]:
        found = accounts_named_in(words, accounts) or accounts_by_premise(words, accounts)
        return {a.account for a in found}

    # Word by word first: most messages have a word that names no account («الكهرباء
    # طافية»), which ends it after that one word, not after the whole message and every word.
    one = named(said[0])
    if len(one) != 1 or any(named(word) != one for word in said[1:]):
        return []
    if len(said) > 1 and named(" ".join(said)) != one:
        return []
    return [a for a in accounts if a.account in one]


def premises_named(text: str, premises: list[str | None], by_kind: bool = True) -> list[int]:
    """Which of `premises` (addresses as "فيلا 12، شارع التحلية") the text names: by the
    premises' own word first, else by their kind (as `accounts_by_premise` says); the indexes,
    [] when it names none, or both kinds."""
    said = set(map(_unattached, normalize(text).split()))
    said |= {w[2:] for w in said if w.startswith("ال") and len(w) > 4}  # "الفيلا": "فيلا"
    said |= {w[1:] for w in said if w.startswith("و") and len(w) > 3}  # "وبيتي": "بيتي"
    # A kind's word with «و» joined before it ("والبيت؟", "وبيتي؟") names that kind too.
    words = f"{normalize(text)} {' '.join(sorted(said))}"
    kinds = [k for k in ("premises_home", "premises_other") if mentions_words(words, k)]
    if len(kinds) > 1:
        return []  # "البيت او المحل": both kinds, not one
    by_word = [i for i, p in enumerate(premises) if p and _premise_word(p) in said]
    if by_word or not kinds or not (by_kind or _kind_in_latin(said, kinds[0])):
        return by_word
    return [i for i, p in enumerate(premises) if p and mentions_words(p, kinds[0])]


def own_premise_named(text: str, premises: list[str | None]) -> int | None:
    """Which of the sender's `premises` a short answer names as their own by its kind ("بيتي",
    "منزلنا", "محلي", "my house": own_premise, and the home's or shop's kind): a villa and a
    shop, "بيتي" is the villa. None when it names none, or more than one ("بيت ابوي" is no
    premises of theirs)."""
    if len(text.split()) > _PREMISE_ANSWER_WORDS or not mentions_words(text, "own_premise"):
        return None
    named = premises_named(text, premises)
    return named[0] if len(named) == 1 else None


def _kind_in_latin(said: set[str], kind: str) -> bool:
    """A premises' own word as English says it ("villa", "shop": the premise_words lists),
    the addresses being written in Arabic: read even where the kind alone is not enough
    (`by_kind=False`); "house", "home" are no premises' word (anyone's home)."""
    kind_words = set(phrases(kind))
    return any(w in said and w in kind_words for w in phrases("premise_words"))


def _premise_word(premise: str) -> str:
    """The word a premises' address begins with, normalized: its kind ("فيلا 12، شارع التحلية":
    "فيلا")."""
    words = re.findall(r"\w+", normalize(premise))
    return words[0] if words and not words[0].isdigit() else ""


@lru_cache(maxsize=4096)
def _district_forms(district: str) -> tuple[str, ...]:
    """A district's name and every spelling of it, normalized and padded as `padded` above
    (worked out once per district, not for every message that may name it)."""
    forms = (normalize(name) for name in (district, *spellings(district)))
    return tuple(f" {form} " for form in forms if form)


_ATTACHED = re.compile(r"^[وفبلك]{1,2}(?=ال..)")
# "ل" before the article drops its alef: "للعليا" is "ل" + "العليا".
_JOINED_LAM = re.compile(r"^[وف]?لل(?=...)")


@lru_cache(maxsize=4096)
def _unattached(word: str) -> str:
    """A normalized word with a letter joined before its article taken off ("بالملز": "الملز",
    "للعليا": "العليا"). Kept per word: a turn reads the same few words again in every check
    of the premises and districts it names (two substitutions a word each time)."""
    return _ATTACHED.sub("", _JOINED_LAM.sub("ال", word))


def account_aliases(account: Account) -> tuple[str, ...]:
    """What a list shows of an account, which a subscriber may send back to pick it: the last
    four digits, with or without the mask, and the district (in any spelling we know of it:
    "Al Malaz" picks "الملز")."""
    district = (account.district, *spellings(account.district)) if account.district else ()
    return (account.account[-4:], mask(account.account), *district)


def lookups_paused(turn: Turn) -> None:
    """Too many accounts not linked to this sender were tried: account numbers are not looked
    up for a while (the account guard), and the sender is told why."""
    turn.say(
        turn.tr._(
            "For the privacy of our subscribers, lookups by account number are paused for "
            "one hour, because several account numbers not linked to your mobile number "
            "were sent from it. You can still see the bills of the accounts registered to "
            'your number: send "bill".'
        )
    )


def ask_which_city(turn: Turn, named: NamedPlace) -> None:
    """A district of several cities ("الروضة": Riyadh or Jeddah): which city, the cities as
    choices by number or by name (the outage and the hazard reports ask it alike). A district we
    do not list ("حي الندى") is asked its city with no choices."""
    turn.say(
        turn.tr._(
            "Which city is {district} in?",
            district=display_name(named.district or named.unlisted or "", turn.lang),
        ),
        [
            Choice(str(i), display_name(city, turn.lang), aliases=(city,))
            for i, city in enumerate(named.cities, 1)
        ],
    )


def month_day_question(
    turn: Turn, month: NamedMonth, *, hour_known: bool, paid: bool = False, again: bool = False
) -> str:
    """ "You said Ramadan: on which day of it…?": a month told with no day ("في رمضان") said
    back and only its day asked (never today's), for the report flow and the compensation
    questions alike; its hour too unless told with it (`hour_known`). `paid`: the day of a
    payment; `again`: an answer read no day of it, so the month's days are said first."""
    from bot.i18n import month_text

    _ = turn.tr._
    named = month_text(turn.tr, month)
    if paid and hour_known:
        question = _(
            "You said {month}: on which day of it did you pay? Write the day's number, "
            'for example: "15".',
            month=named,
        )
    elif hour_known:
        question = _(
            "You said {month}: on which day of it did the power go off? Write the day's "
            'number, for example: "15".',
            month=named,
        )
    elif paid:
        question = _(
            "You said {month}: on which day of it did you pay, and at about what time? For "
            'example: "15 at 8 in the morning".',
            month=named,
        )
    else:
        question = _(
            "You said {month}: on which day of it did the power go off, and at about what time? "
            'For example: "15 at 8 in the morning".',
            month=named,
        )
    if not again:
        return question
    told = _(
        "I could not read a day of {month} in that; it has {days} days.",
        month=named,
        days=turn.tr.number(month.days),
    )
    return f"{told} {question}"


def corrects(text: str) -> bool:
    """The message says it corrects what was told ("لا غلطت", "قصدي", "I meant")."""
    return mentions(text, "correction") or control_word(text) == "no"


def said_as_correction(text: str) -> bool:
    """A correction said in words ("لا غلطت", "actually"), by a "no" that opens the message
    ("لا رجعت الساعة ٦"), or by a time denied ("مو ٤", "not 4")."""
    said = normalize(text).split()
    if not said:
        return False
    if corrects(text) or control_word(said[0]) == "no":
        return True
    negations = set(phrases("negation"))
    return any(
        word in negations and ascii_digits(after)[:1].isdigit()
        for word, after in zip(said, said[1:], strict=False)
    )


# How far from the end counted a corrected end may be: farther, it is another case.
END_CORRECTION_REACH = timedelta(hours=24)


def end_near_counted(said: Moment, counted: datetime, start: datetime) -> datetime | None:
    """The end a corrected hour names: on its day when one is said, otherwise the reading of
    it (morning or evening, that day or the one next to it) nearest the end counted ("٦" after
    a 4 pm end is 6 pm); after the start and within 24 hours of the end counted, else None."""
    assert said.clock is not None
    local = counted.astimezone(RIYADH)
    days = [said.day] if said.day_stated else [local.date() + timedelta(days=d) for d in (-1, 0, 1)]
    readings = [
        datetime.combine(day, reading.time(), RIYADH) for day in days for reading in said.readings()
    ]
    near = [at for at in readings if at > start and abs(at - counted) <= END_CORRECTION_REACH]
    return min(near, key=lambda at: abs(at - counted), default=None)


def corrected_end(
    text: str, now: datetime, counted: datetime, start: datetime, *, alone: bool = False
) -> datetime | None:
    """The restore time a correction says ("لا رجعت الساعة ٦ مو ٤", "actually it came back at
    6") of a case counted to end at `counted`: an end alone (no start, not "still off"), said as
    a correction, read against the end counted (`end_near_counted`), not ahead of the message
    and not the end already counted; else None. `alone`: no correction word needed (a planned
    outage's: the window told is the plan, «رجعت الساعة ٣» after it is when the power came
    back, counted from the start kept). One reading for the calculator's answer and the
    reporter's records."""
    reading = read_times(text, now)
    said = reading.end
    if said is None or said.clock is None or reading.start is not None or reading.ongoing:
        return None
    if not (alone or said_as_correction(text)):
        return None
    end = end_near_counted(said, counted, start)
    return end if end is not None and end <= now and end != counted else None


def last_week_day_question(turn: Turn, *, hour_known: bool) -> str:
    """ "You said last week: on which day of it…?": "الاسبوع الماضي" told with no weekday, its
    day asked (a week back is no day, and the day decides the money); its hour too unless told
    with it (`hour_known`). The answer is read as that day of last week (`in_last_week`)."""
    _ = turn.tr._
    if hour_known:
        return _(
            'You said last week: on which day of it did the power go off? For example: "Tuesday".'
        )
    return _(
        "You said last week: on which day of it did the power go off, and at about what time? "
        'For example: "Tuesday at 8 in the morning".'
    )


# A report's reference named in a message, in its written form: its prefix, a dash and its
# number ("OUT-000012", "haz-3", "INC - 45"), or the prefix glued to four digits or more
# ("out000012", "HAZ0034"), or after a space with the six digits references are written with
# ("haz 000034"). The prefix alone is none ("power still out"), nor is it with a short number
# after a space ("power out 120 minutes now", "out 5 hours"), nor glued to a short number.
# The one pattern every handler reads references with (named_reference, named_kinds).
_REFERENCE = re.compile(
    r"\b(out|inc|haz|hz)(?:\s?[-‐‑–]\s?(\d{1,12})|(\d{4,12})|\s(\d{6,12}))(?!\d)"
)


def named_reference(text: str) -> tuple[str, int] | None:
    """The first report reference the message names: its kind ("out", "inc", "haz", "hz")
    and number; None when it names none."""
    match = _REFERENCE.search(ascii_digits(text).casefold())
    if match is None:
        return None
    return match.group(1), int(match.group(2) or match.group(3) or match.group(4))


def named_kinds(text: str) -> set[str]:
    """The kinds of report the message names: by reference ("out", "inc", "haz", "hz"), or the
    outage report in words ("بلاغ الانقطاع": "out"), which names it as surely as its reference
    when the sender has one of that kind."""
    kinds = {m.group(1) for m in _REFERENCE.finditer(ascii_digits(text).casefold())}
    if not kinds & {"haz", "hz"} and mentions_words(text, "outage_report_named"):
        kinds.add("out")
    return kinds


def named_in(text: str, accounts: list[Account]) -> list[Account]:
    """The one premise the message names ("مقطوعة عندنا في الملز", "طافية بالمحل"): by its
    digits or district (common.accounts_named_in), else by the premises' own word."""
    named = accounts_named_in(text, accounts) or accounts_by_premise(
        text, accounts, by_kind=False, in_sentence=True
    )
    return named if len(named) == 1 else []


def premise_named(turn: Turn) -> Account | None:
    """The one premise of the sender's that the message names («والفيلا لسا طافية»), else None."""
    named = named_in(turn.text, sender_accounts(turn))
    return named[0] if named else None


def sender_accounts(turn: Turn) -> list[Account]:
    """The sender's accounts by their phone (`phone_accounts`); [] when billing is down: the
    report matters more than the premise list, the district is asked instead."""
    if turn.phone is None:
        return []
    try:
        return phone_accounts(turn, turn.phone)
    except BillingUnavailable:
        return []


def phone_accounts(turn: Turn, phone: str) -> list[Account]:
    """`turn.billing.accounts_for_phone(phone)`, asked once a turn for the sender's phone (an
    HTTP request with the HTTP adapter; a report's or a bill's turn reads them for several
    questions): a failure is raised again, as `BillingUnavailable`, without asking again."""
    if phone != turn.phone:
        return turn.billing.accounts_for_phone(phone)
    known = turn.sender_accounts
    if known is None or known[0] != phone:
        try:
            found: list[Account] | BillingUnavailable = turn.billing.accounts_for_phone(phone)
        except BillingUnavailable as failed:
            found = failed
        known = turn.sender_accounts = (phone, found)
    if isinstance(known[1], BillingUnavailable):
        raise known[1]
    return list(known[1])


def same_place(turn: Turn, report: OutageReport, premise: Account | None = None) -> bool:
    """The message names no place but the report's: no other district or city, and none of the
    sender's other premises («الفيلا طافية من ٧» beside the shop's report). The one rule for
    whether a message may change a report: another place's is a report (or a question) of its
    own, never a correction, an end or a flag of this one. `premise`: the premise the message
    names (`premise_named`), when already looked up."""
    named = find_place(turn.text)
    kept = {normalize(p) for p in (report.district, report.city) if p}
    if any(p and normalize(p) not in kept for p in (named.district, named.city)):
        return False
    premise = premise or premise_named(turn)
    if premise is None:
        return True
    if report.account is not None:
        return premise.account == report.account
    return not report.district or normalize(premise.district or "") == normalize(report.district)


def premise_shown(turn: Turn, account: Account) -> str:
    """An account's premises and district as one line in the turn's language (`shown_place`)."""
    return shown_place((account.premise, account.district), turn.lang) or "-"
