"""Two requests in one message ("كم فاتورتي وكمان الكهرباء طافية عندي"): the first is answered,
and the second too when the first asked nothing back; otherwise the second is offered, so it is
never dropped in silence.

The message is cut at punctuation and before the words that begin another request (phrase list
`also`); each part is read on its own. An outage told beside a question about it ("طافية من
الصبح، كم التعويض؟") is one request: the outage is the question's context. A safety report
comes first, whatever its place in the message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cache

from bot.config import RIYADH
from bot.dialogue.turn import Turn
from bot.hazards.vocabulary import is_danger
from bot.phrases import phrases, without
from bot.text import normalize
from bot.understanding import Understanding, understand

# The requests a message may carry two of; the rest (greetings, thanks) go with any request.
NOTICE = "planned_outage_notice"
RECONNECTION = "reconnection_after_payment"
REQUESTS = ("hazard_report", "bill", "outage_report", "outage_status", "compensation")
# Only a part read this surely counts as a request of its own.
SURE = 0.9
_DANGER_RUN = 12  # words: about one spoken sentence, read alone for a danger inside a long one
# Not a mark inside a number ("1,500.50").
_PUNCTUATION = re.compile(r"(?:[،؛;؟?!\n]|(?<!\d)[,.]|[,.](?!\d))+")


@dataclass(frozen=True)
class Plan:
    first: str
    second: str
    # The first request's own clauses (with the clauses that carry no request after them): its
    # handler reads only these, so a district said in the second half ("كم فاتورتي، وكمان
    # الكهرباء طافية في الملز") does not pick the first's account.
    first_text: str = field(default="", compare=False)


def plan(text: str, understood: Understanding, now: datetime) -> Plan | None:
    """The two requests of the message, in the order they are taken; None for one or none."""
    if (buried := _danger_beside(text, understood)) is not None:
        return buried
    parts = clauses(text)
    if len(parts) < 2:
        return None
    if understood.intent == "compensation" and understood.text_slot("standard") == NOTICE:
        # "فيه انقطاع مخطط له بكرة، وصلتني رسالة الحين. يحق لي تعويض؟": the outage told is
        # the one the notice question is about, not an outage to ask the status of.
        return None
    if understood.intent == "compensation" and understood.text_slot("standard") == RECONNECTION:
        # "I paid my bill, when will power come back?": one case, the reconnection after the
        # payment; neither a bill to show nor a power cut to report.
        return None
    found: list[str] = []
    owner: list[str | None] = []  # the request each part belongs to
    for part in parts:
        read = understand(part, now=now)
        sure = read.intent in REQUESTS and read.confidence >= SURE
        if sure and read.intent == "bill" and _arrears_of_cut(text, part):
            sure = False  # "فصلوها بسبب المتأخرات، علي ١٥٠٠ ريال": the cut's arrears, no bill ask
        if sure and _cause_only(part):
            sure = False  # "cut 6-7am today, fault, compensation?": the outage's cause, no ask
        if sure and read.intent not in found:
            found.append(read.intent)
        owner.append(read.intent if sure else (owner[-1] if owner else None))
    if "outage_report" in found and ({"outage_status", "compensation"} & set(found)):
        found.remove("outage_report")  # the outage told is what the question is about
    if "hazard_report" in found:
        found.sort(key=lambda intent: intent != "hazard_report")  # safety first
    if len(found) < 2:
        return None
    # Parts before any request go with the one that follows them.
    first_owner = next(o for o in owner if o is not None)
    mine = [p for p, o in zip(parts, owner, strict=True) if (o or first_owner) == found[0]]
    return Plan(found[0], found[1], "، ".join(mine))


def _danger_beside(text: str, understood: Understanding) -> Plan | None:
    """Danger now named inside a message read as another request, with a safety report the
    model's next guess ("عندي مشكلة مع الفاتورة والله ما ادري وش السالفة ... المهم فيه سلك طايح
    ويطلع شرار", one run with no punctuation to cut at): the safety report first, 933 at once,
    and the other request after it. A sure reading keeps its meaning ("الفاتورة نار": no hazard
    the model considered)."""
    if understood.intent not in REQUESTS or understood.intent in ("hazard_report", "outage_report"):
        return None  # an outage beside a danger is offered by the safety report, when told now
    if understood.confidence >= 1 or not is_danger(text):
        return None
    if "hazard_report" in dict(understood.alternatives) or _run_told_as_danger(text):
        return Plan("hazard_report", understood.intent, text)
    return None


def _run_told_as_danger(text: str) -> bool:
    """Some run of the message's words tells of danger and reads, alone, as a safety report
    ("... المهم الحين فيه سلك طايح قدام البيت ويطلع شرار"); "الفاتورة نار" has none (danger
    words, read as a bill). The model reads a long bill complaint whole and may not weigh the
    danger at its end at all."""
    words = text.split()
    last = max(len(words) - _DANGER_RUN, 0)  # the last run ends with the message
    for start in [*range(0, last, _DANGER_RUN // 2), last]:
        run = " ".join(words[start : start + _DANGER_RUN])
        if is_danger(run) and understand(run).intent == "hazard_report":
            return True
    return False


def _cause_only(part: str) -> bool:
    """A clause that only names an outage's cause ("fault", "عطل", "صيانة مجدولة"): a fact of
    the case the message is about, never a request of its own."""
    return not without(without(part, "outage_fault"), "outage_planned").split()


def _arrears_of_cut(text: str, part: str) -> bool:
    """A part stating an amount or bills owed ("علي ١٥٠٠ ريال") in a message about a cut for
    bills: the arrears of that cut (read by the compensation conversation), not a bill request."""
    from bot.phrases import mentions, mentions_words
    from handlers.compensation_facts import stated_arrears

    if not mentions(text, "cut_for_bills") or stated_arrears(text) == (None, None):
        return False
    # The part is read whole ("1,500.50" is cut into words in it): its amount or bills count.
    return stated_arrears(part) != (None, None) or any(
        mentions_words(part, name) for name in ("money_riyal", "money_thousand")
    )


def clauses(text: str) -> list[str]:
    """The parts of a message: cut at punctuation and before each `also` word."""
    parts = []
    for piece in _PUNCTUATION.split(text):
        words = normalize(piece).split()
        start = 0
        for i in range(1, len(words)):
            length = _also_at(words, i)
            if length and i >= start + 1 and not _also_at(words, start) > i - start:
                parts.append(" ".join(words[start:i]))
                start = i
        parts.append(" ".join(words[start:]))
    return [part for part in parts if part]


def _also_at(words: list[str], i: int) -> int:
    """The length in words of the longest `also` phrase beginning at word i (0: none)."""
    return max((len(p) for p in _also().get(words[i], ()) if words[i : i + len(p)] == p), default=0)


@cache
def _also() -> dict[str, tuple[list[str], ...]]:
    """The `also` phrases by their first word: a word that begins none is passed at once."""
    by_first: dict[str, list[list[str]]] = {}
    for phrase in phrases("also"):
        if words := phrase.split():
            by_first.setdefault(words[0], []).append(words)
    return {first: tuple(found) for first, found in by_first.items()}


def first_understanding(understood: Understanding, found: Plan) -> Understanding:
    return replace(understood, intent=found.first, confidence=max(understood.confidence, SURE))


def follow(turn: Turn, found: Plan, understood: Understanding) -> None:
    """After the first request's answer: the second is handled when the first left no question
    open, else offered in one line."""
    from handlers import INTENTS, bill

    asked = any(reply.choices for reply in turn.replies) or (
        turn.flow is not None and not bill.card_shown(turn)
    )
    second = found.second
    if second == "outage_status" and not _has_outage_report(turn):
        # "…and when will the power be back?" with no report to follow: the cut is to report.
        second = "outage_report"
    if found.first == "compensation" and second == "outage_report" and _outage_over(turn):
        return  # "امس من ٨ الصبح الى ٤ العصر، كم التعويض": an outage over, nothing to report
    if found.first == "hazard_report" and second == "outage_report":
        from handlers import hazard_report

        if hazard_report.outage_after(turn):
            return  # the outage is offered once the safety report is recorded
    if not asked:
        INTENTS[found.second](turn, replace(understood, intent=found.second))
        return
    _ = turn.tr._
    offers = {
        "bill": _('And about your bill: once we are done here, send "my bill".'),
        "outage_report": _(
            'And about the power cut: once we are done here, send "power outage" and I will '
            "report it."
        ),
        "outage_status": _(
            'And about your outage report: once we are done here, send "report status".'
        ),
        "compensation": _('And about compensation: once we are done here, send "compensation".'),
        # No hazard report here: a danger is always the first request taken (`plan`).
    }
    turn.say(offers[second])


def _outage_over(turn: Turn) -> bool:
    """The outage the message tells has ended: an end told, or a start on an earlier day with
    nothing said going on (the power off now is still offered to be reported)."""
    from bot.understanding.slots import read_times

    reading = read_times(turn.message.text or turn.text, turn.now)
    if reading.ongoing or reading.start is None:
        return False
    return reading.end is not None or reading.start.day < turn.now.astimezone(RIYADH).date()


def _has_outage_report(turn: Turn) -> bool:
    from handlers.common import latest_outage_report

    return latest_outage_report(turn) is not None
