"""What a subscriber's message means: intent, slots and reply language, without a remote model.

    understand("الكهربا طافية من ٣ ساعات") → Understanding(intent="outage_report",
        slots={"duration_minutes": 180}, lang="ar", ...)

Phrase lists live in `locales/<lang>/intents/` and `locales/<lang>/control/` (see
locales/README.md); slot vocabularies in `bot/understanding/data/`.
"""

from __future__ import annotations

from datetime import datetime

# The phrase lists, as a module: bot.phrases reads its files with bot.understanding.phrases, so
# either package may be imported first (a name taken from a half-made module would fail).
from bot import phrases as _lists
from bot.config import RIYADH
from bot.text import clean_raw, fold, words
from bot.understanding.abroad import about_abroad
from bot.understanding.control import choice_named, choice_number, control_word
from bot.understanding.intents import IntentGuess, bot_command, recognize
from bot.understanding.language import detect_lang, knows_latin_words, looks_like_code
from bot.understanding.result import Understanding
from bot.understanding.slots import extract, read_times

__all__ = [
    "Understanding",
    "about_abroad",
    "another_service",
    "bot_command",
    "choice_named",
    "choice_number",
    "control_word",
    "detect_lang",
    "knows_latin_words",
    "looks_like_code",
    "forget_words",
    "prepare",
    "understand",
]

# Only the first 1,000 characters of a message are read: no subscriber request is longer,
# and it bounds the work a hostile 100 KB message can cause.
MAX_CHARS = 1000


def understand(text: str, now: datetime | None = None) -> Understanding:
    now = datetime.now(RIYADH) if now is None else now.astimezone(RIYADH)
    raw = clean_raw(text[:MAX_CHARS])
    folded = fold(raw)
    normalized = words(folded)
    slots = extract(raw, folded, now, normalized)
    command = bot_command(raw)
    guess = (
        IntentGuess(command, 1.0, ())
        if command
        else recognize(
            normalized,
            compensation_case="standard" in slots,
            outage_told=_outage_told(raw, now, slots),
            outage_ahead=_outage_ahead(raw, now, slots),
            folded=folded,
            compensation_asked="standard" in slots and _compensation_asked(raw),
            case_ahead="standard" in slots and _starts_ahead(raw, now),
            elsewhere=another_service(raw) or about_abroad(raw),
        )
    )
    return Understanding(
        intent=guess.intent,
        confidence=guess.confidence,
        slots=slots,
        lang=detect_lang(raw, normalized),
        alternatives=guess.alternatives,
    )


def another_service(text: str) -> bool:
    """The message names another service or company ("STC قطعوا النت", "الماء مقطوع من امس",
    "water bill payment") and nothing of electricity: not ours, whatever its words of
    cutting, paying or reporting would otherwise ask."""
    # Matched in what is left once the service's own words are out: a stem of electricity
    # inside one of them (as "light" is in "flight") names nothing.
    return _lists.mentions_words(text, "other_service") and not _lists.mentions(
        _lists.without(text, "other_service"), "electricity_named"
    )


def _outage_told(raw: str, now: datetime, slots: dict) -> bool:
    """The message tells an outage by its time, with no end: the power off now and since when
    ("لي ساعتين والكهرباء مقطوعة"), or an outage to come on a day ahead ("بتنقطع الخميس
    الجاي"; the report flow answers it as a planned outage, not a report)."""
    # Read from the times, not the slots: a day alone said with a length is no start slot
    # ("بتنقطع بكرة ٣ ساعات"), yet its day tells an outage ahead.
    reading = read_times(raw, now)
    if reading.start is None or reading.end is not None:
        return False
    if reading.start.day > now.date():
        return reading.power_named and _lists.mentions(raw, "outage_ahead")
    return reading.ongoing and reading.power_off


def _starts_ahead(raw: str, now: datetime) -> bool:
    """The case's start is a day still to come ("صيانة مجدولة الاحد الجاي")."""
    start = read_times(raw, now).start
    return start is not None and start.day > now.date()


def _compensation_asked(raw: str) -> bool:
    return _lists.mentions(raw, "compensation_ask")


def _outage_ahead(raw: str, now: datetime, slots: dict) -> bool:
    """A planned outage announced by the subscriber ("the power will be cut next Thursday at 9
    am", "بتنقطع الكهرباء بكرة"), with no word asking what is owed: news of an outage to come,
    answered by the report flow, not a compensation question (whatever the model leans to)."""
    if "standard" in slots or not _outage_told(raw, now, slots):
        return False
    start = read_times(raw, now).start
    ahead = start is not None and start.day > now.date()
    return ahead and not _lists.mentions(raw, "compensation_ask")


def prepare() -> None:
    """Read every table `understand` uses (the model, the phrase lists, the slot words, the
    language detector's Arabizi and English words) once at start-up, so that no subscriber's
    message pays for it. No message is read: the words kept are those of the model file."""
    from bot.understanding import abroad
    from bot.understanding.corpus import examples
    from bot.understanding.language import _arabizi_vocabulary, _code_marks
    from bot.understanding.model import intent_model
    from bot.understanding.phrases import control_phrases, intent_keywords, openings
    from bot.understanding.slots.duration import _words as duration_words
    from bot.understanding.slots.duration import length_starts
    from bot.understanding.slots.standard import _rules as standard_rules
    from bot.understanding.slots.standard import know_words as standard_words
    from bot.understanding.slots.times import _starters, _vocabulary, slot_words

    intent_model().prepare()
    intent_keywords()
    control_phrases()
    openings()
    examples("train")  # read even when the detector's words below were already worked out
    _arabizi_vocabulary()
    _code_marks()
    duration_words()
    _vocabulary()
    slot_words()
    length_starts()
    _starters()
    standard_rules()
    abroad.prepare()
    # What the model's own words find among the standards' rule words: most words of most
    # messages, worked out from the model file, so a fresh process pays only for the others.
    standard_words(intent_model().own_words())


def forget_words() -> None:
    """Forget the words met (the model's feature rows, the standards' rule words; the words
    worked out at start-up stay), as after a restart: what a benchmark's first round starts
    from."""
    from bot.understanding.model import intent_model
    from bot.understanding.slots import standard

    intent_model().forget_words()
    standard.forget_words()
