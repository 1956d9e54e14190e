"""A voice note, sent or only named ("رسالة صوتية", "voice note"): we read text only, so the
subscriber is asked, kindly, to write instead; the flow under way stays open for that answer.

The words are data: locales/<lang>/phrases/voice_note.txt.
"""

from __future__ import annotations

import re

from bot.dialogue.turn import Turn
from bot.phrases import mentions, phrases
from bot.text import normalize
from bot.understanding import Understanding, understand

# What is left of a message once its voice-note words are gone must be read this surely to be
# a request of its own ("الكهرباء طافية، ارسلت لك فويس" is an outage report).
OTHER_REQUEST = 0.8


def sent(turn: Turn, understood: Understanding | None) -> bool:
    """A voice note came (with no words, or words that ask for nothing), or the message only
    speaks of one."""
    if turn.message.audio and (understood is None or understood.intent == "unknown"):
        return True
    return named(turn, understood)


def named(turn: Turn, understood: Understanding | None) -> bool:
    """The message speaks of a voice note and asks for nothing else."""
    text = turn.text
    if not text or understood is None or not mentions(text, "voice_note"):
        return False
    rest = _without_voice_words(text)
    if not rest:
        return True
    again = understand(rest, now=turn.now)
    return again.intent == "unknown" or again.confidence < OTHER_REQUEST


def only_named(text: str) -> bool:
    """The message is only a voice note's name ("[voice note]", "رسالة صوتية"): no words of a
    language of its own to answer in."""
    return (
        bool(text)
        and mentions(text, "voice_note")
        and not re.sub(r"[\W_]+", "", _without_voice_words(text))
    )


def answer(turn: Turn) -> None:
    turn.intent = "voice_note"
    turn.say(
        turn.tr._(
            "Sorry, I cannot listen to voice notes: I read written messages only. Please "
            "write your request and I will help you right away."
        )
    )


def _without_voice_words(text: str) -> str:
    rest = normalize(text)
    for phrase in sorted(phrases("voice_note"), key=len, reverse=True):
        rest = rest.replace(phrase, " ")
    return re.sub(r"\s+", " ", rest).strip()
