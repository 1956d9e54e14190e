"""Deciding the intent of one normalized message, or admitting we are not sure.

Exact rules first: carrier and short-code keywords (STOP, START, HELP, STAT, OUT, REG, BILL)
and the control words ("menu" asks for help; "yes", "cancel" ask for nothing on their own)
count only as the whole message. Everything else goes to the trained model
(`bot.understanding.model`); a message in which the standards finder recognized a compensation
case ("ما رجعت الكهرباء بعد السداد") is a compensation question, whatever else it mentions; one
the model cannot place that tells an outage by its time ("صار لي ساعة بدون كهرباء", "لي ساعتين
والكهرباء مقطوعة", "بتنقطع الخميس الجاي") goes to the outage report, which reads that time, as
does an outage still to come that asks nothing of what is owed, even where the model leans to
compensation ("the power will be cut next Thursday at 9 am").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.understanding.corpus import INTENTS
from bot.understanding.model import IntentModel, intent_model
from bot.understanding.phrases import control_phrases, intent_keywords

# The runner-up intents a "not sure" answer offers as choices: those at least this likely.
ALTERNATIVE_AT_LEAST = 0.10
COMPENSATION_CASE_CONFIDENCE = 0.9
OUTAGE_TOLD_CONFIDENCE = 0.8


@dataclass(frozen=True)
class IntentGuess:
    intent: str
    confidence: float
    alternatives: tuple[tuple[str, float], ...]


# A chat app's bot command ("/bill", "/outage_report@sadeeq_bot" in a group) names an intent.
_BOT_COMMAND = re.compile(r"/([a-z_]+)(?:@\w+)?")


def bot_command(text: str) -> str | None:
    """The intent a bot command names (Telegram's menu sends these), else None."""
    match = _BOT_COMMAND.fullmatch(text.strip().lower())
    if match and match.group(1) in INTENTS and match.group(1) != "unknown":
        return match.group(1)
    return None


# A report's reference alone ("OUT-000006", normalized "out 000006"; a safety report's
# "HAZ-000002") asks after that report.
_REPORT_REFERENCE = re.compile(r"(?:out|inc|haz|hz) ?\d+")


def recognize(
    normalized: str,
    compensation_case: bool = False,
    outage_told: bool = False,
    outage_ahead: bool = False,
) -> IntentGuess:
    """Intent of a normalized message; `compensation_case` when a standard was found in it;
    `outage_told` when it tells an outage by its time, with no end; `outage_ahead` when that
    outage is still to come and nothing owed is asked about (`understand`)."""
    if not normalized:
        return IntentGuess("unknown", 0.0, ())
    keyword_intent = intent_keywords().get(normalized)
    if keyword_intent:
        return IntentGuess(keyword_intent, 1.0, ())
    if _REPORT_REFERENCE.fullmatch(normalized):
        return IntentGuess("outage_status", 1.0, ())
    control = control_phrases().get(normalized)
    if control == "menu" and not normalized.isdigit():
        return IntentGuess("help", 1.0, ())  # "menu", "القائمة": the dialogue shows the menu
    if control is not None:
        return IntentGuess("unknown", 0.0, ())  # "yes", "cancel", "1": no request on their own
    model = intent_model()
    probabilities = model.probabilities(normalized)
    if compensation_case:
        confidence = max(probabilities.pop("compensation"), COMPENSATION_CASE_CONFIDENCE)
        return IntentGuess("compensation", confidence, _runners_up(probabilities, 2))
    intent, confidence = model.decide(probabilities)
    if intent in ("unknown", "compensation", "outage_status") and outage_ahead:
        # "the power will be cut next Thursday": an outage announced, not a question of money
        # (the model leans to compensation on "cut"); the report flow answers it as planned.
        intent = "unknown"
    if intent == "unknown" and outage_told:
        del probabilities["outage_report"]
        return IntentGuess("outage_report", OUTAGE_TOLD_CONFIDENCE, _runners_up(probabilities, 2))
    if intent == "unknown":
        if not _knows_a_word(model, normalized):
            # "asdkjh qwe zzz": no word the model was trained on, so no "did you mean" guess.
            return IntentGuess("unknown", confidence, ())
        return IntentGuess("unknown", confidence, _runners_up(probabilities, 3))
    del probabilities[intent]
    return IntentGuess(intent, confidence, _runners_up(probabilities, 2))


_own_words: dict[int, frozenset[str]] = {}


def _knows_a_word(model: IntentModel, normalized: str) -> bool:
    """Whether any word of the message is one of the model's own words."""
    from bot.understanding.features import message_words

    own = _own_words.get(id(model))
    if own is None:
        own = _own_words[id(model)] = frozenset(model.own_words())
    return not own.isdisjoint(message_words(normalized))


def _runners_up(probabilities: dict[str, float], most: int) -> tuple[tuple[str, float], ...]:
    ranked = sorted(probabilities.items(), key=lambda item: (-item[1], item[0]))
    return tuple(
        (intent, round(p, 3))
        for intent, p in ranked[:most]
        if intent != "unknown" and p >= ALTERNATIVE_AT_LEAST
    )
