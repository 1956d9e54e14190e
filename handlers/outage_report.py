"""Outage report: where (a shared location, one of the sender's premises, or a district and city
named in the message or typed when asked; a district of several cities is asked its city,
bot/outages/places.py), then one reference number. Many reporters of one outage join one incident; a sender who
reports again gets their existing report back, not a new one. A photo or a voice note sent with
the report, while it is being made or just after, is kept with it (fetched like a hazard's)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, timedelta

from bot.billing import Account
from bot.config import RIYADH
from bot.dialogue.messages import Choice, Media, Reply
from bot.dialogue.turn import Turn
from bot.hazards.media import fetch
from bot.hazards.models import STORED
from bot.hazards.vocabulary import only_a_place, says_where
from bot.outages import (
    ReportOutcome,
    compensation_for_report,
    covered_report,
    report_outage,
    restoration_standard,
)
from bot.outages.compensation import TOTAL_BLACKOUT
from bot.outages.models import CANCELLED, Incident, OutageReport
from bot.outages.notices import start_asked
from bot.outages.places import (
    NamedPlace,
    display_name,
    find_place,
    said_again,
    shown_place,
    whole_city_district,
    whole_city_named,
)
from bot.outages.service import (
    cancel_report,
    find_report,
    keep_media,
    note_power_back,
    note_still_off,
    record_offered_start,
    record_stated_day,
    record_stated_end,
    record_stated_start,
)
from bot.phrases import mentions, mentions_words, phrases, split_at_words, without
from bot.standards import rule_for
from bot.standards.wording import hours, paid_to_holder_text, rule_summary
from bot.storage.base import aware
from bot.text import normalize
from bot.understanding import Understanding, choice_number, control_word, understand
from bot.understanding.slots import find_standard, read_times, stated_duration
from bot.understanding.slots.times import (
    Moment,
    NamedMonth,
    answer_hour_text,
    day_in_month,
    day_untold,
    negates_an_hour,
    read_answer_hour,
    span_may_have_begun,
)
from handlers import compensation, medical_need
from handlers.common import (
    account_aliases,
    accounts_by_premise,
    ask_which_city,
    back_alone,
    current_outage_report,
    damage_claim_text,
    latest_outage_report,
    mask,
    mentions_damage,
    month_day_question,
    named_in,
    named_reference,
    open_outage_reports,
    own_premise_named,
    premise_shown,
    report_made,
    said_as_correction,
    same_place,
    sender_accounts,
    sender_outage_reports,
    supposed_length,
)
from handlers.menu import agent_offered

# A report this soon after the sender's incident was marked restored means "still off".
STILL_OFF_WINDOW = timedelta(hours=24)
# A photo or voice note with no words this soon after the sender's report (its outage still
# open) belongs to that report.
MEDIA_WINDOW = timedelta(minutes=30)
FLOW = "outage_report"


def takes_media(turn: Turn) -> bool:
    """A photo or voice note with no words, sent while the sender's outage report is being made
    (kept for it) or just after (added to it), is acknowledged; True when it was."""
    sent = _attachments(turn)
    if not sent or turn.text:
        return False
    _ = turn.tr._
    if turn.flow == FLOW:
        turn.intent = "outage_report"
        turn.remember(media=[*turn.state.get("media", []), *sent])
        turn.say(_("Thank you, we will keep it with your outage report."))
        _ask_where(turn, [Account(**a) for a in turn.state.get("accounts", [])])
        return True
    previous = latest_outage_report(turn)
    if previous is None:
        return False
    report, incident = previous
    reported = aware(report.reported_at)
    if not incident.is_open or reported is None or turn.now - reported > MEDIA_WINDOW:
        return False
    turn.intent = "outage_report"
    stored, _missed = _keep(turn, report, sent)
    if stored:
        turn.say(
            _(
                "Thank you, what you sent is added to your outage report {ref}.",
                ref=report.reference,
            )
        )
    else:
        turn.say(_("We could not receive what you sent. Please send it again."))
    return True


def _attachments(turn: Turn) -> list[dict]:
    return [asdict(m) for m in (*turn.message.media, *turn.message.audio)]


def _keep(turn: Turn, report: OutageReport, media: list[dict]) -> tuple[int, int]:
    stored = missed = 0
    for item in media:
        attachment = Media(**item)
        row = keep_media(turn.session, report, attachment, fetch(attachment, turn.settings))
        stored, missed = (stored + 1, missed) if row.status == STORED else (stored, missed + 1)
    return stored, missed


def start(
    turn: Turn,
    understood: Understanding,
    stated_start: datetime | None = None,
    *,
    asked_when: bool = False,
    told: str | None = None,
    earlier: tuple[datetime, datetime] | None = None,
    where: str | None = None,
) -> None:
    """`stated_start`: when the power went off, as the subscriber already stated it (a
    compensation question handing over to a report). `asked_when`: the message also asked when
    the power comes back, answered with the report. `told`: the words that tell this outage's
    times, when not the whole message; `earlier`: an outage that ended before this one, told
    with it (not on this report, and said so). `where`: words told before this message that
    may name the place (the compensation question whose answer offered the report: «نعم»
    names none)."""
    turn.intent = "outage_report"
    if stated_start is None and planned_ahead_told(turn):
        compensation.planned_ahead(turn)  # "بتنقطع الكهرباء بكرة الساعة ٩": nothing to report yet
        return
    told = turn.text if told is None else told
    if stated_start is None and back_alone(told) and not open_outage_reports(turn):
        _back_with_no_report(turn)  # «رجعت الكهرباء» (read as a report at 0.56): good news
        return
    # "النور قاطع، امتى يرجع؟" read as a report: the question is answered with it all the same.
    asked_when = asked_when or mentions_words(told, "ask_when_back")
    after = earlier[1] if earlier else None  # the earlier outage's end: this one began after
    stated = stated_start or start_told(told, turn.now, after).at
    extras = _Extras(told, asked_when, _earlier_state(earlier))
    place_words = turn.text if where is None else f"{turn.text}\n{where}"
    urgent = medical_need.mentioned(place_words)
    if turn.message.location is not None:
        _report(turn, stated_start=stated, urgent=urgent, extras=extras)
        return
    accounts = sender_accounts(turn)
    typed = understood.slots.get("account")
    named = find_place(place_words)
    chosen = [a for a in accounts if a.account == typed] or named_in(place_words, accounts)
    if not chosen and len(accounts) == 1 and _may_be(accounts[0], named):
        chosen = accounts  # their one premise: shown, with how to put it right
        extras = replace(extras, place_assumed=not (named.district or named.unlisted))
    if chosen:
        _report(turn, account=chosen[0], stated_start=stated, urgent=urgent, extras=extras)
        return
    whole = whole_city_named(place_words)
    if whole is not None:  # "جدة كلها ما فيها كهربا": the city is the place, no district asked
        _report(
            turn,
            city=whole,
            district=whole_city_district(),
            stated_start=stated,
            urgent=urgent,
            extras=extras,
        )
        return
    if not (named.city or named.district or named.unlisted) and _still_off_at(
        turn, accounts, stated, urgent, extras
    ):
        return  # "تقولون رجعت بس عندنا للحين طافية": reported again where it was, not asked
    if named.complete:
        _report(
            turn,
            city=named.city,
            district=named.district,
            stated_start=stated,
            urgent=urgent,
            extras=extras,
        )
        return
    if named.city:  # "الرياض كلها طافية": their premises elsewhere are not offered
        accounts = [a for a in accounts if a.city == named.city]
    turn.begin(
        FLOW,
        accounts=[_account_state(a) for a in accounts],
        stated_start=stated.isoformat() if stated else None,
        urgent=urgent,
        media=_attachments(turn),
        city=named.city,
        damage=mentions_damage(turn.text),
        told=told,  # its times, read again once the report is made (`ask_start_day`)
        asked_when=asked_when,
        earlier=extras.earlier,
    )
    if named.ambiguous or named.unlisted:
        _ask_city(turn, named)
    elif not named.city and _open_report_told(turn):
        return
    else:
        _ask_where(turn, accounts)


def _still_off_at(
    turn: Turn,
    accounts: list[Account],
    stated: datetime | None,
    urgent: bool,
    extras: _Extras,
) -> bool:
    """ "تقولون رجعت بس عندنا للحين طافية", "طفت مرة ثانية" soon after the sender's outage was
    restored (within STILL_OFF_WINDOW), naming no other place: reported again at that report's
    place (its premise, else its district and city), joined to the incident reopened there as
    the still-off report it is; the place they told once is not asked again. True when made."""
    text = turn.text
    if not (mentions_words(text, "never_back") or mentions_words(text, "off_again")):
        return False
    mine = sender_outage_reports(turn)
    if not mine:
        return False
    report, incident = mine[0]
    if incident.status != "restored" or incident.restored_at is None:
        return False
    if turn.now - aware(incident.restored_at) > STILL_OFF_WINDOW:
        return False
    # Said with how to put it right: they may write from another of their places.
    extras = replace(extras, place_assumed=True)
    held = [a for a in accounts if report.account and a.account == report.account]
    if held:
        _report(turn, account=held[0], stated_start=stated, urgent=urgent, extras=extras)
        return True
    if not (report.district or report.city):
        return False  # a shared location only: asked again, as before
    _report(
        turn,
        city=report.city,
        district=report.district,
        stated_start=stated,
        urgent=urgent,
        extras=extras,
    )
    return True


# The requests an outage told off again now is taken from (an outage's story, whatever the
# model made of its earlier half: "طفت من ٨ ورجعت ١٠" reads as a compensation question).
_OFF_AGAIN_FROM = ("compensation", "outage_report", "outage_status", "unknown")


def takes_off_again(turn: Turn, understood: Understanding) -> bool:
    """ "طفت من ٨ ورجعت ١٠ وبعدين طفت مرة ثانية الحين": an outage told with its end, then the
    power off again (phrase list `off_again`). The outage going on now is reported, counted
    from what its own words say (never from the earlier one's start), and the earlier one is
    said to be not on the report, to be counted on its own; a question of when the power comes
    back, asked of the outage going on, is answered with the report. True when taken."""
    if understood.intent not in _OFF_AGAIN_FROM:
        return False
    parts = split_at_words(turn.text, "off_again")
    if parts is None:
        return False
    before, now_told = parts
    written = _as_written(turn.text, before)  # "7:30", "6-7am" as written, not "7 30"
    if written != before and turn.text.startswith(written):
        now_told = turn.text[len(written) :].strip(" ,،")
    found = _earlier_outage(written, turn.now)
    if found is None:
        return False  # no outage that ended before: "off again" of what the message does not say
    began, back, tail = found
    if tail:  # "…ورجع بعد ساعتين واليوم من الساعة ٧ انقطع مرة ثانية": the 7 is this outage's
        now_told = f"{tail} {now_told}"
    # "…وطفت الحين، متى ترجع؟": the question of the part about now is answered with the report.
    asked_when = understand(now_told, now=turn.now).intent == "outage_status"
    turn.finish()
    start(turn, understood, asked_when=asked_when, told=now_told, earlier=(began, back))
    return True


def _as_written(text: str, normalized: str) -> str:
    """The words of `text` as written whose normalized form is `normalized` (its beginning):
    "6-7am" keeps its dash, which tells an hour range from a date."""
    words = text.split()
    for k in range(len(words), 0, -1):
        if normalize(" ".join(words[:k])).strip() == normalized:
            return " ".join(words[:k])
    return normalized


def _earlier_outage(before: str, now: datetime) -> tuple[datetime, datetime, str] | None:
    """The outage told before "off again" that ended (its start, its end, and the words after
    it that tell the outage going on now: "واليوم من الساعة ٧"), or None. Its end may be told
    as a length after its start ("ورجع بعد ساعتين", phrase list `back_after`)."""
    words = before.split()
    for k in range(1, len(words) + 1):
        head, tail = " ".join(words[:k]), " ".join(words[k:])
        ended = _ended(head, now)
        if ended is None:
            continue
        tail_start = read_times(tail, now).start if tail else None
        if tail_start is not None and tail_start.clock is not None:
            return (*ended, tail)
        ended = _ended(before, now)
        return None if ended is None else (*ended, "")
    return None


def _ended(text: str, now: datetime) -> tuple[datetime, datetime] | None:
    reading = read_times(text, now)
    began = reading.start.at if reading.start is not None else None
    back = reading.end.at if reading.end is not None else None
    if began is not None and back is None and mentions_words(text, "back_after"):
        minutes = stated_duration(text, ongoing=False)
        back = began + timedelta(minutes=minutes) if minutes else None
    if began is None or back is None or not began < back < now:
        return None
    return began, back


def planned_ahead_told(turn: Turn) -> bool:
    """The outage told is still to come, on a day ahead ("بتنقطع بكرة الساعة ٩ الصبح", "فيه
    انقطاع مجدول الاحد الجاي كم بيطول؟"): an outage announced, or planned work named, not one
    going on ("طافية من بكرة" is asked as a slip, after the report)."""
    if not (mentions(turn.text, "outage_ahead") or mentions(turn.text, "outage_planned")):
        return False
    said = read_times(turn.text, turn.now).start
    return said is not None and said.day > turn.now.astimezone(RIYADH).date()


def _open_report_told(turn: Turn) -> bool:
    """The sender's report of an outage still open, and its status, instead of the place asked
    again; a place typed next is a new report. True when there was one."""
    found = current_outage_report(turn)
    if found is None:
        return False
    report, incident = found
    _ = turn.tr._
    if any(a["account"] != report.account for a in turn.state.get("accounts", [])):
        # Premises other than the reported one: "طافية عندي" may be any of them, so asked.
        turn.remember(stage="same_report", report=report.id)
        _ask_same_report(turn, report)
        return True
    lines = [
        *_already_reported(turn, report, incident),
        _("If the power is out at another place, type its district and city."),
    ]
    turn.say("\n".join(lines))
    return True


def _already_reported(turn: Turn, report: OutageReport, incident: Incident) -> list[str]:
    from handlers.outage_status import status_lines

    note_still_off(report, turn.now)  # the outage told again: off still, back only after this
    return [
        turn.tr._(
            "You already reported this outage: {ref} ({place}).",
            ref=report.reference,
            place=place_shown(turn, report),
        ),
        *status_lines(turn, report, incident),
    ]


def place_shown(turn: Turn, report: OutageReport) -> str:
    return shown_place((report.premise, report.district, report.city), turn.lang) or "-"


def question_again(turn: Turn) -> Reply | None:
    """The open question as asked again after small talk in the middle of it ("ok", "كيفك"):
    "where?" without its "sorry to hear that", said once (handlers/small_talk.py); None for
    the others, asked again as they were."""
    if turn.state.get("stage") is not None or turn.state.get("district"):
        return None
    accounts = [Account(**a) for a in turn.state.get("accounts", [])]
    text, choices = _where_question(turn, accounts, again=True)
    return Reply(text, tuple(choices), turn.lang)


def _ask_where(turn: Turn, accounts: list[Account], again: bool = False) -> None:
    turn.say(*_where_question(turn, accounts, again))


def _where_question(
    turn: Turn, accounts: list[Account], again: bool = False
) -> tuple[str, list[Choice]]:
    _ = turn.tr._
    choices = [
        Choice(str(i), premise_shown(turn, a), aliases=(*account_aliases(a), a.premise))
        for i, a in enumerate(accounts, 1)
    ]
    city = turn.state.get("city")
    if city:
        text = _(
            "Where exactly in {city}? Type the district name, or share your location.",
            city=display_name(city, turn.lang),
        )
    elif accounts:
        text = _(
            "Where is the power out? Send the number of the premise, or type the district "
            "name, or share your location."
        )
    elif again:  # "sorry to hear that" is said once
        text = _(
            "Where is the power out? Type the district and city (for example: Al Olaya, "
            "Riyadh), or share your location."
        )
    else:
        text = _(
            "Sorry to hear that. Where is the power out? Type the district and city "
            "(for example: Al Olaya, Riyadh), or share your location."
        )
    return text, choices


def _ask_city(turn: Turn, named: NamedPlace) -> None:
    """A district of several cities ("الروضة"): which city, the cities as choices. A district we
    do not list ("حي الندى"): which city, any city we know answering it."""
    turn.remember(district=named.district or named.unlisted, cities=list(named.cities))
    ask_which_city(turn, named)


def _city_answer(turn: Turn, understood: Understanding) -> bool:
    """The answer to "which city is it in?": a number or a name from the list (any city we
    know, for a district we do not list)."""
    cities = turn.state.get("cities") or []
    picked = choice_number(turn.text)
    city = cities[picked - 1] if picked is not None and 1 <= picked <= len(cities) else None
    named = find_place(turn.text)
    if city is None and named.city and (named.city in cities or not cities):
        city = named.city
    stated = _time_told(turn)
    urgent = bool(turn.state.get("urgent")) or medical_need.mentioned(turn.text)
    if city is not None:
        district = turn.state["district"]
        _report(turn, city=city, district=district, stated_start=stated, urgent=urgent)
        return True
    if named.complete or turn.message.location is not None:
        return False  # another place altogether: read as the answer to "where"
    if understood.intent not in ("unknown", "outage_report") and understood.confidence >= 0.8:
        return False
    tried = turn.state.get("city_tried")
    if tried is None:  # asked once more, and only once
        turn.remember(city_tried=turn.text)
        _ask_city(turn, NamedPlace(None, turn.state["district"], tuple(cities)))
        return True
    insisted = None if cities else said_again(tried, turn.text)
    if insisted is not None:  # a city we do not list, said twice: taken as written
        district = turn.state["district"]
        _report(turn, city=insisted, district=district, stated_start=stated, urgent=urgent)
        return True
    # Never the same question a third time: "where?", which a shared location also answers.
    turn.remember(district=None, cities=[], city_tried=None)
    _ask_where(turn, [Account(**a) for a in turn.state.get("accounts", [])], again=True)
    return True


def _same_report_answer(turn: Turn, understood: Understanding) -> bool:
    """The answer to "is this about your report OUT-… at <place>?": yes gives its status (or,
    asked about a start told, sets that start on it: the reported premise named is a yes too); no
    asks where, among the other premises; a place typed instead is read as the answer to where."""
    if _power_back_told(turn):
        # «رجعت الكهرباء الساعة ٩»: news of a report, not where the power is off: read afresh,
        # recorded on the report it means (or which one asked), never "no report yet".
        turn.finish()
        return False
    accounts = turn.state.get("accounts", [])
    report = find_report(turn.session, turn.state.get("report") or 0)
    incident = turn.session.get(Incident, report.incident_id) if report is not None else None
    word, picked = control_word(turn.text), choice_number(turn.text)
    start_for, offer_for = turn.state.get("start_for"), turn.state.get("offer_for")
    named = named_in(turn.text, [Account(**a) for a in accounts])
    said = turn.state.get("start_said")  # a start that is asked as it is ("من الساعة ٩")
    told = start_for or offer_for or said
    if told and report is not None and named and named[0].account == report.account:
        word = "yes"  # the reported premise named ("العليا"): that report's start
    if word is None and picked is None and not named and _start_for_question(turn, report):
        return True
    if word is None and picked is None and not named and _asks_status(turn, understood):
        # "any update on when it will be restored?", "وش صار على البلاغ؟": that report's status
        # (a start told before is not set on it unasked).
        start_for = offer_for = said = None
        turn.remember(start_for=None, offer_for=None, start_said=None)
        word = "yes"
    if report is not None and incident is not None and (word == "yes" or picked == 1):
        day = turn.state.get("offer_day")
        part_hour = turn.state.get("offer_part_hour")
        turn.finish()
        if start_for:  # the start told with the message asked about: now set on that report
            take_start(turn, report, datetime.fromisoformat(start_for))
            return True
        if offer_for:  # "من الصبح": its usual hour offered for that report
            offered = StartTold(
                offer=datetime.fromisoformat(offer_for),
                day=date.fromisoformat(day) if day else None,
                part_hour=part_hour,
            )
            _offer_start(turn, report, offered)
            return True
        if said:  # "من الساعة ٩": morning or evening asked for that report
            ask_start_of(turn, report, start_told(said, turn.now))
            return True
        turn.say("\n".join(_already_reported(turn, report, incident)))
        return True
    others = [a for a in accounts if report is None or a["account"] != report.account]
    turn.remember(stage=None, report=None, accounts=others)
    if word == "no" or picked == 2:
        _ask_where(turn, [Account(**a) for a in others])
        return True
    if named and told:
        # «والمحل بعد مقطوع» after a start told for the report asked about: another premise,
        # whose start is asked, never the one told copied onto it (a tester's shop got the
        # villa's hour so).
        _report(
            turn,
            account=named[0],
            urgent=bool(turn.state.get("urgent")) or medical_need.mentioned(turn.text),
            extras=_Extras(),
        )
        made = latest_outage_report(turn)
        if turn.flow is None and made is not None and made[0].stated_start is None:
            _ask_start_time(turn, made[0], StartTold(ask="when"))
        return True
    if named:
        stated = turn.state.get("stated_start")
        _report(
            turn,
            account=named[0],
            stated_start=datetime.fromisoformat(stated) if stated else None,
            urgent=bool(turn.state.get("urgent")) or medical_need.mentioned(turn.text),
        )
        return True
    return step(turn, understood)


def _start_for_question(turn: Turn, report: OutageReport | None) -> bool:
    """A start told in answer to "is this about your report OUT-…?" («من الساعة ٨ الصبح»): it
    answers neither yes nor no, so it is kept for the answer (yes sets it on that report, no
    carries it to the place asked next) and the question asked again; never taken as the
    start of an outage elsewhere unasked. True when asked."""
    if report is None or read_times(turn.text, turn.now).start is None:
        return False
    told = start_told(turn.text, turn.now)
    if told.at is None and told.offer is None and told.ask != "am_pm":
        return False
    at = told.at or told.offer
    if at is not None and at >= report.reported:
        return False  # a start after the report: another outage
    turn.remember(
        start_for=told.at.isoformat() if told.at else None,
        offer_for=told.offer.isoformat() if told.offer else None,
        offer_day=told.day.isoformat() if told.day else None,
        offer_part_hour=told.part_hour,
        start_said=turn.text,
        stated_start=told.at.isoformat() if told.at else None,
        # read again for a report made elsewhere on "no" (its morning or evening asked there)
        told=f"{turn.state.get('told') or ''} {turn.text}".strip(),
    )
    _ask_same_report(turn, report, turn.tr._("Thank you, I have the time it went off."))
    return True


def _power_back_told(turn: Turn) -> bool:
    """The message tells the power is back («رجعت الكهرباء الساعة ٩»), not asks it."""
    from handlers.outage_status import asks, says

    return says(turn.text, "power_back") and not asks(turn.text)


def _asks_status(turn: Turn, understood: Understanding) -> bool:
    """A question of the report's status, with no place in it: the model's reading, sure, of a
    question ("وش صار على البلاغ؟", "any update on when it will be restored?")."""
    from handlers.outage_status import asks

    if understood.intent != "outage_status" or understood.confidence < 0.8:
        return False
    named = find_place(turn.text)
    return asks(turn.text) and not (named.city or named.district or named.unlisted)


def step(turn: Turn, understood: Understanding) -> bool:
    if turn.state.get("stage") in ("start", "start_part") and (
        _new_request(turn, understood) or _elsewhere(turn)
    ):
        turn.finish()
        return False  # read afresh, as a message of its own
    if turn.state.get("stage") == "same_report":
        return _same_report_answer(turn, understood)
    if turn.state.get("stage") == "start":
        return _start_answer(turn, understood)
    if turn.state.get("stage") == "start_part":
        return _offer_answer(turn, understood)
    if turn.state.get("stage") == "back_part":
        from handlers.outage_status import back_part_answer

        return back_part_answer(turn, understood)
    if turn.state.get("stage") == "which_report":
        from handlers.outage_status import which_report_answer

        return which_report_answer(turn, understood)
    if _asks_when_back(turn, understood):
        return True
    if turn.state.get("district") and _city_answer(turn, understood):
        return True
    accounts = turn.state.get("accounts", [])
    stated = turn.state.get("stated_start")
    stated = datetime.fromisoformat(stated) if stated else None
    urgent = bool(turn.state.get("urgent")) or medical_need.mentioned(turn.text)
    if turn.message.location is not None:
        _report(turn, stated_start=stated, urgent=urgent)
        return True
    picked = choice_number(turn.text)
    if picked is not None and accounts:
        if 1 <= picked <= len(accounts):
            _report(
                turn, account=Account(**accounts[picked - 1]), stated_start=stated, urgent=urgent
            )
        else:
            turn.say(
                turn.tr._(
                    "Please send a number from 1 to {last}.", last=turn.tr.number(len(accounts))
                )
            )
        return True
    listed = [Account(**a) for a in accounts]
    by_premise = accounts_by_premise(turn.text, listed, by_kind=False)
    own = own_premise_named(turn.text, [a.premise for a in listed])
    if len(by_premise) != 1 and own is not None:
        by_premise = [listed[own]]  # "بيتي" with a villa and a shop: the villa, their home
    if len(by_premise) == 1:  # "الفيلا", "المحل": that premise on the list ("بيت ابوي" is not)
        _report(turn, account=by_premise[0], stated_start=stated, urgent=urgent)
        return True
    if medical_need.mentioned(turn.text):
        # "My father is on oxygen" answers no question about the place: kept, and asked again.
        named = named_in(turn.text, [Account(**a) for a in accounts])
        if named:
            _report(turn, account=named[0], stated_start=stated, urgent=True)
        else:
            turn.remember(urgent=True)
            _ask_where(turn, [Account(**a) for a in accounts])
        return True
    whole = whole_city_named(turn.text)
    if whole is not None:  # "الحي ما يهم، الرياض كلها طافية", "كل الرياض": the whole city
        _report(
            turn, city=whole, district=whole_city_district(), stated_start=stated, urgent=urgent
        )
        return True
    place = find_place(turn.text, city=turn.state.get("city"))
    # "near the big mosque" (read as a hazard's words): a place, the answer all the same
    only_place = ((place.district or place.city) and not place.other_words) or only_a_place(
        turn.text
    )
    if (
        understood.intent not in ("unknown", "outage_report")
        and understood.confidence >= 0.8
        and not only_place  # "في حي الصفا جدة" (read as a status question): the answer
    ):
        # The subscriber moved on to something else; "كم تعويضي" keeps the report unless asked
        # twice with still no place.
        return understood.intent == "compensation" and _compensation_after_report(turn, place)
    if not (place.district or place.unlisted or place.ambiguous) and _not_a_place(turn, understood):
        return _no_place_in(turn, understood, place)
    timed = read_times(turn.text, turn.now).start is not None
    stated = _time_told(turn)  # "من ساعة في حي الندى": the time kept with the place
    if place.ambiguous or place.unlisted:
        if timed:
            turn.say(turn.tr._("Thank you, I have the time it went off."))
        _ask_city(turn, place)
        return True
    if not place.district and timed:
        # "من نص ساعة" answering "where?" says when the power went off, not where (a blind
        # subscriber test's report was filed at "من نص ساعه، الرياض").
        if place.city:  # "من نص ساعه، الرياض": the city said with the time is kept
            turn.remember(city=place.city, district=None, cities=None)
        turn.say(turn.tr._("Thank you, I have the time it went off."))
        _ask_where(turn, [Account(**a) for a in accounts], again=True)
        return True
    if place.city and not place.district and not place.rest:
        turn.remember(city=place.city, district=None, cities=None)
        _ask_where(turn, [Account(**a) for a in accounts])
        return True
    if not (place.district or place.city or turn.state.get("city")):
        # "مدري", "عند بيت ابوي": no district or city in it. Asked again (the premises as
        # choices); typed a second time, it is taken as typed (below) when it says where (a
        # street, a landmark), "I don't know" never: "مدري" again gets a way out (the
        # location, or 933) and the question stops.
        tries = int(turn.state.get("where_tries", 0))
        dont_know = mentions(turn.text, "dont_know")
        if dont_know and int(turn.state.get("dont_know", 0)) >= 1:
            turn.finish()
            turn.say(
                turn.tr._(
                    "No problem. When you can, share your location here (or type the district "
                    "and city) and I will record the report. For an emergency, call 933."
                )
            )
            return True
        if tries < 1 or dont_know:
            turn.remember(
                where_tries=tries + (not dont_know),
                dont_know=int(turn.state.get("dont_know", 0)) + dont_know,
            )
            turn.say(turn.tr._("I did not find a district or a city in that."))
            _ask_where(turn, [Account(**a) for a in accounts], again=True)
            return True
        if not says_where(turn.text):  # "kaifak": no place, however often typed
            _no_place_said(turn, [Account(**a) for a in accounts], tries)
            return True
    # A district we do not list is taken as typed (the list cannot hold every district).
    district = place.district or place.rest or turn.text.strip()
    if not district or len(district) > 80 or not any(ch.isalpha() for ch in district):
        turn.say(turn.tr._("Please type the district name, or share your location."))
        return True
    _report(turn, city=place.city, district=district, stated_start=stated, urgent=urgent)
    return True


# How sure the model must be that an answer to "where?" is another request for it never to be
# taken as a place typed (below the 0.8 at which the subscriber moved on: "i want my bill" is
# read as the bill at 0.64), and what a place is read as often enough ("near the mosque": a
# hazard's words) not to count.
_ANOTHER_REQUEST = 0.6
_PLACE_READ_AS = ("unknown", "outage_report", "hazard_report")


def _not_a_place(turn: Turn, understood: Understanding) -> bool:
    """The answer to "where is the power out?" is a question ("how much do I get?", «كم لي
    تعويض؟») or another request ("i want my bill"): never the report's place, typed a second
    time or not (a tester's report was filed at "Place: how much do I get?")."""
    from handlers.outage_status import asks  # the one rule of what is a question

    if asks(turn.text) or mentions_words(turn.text, "how_much"):
        return True
    return understood.intent not in _PLACE_READ_AS and understood.confidence >= _ANOTHER_REQUEST


def _no_place_in(turn: Turn, understood: Understanding, place: NamedPlace) -> bool:
    """A question or another request answering "where?" (`_not_a_place`): the place asked again,
    the report kept in progress; a second time, no report is made and the message is read
    afresh, as a request of its own (False). "كم تعويضي" is kept to be answered after the
    report (`_compensation_after_report`)."""
    if understood.intent == "compensation" and not place.city:
        return _compensation_after_report(turn, place)
    if turn.state.get("not_a_place"):
        turn.finish()
        turn.say(
            turn.tr._(
                "I have not recorded an outage report, as I do not know where the power is out. "
                "Tell me the place whenever you like and I will report it."
            )
        )
        return False
    turn.remember(not_a_place=True)
    if place.city:  # "كم التعويض في الرياض؟": the city kept, the district asked
        turn.remember(city=place.city, district=None, cities=None)
    else:
        turn.say(turn.tr._("I did not find a district or a city in that."))
    _ask_place_again(turn, [Account(**a) for a in turn.state.get("accounts", [])])
    return True


# Answers to "where?" that say no place at all: at the last, the question stops.
NO_PLACE_TRIES = 3


def _no_place_said(turn: Turn, accounts: list[Account], tries: int) -> None:
    """An answer to "where?" that says no place ("kaifak", "shloonak": `says_where`) is never
    the report's place, typed once or three times: asked again, kindly; the last time the
    question stops, no report is made, and the ways to give the place are said, with a person
    offered (its number, or "agent")."""
    _ = turn.tr._
    if tries + 1 < NO_PLACE_TRIES:
        turn.remember(where_tries=tries + 1)
        turn.say(_("Sorry, I could not tell a place from that."))
        _ask_where(turn, accounts, again=True)
        return
    turn.finish()
    turn.say(
        _(
            "I have not recorded an outage report yet, as I could not tell where the power is "
            "out. When you can, share your location here or type the district and city (for "
            'example: Al Olaya, Riyadh) and I will record it. Or send "agent" to talk to a '
            "person."
        ),
        agent_offered(turn),
    )


def _compensation_after_report(turn: Turn, place: NamedPlace) -> bool:
    """ "كم تعويضي" while the place is asked: the report is not dropped unsaid. The first time,
    the place is asked again and the question kept, answered once the report is made (the
    compensation is counted from the outage it records); asked again with still no place, the
    report is said to be not made, and the question answered. True when the place is asked."""
    if place.district or place.city or place.unlisted or turn.message.location is not None:
        return False
    _ = turn.tr._
    if turn.state.get("then_compensation"):
        turn.finish()
        turn.intent = "compensation"
        turn.say(
            _(
                "I have not recorded an outage report, as I do not know where the power is out. "
                "Tell me the place whenever you like and I will report it."
            )
        )
        return False
    turn.intent = "outage_report"
    turn.remember(then_compensation=turn.text)
    turn.say(
        _(
            "Your outage report is not recorded yet: I need to know where the power is out "
            "first. Then I will answer your compensation question."
        )
    )
    _ask_place_again(turn, [Account(**a) for a in turn.state.get("accounts", [])])
    return True


def _ask_place_again(turn: Turn, accounts: list[Account]) -> None:
    """The place asked again, the report kept in progress: the city when a district was told,
    else where (the sender's premises listed)."""
    district = turn.state.get("district")
    if district:
        _ask_city(turn, NamedPlace(None, district, tuple(turn.state.get("cities") or ())))
    else:
        _ask_where(turn, accounts, again=True)


def _asks_when_back(turn: Turn, understood: Understanding) -> bool:
    """ "هيرجع امتى؟", "emta btirja3?" while the place is asked: nothing is known of an outage
    not yet reported, so the place is needed first, to record it and follow it up; asked again,
    the report kept in progress, and the question answered once it is made. A place, a premise
    or a report's reference in the message is not this."""
    if understood.intent != "outage_status" or turn.message.location is not None:
        return False
    accounts = [Account(**a) for a in turn.state.get("accounts", [])]
    named = find_place(turn.text)
    if named.district or named.city or named.unlisted or named_in(turn.text, accounts):
        return False
    if named_reference(turn.text) is not None or choice_number(turn.text) is not None:
        return False
    turn.intent = "outage_report"
    turn.remember(asked_when=True)
    turn.say(
        turn.tr._(
            "We need to know where the power is out first, to record your report and follow it "
            "up; then I will tell you what is known of when it comes back."
        )
    )
    _ask_place_again(turn, accounts)
    return True


def _time_told(turn: Turn) -> datetime | None:
    """When the power went off: as stated before in the flow, else as the answer to a place
    question tells it ("من نص ساعة، حي الندى"), kept in the flow's state with the message (its
    times read again once the report is made), never dropped for the place said with it."""
    stated = turn.state.get("stated_start")
    start = datetime.fromisoformat(stated) if stated else None
    if read_times(turn.text, turn.now).start is None:
        return start
    start = start or start_told(turn.text, turn.now).at
    turn.remember(
        stated_start=start.isoformat() if start else None,
        told=f"{turn.state.get('told') or ''} {turn.text}".strip(),
    )
    return start


def _may_be(account: Account, named: NamedPlace) -> bool:
    """The sender's one premise is where the power is out unless the message names another
    place ("في حي النسيم بالرياض" from a subscriber in Jeddah): a stated place wins."""
    district = named.district or named.unlisted  # "في حي الندى": a district we do not list
    if district or named.cities:
        return bool(account.district) and normalize(district or "") == normalize(account.district)
    return not named.city or normalize(named.city) == normalize(account.city or "")


def _account_state(account: Account) -> dict:
    return {
        "account": account.account,
        "name": account.name,
        "city": account.city,
        "district": account.district,
        "premise": account.premise,
    }


@dataclass(frozen=True)
class StartTold:
    """When a message says the power went off, read by the same reader as the compensation
    questions: `at` when it can be counted from (an hour, or a named moment such as "الفجر",
    "امس المغرب", "من ساعتين"), else `ask` what is missing: "when" (a day with no hour, or a span
    such as "الصبح", "من بدري"), "am_pm" (an hour 1-12 with no morning or evening) or "future"
    (a start that has not come yet); `day` is what is certain of it (kept for the answer), and
    `day_said` whether the message named it ("يوم الخميس"), so the question says it back."""

    at: datetime | None = None
    ask: str | None = None
    day: date | None = None
    part_hour: int | None = None  # the span's usual hour ("الصبح": 8): an hour's AM or PM
    # The usual hour of a named moment ("confirm") or of a span ("الصبح": "when"), offered back
    # and counted only once the subscriber says yes: what they said, shown as we read it.
    offer: datetime | None = None
    day_said: bool = False
    # "am_pm": the hour said, read one way, kept so "الصبح" / "المسا" in answer completes it.
    hour: datetime | None = None
    # A part of the day whose hour is never offered ("من بدري"): asked with none suggested.
    unoffered: bool = False
    # A month named with no day ("في رمضان"): said back with the question, whose answer may be
    # the day's number alone.
    month: NamedMonth | None = None
    month_clock: str | None = None  # "HH:MM", the hour told with that month ("الساعة ١٠ الليل")


def _back_with_no_report(turn: Turn) -> None:
    """«رجعت الكهرباء» from a sender with no outage report open: nothing to report, and the way
    to what an outage that ended may have earned."""
    _ = turn.tr._
    turn.intent = "outage_status"
    turn.say(
        _("Thank God it is back.")
        + " "
        + _(
            "I have no outage report of yours open. To know whether this outage earned you "
            "compensation, tell me when the power went off and when it came back."
        )
    )


def start_told(text: str, now: datetime, after: datetime | None = None) -> StartTold:
    # A report's turn asks four times of its message (the start correction, the report, the
    # compensation's day, the start question): the last answer is kept (a pure reading of its
    # arguments, the reading itself kept by `read_times`).
    global _last_start_told
    last = _last_start_told
    if last is not None and last[0] == text and last[1] == now and last[2] == after:
        return last[3]
    told = _start_told(text, now, after)
    _last_start_told = (text, now, after, told)
    return told


_last_start_told: tuple[str, datetime, datetime | None, StartTold] | None = None


def _start_told(text: str, now: datetime, after: datetime | None) -> StartTold:
    reading = read_times(text, now)
    ended = reading.end.at if reading.end is not None else None
    if (
        reading.still_after_range
        and ended is not None
        and ended <= now
        and compensation.kind_told(text) != compensation.PLANNED
    ):
        # "6-7am, then again at 9 and still off": not from 6. A planned outage's range is its
        # announced window ("مجدول من ٨ لين ٢ وللحين ما رجعت"): from its start, running over.
        return StartTold(ask="when")
    if reading.start is None and reading.month is not None:
        # "انقطعت في رمضان": a month, no day of it; never counted from today, the day asked
        clock = reading.vague_clock.isoformat("minutes") if reading.vague_clock else None
        return StartTold(ask="when", month=reading.month, month_clock=clock)
    return start_policy(reading.start, now, after)


def start_policy(start: Moment | None, now: datetime, after: datetime | None = None) -> StartTold:
    """The one place that decides whether a start told can be counted from or must be asked,
    for the report flow and the compensation questions alike: an hour is counted from; a named
    moment ("الفجر" 05:00, "المغرب") is offered back with its usual hour and counted once the
    subscriber says yes ("confirm": never wrong money from a guessed hour); a span ("الصبح") is
    asked, its usual hour offered the same way; a day alone, an hour with no morning or
    evening, or a start still ahead is asked."""
    if start is None or start.other_weekday is not None:
        return StartTold()  # a weekday that is not the date's: asked after the report
    at = start.at
    today = now.astimezone(RIYADH).date()
    if start.guess == "day_part" and at is not None and at > now and start.day <= today:
        # "من الصبح" at 7:00, its usual hour (8:00) still ahead: the span has begun, ask the hour
        return StartTold(ask="when", day=start.day, part_hour=at.astimezone(RIYADH).hour)
    if at is not None and span_may_have_begun(start, now):
        # "من العصر" at 15:10, its usual hour (15:15) just ahead: today's span may have begun,
        # or yesterday's is meant; the hour is asked with none offered (not yesterday's 15:15,
        # a day's compensation too many if taken unread).
        return StartTold(ask="when", part_hour=at.astimezone(RIYADH).hour, unoffered=True)
    if at is not None and at > now or at is None and start.day > today:
        return StartTold(ask="future")
    day = start.day if start.day_stated or start.guess == "day_part" else None
    if at is None:
        return StartTold(ask="when", day=start.day, day_said=start.day_stated)
    if start.guess == "am_pm":
        only = _only_reading(start, at, now, after)
        return StartTold(ask="am_pm", day=day, hour=at) if only is None else StartTold(at=only)
    if start.guess == "day_part":
        # "من بدري": no hour offered back (any would be a guess), its usual one kept only to
        # read an hour written in answer ("٥": 5 in the morning).
        offer = at if start.offered else None
        return StartTold(
            ask="when",
            day=day,
            part_hour=at.astimezone(RIYADH).hour,
            offer=offer,
            unoffered=not start.offered,
        )
    if start.guess in ("named_part", "about"):  # "الفجر", "around 9pm": said back, confirmed
        return StartTold(ask="confirm", day=day, offer=at)
    if start.just_ahead:  # "since 2am" at 01:00: yesterday's, or a slip; said back with its day
        return StartTold(ask="confirm", day=start.day, offer=at)
    return StartTold(at=at)


def _only_reading(
    start: Moment, at: datetime, now: datetime, after: datetime | None
) -> datetime | None:
    """An hour with no morning or evening that only one reading allows: the other is still
    ahead ("اليوم الساعة ٧" at 10:00) or before `after`, the end of an earlier outage told with
    it ("6-7am, then again at 9"); None when both are possible."""
    shifts = (0, 12) if start.day_stated else (-12, 0, 12)
    possible = [
        at + timedelta(hours=h)
        for h in shifts
        if at + timedelta(hours=h) <= now and (after is None or at + timedelta(hours=h) > after)
    ]
    return possible[0] if len(possible) == 1 else None


def _in_part(said: Moment, part_hour: int, day: date) -> datetime | None:
    """An hour with no morning or evening ("الساعة ٧") answering "about what time?" after a
    span ("من الصبح"): the reading nearer the span's usual hour."""
    clock = said.clock
    assert clock is not None
    hour = clock.hour % 12
    if part_hour < 12 and hour >= 4:  # "الصبح" then "الساعة ٧": 07:00
        return datetime.combine(day, clock.replace(hour=hour), RIYADH)
    if 12 <= part_hour <= 20 and hour >= 1:  # "العصر" / "المغرب" then "الساعة ٤": 16:00
        return datetime.combine(day, clock.replace(hour=hour + 12), RIYADH)
    return None  # the night, or an hour that fits either: asked


def _hour_in_part(hour: datetime, part: Moment, now: datetime) -> datetime | None:
    """An hour said with no morning or evening (`hour`, read one way), then the part of the day
    it was in (`part`: "الصبح", "المسا", "بالليل", read with its usual hour): that hour in that
    part, on the day said, else the latest such time before now."""
    assert part.clock is not None
    local = hour.astimezone(RIYADH)
    said, usual = local.hour % 12, part.clock.hour
    if usual < 12:
        at = said
    elif usual <= 20 or said >= 6:  # "٩ المسا", "١١ بالليل": the evening
        at = said + 12
    else:
        at = said  # "٢ بالليل": after midnight
    day = part.day if part.day_stated else local.date()
    moment = datetime.combine(day, local.time().replace(hour=at), RIYADH)
    if moment > now and not part.day_stated:
        moment -= timedelta(days=1)
    return moment


def _ask_start(turn: Turn, report: OutageReport, told: str) -> None:
    """After the report: a start it said but that cannot be counted from (vague, AM or PM,
    not come yet) is asked about, once, rather than guessed; the report counts from itself
    until then."""
    if report.stated_start is not None or turn.flow is not None:
        return
    start = start_told(told, turn.now)
    if start.ask is None:
        return
    ask_start_of(turn, report, start)


def ask_start_of(turn: Turn, report: OutageReport, told: StartTold) -> None:
    """A start told for `report` that cannot be counted from as it is: its usual hour offered
    back ("من الفجر"), else "about what time?" (or "morning or evening?", the hour kept for the
    answer). The one place both the report flow and the records ask it; answered in this flow."""
    if told.offer is not None and told.offer <= report.reported:
        _offer_start(turn, report, told)
        return
    _ask_start_time(turn, report, told if told.ask else replace(told, ask="when"))


def _offer_start(turn: Turn, report: OutageReport, told: StartTold) -> None:
    """ "من الفجر", "من الصبح": its usual hour offered back, counted from once the subscriber
    says yes; the day and the span kept for an hour written instead ("الساعة ٧")."""
    from handlers.compensation import start_part_question, yes_no

    assert told.offer is not None
    if report.stated_start is None:
        record_offered_start(report, told.offer)
    turn.begin(
        FLOW,
        stage="start_part",
        report=report.id,
        at=told.offer.isoformat(),
        day=told.day.isoformat() if told.day else None,
        part_hour=told.part_hour,
        tries=0,
    )
    question = start_part_question(turn, told.offer)
    if _power_back(report, turn.session.get(Incident, report.incident_id)):
        question += "\n" + counted_from_known_start(turn, report, meanwhile=True)
    turn.say(question, yes_no(turn))


def _offer_answer(turn: Turn, understood: Understanding) -> bool:
    """The answer to "shall I count from about 5:00 AM?": yes keeps it; a time written instead
    is the answer to "about what time?"; no asks the hour."""
    report = turn.session.get(OutageReport, turn.state.get("report"))
    if report is None:
        turn.finish()
        return False
    word, picked = control_word(turn.text), choice_number(turn.text)
    if word == "yes" or picked == 1:
        at = datetime.fromisoformat(turn.state["at"])
        back = turn.state.get("back")
        turn.finish()
        take_start(
            turn, report, at, confirmed=True, back=datetime.fromisoformat(back) if back else None
        )
        return True
    turn.remember(stage="start")
    # "من الساعة ٧", or "٧" alone: an hour (the choices shown are 1 and 2 only)
    if picked != 2 and read_times(_as_answer_hour(turn.text, turn.now), turn.now).start:
        return _start_answer(turn, understood)
    if word == "no" or picked == 2:
        turn.say(turn.tr._('At what time exactly? For example: "from 6 in the morning".'))
        return True
    turn.finish()
    if mentions(turn.text, "dont_know"):  # "والله ما ادري": counted from the report, said so
        turn.say(_counted_from_report(turn, report))
        return True
    return False


def _start_question(turn: Turn, told: StartTold) -> str:
    from handlers.compensation import day_words

    _ = turn.tr._
    if told.ask == "am_pm" and told.hour is not None:  # "من الساعة تلاتة": that hour, which?
        return half_day_question(turn, told.hour)
    if told.ask == "am_pm":
        return _('At what time exactly, morning or evening? For example: "from 6 in the morning".')
    if told.ask == "when" and told.month is not None:  # "في رمضان": the day of it asked
        return month_day_question(turn, told.month, hour_known=bool(told.month_clock))
    if told.ask == "when" and told.day_said and told.day is not None:  # "من يوم الخميس"
        return _(
            "You said {day}: about what time did the power go off?",
            day=day_words(turn, told.day),
        )
    if told.ask == "when" and told.unoffered and told.day is not None:  # "من بدري"
        return _("You said early: about what time did the power go off? Write the hour.")
    if told.ask == "when" and told.unoffered:  # "من العصر" as Asr comes: today's or yesterday's
        return _("About what time did the power go off? Write the hour, and the day if not today.")
    question = _("About what time did the power go off?")
    if told.ask == "future":
        return _("That time has not come yet.") + " " + question
    return question


def _month_day_again(turn: Turn, report: OutageReport, month: NamedMonth) -> bool:
    """An hour, or a number past the month's end, answering "which day of <month>?": asked
    once more (the month's days said), never read as today's; then counted from the report."""
    tries = int(turn.state.get("tries", 0)) + 1
    if tries >= 2:
        turn.finish()
        turn.say(_counted_from_report(turn, report))
        return True
    turn.remember(tries=tries)
    hour_known = bool(turn.state.get("month_clock"))
    turn.say(month_day_question(turn, month, hour_known=hour_known, again=True))
    return True


def N_(msgid: str) -> str:
    return msgid


# The part of the day an hour (0-23) falls in, as said after it: "٣ العصر", "٣ الفجر".
_PARTS_OF_DAY = (
    (1, N_("at night")),  # 0: midnight
    (5, N_("before dawn")),
    (12, N_("in the morning")),
    (15, N_("around noon")),
    (18, N_("in the afternoon")),
    (20, N_("in the evening")),
    (24, N_("at night")),
)


def _part_of_day(hour: int) -> str:
    return next(part for until, part in _PARTS_OF_DAY if hour < until)


def half_day_question(turn: Turn, at: datetime) -> str:
    """ "الساعة 7:30 المغرب ولا الصبح؟": an hour said with no morning or evening (`at`, read
    either way), its two readings named by their parts of the day, the evening's first; the
    start's question and the restoration's alike."""
    return turn.tr._("At {hour} {pm} or {am}?", **_half_day_names(turn, at))


def _half_day_names(turn: Turn, at: datetime) -> dict[str, str]:
    """The hour said with no morning or evening, and its two readings by their parts of the day
    (the evening's first): the same names wherever the two are set side by side."""
    local = at.astimezone(RIYADH)
    hour = local.hour % 12
    said = turn.tr.number(hour or 12)
    if local.minute:
        said = f"{said}:{local.minute:02d}"
    _ = turn.tr._
    return {"hour": said, "pm": _(_part_of_day(hour + 12)), "am": _(_part_of_day(hour))}


def _start_answer(turn: Turn, understood: Understanding) -> bool:
    """The answer to "about what time did the power go off?" (the day they said kept); an
    hour alone ("٧") is the hour, read with the part of the day said first."""
    report = turn.session.get(OutageReport, turn.state.get("report"))
    day = turn.state.get("day")
    if report is None:
        turn.finish()
        return False
    text = _as_answer_hour(turn.text, turn.now)
    if turn.state.get("month"):  # "١٥" answering "which day of Ramadan?"
        month = NamedMonth.load(turn.state["month"])
        dated = day_in_month(turn.text, month, turn.now)
        if dated is not None:
            said = read_times(dated, turn.now).start
            clock = turn.state.get("month_clock")
            # the hour told with the month, when the answer gives the day alone
            text = f"{dated} {clock}" if clock and said and said.clock is None else dated
        elif day_untold(turn.text, turn.now):
            return _month_day_again(turn, report, month)
    told_range = stated_range(text, turn.now, report, date.fromisoformat(day) if day else None)
    if told_range is not None:  # "من ٨ الصبح لين ٦ المغرب": when it went off and came back
        return take_range(turn, report, told_range)
    start = start_told(text, turn.now)
    said = read_times(text, turn.now).start
    part_hour = turn.state.get("part_hour")
    in_part = None
    hour = turn.state.get("hour")
    if hour and negates_an_hour(turn.text):
        # "morning or evening?" of 8, answered "طفت من الفجر مو من ٨": the 8 taken back, not
        # put in the part of the day the answer names
        hour = part_hour = None
    if hour and said is not None and said.clock is not None and said.day_part:
        # "من الساعة ١١" asked "morning or evening?", answered "الصبح": 11:00, not 8:00
        in_part = _hour_in_part(datetime.fromisoformat(hour), said, turn.now)
    elif start.ask == "am_pm" and part_hour is not None and said is not None and said.clock:
        in_part = _in_part(said, int(part_hour), date.fromisoformat(day) if day else said.day)
    elif hour and said is None:
        # "morning", "evening" alone (a greeting's word when not after an hour): read after
        # the hour asked about, "7 morning"
        asked = datetime.fromisoformat(hour)
        after = read_times(f"{asked.astimezone(RIYADH).hour % 12 or 12} {text}", turn.now).start
        if after is not None and after.clock is not None and after.guess != "am_pm":
            in_part = _hour_in_part(asked, after, turn.now)
    if in_part is not None:
        start = StartTold(at=in_part) if in_part <= turn.now else StartTold(ask="future")
    elif start.at is not None and day and said is not None and not said.day_stated:
        at = datetime.combine(date.fromisoformat(day), start.at.astimezone(RIYADH).time(), RIYADH)
        start = StartTold(at=at) if at <= turn.now else StartTold(ask="future")
    elif (
        start.offer is not None
        and day
        and said is not None
        and not said.day_stated
        and not said_as_correction(turn.text)
    ):
        # "قبل امس" then "العصر": that day's Asr offered, not the latest one before now (a
        # correction, "الفجر مو امس", says its own day)
        on_day = date.fromisoformat(day)
        offer = datetime.combine(on_day, start.offer.astimezone(RIYADH).time(), RIYADH)
        start = (
            replace(start, offer=offer, day=on_day)
            if offer <= turn.now
            else StartTold(ask="future")
        )
    # A time after the report was sent ("الساعة ٣ ونص العصر" of a report sent at 1 pm, or
    # "العصر" then): not when this outage began, and said so, never dropped unsaid.
    after_report = next(
        (at for at in (start.at, start.offer) if at is not None and at > report.reported), None
    )
    if start.at is not None and start.at > report.reported:
        start = StartTold(ask="when")
    if start.at is not None:
        seen = bool(turn.state.get("day_seen")) and said is not None and not said.day_stated
        turn.finish()
        take_start(turn, report, start.at, day_seen=seen)
        return True
    if start.offer is not None and start.offer <= report.reported:
        # "امس بعد العشاء", or a correction ("من الفجر مو من امس"): its hour offered, as at first
        _offer_start(turn, report, start)
        return True
    if start.ask is None and said is not None:
        start = StartTold(ask="when")  # a time all the same: the answer, never a new request
    if start.ask is None:
        turn.finish()
        if not mentions(turn.text, "dont_know"):
            return False  # no time in it: a message of its own ("وش صار على بلاغي")
        turn.say(_counted_from_report(turn, report))
        return True
    tries = int(turn.state.get("tries", 0)) + 1
    if tries >= 2:
        turn.finish()
        if after_report is not None:
            late = _after_report(turn, report, after_report)
            turn.say(late + " " + counted_from_known_start(turn, report))
            return True
        turn.say(_counted_from_report(turn, report))
        return True
    turn.remember(tries=tries, day=start.day.isoformat() if start.day else day)
    if start.ask == "am_pm" and start.hour is not None:
        # "الساعة ٣ مو ٤" asked "3 in the afternoon or before dawn?": kept for "العصر" in answer
        turn.remember(hour=start.hour.isoformat())
    if after_report is not None:
        question = turn.tr._("About what time did the power go off before you reported it?")
        turn.say(_after_report(turn, report, after_report) + " " + question)
        return True
    turn.say(_start_question(turn, start))
    return True


# A message of this many words or more, that the classifier is sure asks for compensation, is
# a request of its own, not the answer to a short question ("at 9 at night or in the morning?").
_NEW_REQUEST_WORDS = 8


# The stages at which no report is filed yet: where the power is off, and whether it is the
# outage already reported.
_BEFORE_FILING = (None, "same_report")


def withdrawn(turn: Turn) -> str | None:
    """ "ما ابي ابلغ", "لا ما ابغى بلاغ" while the report is being made: nothing is filed and the
    flow ends. Said alone right after a report was made (at once, their one premise taken), that
    report is withdrawn ("ما ابي ابلغ مرة ثانية" says more, and withdraws nothing). Said so
    either way. Returns the rest of the message, to be read as a message of its own ("كم
    فاتورتي؟"; "" when nothing else was said); None when nothing was taken back."""
    if not unwanted(turn.text):
        return None
    rest = without(turn.text, "report_unwanted").split()
    while rest and control_word(rest[0]) in ("no", "cancel"):
        rest = rest[1:]  # "لا ما ابغى بلاغ": its "no" belongs to the words taken back
    if turn.flow == FLOW and turn.state.get("stage") in _BEFORE_FILING:
        turn.finish()
        turn.intent = "outage_report"
        turn.say(turn.tr._("All right, I have not recorded the report."))
    elif turn.flow is None and not rest and (just_made := _just_made(turn)) is not None:
        report, at_once = just_made
        if at_once:
            from handlers.outage_status import cancel_outage_report

            cancel_outage_report(turn, report)
        else:  # made through the questions: wanted then, so cancelled only when asked plainly
            turn.intent = "outage_report"
            turn.say(
                turn.tr._(
                    'Your report {ref} is recorded. To cancel it, send "cancel my report".',
                    ref=report.reference,
                )
            )
    else:
        return None
    return " ".join(rest)


def unwanted(text: str) -> bool:
    """ "ما ابي ابلغ", "I don't want to report": no outage report wanted."""
    return mentions_words(text, "report_unwanted")


def _just_made(turn: Turn) -> tuple[OutageReport, bool] | None:
    """The sender's report made moments ago and still open, and whether it was made at once at
    their one premise, without a question (so "ما ابي ابلغ" may be what they meant before it
    was filed); None when there is none. One made through the questions was wanted."""
    found = latest_outage_report(turn)
    if found is None or found[0].status == CANCELLED or not found[1].is_open:
        return None
    report = found[0]
    if turn.now - aware(report.reported) > PLACE_CORRECTION_WINDOW:
        return None
    accounts = sender_accounts(turn)
    return report, len(accounts) == 1 and report.account == accounts[0].account


def _elsewhere(turn: Turn) -> bool:
    """The answer to "when did it go off?" names another place than the report's («الفيلا
    طافية من الساعة ٧» asked about the shop's): that place's outage, never this report's start."""
    report = turn.session.get(OutageReport, turn.state.get("report"))
    return report is not None and not same_place(turn, report)


def _new_request(turn: Turn, understood: Understanding) -> bool:
    """A whole new request sent while a short question about the start is open ("the scheduled
    outage was supposed to be 8am to 11am yesterday but power only came back at 6pm.
    compensation?" to "at 9 at night or in the morning?"): read afresh, never taken as the answer
    (a blind test's report start moved to the other outage's hour, months back)."""
    if understood.intent != "compensation" or understood.confidence < 0.8:
        return False
    if choice_number(turn.text) is not None or control_word(turn.text) is not None:
        return False
    words = len(turn.text.split())
    return words >= _NEW_REQUEST_WORDS or (words >= 4 and find_standard(turn.text) is not None)


def _after_report(turn: Turn, report: OutageReport, said: datetime) -> str:
    from handlers.outage_status import when

    return turn.tr._(
        "You said {said}, but your report was sent {sent}, before that: so that is not when this "
        "outage began.",
        said=when(turn, said),
        sent=when(turn, report.reported),
    )


def _as_answer_hour(text: str, now: datetime) -> str:
    """An hour alone ("٧", "6 ونص") answering "about what time?" as "الساعة ٧"; any other
    answer as it is."""
    if read_times(text, now).start is None and read_answer_hour(text, now) is not None:
        return answer_hour_text(text)
    return text


def _counted_from_report(turn: Turn, report: OutageReport) -> str:
    """ "ما ادري" to "about what time did it go off?": what the outage is counted from, said
    plainly: the incident's known start (an operator's, or its first report's), not this
    report's own time when that came later."""
    return turn.tr._("No problem.") + " " + counted_from_known_start(turn, report)


def counted_from_known_start(turn: Turn, report: OutageReport, meanwhile: bool = False) -> str:
    """ "نحسبها من …": the start the outage counts from while the reporter has given no hour of
    their own, and where it comes from: when the power went off in the area by an operator's
    record, the first report of the outage there, or this report. `meanwhile`: said with the
    question for their hour, as what is counted until they answer."""
    incident = turn.session.get(Incident, report.incident_id)
    since = report.start_in(incident) if incident is not None else report.reported
    when = turn.tr.datetime(since, now=turn.now)
    _ = turn.tr._
    operator = incident is not None and incident.start_set_by_operator
    if meanwhile and operator:
        return _(
            "Until you tell me, we count it from {when}, when the power went off in your area "
            "by our records.",
            when=when,
        )
    if meanwhile and since < report.reported:
        return _(
            "Until you tell me, we count it from {when}, when the first report of this outage "
            "in your area came in.",
            when=when,
        )
    if meanwhile:
        return _("Until you tell me, we count it from your report ({when}).", when=when)
    if operator:
        return _(
            "We count your outage from {when}, when the power went off in your area by our "
            "records. If you remember it went off earlier, just tell me.",
            when=when,
        )
    if since < report.reported:
        return _(
            "We count your outage from {when}, when the first report of this outage in your "
            "area came in. If you remember it went off earlier, just tell me.",
            when=when,
        )
    return _(
        "We count your outage from your report ({when}). If you remember when it began, just "
        "tell me.",
        when=when,
    )


def _power_back(report: OutageReport, incident: Incident | None) -> bool:
    """The power is back for this reporter: the incident restored, or they told us so."""
    return report.power_back_at is not None or (incident is not None and not incident.is_open)


# Words a bare "I don't know" may take ("والله ما ادري يا اخوي"); a longer message says more.
_DONT_KNOW_WORDS = 5


def dont_know_start(turn: Turn, understood: Understanding) -> bool:
    """ "ما ادري" to the restoration notice's "about what time did it go off?": not a message
    of its own (nothing to misunderstand), but the answer: what the outage is counted from
    meanwhile, the incident's known start, said so. Only a short message that asks nothing
    else ("ما ادري وش صار على بلاغي" is its own question)."""
    text = turn.message.text or ""
    if not mentions(text, "dont_know") or len(normalize(text).split()) > _DONT_KNOW_WORDS:
        return False
    if understood.intent not in _TIME_ONLY:
        return False
    found = latest_outage_report(turn)
    if found is None or found[0].status == CANCELLED:
        return False
    report, incident = found
    if report.stated_start is not None or incident.is_open or not start_asked(report):
        return False
    if not (_answerable(turn, incident) or _first_reply_to_notice(turn, incident)):
        return False
    turn.finish()
    turn.intent = "outage_report"
    turn.say(_counted_from_report(turn, report))
    return True


# How long after a report its place may still be put right ("لا مو هذا، المحل اللي في الملز"):
# a reply to the report just made, not a new outage elsewhere days later.
PLACE_CORRECTION_WINDOW = timedelta(minutes=30)
# What the model makes of a place sent alone ("الروابي، الرياض": not sure, or a report).
_PLACE_ALONE_READ_AS = ("unknown", "outage_report")


def takes_place_correction(turn: Turn, understood: Understanding | None) -> bool:
    """ "لا مو هذا، المحل اللي في الملز" right after a report: the wrong place is put right;
    so is a place alone ("الروابي، الرياض") after a report made at the sender's one premise.
    The report just made is withdrawn and one made for the place named (a saved premise, or a
    district, the city asked if needed), its stated start kept; True when taken."""
    if understood is None or turn.asking:
        return False
    words_ = normalize(turn.text).split()
    said_no = words_[:1] in (["لا"], ["no"]) or mentions(turn.text, "correction")
    if not said_no and understood.intent not in _PLACE_ALONE_READ_AS:
        return False  # a request of its own ("كم فاتورتي") is no place alone: not looked for
    place = find_place(turn.text)
    # A place and nothing else ("الروابي، الرياض") right after a report made at the one
    # premise without asking (its acknowledgement says how to put it right) corrects it too.
    only_place = bool(place.district or place.unlisted) and not place.other_words
    if not (said_no or only_place):
        return False
    if mentions_words(turn.text, "also"):
        return False  # "لا وكمان المحل اللي في الملز طافي": another place as well, not instead
    found = latest_outage_report(turn)
    if found is None or found[0].status == CANCELLED or not found[1].is_open:
        return False
    report, _incident = found
    if turn.now - aware(report.reported) > PLACE_CORRECTION_WINDOW:
        return False
    accounts = sender_accounts(turn)
    if not said_no and not (len(accounts) == 1 and report.account == accounts[0].account):
        return False  # a place alone corrects only a report made at their one premise
    named = named_in(turn.text, accounts)
    if named:
        if named[0].account == report.account:
            return False  # the same premise: nothing to put right
    elif not (place.district or place.unlisted) or same_place(turn, report):
        return False
    stated = aware(report.stated_start) if report.stated_start is not None else None
    if stated is not None and covered_report(turn.session, report, _incident) is not None:
        stated = None  # the start of the outage restored at the first place: not this one's
    cancel_report(turn.session, report, turn.now)
    turn.finish()
    turn.say(
        turn.tr._(
            "Sorry about that: I withdrew report {ref}, made for the wrong place.",
            ref=report.reference,
        )
    )
    start(turn, understood, stated_start=stated)
    return True


# What a message telling when the power went off may be asked as, besides a report.
_CORRECTS_IN = ("outage_report", "outage_status", "compensation", "unknown")
# A vague start to an open report ("من الصبح") is asked about only from a message that is just
# that (the classifier sure of nothing else), not one that asks its own question beside it.
_TIME_ONLY = ("outage_report", "unknown")


def takes_start_correction(turn: Turn, understood: Understanding | None) -> bool:
    """A start told after the report, in a message of its own ("نسيت اقول لك انها طافية من
    الساعة ٥ العصر", "ليه مافي تعويض؟ الكهرباء طافيه من الفجر!" after the restoration): kept on
    the sender's latest report and said back, with what it earns; True when taken. Only a start
    before the report (and before the restoration on record), of the same place, and not the one
    kept already."""
    if understood is None or turn.flow == FLOW or (turn.flow == "compensation" and turn.asking):
        return False  # (a compensation answered, kept for a correction, asks nothing)
    if turn.flow is None and confirms_offered_start(turn):  # another flow's "yes" is its own
        return True
    if turn.flow is None and dont_know_start(turn, understood):
        return True
    if understood.intent not in _CORRECTS_IN:
        return False
    if not about_this_outage(turn.text):
        return False  # "فصلوا الكهرباء عني امس الساعة ٣": another case, with its own start
    if supposed_length(turn.text):
        return False  # "لو صار لي 10 ساعات": a length supposed, not when it began
    if "end" in understood.slots:
        return _takes_range(turn)
    told = start_told(turn.text, turn.now)
    if told.at is None and told.ask not in ("when", "am_pm", "confirm"):
        return False
    found = latest_outage_report(turn)
    if found is None or found[0].status == CANCELLED:
        return False
    report, incident = found
    if planned_said_of_fault(turn.text, incident):
        return False
    told = on_stated_day(turn, report, incident, told)
    stated = aware(report.stated_start) if report.stated_start is not None else None
    correcting = stated is not None and _corrects_start(turn.text, stated)
    if correcting:
        assert stated is not None
        told = _corrected(turn, told, stated)
        if told.ask == "am_pm" and same_place(turn, report) and _answerable(turn, incident):
            turn.finish()  # "كانت الساعة ١" for "٧ الصبح": neither reading near it, asked
            _ask_start_time(turn, report, told)
            return True
    if told.ask == "when" and incident.is_open and understood.intent not in _TIME_ONLY:
        return False  # "من الصبح وبلغت قبل، وش صار على البلاغ؟": the question is answered first
    if told.at is None and told.offer is None:
        return _asks_start(turn, report, incident, told)
    at = told.at or told.offer
    assert at is not None
    end = report.end_in(incident)  # their case's end: a start after it is a new outage
    if told.at is None and at >= report.reported:  # "من العصر", its hour after the report
        return _asks_start(turn, report, incident, replace(told, offer=None), after_report=at)
    if at >= report.reported or (end is not None and at >= end):
        return False
    if report.stated_start is not None and not correcting:
        # A start the subscriber stated is theirs: another one in a message of its own ("امس
        # انقطعت الساعة ٨ كم التعويض") is most likely another outage, never silently put over it;
        # only one said as its correction ("لا غلطت، كانت الساعة ٨") replaces it.
        return False
    if not same_place(turn, report):
        return False  # another place: a report of its own
    turn.finish()
    if not correcting and _asks_which_report(turn, report, told):
        return True
    if told.at is None:
        _offer_start(turn, report, told)
        return True
    take_start(turn, report, told.at)
    return True


def _asks_which_report(turn: Turn, report: OutageReport, told: StartTold) -> bool:
    """ "الكهربا منطفيه من ساعتين" from a subscriber with premises besides the reported one, not
    naming it: the report is not changed unasked. "Is this about your report OUT-… at <place>?",
    as a new "طافية عندنا" is asked; yes sets its start (or offers the usual hour of "من الصبح"),
    no asks where (a new report, counted from an exact start). True when asked."""
    accounts = sender_accounts(turn)
    if not any(a.account != report.account for a in accounts):
        return False
    named = named_in(turn.text, accounts)
    if named and named[0].account == report.account:
        return False  # the reported premise, named: no doubt which
    offer = told.offer
    turn.begin(
        FLOW,
        stage="same_report",
        report=report.id,
        start_for=told.at.isoformat() if told.at else None,
        offer_for=offer.isoformat() if offer else None,
        offer_day=told.day.isoformat() if told.day else None,
        offer_part_hour=told.part_hour,
        accounts=[_account_state(a) for a in accounts],
        stated_start=told.at.isoformat() if told.at else None,
        urgent=False,
        media=[],
        city=None,
        damage=mentions_damage(turn.text),
        told=turn.text,
    )
    _ask_same_report(turn, report)
    return True


def _ask_same_report(turn: Turn, report: OutageReport, lead: str | None = None) -> None:
    """ "Is this about your report OUT-… at <place>?", answered in `_same_report_answer`."""
    _ = turn.tr._
    question = _(
        "Is this about your report {ref} at {place}?",
        ref=report.reference,
        place=place_shown(turn, report),
    )
    turn.say(
        f"{lead}\n{question}" if lead else question,
        [Choice("1", _("Yes, that one")), Choice("2", _("No, another place"))],
    )


def _corrects_start(text: str, stated: datetime) -> bool:
    """The message says it puts right the start already stated: a correction word ("غلطت",
    "أقصد", "صحح"), a leading "لا", or the stated hour denied ("الساعة ٨ مو ٧", "8 not 7")."""
    norm = normalize(text)
    if mentions(text, "correction") or norm.split()[:1] in (["لا"], ["no"]):
        return True
    hour = stated.astimezone(RIYADH).hour % 12 or 12
    denied = "|".join(re.escape(normalize(word)) for word in phrases("negation"))
    return re.search(rf"(?<!\w)(?:{denied})\s+(?:الساعه\s+)?{hour}(?!\d)", norm) is not None


# How far from the start it corrects an hour said with no morning or evening may be and still
# be read in that start's half of the day ("٧ الصبح", then "كانت الساعة ٨": 08:00); further
# off ("كانت الساعة ١"), which half is asked.
_CORRECTED_NEAR = timedelta(hours=6)


def _corrected(turn: Turn, told: StartTold, stated: datetime) -> StartTold:
    """A corrected start read against the one it replaces: with no day said, on that start's
    day; with no morning or evening, the reading nearer to it (when near enough); a day alone
    ("لا قصدي اول امس"), that start's hour on that day."""
    said = read_times(turn.text, turn.now).start
    old = stated.astimezone(RIYADH)
    if said is not None and said.day_stated and said.clock is None and told.at is None:
        at = datetime.combine(said.day, old.time(), RIYADH)
        return StartTold(at=at) if at <= turn.now else told
    if said is None or said.day_stated:
        return told
    if told.at is not None:
        at = datetime.combine(old.date(), told.at.astimezone(RIYADH).time(), RIYADH)
        return replace(told, at=at) if at <= turn.now else told
    if told.ask != "am_pm" or told.hour is None:
        return told
    clock = told.hour.astimezone(RIYADH).time()
    readings = [
        datetime.combine(old.date(), clock.replace(hour=clock.hour % 12 + half), RIYADH)
        for half in (0, 12)
    ]
    near = min(readings, key=lambda at: abs(at - old))
    if abs(near - old) < _CORRECTED_NEAR and near <= turn.now:
        return StartTold(at=near)
    return told


def _answerable(turn: Turn, incident: Incident) -> bool:
    """A start or a range told now may still be this incident's: it is open, or was restored
    within STILL_OFF_WINDOW (a reply to the restoration notice)."""
    return incident.is_open or (
        incident.end is not None and turn.now - aware(incident.end) <= STILL_OFF_WINDOW
    )


def confirms_offered_start(turn: Turn) -> bool:
    """ "نعم" to the restoration notice's "you told us it went off about 10 PM: what time
    exactly?": the hour offered is confirmed, kept and counted from, as a yes to the offer is.
    Read on the words sent (the last choices shown may have made "نعم" a "1")."""
    if control_word(turn.message.text or "") != "yes":
        return False
    found = latest_outage_report(turn)
    if found is None or found[0].status == CANCELLED:
        return False
    report, incident = found
    if report.stated_start is not None or incident.is_open:
        return False
    answerable = _answerable(turn, incident)
    if not (answerable or _first_reply_to_notice(turn, incident)):
        return False
    if report.offered_start is None:
        if report.stated_day is None or not answerable:
            return False  # (its hour, told later still, is put on that day only while answerable)
        # "نعم" to "you told us it went off on Saturday: about what time?": the hour is still
        # what the figure needs, so it is asked again, plainly, and the answer is taken.
        turn.finish()
        turn.say(
            turn.tr._(
                "To count your compensation I need the hour your power went off on {day}. "
                'About what time was it? For example: "from 10 at night".',
                day=turn.tr.date(report.stated_day, hijri=False),
            )
            + "\n"
            + counted_from_known_start(turn, report, meanwhile=True)
        )
        return True
    turn.finish()
    take_start(turn, report, aware(report.offered_start), confirmed=True)
    return True


def _first_reply_to_notice(turn: Turn, incident: Incident) -> bool:
    """The sender has written nothing since the restoration notice: this message answers it,
    however long after (a yes a day later is still about that notice, not a menu choice)."""
    last = turn.contact.last_inbound_at
    return incident.end is not None and last is not None and aware(last) <= aware(incident.end)


def on_stated_day(
    turn: Turn, report: OutageReport, incident: Incident, told: StartTold
) -> StartTold:
    """An hour with no day ("من ٨ الصبح") told for a report whose day the reporter said before
    ("من يوم السبت", asked its hour): that hour on that day, not today's. Only while the hour
    may still be this incident's (`_answerable`): days after its restoration, "من ٨ الصبح" is
    today's, another outage, never moved back onto the old report's day."""
    day = report.stated_day
    said = read_times(turn.text, turn.now).start
    moment = told.at or told.offer
    if day is None or report.stated_start is not None or said is None or said.day_stated:
        return told
    if not _answerable(turn, incident):
        return told
    if moment is None:
        return told
    moved = datetime.combine(day, moment.astimezone(RIYADH).time(), RIYADH)
    if moved > turn.now:
        return StartTold(ask="future")
    if told.at is not None:
        return replace(told, at=moved, day=day)
    return replace(told, offer=moved, day=day)


def _takes_range(turn: Turn) -> bool:
    """ "من ٨ الصبح لين ٦ المغرب" after the report (open, or in reply to the restoration
    notice): when the sender's power went off and came back, both kept on the report."""
    found = latest_outage_report(turn)
    if found is None or found[0].status == CANCELLED:
        return False
    report, incident = found
    if report.stated_start is not None or report.stated_end is not None:
        return False
    if not _answerable(turn, incident):
        return False
    told = stated_range(turn.text, turn.now, report)
    if told is None or not same_place(turn, report):
        return False
    return take_range(turn, report, told, incident)


def stated_range(
    text: str, now: datetime, report: OutageReport, day: date | None = None
) -> tuple[datetime, datetime] | None:
    """A start and an end both told as hours ("من ٨ الصبح لين ٦ المغرب"), the start before the
    report and the end past: the reporter's own outage, counted from one to the other. `day`:
    the day already told ("من يوم الخميس"), where the hours are when they name none."""
    reading = read_times(text, now)
    if reading.start is None or reading.end is None or reading.end.at is None:
        return None
    start, end = start_policy(reading.start, now).at, reading.end.at
    if start is None or reading.end.hour_guessed or reading.end.guess is not None:
        return None
    if day is not None and not reading.start.day_stated and not reading.end.day_stated:
        shift = day - start.astimezone(RIYADH).date()
        start, end = start + shift, end + shift
    if not start < end <= now or start > report.reported:
        return None
    return start, end


def take_range(
    turn: Turn,
    report: OutageReport,
    told: tuple[datetime, datetime],
    incident: Incident | None = None,
) -> bool:
    """A start and an end told for the report ("من ٨ الصبح لين ٦ المغرب"): both kept on it, unless
    the end came before the report while it is still open (`ended_before_report` asks)."""
    if not ended_before_report(turn, report, told, incident):
        turn.finish()
        take_start(turn, report, told[0], back=told[1])
    return True


def ended_before_report(
    turn: Turn,
    report: OutageReport,
    told: tuple[datetime, datetime],
    incident: Incident | None = None,
) -> bool:
    """A start and an end told for a report still open, the end before the report was sent
    ("من ٨ الصبح لين ٦ المغرب" to a report at 8 pm): the report said the power was off, so that
    was an earlier outage, not this one's end. Asked when it went off this time (once; then the
    report counts from when it was sent), nothing recorded."""
    incident = incident or turn.session.get(Incident, report.incident_id)
    if incident is None or report.case_over(incident):
        return False
    if told[1] >= report.reported:
        return False
    from handlers.outage_status import when

    _ = turn.tr._
    if turn.flow == FLOW and turn.state.get("stage") == "start" and turn.state.get("again"):
        turn.finish()
        turn.say(_counted_from_report(turn, report))
        return True
    turn.finish()
    turn.intent = "outage_report"
    turn.begin(FLOW, stage="start", report=report.id, day=None, part_hour=None, tries=0, again=1)
    turn.say(
        _(
            "When you reported {reported}, the power was off, though you say it came back "
            "{back}: did it go off again? About what time did it go off this time?",
            reported=when(turn, report.reported),
            back=when(turn, told[1]),
        )
        + "\n"
        + earlier_not_counted(turn, told)
    )
    return True


def earlier_not_counted(turn: Turn, told: tuple[datetime, datetime]) -> str:
    """Said plainly: the outage that ended before the report is not on it (nothing of it is
    recorded), and how to have it counted."""
    from handlers.outage_status import when

    return turn.tr._(
        "The outage from {start} to {back} is not counted on this report: once we are done, "
        "send me its times with «my compensation» and I will count it on its own.",
        start=when(turn, told[0]),
        back=when(turn, told[1]),
    )


def _asks_start(
    turn: Turn,
    report: OutageReport,
    incident: Incident,
    told: StartTold,
    after_report: datetime | None = None,
) -> bool:
    """A start that cannot be counted from as it is ("من يوم الخميس", "الساعة ٦"), told while
    the report is open (the report joined others', so nobody asked) or in reply to the
    restoration notice's "reply with when it began": asked "about what time?" for that report,
    never taken as a new report."""
    if report.stated_start is not None or not same_place(turn, report):
        return False
    if not _answerable(turn, incident):
        return False
    if told.day is not None and told.day > aware(report.reported).astimezone(RIYADH).date():
        return False  # a day after the report: another outage
    turn.finish()
    turn.intent = "outage_report"
    _ask_start_time(turn, report, told if told.ask else replace(told, ask="when"), after_report)
    return True


def _ask_start_time(
    turn: Turn, report: OutageReport, told: StartTold, after_report: datetime | None = None
) -> None:
    """ "About what time did your power go off?" for `report`, with what the message did say
    of it (the day, the part of the day) kept for the answer, and the day kept on the report
    too: unanswered, the restoration asks for the hour on that day, never counts 0 from ours.
    `after_report`: the time told, after the report was sent (said so, and asked before it)."""
    if told.day is not None and told.day <= aware(report.reported).astimezone(RIYADH).date():
        record_stated_day(report, told.day)
    turn.begin(
        FLOW,
        stage="start",
        report=report.id,
        day=told.day.isoformat() if told.day else None,
        part_hour=told.part_hour,
        hour=told.hour.isoformat() if told.hour else None,
        # the day said back in the question ("you said Thursday: about what time?"): an hour in
        # answer is on the day they saw, however far back
        day_seen=bool(told.ask == "when" and told.day_said and told.day),
        month=told.month.dump() if told.month else None,
        month_clock=told.month_clock,
        tries=0,
    )
    question = _start_question(turn, told)
    if after_report is not None:
        question = (
            _after_report(turn, report, after_report)
            + " "
            + turn.tr._("About what time did the power go off before you reported it?")
        )
    if _power_back(report, turn.session.get(Incident, report.incident_id)):
        # After "power is back" the question is never asked from nothing: meanwhile the
        # outage counts from the incident's known start, said so.
        question += "\n" + counted_from_known_start(turn, report, meanwhile=True)
    turn.say(question)


def planned_said_of_fault(text: str, incident: Incident) -> bool:
    """Planned work said ("كان انقطاع مخطط له من الساعة ٥") while the outage on record is no
    planned one: never applied to that report (its start, its amount as a fault), a reviewer
    saw 250 SAR quoted so."""
    from handlers.compensation import PLANNED, kind_told

    return not incident.planned and kind_told(text) == PLANNED


def about_this_outage(text: str) -> bool:
    """No case other than an outage's in the message (as the compensation reader finds the
    standard): a disconnection, a reconnection after payment or a planned outage's notice has a
    start of its own, not the outage report's."""
    # The message's normalized form is the one the turn's other checks have already made.
    standard = find_standard(text, normalized=normalize(text))
    return standard is None or standard in compensation.OUTAGE_STANDARDS


def take_start(
    turn: Turn,
    report: OutageReport,
    at: datetime,
    confirmed: bool = False,
    back: datetime | None = None,
    day_seen: bool = False,
) -> None:
    """The reporter's start, told after the report (an answer, or a correction: "ترا طافية من
    الساعة ٥ الفجر"), kept on it and said back, with what it earns from there. `confirmed`:
    the hour we offered, said yes to ("نعم"): set as it was, not "changed". `back`: when they
    said it came back, told with it ("لين ٦ المغرب"): kept too, and the case counted to it.
    A start more than `FAR_BACK` before the report is asked back first, unless `confirmed` or
    on the day the question said back (`day_seen`)."""
    from handlers.compensation import open_outage_so_far
    from handlers.outage_status import when

    incident = turn.session.get(Incident, report.incident_id)
    assert incident is not None
    turn.intent = "outage_report"
    if not (confirmed or day_seen) and report.reported - at > FAR_BACK:
        _confirm_far_start(turn, report, at, back)
        return
    record_stated_start(report, min(at, report.reported))
    if back is not None:
        record_stated_end(turn.session, report, back)
        note_power_back(report, turn.now)
    _ = turn.tr._
    lines = [
        _(
            "I set the start of your report {ref} to {when}.",
            ref=report.reference,
            when=when(turn, at),
        )
        if confirmed
        else _(
            "I changed the start of your report {ref} to {when}.",
            ref=report.reference,
            when=when(turn, at),
        )
    ]
    if back is not None:
        lines.append(
            _(
                "Thank God it is back. I recorded on your report {ref} that the power came back "
                "{when}.",
                ref=report.reference,
                when=turn.tr.datetime(back, now=turn.now),
            )
        )
    holder = report.account is None  # paid to whoever holds the account there, maybe not them
    if not report.case_over(incident):
        lines.append(open_outage_so_far(turn, report, incident, holder))
    else:
        owed = compensation_for_report(report, incident)
        if owed is not None:
            lines.append(owed.explain(turn.lang, holder, turn.now))
    turn.say("\n".join(lines))


# A start told this long before the report is asked back, never put on it unconfirmed: an hour
# read on the wrong day would quote a fortune (a blind test: 178,750 SAR from "6-7am").
FAR_BACK = timedelta(days=3)


def _confirm_far_start(
    turn: Turn, report: OutageReport, at: datetime, back: datetime | None
) -> None:
    """A start far before the report: said back with how far, and kept only once the
    subscriber says yes; the report's start is not changed until then."""
    from handlers.compensation import day_and_time, yes_no

    turn.begin(
        FLOW,
        stage="start_part",
        report=report.id,
        at=at.isoformat(),
        back=back.isoformat() if back is not None else None,
        day=None,
        part_hour=None,
        tries=0,
    )
    days = (report.reported - at).days
    turn.say(
        turn.tr._(
            "You mean the power went off on {when}, {days} days before your report {ref}? "
            "Reply 1 to count from then, or write the right time.",
            when=day_and_time(turn, at),
            days=turn.tr.number(days),
            ref=report.reference,
        ),
        yes_no(turn),
    )


@dataclass(frozen=True)
class _Extras:
    """What the message that began a report told beside the place: the words of this outage's
    times (`told`), whether it asked when the power comes back, and an earlier outage told with
    it that ended (`earlier`: its start and end, ISO), which is not on the report."""

    told: str | None = None
    asked_when: bool = False
    earlier: list[str] | None = None
    # The report was made at the sender's one premise, no place said nor asked.
    place_assumed: bool = False

    @staticmethod
    def kept(state: dict) -> _Extras:
        """The same, as the flow kept it while it asked where."""
        return _Extras(state.get("told"), bool(state.get("asked_when")), state.get("earlier"))


def _earlier_state(earlier: tuple[datetime, datetime] | None) -> list[str] | None:
    return [at.isoformat() for at in earlier] if earlier else None


def _report(
    turn: Turn,
    account: Account | None = None,
    district: str | None = None,
    city: str | None = None,
    stated_start: datetime | None = None,
    urgent: bool = False,
    extras: _Extras | None = None,
) -> None:
    """`extras`: what the first message told beside the place, for a report made at once; a
    report made in the flow finds it in the flow's state."""
    turn.intent = "outage_report"
    pending = list(turn.state.get("media", [])) if turn.flow == FLOW else []
    damage = mentions_damage(turn.text) or (turn.flow == FLOW and bool(turn.state.get("damage")))
    media = pending + [m for m in _attachments(turn) if m not in pending]
    if extras is None:
        extras = _Extras.kept(turn.state) if turn.flow == FLOW else _Extras()
    told = extras.told
    then_compensation = turn.state.get("then_compensation") if turn.flow == FLOW else None
    turn.finish()
    location = turn.message.location
    mine = sender_outage_reports(turn)
    previous = mine[0] if mine else None
    still_off = bool(
        previous
        and previous[1].status == "restored"
        and previous[1].restored_at is not None
        and turn.now - previous[1].restored_at <= STILL_OFF_WINDOW
    )
    outcome = report_outage(
        turn.session,
        channel=turn.message.channel,
        sender=turn.message.sender,
        phone=turn.phone,
        lang=turn.lang,
        reported_at=turn.now,
        account=account.account if account else None,
        city=account.city if account else city,
        district=account.district if account else district,
        premise=account.premise if account else None,
        latitude=location.latitude if location else None,
        longitude=location.longitude if location else None,
        address=location.address if location else None,
        still_off=still_off,
        stated_start=stated_start,
        urgent=urgent,
        sender_reports=mine,
        never_back=still_off and mentions_words(told or turn.text, "never_back"),
    )
    report_made(turn)
    stored, missed = _keep(turn, outcome.report, media)
    turn.say(
        _acknowledgement(
            turn,
            outcome,
            account,
            damage,
            told or turn.text,
            extras.asked_when,
            place_assumed=extras.place_assumed,
        )
    )
    if extras.earlier:  # "طفت من ٨ ورجعت ١٠ وبعدين طفت الحين": the earlier one, not on it
        start_at, back_at = (datetime.fromisoformat(at) for at in extras.earlier)
        turn.say(earlier_not_counted(turn, (start_at, back_at)))
    compensation.ask_start_day(turn, outcome.report, told or turn.text)
    _ask_start(turn, outcome.report, told or turn.text)
    _ = turn.tr._
    if stored:
        turn.say(
            _(
                "Thank you, what you sent is added to your outage report {ref}.",
                ref=outcome.report.reference,
            )
        )
    if missed:
        turn.say(_("We could not receive what you sent. Please send it again."))
    if then_compensation and turn.flow is None:
        # "كم تعويضي" asked while the place was: answered now, as promised (a start question
        # asked above is that answer's first step: "tell me when and I will count from then").
        said = turn.text
        turn.text = then_compensation
        compensation.start(turn, understand(then_compensation, now=turn.now))
        turn.text = said


def _whole_city_unmarked(report: OutageReport, incident: Incident) -> bool:
    """A whole city reported dark ("جدة كلها ما فيها كهربا") that no operator has marked
    city-wide: its amounts are the incident's standard's (emergency), never the total
    blackout's on the subscriber's word alone."""
    return (
        report.district == whole_city_district()
        and restoration_standard(incident) != TOTAL_BLACKOUT
        and not incident.planned
        and not incident.force_majeure
    )


def _past_deadline_either_way(
    turn: Turn, incident: Incident, told: str
) -> tuple[int, datetime] | None:
    """The restoration deadline in hours, and the hour told, when a start told with an hour but
    no morning or evening ("امس الساعة ٨") is past it read either way; else None. An outage
    recorded as force majeure owes nothing however late (the engine's exclusion), so it is
    never "already due"."""
    deadline = _deadline_hours(turn, incident) if told else None
    if deadline is None:
        return None
    start = start_told(told, turn.now)
    if start.ask != "am_pm" or start.hour is None:
        return None
    readings = [start.hour + timedelta(hours=h) for h in (-12, 0, 12)]
    latest = max(at for at in readings if at <= turn.now)
    if turn.now - latest > timedelta(hours=deadline):
        return deadline, start.hour
    return None


def _past_deadline_unconfirmed(turn: Turn, incident: Incident, told: str) -> bool:
    """A start told but not counted yet (asked next: "since last night", said back as about
    22:00) whose reading is already past the restoration deadline: the rule's "if it is not
    back within …" is not said as if nothing were owed yet."""
    deadline = _deadline_hours(turn, incident) if told else None
    if deadline is None:
        return False
    # The time as read, not start_told's: a start asked next has no hour of its own yet.
    start = read_times(told, turn.now).start
    at = start.at if start is not None else None
    return at is not None and at <= turn.now and turn.now - at > timedelta(hours=deadline)


def _deadline_hours(turn: Turn, incident: Incident) -> int | None:
    """The incident's restoration deadline in hours; None when it owes nothing however late
    (force majeure, the engine's exclusion) or its standard is not counted in hours."""
    if incident.force_majeure:
        return None
    rule = rule_for(restoration_standard(incident), turn.now)
    return rule.deadline if rule.clock == "hours" else None


def _when_back_lines(turn: Turn, report: OutageReport, incident: Incident, told: str) -> list[str]:
    """ "When will it be back?", asked with a new report: what is known of it. The team's
    estimate when there is one (said above the compensation, as every acknowledgement does),
    with the cause when recorded; else none yet, and the time the standard gives the power to
    come back by, from the engine's deadline counted from the start on record, which the real
    start can only be before ("at the latest"). A start the subscriber stated has its deadline
    said already, with what it earns so far; one they told that is not counted yet ("من
    الصبح", asked next) would make that deadline misleading: none is said then."""
    from bot.standards import Case, compensation_for
    from handlers.outage_status import when

    _ = turn.tr._
    lines = [_("Cause: {cause}", cause=incident.cause)] if incident.cause else []
    estimate = aware(incident.estimated_restoration_at)
    if estimate is not None and estimate > turn.now:
        return lines
    start = report.start_in(incident)
    deadline = None
    unsure_start = bool(told) and read_times(told, turn.now).start is not None
    if not incident.force_majeure and report.stated_start is None and not unsure_start:
        # (A stated start: what it earns so far, said above, already gives the deadline.)
        case = Case(restoration_standard(incident), start=start, end=max(turn.now, start))
        deadline = compensation_for(case).deadline
    if deadline is None:
        return [*lines, _("There is no estimated restoration time yet.")]
    if deadline <= turn.now:
        text = _(
            "There is no estimated restoration time from the team yet. Under the standards the "
            "power should have been back by {when}.",
            when=when(turn, deadline),
        )
    else:
        text = _(
            "There is no estimated restoration time from the team yet. Under the standards the "
            "power should be back by {when} at the latest.",
            when=when(turn, deadline),
        )
    return [*lines, text]


def force_majeure_text(turn: Turn, incident: Incident) -> str:
    """Why an outage recorded as force majeure earns nothing, in the engine's words."""
    from bot.standards import Case, compensation_for

    case = Case(
        restoration_standard(incident),
        start=aware(incident.start),
        end=max(turn.now, aware(incident.start)),
        force_majeure=True,
    )
    return compensation_for(case).explain(turn.lang, now=turn.now)


def _acknowledgement(
    turn: Turn,
    outcome: ReportOutcome,
    account: Account | None,
    damage: bool = False,
    told: str = "",
    asked_when: bool = False,
    place_assumed: bool = False,
) -> str:
    """`asked_when`: the message asked when the power comes back, answered after the report's
    compensation rule. `place_assumed`: the place is the sender's one premise, taken without
    asking: said with how to put it right."""
    tr = turn.tr
    _ = tr._
    incident = outcome.incident
    if outcome.is_new_report:
        lines = [
            _(
                "Your outage report is recorded. Reference number: {ref}",
                ref=outcome.report.reference,
            )
        ]
    else:
        lines = [
            _(
                "You have already reported this outage. Your reference number is {ref}; "
                "no need to report it again.",
                ref=outcome.report.reference,
            )
        ]
    if outcome.report.urgent:
        lines.append(medical_need.flagged_line(turn))
    if account is not None:
        lines.append(
            _(
                # The address last: an Arabic one ("فيلا 7، شارع 22") in an English line is
                # never followed by English words, which would run into it right to left.
                "Place (account {account}): {place}",
                place=shown_place((account.premise, account.district), turn.lang),
                account=mask(account.account),
            )
        )
        if place_assumed and outcome.is_new_report:
            lines.append(_("Not this place? Type the district and city where the power is out."))
    elif outcome.report.district:  # said back, so a misread place is caught at once
        report = outcome.report
        lines.append(
            _("Place: {place}", place=shown_place((report.district, report.city), turn.lang))
        )
        if place_assumed and outcome.is_new_report:  # the place of their last report, again
            lines.append(_("Not this place? Type the district and city where the power is out."))
    if not outcome.is_new_report:  # one report per outage: this one's status, not a new one
        from handlers.outage_status import status_lines

        note_still_off(outcome.report, turn.now)  # told again: back only after this

        return "\n".join(lines + status_lines(turn, outcome.report, incident))
    if outcome.joined_existing and outcome.reporters_count > 1:
        # How many reported it, not "the teams are working on it": nobody knows that yet.
        lines.append(
            tr.ngettext(
                "We have {n} report of this outage in your area.",
                "We have {n} reports of this outage in your area, yours included.",
                outcome.reporters_count,
            )
        )
    if incident.estimated_restoration_at is not None:
        lines.append(
            _(
                "Expected restoration: {when}",
                when=tr.datetime(incident.estimated_restoration_at, now=turn.now),
            )
        )
    # Linked to no account: the compensation goes to the account holder of the place
    # (domain.md), who may not be the reporter; said as the restoration notice says it.
    holder = outcome.report.account is None
    if outcome.report.stated_start is not None:
        from handlers.compensation import open_outage_so_far

        # Counted from the start the subscriber stated: what it earns so far, and the rule.
        lines.append(open_outage_so_far(turn, outcome.report, incident, holder))
        covered = covered_report(turn.session, outcome.report, incident)
        if covered is not None:  # "ما رجعت" after the restoration: that case is this one
            lines.append(
                _(
                    "This is the same outage as your report {ref}: it is counted once, on this "
                    "report, from its start.",
                    ref=covered[0].reference,
                )
            )
    elif incident.force_majeure:
        # No compensation, whatever the hours: said as the engine says it, not the rule's amounts.
        lines.append(force_majeure_text(turn, incident))
    elif (past := _past_deadline_either_way(turn, incident, told)) is not None:
        # "امس الساعة ٨" (morning or night, asked next): late either way, so not "if it is
        # not back within 3 hours"; the amount is counted once the hour is told.
        # Its two readings named as the question after it names them ("٥ العصر ولا الصبح").
        lines.append(
            _(
                "At {hour} {pm} or {am}, the power has been off for more than {hours} either "
                "way, so compensation is already due; I will count it once you tell me which.",
                hours=hours(tr, past[0], governed=True),  # «أكثر من ساعتين»
                **_half_day_names(turn, past[1]),
            )
        )
        if holder:
            lines.append(paid_to_holder_text(turn.lang))
    elif _past_deadline_unconfirmed(turn, incident, told):
        # "still no power since last night" (its hour asked next): "if it is not back within 3
        # hours" would read as nothing owed yet, hours on; the amount follows the answer.
        lines.append(
            _(
                "Compensation may already be due for this outage; I will count it once you "
                "confirm when the power went off."
            )
        )
        if holder:
            lines.append(paid_to_holder_text(turn.lang))
    elif holder:
        rule = rule_for(restoration_standard(incident), turn.now)
        lines.append(rule_summary(rule, turn.lang, holder=True))
        lines.append(paid_to_holder_text(turn.lang))
    else:
        lines.append(rule_for(restoration_standard(incident), turn.now).summary(turn.lang))
    if _whole_city_unmarked(outcome.report, incident):
        # The rule above is the incident's, said the same in every reply (`restoration_standard`);
        # the subscriber's word alone makes no total blackout: told as a condition, no amount.
        lines.append(
            _(
                "If the company confirms that the whole city or governorate was without power "
                "(a total blackout), your compensation is counted under that standard instead."
            )
        )
    if asked_when:
        lines += _when_back_lines(turn, outcome.report, incident, told)
    # Last: an SMS cut to its budget keeps the first line (the reference) and the last.
    if damage:
        lines.append(damage_claim_text(turn))
    if turn.contact.opted_out_at is not None:
        # After STOP nothing is sent unasked: promise no notice that will not come.
        lines.append(
            _(
                "You stopped our messages, so we will not message you when the power is back. "
                "Ask here any time with «report status», or send START to get the notices."
            )
        )
    else:
        lines.append(_("We will message you here when the power is back."))
    return "\n".join(lines)
