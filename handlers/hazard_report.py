"""Safety hazard report: what is wrong, where, and a photo if there is one; then one reference
number (HAZ-…) and a thank-you that says what happens next.

What the first message carries is taken at once: the kind ("الطبلون مفتوح"), danger words, a
place in words ("عند مدرسة النور في حي الملز"), a shared location, photos. Only what is missing
is asked, one question at a time. Danger now (sparks, fire, a fallen live line, a person hurt)
and the urgent kinds (an open cabinet or transformer; bot/hazards/data/kinds.toml) are answered
first of all with "call 933 now and keep away". After the report is recorded the
flow stays open for a photo sent a moment later, which joins the same report.

A place in words that names no district or city ("عند المدرسة") cannot be found: the district
and city (or a shared location) are asked once, and added to it. Whatever the answer, the report
is then recorded; a district, city or location sent after it is added to that report. One's own
home ("عند بيتنا", "جنبنا") is no place at all: "where?" is asked before anything is filed.
Typed coordinates and a map link that carries them are a location; a short map link
(maps.app.goo.gl/…) is the place as given, recorded at once, the district asked after. "نفس المكان"
answers "where?" with the sender's last report's place; a hazard named again in answer to it is
never its place.

Someone hurt ("انصعق", or "ولدي لمسه" told of a bare cable) hears "call the ambulance 997" before
the 933 warning. A person asked for in the same message ("ابي موظف ضروري، ...") is handed over
too (recorded, with the call centre's number), after those warnings and before any question. "Something else"
picked by its number is asked a short description first. A question about a report already
made ("وش صار على بلاغ السلك الطايح؟"), or one told still there ("الكبينة اللي بلغت عنها للحين
مفتوحة": noted on it for the team), is answered with its status, not taken as a new report;
an outage told beside the hazard is offered once the hazard is recorded.
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict
from datetime import datetime

from bot.dialogue.messages import Choice, Media
from bot.dialogue.turn import Turn
from bot.hazards.media import Fetched, fetch
from bot.hazards.models import STORED, HazardReport
from bot.hazards.service import (
    HazardOutcome,
    add_city,
    add_place,
    correct_place,
    find_report,
    keep_media,
    note_on_report,
    report_hazard,
)
from bot.hazards.vocabulary import (
    MAX_PLACE_CHARS,
    asks_what_to_do,
    hazard_kinds_named,
    is_danger,
    is_fire,
    is_hurt,
    is_indoor,
    is_urgent_kind,
    kind_ids,
    kind_in,
    names_area,
    only_a_place,
    place_in,
    place_only,
    says_where,
)
from bot.logs import mask_numbers
from bot.outages.models import OutageReport
from bot.outages.places import NamedPlace, display_name, find_place
from bot.phrases import mentions, mentions_words, phrases
from bot.text import normalize
from bot.text.coordinates import coordinates_in, map_link_in
from bot.understanding import Understanding, choice_number
from handlers import agent
from handlers.common import (
    ask_which_city,
    latest_safety_report,
    mask,
    named_kinds,
    named_reference,
    own_premise_named,
    phone_accounts,
    stopped_note,
)
from handlers.menu import offered_in_words

log = logging.getLogger(__name__)

FLOW = "hazard_report"
# Small talk riding along with a photo does not stop it from being a hazard report.
PHOTO_INTENTS = frozenset({"unknown", "hazard_report", "greeting", "thanks", "help"})
MOVED_ON = 0.8  # a confident other request in answer to our question leaves the flow
COURTESY = frozenset({"thanks", "greeting"})


def start(turn: Turn, understood: Understanding, location: dict | None = None) -> None:
    if location is None and not turn.message.media and _asks_after_report(turn):
        return
    turn.intent = FLOW
    turn.begin(
        FLOW,
        stage=None,
        kind=None,
        danger=False,
        warned=False,
        words=[],
        place=None,
        location=location,
        media=[],
    )
    _take(turn)
    if not _placed(turn.state) and (area := _area_told_beside(turn)) is not None:
        turn.remember(place=area)
    if turn.text and outage_beside(turn.text):
        # "الكهرباء طافية من ساعتين والسلك ... طايح": offered once the safety report is taken,
        # from the whole message (its start too).
        turn.remember(outage_too=True, outage_told=turn.text, outage_told_at=turn.now.isoformat())
    if agent.asked_in(turn):
        turn.remember(person=True)  # "ابي موظف ضروري، فيه سلك مكشوف": handed over in _next
    _next(turn)


def _area_told_beside(turn: Turn) -> str | None:
    """A long message of which only the sentences telling the danger were read (the router's
    `_read_part`): the district and city it names elsewhere ("انا ساكن في شقة بالملز … وبعدين
    لاحظت شرار من الطبلون") are where the danger is, as they are in a short message; never
    asked again."""
    whole = turn.message.text or ""
    read, told = normalize(turn.text).split(), normalize(whole).split()
    if not read or len(told) <= len(read) or not set(read) <= set(told):
        return None  # read whole, or a choice's label read as its key
    return _district_and_city(whole)


# A word that may begin another statement in one sentence ("...من ساعتين والسلك طايح").
_JOINED = re.compile(r"^(?:و\w{2,}|and)$", re.IGNORECASE)


def outage_beside(text: str) -> bool:
    """The message says the power is off where the sender is, in a part of it that names no
    hazard ("الكهرباء طافية من ساعتين والسلك ... طايح", "no power in my flat and sparks from
    the meter box"): an outage beside the danger, not the danger itself ("سلك الكهرباء مقطوع"
    is a cable cut). The message is cut at punctuation and before each word joined by "و" or
    "and"."""
    from bot.understanding.slots.times import says_power_off
    from handlers.second_request import clauses

    for clause in clauses(text):
        part: list[str] = []
        for word in [*clause.split(), ""]:
            if word and (not part or not _JOINED.match(word)):
                part.append(word)
                continue
            piece = " ".join(part)
            if says_power_off(piece) and kind_in(piece) is None:
                return True
            part = [word]
    return False


def _asks_after_report(turn: Turn) -> bool:
    """ "وش صار على بلاغ السلك الطايح؟" from a sender with a safety report: its status, not a
    new report (and no "call 933" for a hazard already reported). True when answered."""
    from handlers.outage_status import (
        answers_named_report,
        names_report,
        say_safety_status,
    )

    text = turn.text
    if text and _still_there(text):
        return _followed_up(turn, text)
    if not text or not mentions(text, "hazard_status_ask"):
        return False
    if not (names_report(text) or named_kinds(text) & _HAZARD_KINDS):
        return False
    if named_reference(text) is not None:  # "وش صار على بلاغ HAZ-000012": that one, not the latest
        turn.finish()
        return answers_named_report(turn)
    # "بلاغ الكيبل اللي طايح": the latest report of that kind, not the latest of any kind.
    kind = kind_in(text)
    found = (latest_safety_report(turn, kind=kind) if kind else None) or latest_safety_report(turn)
    if found is None:
        return False
    turn.finish()
    say_safety_status(turn, *found)
    return True


def _still_there(text: str) -> bool:
    """ "ترا الكبينة اللي بلغت عنها للحين مفتوحة": a hazard the sender reported told to be still
    there (phrase lists hazard_reported_before and hazard_still)."""
    return mentions_words(text, "hazard_reported_before") and mentions_words(text, "hazard_still")


def _followed_up(turn: Turn, text: str) -> bool:
    """The sender's report of it (of the kind named, else their latest) is followed up: the
    message noted on it for the team, its status, and that the team was told again; no new
    report and no second "where is it?". A hazard already made safe and there again is a new
    report (False), as is one never reported by this sender."""
    kind = kind_in(text)
    found = (latest_safety_report(turn, kind=kind) if kind else None) or latest_safety_report(turn)
    if found is None or found[1].is_resolved:
        return False
    from handlers.outage_status import say_safety_status

    report, hazard = found
    turn.finish()
    note_on_report(turn.session, report, text)
    say_safety_status(turn, report, hazard)
    turn.say(
        turn.tr._(
            "I have told the emergency team again that it is still there, with your message. "
            "Until it is made safe, keep away from it, and call 933 if it gets worse."
        )
    )
    turn.begin(FLOW, stage="followed", report_id=report.id)  # "نفس المكان" may come next
    return True


def _same_place_followed(turn: Turn) -> bool:
    """ "نفس المكان" right after a report was followed up: that report's place, said so; anything
    else is a new message (False)."""
    report = find_report(turn.session, turn.state.get("report_id") or 0)
    turn.finish()
    text = turn.text
    if report is None or not text or len(text.split()) > SAME_PLACE_WORDS:
        return False
    if not mentions_words(text, "hazard_same_place"):
        return False
    turn.intent = FLOW
    turn.say(
        turn.tr._(
            "Noted: the same place as your report {ref}. The team has it.", ref=report.reference
        )
    )
    return True


# The prefixes of a safety report's reference ("HAZ-000012", "HZ-7"); those of an outage
# report's ("OUT-000003", "INC-000045"). References are read by handlers/outage_status.py.
_HAZARD_KINDS = frozenset({"haz", "hz"})
_OUTAGE_KINDS = frozenset({"out", "inc"})


def claims_photo(turn: Turn, understood: Understanding) -> bool:
    """A photo whose caption asks for nothing else is a hazard report."""
    return bool(turn.message.media) and (
        understood.intent in PHOTO_INTENTS or kind_in(turn.text) is not None
    )


def step(turn: Turn, understood: Understanding) -> bool:
    stage = turn.state.get("stage")
    if stage == "cancel_which":
        return _cancel_picked(turn)
    if stage == "followed":
        return _same_place_followed(turn)
    if _what_to_do(turn):
        return True
    if stage == "photo":
        if not turn.message.media:
            return (
                _place_corrected(turn)
                or _city_for_report(turn, understood)
                or _place_for_report(turn, understood)
                or _outage_taken(turn, understood)
            )
        _photos_for_report(turn)
        return True
    if _moved_on(turn, understood):
        _kept_on_leaving(turn)
        return False
    picked = choice_number(turn.text) if stage == "kind" else None
    before = turn.state.get("place")
    _take(turn)
    state = turn.state
    if stage == "kind" and state["kind"] is None and turn.text:
        ids = kind_ids()
        if picked is not None and not 1 <= picked <= len(ids):
            turn.say(
                turn.tr._("Please send a number from 1 to {last}.", last=turn.tr.number(len(ids)))
            )
            return True
        # A number picks from the list; words that name no kind describe "something else".
        kind = ids[picked - 1] if picked is not None else "other"
        # "7" (something else) says nothing of what it is: a short description is asked first.
        turn.remember(kind=kind, describe=picked is not None and kind == "other")
    elif stage == "describe" and turn.text:
        turn.remember(describe=False, kind=kind_in(turn.text) or "other")
    elif stage == "where" and not _placed(turn.state) and (premise := _premise_picked(turn)):
        turn.remember(place=premise)
    elif stage == "area" and (premise := _premise_picked(turn)):
        turn.remember(place="، ".join(p for p in (before, premise) if p))  # "عند بيتنا" + which
    elif stage == "area" and _no_area_said(turn):
        # "1" with no choice offered, "kaifak": no place; asked once more, then recorded
        # with what was told (a danger report is not held up for long).
        turn.remember(area_again=True)
        turn.say(turn.tr._("Sorry, I could not tell a place from that."))
        _ask_area(turn)
        return True
    elif stage in ("where", "area") and _own_said(turn.text) and (mine := _own_premises(turn)):
        # "بيتي", "عمارتنا", "عدادي اللي في البيت": their premise on the account, not a place
        # to ask again; which one, when they have several.
        described = before if stage == "area" else None
        own = own_premise_named(turn.text, [m["premise"] for m in mine])
        mine = mine if own is None else [mine[own]]  # "بيتي" with a villa and a shop: the villa
        if len(mine) == 1:
            turn.remember(place="، ".join(p for p in (described, _premise_place(mine[0])) if p))
        else:
            turn.remember(place=None, own=True, area_asked=True)
    elif stage in ("where", "area") and _retold(turn.text):
        # "كبينة مفتوحة" again in answer to "where?": the hazard told (kept in its words), never
        # its place; the 933 line again for danger, and where it is asked again.
        turn.remember(warned=False)
    elif stage == "where" and not _placed(turn.state) and (earlier := _same_place(turn)):
        turn.remember(**earlier)  # "نفس المكان": where their last safety report was
    elif stage == "where" and not _placed(turn.state) and _unknown_place(turn.text):
        # "ما ادري": the report is not held up for a place they cannot give; it is recorded
        # with none (and joined to no other), and a place sent after it is added to it.
        turn.remember(place_unknown=True)
    elif stage == "where" and not _placed(turn.state) and turn.text:
        place = place_only(turn.text)  # "قدام المدرسة من امس": the place, not its time
        if len(place) > MAX_PLACE_CHARS or not any(ch.isalpha() for ch in place):
            turn.say(_where_question(turn))
            return True
        turn.remember(place=place)
    elif stage == "area" and turn.message.location is None and _helps(turn.text):
        turn.remember(place=f"{state['place']}، {place_only(turn.text)}")
    _next(turn)
    return True


def _kept_on_leaving(turn: Turn) -> None:
    """Another request in answer to our question once the hazard was taken in (its kind known
    and its place asked, or "call 933" said): the report is recorded with what was told, then
    the request is answered. A hazard acknowledged is never dropped unsaid ("what is the
    status" at "which district?" found no report); a place sent after it is added to it."""
    state = turn.state
    if state.get("stage") not in ("where", "area") and not state.get("warned"):
        return
    if state.get("kind") is None:
        turn.remember(kind=OTHER_KIND)
    _record(turn)


def takes_cancel(turn: Turn, outage: OutageReport | None) -> bool:
    """ "الغ البلاغ" from a sender with a safety report the team has not made safe yet. A safety
    report is not withdrawn: the team checks every one, the place may be dangerous whoever is
    wrong about it, and others' reports may be joined to it. Said kindly, with its reference,
    and the message kept on it for the team ("طلع عمود انارة بلدية"). A safety report still
    being made is simply not made. With an outage report open too (`outage`), which one is
    meant is asked, unless the message names it by its reference. The outage report named
    ("الغي بلاغ الانقطاع") is that one: cancelled, and a safety report being made goes on.
    True when answered."""
    if _names_outage(turn.text):
        return _outage_cancelled_during(turn, outage)
    if turn.flow == FLOW and turn.state.get("stage") not in ("photo", None):
        turn.finish()
        turn.intent = FLOW
        turn.say(turn.tr._("All right, I have not recorded the report."))
        return True
    found = latest_safety_report(turn)
    if found is None or found[1].is_resolved:
        return False
    report = found[0]
    if outage is not None and not named_kinds(turn.text) & _HAZARD_KINDS:
        _ = turn.tr._
        turn.finish()
        turn.intent = FLOW
        turn.begin(
            FLOW, stage="cancel_which", report_id=report.id, outage_id=outage.id, said=turn.text
        )
        turn.say(
            _("Which report do you want to cancel?"),
            [
                Choice(
                    "1", _("Outage report {ref}", ref=outage.reference), aliases=(outage.reference,)
                ),
                Choice(
                    "2", _("Safety report {ref}", ref=report.reference), aliases=(report.reference,)
                ),
            ],
        )
        return True
    turn.finish()
    _kept(turn, report)
    return True


def _names_outage(text: str) -> bool:
    """The message names the outage report, by its reference ("الغ OUT-000003") or in words
    ("بلاغ الانقطاع"), and not the safety report by its reference."""
    named = named_kinds(text)
    return not named & _HAZARD_KINDS and bool(named & _OUTAGE_KINDS)


def _outage_cancelled_during(turn: Turn, outage: OutageReport | None) -> bool:
    """ "الغي بلاغ الانقطاع" while a safety report is being made: the outage report cancelled
    (or none open, said so), and the safety report's question asked again: the danger is still
    to be reported. With no safety report being made, the outage report's own cancel answers
    (False)."""
    from handlers.outage_status import cancel_outage_report

    if turn.flow != FLOW or turn.state.get("stage") in ("photo", "cancel_which", None):
        return False
    if outage is not None:
        cancel_outage_report(turn, outage)
    else:
        turn.say(turn.tr._("You have no open outage report to cancel."))
    turn.intent = FLOW
    _next(turn)
    return True


def _cancel_picked(turn: Turn) -> bool:
    """The answer to "which report do you want to cancel?": 1 the outage report, 2 the safety
    report (or either's reference). Anything else is a new message (False)."""
    from handlers.outage_status import cancel_outage_report

    picked = choice_number(turn.text)
    report = find_report(turn.session, turn.state.get("report_id") or 0)
    outage = turn.session.get(OutageReport, turn.state.get("outage_id") or 0)
    said = turn.state.get("said")
    turn.finish()
    if picked == 1 and outage is not None:
        cancel_outage_report(turn, outage)
        return True
    if picked == 2 and report is not None:
        _kept(turn, report, said)
        return True
    return False


def _kept(turn: Turn, report: HazardReport, said: str | None = None) -> None:
    """A safety report asked to be cancelled: kept, the message asking it (`said`, else this
    one) noted on it, said kindly."""
    note_on_report(turn.session, report, said or turn.text)
    turn.intent = FLOW
    turn.say(
        turn.tr._(
            "A safety report cannot be withdrawn: the emergency team checks every one to make "
            "sure the place is safe. I have added your message to your report {ref}, so the team "
            "knows what you said. Thank you for letting us know.",
            ref=report.reference,
        )
    )


def _retold(text: str) -> bool:
    """The message names a hazard and no place ("كبينة مفتوحة", "فيه سلك طايح"): a description,
    which is never taken for the place asked."""
    if not text or kind_in(text) is None or coordinates_in(text) is not None:
        return False
    return place_in(text, homely=True) is None and not _names_place(text)


# "نفس المكان" is a short answer; a longer message says more than that.
SAME_PLACE_WORDS = 6


def _same_place(turn: Turn) -> dict | None:
    """ "نفس المكان" in answer to "where is it?": the place (or location) of the sender's last
    safety report, as the flow keeps it; None when not said, or they have none with a place."""
    text = turn.text
    if not text or len(text.split()) > SAME_PLACE_WORDS:
        return None
    if not mentions_words(text, "hazard_same_place"):
        return None
    found = latest_safety_report(turn)
    if found is None:
        return None
    report = found[0]
    if report.latitude is not None and report.longitude is not None:
        located = {
            "latitude": report.latitude,
            "longitude": report.longitude,
            "address": report.address,
        }
        return {"location": located, "place": report.place}
    return {"place": report.place} if report.place else None


def _unknown_place(text: str) -> bool:
    """ "ما ادري" (and no more) in answer to "where is it?"."""
    return len(text.split()) <= 4 and mentions(text, "dont_know")


def _helps(text: str) -> bool:
    """An answer to "which district and city?" that adds something ("ما ادري" does not)."""
    text = text.strip()
    return (
        0 < len(text) <= MAX_PLACE_CHARS
        and any(ch.isalpha() for ch in text)
        and not mentions(text, "dont_know")
    )


def _moved_on(turn: Turn, understood: Understanding) -> bool:
    if turn.message.media or turn.message.location is not None or not turn.text:
        return False
    if coordinates_in(turn.text) is not None or map_link_in(turn.text) is not None:
        return False  # a location typed or linked answers "where?"
    if kind_in(turn.text) is not None or choice_number(turn.text) is not None:
        return False
    if understood.intent in COURTESY:
        return True  # "مع السلامة" is never a place: the recognizer's own "sure" is enough
    if turn.state.get("stage") in ("where", "area") and only_a_place(turn.text):
        return False  # "حي السلي جنب مسجد التقوى" answers "where?", however sure the model is
    if turn.state.get("stage") in ("where", "area") and _own_said(turn.text):
        return False  # "بيتي": their own premise, however sure the model is of an outage
    return understood.intent not in ("unknown", FLOW) and understood.confidence >= MOVED_ON


def _take(turn: Turn) -> None:
    """Everything this message tells about the hazard, into the flow's state."""
    state, text, message = turn.state, turn.text, turn.message
    changes: dict = {}
    if text:
        changes["words"] = [*state.get("words", []), text][-5:]
        if state.get("kind") is None and (kind := kind_in(text)) is not None:
            changes["kind"] = kind
        if is_danger(text):
            changes["danger"] = True
        if is_hurt(text):
            changes["hurt"] = True
        if is_fire(text):
            changes["fire"] = True  # civil defence (998) too
        if is_indoor(text):
            changes["indoor"] = True  # at home: the main breaker first
        if state.get("kind") is None and "kind" not in changes and _urgent_unnamed(changes):
            # Someone hurt, or danger at a socket at home, with no kind named: no list of
            # kinds to pick from after the emergency numbers; the words tell the team.
            changes["kind"] = OTHER_KIND
        if mentions(text, "own_premise") or "meter" in hazard_kinds_named(text):
            # "العداد حقنا": one of their premises; and a meter ("شرار يطلع من العداد") is at a
            # premise, most often the sender's: theirs offered, words or a location still taken.
            changes["own"] = True
        if not _placed(state) and (
            place := _whole_place(text)
            or place_in(text)
            or _answered_place(turn, text)
            or _short_map_link(text)
        ):
            changes["place"] = place
    if message.location is not None:
        changes["location"] = {
            "latitude": message.location.latitude,
            "longitude": message.location.longitude,
            "address": message.location.address,
        }
    elif not state.get("location") and (typed := coordinates_in(text)) is not None:
        # "24.7136, 46.6753" typed, or a map link that carries them: a location all the same.
        changes["location"] = {"latitude": typed[0], "longitude": typed[1], "address": None}
    if message.media:
        changes["media"] = [*state.get("media", []), *(asdict(m) for m in message.media)]
    if changes:
        turn.remember(**changes)


OTHER_KIND = "other"


def _short_map_link(text: str) -> str | None:
    """A map link with no coordinates in it ("https://maps.app.goo.gl/AbC123"), as the place:
    what the subscriber shared, for the team to open (a link with them is a location)."""
    return map_link_in(text) if coordinates_in(text) is None else None


def _urgent_unnamed(changes: dict) -> bool:
    return bool(changes.get("hurt") or (changes.get("indoor") and changes.get("danger")))


def _whole_place(text: str) -> str | None:
    """A message that is only a place and names its area, as written ("Al Malaz, Riyadh, near
    King Fahd stadium"): its landmark alone (from "near" on) would lose the district and city
    said before it, and the area be asked again."""
    answer = text.strip()
    if len(answer) > MAX_PLACE_CHARS or not only_a_place(answer) or not names_area(answer):
        return None
    return place_only(answer)


def _answered_place(turn: Turn, text: str) -> str | None:
    """A district and city named with no place word first. In answer to "where is it?" with
    more than them ("الملز، شارع الستين، الرياض": a street too), the answer as written: the
    team needs the street, and another reporter's "حي الملز شارع الستين الرياض" is the same
    place (a hazard's place key), so the two join however long apart in the day."""
    named = find_place(text)
    answer = place_only(text)
    if (
        turn.state.get("stage") == "where"
        and named.complete
        and named.other_words
        and len(answer) <= MAX_PLACE_CHARS
        and kind_in(text) is None
    ):
        return answer
    return _district_and_city(text)


def _district_and_city(text: str) -> str | None:
    """A known district and its city named in any language ("in Al Malaz, Riyadh"), as stored
    (Arabic), so that reports of one place in two languages read the same. A district of
    several cities named alone ("in Al Rawdah") is kept too: its city is asked once recorded."""
    named = find_place(text)
    if named.ambiguous:
        return named.district
    return f"{named.district}، {named.city}" if named.complete else None


def _own_premises(turn: Turn) -> list[dict]:
    """The sender's premises (premise, district, city), for "which one?" when they said the
    hazard is at theirs; [] when we know none."""
    from bot.billing import BillingUnavailable

    if turn.phone is None:
        return []
    try:
        accounts = phone_accounts(turn, turn.phone)
    except BillingUnavailable:
        return []
    return [
        {"premise": a.premise, "district": a.district, "city": a.city, "account": a.account}
        for a in accounts
        if a.premise
    ]


# "عدادي اللي في البيت" is their own premise; a longer message says more than where it is.
OWN_WORDS = 6


def _own_said(text: str) -> bool:
    """A short answer that names the sender's own premise ("بيتي", "عمارتنا", "عدادي اللي في
    البيت"; phrase list own_premise) and no district or city of its own."""
    if not text or _names_place(text) or len(text.split()) > OWN_WORDS:
        return False
    return mentions(text, "own_premise")


def _names_place(text: str) -> bool:
    named = find_place(text)
    return bool(named.district or named.city or named.unlisted)


def _premise_place(premise: dict) -> str:
    return "، ".join(p for p in (premise["premise"], premise["district"], premise["city"]) if p)


def _premise_label(turn: Turn, premise: dict) -> str:
    """A premise as a choice: as the billing data words it ("فيلا 12، شارع التحلية، العليا");
    in English, led by its account's masked number and district as the bill's list of accounts
    shows them ("••••5678 Al Olaya (فيلا 12، شارع التحلية)"), the premise's own words (the data
    has them in Arabic only) after, to tell two premises of one district apart."""
    if turn.lang == "ar" or not premise.get("account"):
        return f"{premise['premise']}، {premise['district']}"
    district = display_name(premise["district"], turn.lang) if premise["district"] else ""
    return f"{mask(premise['account'])} {district} ({premise['premise']})".replace("  ", " ")


def _premise_picked(turn: Turn) -> str | None:
    """The premise picked from the list (its number, or its name), as a place."""
    premises = turn.state.get("premises") or []
    picked = choice_number(turn.text)
    chosen = premises[picked - 1] if picked is not None and 1 <= picked <= len(premises) else None
    if chosen is None:
        return None
    return _premise_place(chosen)


def _warn(turn: Turn) -> None:
    """ "Call 933 now", once, before anything else said about an urgent hazard; when someone is
    hurt, "call the ambulance 997" comes first of all (once too)."""
    if turn.state.get("hurt") and not turn.state.get("hurt_warned"):
        turn.say(
            turn.tr._(
                "⚠️ If someone is hurt: call the ambulance on 997 now. Do not touch the injured "
                "person while they may still be touching the electricity."
            )
        )
        turn.remember(hurt_warned=True)
    if turn.state.get("fire") and not turn.state.get("fire_warned"):
        turn.say(_fire_line(turn))
        turn.remember(fire_warned=True)
    if turn.state.get("indoor") and not turn.state.get("indoor_warned"):
        turn.say(_indoor_line(turn))
        turn.remember(indoor_warned=True)
    if turn.state.get("warned"):
        return
    turn.say(
        turn.tr._(
            "⚠️ For your safety: call 933 now and keep away from the place. "
            "Do not touch anything, and keep others away."
        )
    )
    turn.remember(warned=True)


def _fire_line(turn: Turn) -> str:
    return turn.tr._(
        "🔥 If there is fire or smoke: call civil defence on 998 now. Do not put water on it "
        "while the power may be on, and keep everyone away."
    )


def _indoor_line(turn: Turn) -> str:
    return turn.tr._(
        "⚠️ Switch off the main breaker if you can reach it safely, and do not touch the socket "
        "or the appliance until an electrician has checked it."
    )


# "What should I do?" is a short question: a longer message says more, read as usual.
WHAT_TO_DO_WORDS = 8


def _what_to_do(turn: Turn) -> bool:
    """ "وش اسوي الحين" about the danger just told: what to do while help comes (someone hurt,
    fire, danger at home, or keeping away), then the question still open, if any. The report is
    said to be with the team only once it is recorded; before that, that we still need the place
    (or the answer asked). True when answered."""
    text = turn.text
    if not text or len(text.split()) > WHAT_TO_DO_WORDS or not asks_what_to_do(text):
        return False
    _ = turn.tr._
    state = turn.state
    turn.intent = FLOW
    lines = []
    if state.get("hurt"):
        lines.append(
            _(
                "While the ambulance (997) is on its way: do not touch the injured person or the "
                "cable while the power may still be on. If it happened at home, switch off the "
                "main breaker if you can reach it safely. Keep others away (at least 10 metres "
                "from a fallen cable), and do what the ambulance operator tells you."
            )
        )
    if state.get("fire"):
        lines.append(_fire_line(turn))
    if state.get("indoor") and not state.get("hurt"):
        lines.append(_indoor_line(turn))
    if state.get("report_id"):
        lines.append(
            _(
                "Keep away from it, keep others away, and do not touch it. Your report is with "
                "the emergency team; if you have not called 933 yet, call it now."
            )
        )
    elif state.get("stage") in ("where", "area"):
        # Nothing is recorded before the place is known: no "your report reached the team".
        lines.append(
            _(
                "Keep away from it, keep others away, and do not touch it. If you have not "
                "called 933 yet, call it now. Your report is not recorded yet: we still need "
                "where it is, so the team can find it."
            )
        )
    else:
        lines.append(
            _(
                "Keep away from it, keep others away, and do not touch it. If you have not "
                "called 933 yet, call it now. Your report is not recorded yet: answer the "
                "question below so we can send it to the team."
            )
        )
    turn.say("\n".join(lines))
    if state.get("stage") not in ("photo", "cancel_which", None):
        _next(turn)  # the question still open, asked again
    return True


def _placed(state: dict) -> bool:
    return bool(state.get("location") or state.get("place"))


def _next(turn: Turn) -> None:
    _ = turn.tr._
    state = turn.state
    kind = state.get("kind")
    if state.get("danger") or (kind and is_urgent_kind(kind)):
        _warn(turn)
    if state.get("person") and not state.get("handed_over"):
        turn.say(
            "\n".join(agent.handover_lines(turn, emergency_said=bool(turn.state.get("warned"))))
        )
        turn.remember(handed_over=True)
    if state.get("kind") is None:
        turn.remember(stage="kind")
        turn.say(
            _(
                "Thank you for letting us know. What is wrong? Choose one, or describe it in "
                "a few words."
            ),
            _kind_choices(turn),
        )
        return
    if state.get("describe"):
        turn.remember(stage="describe")
        turn.say(_("What is it? Describe it in a few words."))
        return
    if not _placed(state) and not state.get("place_unknown"):
        turn.remember(stage="where")
        premises = _own_premises(turn) if state.get("own") else []
        if premises:
            turn.remember(premises=premises)
            turn.say(
                _(
                    "Where is it? Send the number of your premise, or share your location, or "
                    "type the district and city."
                ),
                [
                    Choice(str(i), _premise_label(turn, p), aliases=(p["premise"],))
                    for i, p in enumerate(premises, 1)
                ],
            )
            return
        turn.say(_where_question(turn))
        return
    if (
        _placed(state)
        and not state.get("location")
        and not names_area(state["place"])
        # A short map link ("maps.app.goo.gl/…") cannot be opened here, but the team can: the
        # report is recorded with it, not held up by a question; the district is asked after.
        and not map_link_in(state["place"])
        and not state.get("area_asked")
    ):
        _ask_area(turn)
        return
    named = None if state.get("location") else find_place(state.get("place") or "")
    _record(turn)
    if named is not None and not named.district and map_link_in(state.get("place")):
        # The district, added to the report when sent (_place_for_report), lets another report
        # of the same place join it; the link alone cannot.
        turn.say(
            _(
                "I cannot open short map links here, so I have kept yours on the report for the "
                "team. If you can, also type the district and city (for example: Al Nahda, "
                "Riyadh)."
            )
        )
        return
    if named is not None and named.ambiguous:
        # "في حي الروضة": Riyadh or Jeddah? A team sent to the wrong city finds nothing. Asked
        # after the report is recorded, so a danger report is never held up by the question.
        turn.remember(cities=list(named.cities))
        ask_which_city(turn, named)


def _city_for_report(turn: Turn, understood: Understanding) -> bool:
    """The answer to "which city?" after the report: a city from the list, by number or name
    (or another city we know, named alone), added to the report, with the street or landmark
    said with it ("الرياض حي النسيم شارع سعد بن عبادة قدام المدرسة": all of it, for the team).
    Anything else is not that answer (False)."""
    cities = turn.state.get("cities") or []
    report = find_report(turn.session, turn.state.get("report_id") or 0)
    if not cities or report is None:
        return False
    picked = choice_number(turn.text)
    named = find_place(turn.text)
    city = named.city
    added = city
    if named.other_words and city is not None:
        # More than the city: taken when it describes the place, not another request.
        described = names_area(turn.text) and not _moved_on(turn, understood)
        added = turn.text.strip() if described and _helps(turn.text) else None
    if picked is not None and 1 <= picked <= len(cities):
        city = added = cities[picked - 1]
    # A known city not among the choices ("الخبر" for a district we list elsewhere) is the
    # city all the same: never a dead end.
    if city is None or added is None or (city not in cities and named.district is not None):
        return False
    add_city(turn.session, report, added)
    turn.remember(cities=None)
    turn.intent = FLOW
    turn.say(turn.tr._("Thank you, the place is added to your report {ref}.", ref=report.reference))
    return True


def _place_corrected(turn: Turn) -> bool:
    """ "لا غلطت، حي النخيل مو النزهة" after the report: its place put right, the district said
    now (not the one denied), and its city asked when the district is in several. A message
    that tells another danger ("كمان", "وفيه": phrase list also, or a hazard of another kind) is
    a new report, not a correction. True when taken."""
    text = turn.text
    if not text:
        return False
    said_no = normalize(text).split()[:1] in (["لا"], ["no"]) or mentions(text, "correction")
    report = find_report(turn.session, turn.state.get("report_id") or 0)
    if not said_no or report is None:
        return False
    if mentions_words(text, "also"):
        return False  # "لا وفيه كمان عمود طايح في حي النخيل": another danger, not this one moved
    told = kind_in(text)
    if told is not None and told != report.kind:
        return False  # another kind of danger told: a report of its own
    meant = _without_denied(text)
    named = find_place(meant)
    if named.district is None:
        place = _city_moved(report.place, named)  # "لا غلطت، هو بالخبر مو الدمام"
        if place is None:
            return False
    else:
        place = _district_and_city(meant) or named.district
    if report.place and normalize(place) == normalize(report.place):
        return False  # the same place: nothing to put right
    correct_place(turn.session, report, place)
    turn.intent = FLOW
    turn.remember(cities=list(named.cities) if named.ambiguous else None)
    turn.say(
        turn.tr._(
            "Thank you, I have put the place right in your report {ref}: {place}.",
            ref=report.reference,
            place=place,
        )
    )
    if named.ambiguous:
        ask_which_city(turn, named)
    return True


def _city_moved(recorded: str | None, named: NamedPlace) -> str | None:
    """The recorded place with its city put right, when the correction names a city and no
    district ("هو بالخبر مو الدمام"): the district recorded, in the city said; None when either
    is missing."""
    if named.city is None or not recorded:
        return None
    before = find_place(recorded)
    district = before.district or before.unlisted or before.rest
    return f"{district}، {named.city}" if district else None


_CLAUSE = re.compile(r"[،,.;؛!?؟\n]+")


def _without_denied(text: str) -> str:
    """The message without what it denies ("حي النخيل مو النزهة" is "حي النخيل"): each clause
    cut at its first negation word, but for the "لا" or "no" the message opens with."""
    denial = {phrase for phrase in phrases("negation") if " " not in phrase}
    kept: list[str] = []
    for index, clause in enumerate(_CLAUSE.split(text)):
        words = clause.split()
        for at, word in enumerate(words):
            opening = index == 0 and at == 0
            if normalize(word) in denial and not opening:
                words = words[:at]
                break
        kept.append(" ".join(words))
    return "، ".join(part for part in kept if part)


def _where_question(turn: Turn) -> str:
    return turn.tr._(
        "Where is it? Share your location, or type the district and city, or a "
        "landmark nearby (for example: next to Al Noor school, Al Malaz, Riyadh)."
    )


def _no_area_said(turn: Turn) -> bool:
    """The answer to "which district and city?" says no place ("1" when no premise was offered,
    "kaifak"), and is not "I don't know" (recorded at once); asked once more only."""
    text = turn.text
    if turn.state.get("area_again") or turn.message.location is not None or not text:
        return False
    if mentions(text, "dont_know") or says_where(text):
        return False
    return not _helps(text) or choice_number(text) is not None


def _ask_area(turn: Turn) -> None:
    """ "Which district and city?"; when the hazard is at the sender's own home ("عند بيتنا")
    and we know their premises, those are offered too: its number answers."""
    turn.remember(stage="area", area_asked=True)
    premises = _own_premises(turn) if turn.state.get("own") else []
    if not premises:
        turn.say(_area_question(turn))
        return
    turn.remember(premises=premises)
    turn.say(
        turn.tr._(
            "In which district and city is it? If it is at your premise, send its number; or "
            "type them (for example: Al Nahda, Riyadh), or share your location."
        ),
        [
            Choice(str(i), _premise_label(turn, p), aliases=(p["premise"],))
            for i, p in enumerate(premises, 1)
        ],
    )


def _area_question(turn: Turn) -> str:
    return turn.tr._(
        "In which district and city is it? Type them (for example: Al Nahda, Riyadh), "
        "or share your location, so the team can find it."
    )


def kind_label(turn: Turn, kind: str) -> str:
    _ = turn.tr._
    labels = {
        "open_cabinet": _("Open cabinet or transformer"),
        "cable": _("Cable exposed or fallen"),
        "pole": _("Pole leaning or fallen"),
        "sparks_fire": _("Sparks, smoke or fire"),
        "meter": _("Meter tampered with or broken"),
        "digging": _("Digging near cables"),
        "other": _("Something else"),
    }
    return labels[kind]


def _kind_choices(turn: Turn) -> list[Choice]:
    return [Choice(str(i), kind_label(turn, kind)) for i, kind in enumerate(kind_ids(), 1)]


def _record(turn: Turn) -> None:
    state, message = turn.state, turn.message
    location = state.get("location") or {}
    # Photos first: joining takes a lock held until the turn commits, not during downloads.
    photos = _fetched(turn, state.get("media", []))
    outcome = report_hazard(
        turn.session,
        channel=message.channel,
        sender=message.sender,
        phone=turn.phone,
        lang=turn.lang,
        reported_at=turn.now,
        kind=state["kind"],
        danger=bool(state.get("danger")),
        text="\n".join(state.get("words", [])) or None,
        place=state.get("place"),
        latitude=location.get("latitude"),
        longitude=location.get("longitude"),
        address=location.get("address"),
    )
    if outcome.hazard.urgent:
        # Urgent on the record (a report before this one said it is falling, in words we read
        # in another language): the warning follows the urgency, whoever wrote it how.
        _warn(turn)
    stored, missed = _keep_photos(turn, outcome.report, photos)
    log.info(
        "hazard report %s on %s (%s%s, %d photos kept, %d missed) from %s on %s",
        outcome.report.reference,
        outcome.hazard.reference or "-",
        outcome.hazard.kind,
        ", urgent" if outcome.hazard.urgent else "",
        stored,
        missed,
        mask_numbers(message.sender),
        message.channel,
    )
    turn.say(_thanks(turn, outcome, stored, missed))
    outage_too = bool(state.get("outage_too"))
    outage_told = "، ".join(p for p in (state.get("outage_told"), state.get("place")) if p)
    told_at = state.get("outage_told_at")
    # Open a little longer: a photo sent next joins this report; "what should I do?" is
    # answered from what was told (someone hurt, a fire, danger at home), warned once only.
    told = {key: state[key] for key in _TOLD if state.get(key)}
    turn.begin(FLOW, stage="photo", report_id=outcome.report.id, **told)
    if outage_too:
        _offer_outage(turn, outage_told, told_at)


# What the report's flow keeps once it is recorded.
_TOLD = ("hurt", "fire", "indoor", "warned", "hurt_warned", "fire_warned", "indoor_warned")


def outage_after(turn: Turn, told: str | None = None) -> bool:
    """An outage told beside the hazard ("الكهربا مقطوعة عندنا وفي سلك طايح بالشارع"): offered
    once the safety report is recorded (now, when it already is), never dropped. `told`: the
    words the outage is reported from (the whole message; by default what was read of it).
    Offered once: told again in the same turn (a long message's whole words, after its danger
    sentences), the words it is reported from are all that change. True when the hazard flow
    took it."""
    if turn.flow != FLOW:
        return False
    told = told or turn.text
    if turn.state.get("stage") == "photo":
        report = find_report(turn.session, turn.state.get("report_id") or 0)
        place = report.place if report is not None else None
        told = "، ".join(p for p in (told, place) if p)
        if turn.state.get("outage_told"):
            turn.remember(outage_told=told)  # offered already, from fewer of its words
        else:
            _offer_outage(turn, told)
    else:
        # The whole message, its outage half too (the hazard's words are its own half only):
        # the outage report reads its start from it.
        turn.remember(outage_too=True, outage_told=told, outage_told_at=turn.now.isoformat())
    return True


def _outage_taken(turn: Turn, understood: Understanding) -> bool:
    """ "ايه" (or 1) to "shall I report the outage too?": the outage report, made from what was
    told with the hazard, so its place is not asked again. True when taken."""
    from handlers import outage_report

    told = turn.state.get("outage_told")
    told_at = turn.state.get("outage_told_at")
    if not told or choice_number(turn.text) != 1:
        return False
    turn.finish()
    turn.text = told
    # "من ساعتين" counts back from when it was said, not from this yes a few minutes later.
    stated = outage_report.start_told(told, datetime.fromisoformat(told_at)).at if told_at else None
    outage_report.start(turn, understood, stated)
    return True


def _offer_outage(turn: Turn, told: str, told_at: str | None = None) -> None:
    """ "Shall I report the outage too?"; its yes reports it from what was told (its time, and
    the place the hazard was given: `_outage_taken`)."""
    from handlers.outage_status import yes_words

    _ = turn.tr._
    turn.remember(outage_told=told, outage_told_at=told_at or turn.now.isoformat())
    turn.say(
        _("You also said the power is out where you are: shall I report the outage too?"),
        # One choice, asked in words: its "1" (not its place in the main menu) and yes take it.
        offered_in_words(_("Report a power outage"), aliases=yes_words()),
    )


def _photos_for_report(turn: Turn) -> None:
    report = find_report(turn.session, turn.state.get("report_id") or 0)
    if report is None:
        turn.finish()
        start(turn, Understanding("unknown", 0.0, {}, turn.lang, ()))
        return
    turn.intent = FLOW
    stored, missed = _keep_photos(
        turn, report, _fetched(turn, [asdict(m) for m in turn.message.media])
    )
    _ = turn.tr._
    if stored:
        turn.say(_("Thank you, the photo is added to your report {ref}.", ref=report.reference))
    if missed:
        turn.say(_("We could not receive your photo. Please send it again."))


def _place_for_report(turn: Turn, understood: Understanding) -> bool:
    """Where it is, sent after the report was recorded: a location (shared, typed or in a map
    link) is added to any report with none, as it finds the place better than words; words are
    added to a report that could not be found from its own, and a message that is only a place
    ("هي بالضبط عند شارع الامير سلطان", an address) to any report: it tells the team where,
    never an outage or a new hazard. Anything else is a new request (False)."""
    report = find_report(turn.session, turn.state.get("report_id") or 0)
    if report is None or report.latitude is not None:
        return False
    location = turn.message.location
    typed = coordinates_in(turn.text) if location is None else None
    if location is not None:
        add_place(
            turn.session,
            report,
            latitude=location.latitude,
            longitude=location.longitude,
            address=location.address,
        )
    elif typed is not None:
        add_place(turn.session, report, latitude=typed[0], longitude=typed[1])
    elif only_a_place(turn.text) and _helps(turn.text):
        add_place(turn.session, report, place=turn.text.strip())
    elif names_area(report.place):
        return False
    elif names_area(turn.text) and _helps(turn.text) and not _moved_on(turn, understood):
        add_place(turn.session, report, place=place_only(turn.text))
    else:
        return False
    turn.intent = FLOW
    turn.say(turn.tr._("Thank you, the place is added to your report {ref}.", ref=report.reference))
    return True


def _fetched(turn: Turn, media: list[dict]) -> list[tuple[Media, Fetched]]:
    return [(photo, fetch(photo, turn.settings)) for photo in (Media(**item) for item in media)]


def _keep_photos(
    turn: Turn, report: HazardReport, photos: list[tuple[Media, Fetched]]
) -> tuple[int, int]:
    stored = missed = 0
    for photo, fetched in photos:
        row = keep_media(turn.session, report, photo, fetched)
        if row.status == STORED:
            stored += 1
        else:
            missed += 1
    return stored, missed


def _thanks(turn: Turn, outcome: HazardOutcome, stored: int, missed: int) -> str:
    tr = turn.tr
    _ = tr._
    ref = outcome.report.reference
    stopped = stopped_note(turn)  # after STOP: no promise of a message that will not come
    if not outcome.is_new_report and stopped:
        return (
            _("You have already reported this hazard; your report number is {ref}.", ref=ref)
            + "\n"
            + stopped
        )
    if not outcome.is_new_report:
        return _(
            "You have already reported this hazard; your report number is {ref}. We will "
            "message you here when it has been made safe.",
            ref=ref,
        )
    lines = [
        _(
            "Thank you for reporting this: you are helping keep everyone safe. "
            "Your report number: {ref}",
            ref=ref,
        )
    ]
    if outcome.reporters_count > 1:
        lines.append(
            tr.ngettext(
                "Others have reported it too ({n} report in all); yours has been added to it.",
                "Others have reported it too ({n} reports in all); yours has been added to it.",
                outcome.reporters_count,
            )
        )
    if stopped:
        lines += [
            _(
                "Our emergency team will check it and make it safe; the most dangerous "
                "reports are handled first."
            ),
            stopped,
        ]
    else:
        lines.append(
            _(
                "Our emergency team will check it and make it safe; the most dangerous "
                "reports are handled first. We will message you here when it has been made safe."
            )
        )
    if stored:
        lines.append(_("Your photo is kept with the report."))
    if missed:
        lines.append(_("We could not receive your photo. Please send it again."))
    elif not stored:
        lines.append(
            _("If you can take a photo safely, send it here and it will be added to the report.")
        )
    return "\n".join(lines)
