"""Deciding the intent of one normalized message, or admitting we are not sure."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.understanding.matcher import phrase_index
from bot.understanding.phrases import INTENTS, intent_keywords

ACCEPT = 0.70  # below this the best intent is a guess: answer "unknown" and let the bot ask
MARGIN = 0.05  # two intents closer than this are a tie: "unknown" with both as alternatives
SHOW_ALTERNATIVES_WITHIN = 0.15
# Small talk that often rides along with a request ("السلام عليكم، كم فاتورتي"): it loses to any
# confident request intent instead of competing with it.
COURTESY_INTENTS = frozenset({"greeting", "thanks", "help"})
# A message that names a compensation case (the standards finder recognized one: "ما رجعت
# الكهرباء بعد السداد", "قطعوا الكهرباء بعد الظهر") is a compensation question, whatever else
# it mentions; its confidence is at least this.
COMPENSATION_CASE_CONFIDENCE = 0.9


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


def recognize(normalized: str, compensation_case: bool = False) -> IntentGuess:
    """Intent of a normalized message; `compensation_case` when a standard was found in it."""
    if not normalized:
        return IntentGuess("unknown", 0.0, ())
    keyword_intent = intent_keywords().get(normalized)
    if keyword_intent:
        return IntentGuess(keyword_intent, 1.0, ())
    scores = phrase_index().scores(normalized)
    if compensation_case:
        confidence = max(scores.pop("compensation", 0.0), COMPENSATION_CASE_CONFIDENCE)
        others = sorted(scores.items(), key=lambda item: -item[1])[:2]
        return IntentGuess("compensation", confidence, tuple(others))
    if any(s >= ACCEPT for i, s in scores.items() if i not in COURTESY_INTENTS):
        scores = {i: s for i, s in scores.items() if i not in COURTESY_INTENTS}
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    if not ranked:
        return IntentGuess("unknown", 0.0, ())
    best_intent, best = ranked[0]
    close = tuple((i, s) for i, s in ranked[1:] if s >= best - SHOW_ALTERNATIVES_WITHIN)
    if best < ACCEPT:
        return IntentGuess("unknown", best, tuple(ranked[:3]))
    if close and close[0][1] > best - MARGIN:
        tied = tuple((i, s) for i, s in ranked if s > best - MARGIN)
        return IntentGuess("unknown", best, tied)
    return IntentGuess(best_intent, best, close)
