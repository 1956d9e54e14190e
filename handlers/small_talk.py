"""Etiquette: a greeting is returned the way it was given ("السلام عليكم" → "وعليكم السلام
ورحمة الله", "صباح الخير" → "صباح النور"), thanks and goodbyes get a short warm answer, and
small talk ("ههههه", "🙂", "تمام") is never answered with the whole menu. A greeting that comes
with a request gets its return on the first line of the answer to the request.

The words are data: locales/<lang>/phrases/<kind>.txt for each kind below, matched as whole
words at the start of a message (both languages' lists: "ok" is said in Arabic chats too).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import TypeGuard

from bot.dialogue.messages import Reply, reply_from_json
from bot.dialogue.turn import Turn
from bot.i18n import N_
from bot.phrases import phrases
from bot.text import normalize
from bot.understanding.phrases import GREETING_LISTS
from handlers import menu

GREETINGS = GREETING_LISTS
KINDS = (*GREETINGS, "thanks", "laughter", "acknowledge", "agreement", "farewell")
# "OK" and "yes, right": no request, and to a yes-or-no question a yes (agreement only).
NODS = frozenset({"acknowledge", "agreement"})
# Addressing the bot ("يا صديق", "اخوي") adds nothing to the small talk around it.
ADDRESS = "small_talk_address"
# Kinds that end the step the subscriber was in, as a person leaving the counter does.
LEAVING = frozenset({"thanks", "wellwish", "farewell"})
# Emoji alone (bot/understanding/data/emoji.toml): an "OK", a smile, or else "upset" (😡, 😭).
UPSET = "upset"
# Fire, sparks or a plug alone (🔥🔥, ⚡️): maybe danger; 933 first, and what and where asked.
DANGER = "danger"


@cache
def _emoji(kind: str) -> frozenset[str]:
    from bot.understanding.vocabulary import load

    return frozenset(load("emoji")[kind]) - {"\ufe0f"}


@dataclass(frozen=True)
class Courtesy:
    kinds: tuple[str, ...]  # the kinds said at the start of the message, in order
    rest: str  # the normalized words after them; "" when the message was only small talk

    @property
    def only_small_talk(self) -> bool:
        return not self.rest

    @property
    def greeted(self) -> bool:
        return any(kind in GREETINGS for kind in self.kinds)


@cache
def _phrase_kinds() -> tuple[dict[tuple[str, ...], str], int]:
    """Each phrase as a tuple of words → its kind, and the longest phrase in words."""
    table: dict[tuple[str, ...], str] = {}
    for kind in (*KINDS, ADDRESS):
        for phrase in phrases(kind):
            table.setdefault(tuple(phrase.split()), kind)
    return table, max(len(key) for key in table)


def read(text: str) -> Courtesy | None:
    """The small talk a message opens with; None when it opens with none."""
    words = normalize(text[:200]).split()
    if not words:
        return _emoji_only(text)
    table, longest = _phrase_kinds()
    kinds: list[str] = []
    i = 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 0, -1):
            kind = table.get(tuple(words[i : i + n]))
            if kind is not None:
                break
        else:
            break
        if kind != ADDRESS and kind not in kinds:
            kinds.append(kind)
        i += n
    if not kinds:
        return None
    return Courtesy(kinds=tuple(kinds), rest=" ".join(words[i:]))


def _emoji_only(text: str) -> Courtesy | None:
    symbols = [ch for ch in text if not ch.isspace()]
    if not symbols or not all(
        unicodedata.category(ch) in ("So", "Sk", "Mn", "Cf") or ch == "\ufe0f" for ch in symbols
    ):
        return None
    if any(ch in _emoji("danger") for ch in symbols) and not any(
        ch in _emoji("not_danger") for ch in symbols
    ):
        kind = DANGER
    elif any(ch in _emoji("ok") for ch in symbols):
        kind = "acknowledge"
    elif any(ch in _emoji("happy") for ch in symbols):
        kind = "laughter"
    else:
        kind = UPSET  # 😡😡😡, 😭, ⚡❌🏠: not thanked, not smiled at
    return Courtesy(kinds=(kind,), rest="")


def takes_before_flow(courtesy: Courtesy | None, reads_yes: bool) -> TypeGuard[Courtesy]:
    """Only small talk, and no "OK" if the open question reads "تمام" as yes (`reads_yes`);
    elsewhere an "OK" is no district, place or answer."""
    return (
        courtesy is not None
        and courtesy.only_small_talk
        and not (reads_yes and NODS & set(courtesy.kinds))
    )


# The return of each kind of small talk, translated only for the kind said (a greeting with a
# request translated all of them to return one).
_RETURNS = {
    "greeting_salam": N_("And peace be upon you, and the mercy of God"),
    "greeting_morning": N_("Good morning to you too"),
    "greeting_evening": N_("Good evening to you too"),
    # Not "welcome": a new conversation's welcome follows it ("Welcome to Sadeeq").
    "greeting_hello": N_("Hello"),
    "greeting_how_are_you": N_("I am well, thank God, and I hope you are too"),
    "wellwish": N_("Thank you, and may God give you strength too"),
    "thanks": N_("You are welcome, anytime"),
    "laughter": N_("Glad to see you smiling 😊"),
    "acknowledge": N_("All right. If you need anything else, just write to me"),
    "agreement": N_("All right. If you need anything else, just write to me"),
    "farewell": N_("Goodbye, take care"),
    UPSET: N_("Sorry for the trouble. How can I help you?"),
    DANGER: N_(
        "⚠️ If there is fire, sparks or a fallen wire: call 933 now and keep away (fire or "
        "smoke: civil defence on 998 too). Is there a danger near you? Tell me what you see "
        "and where, and I will report it to the emergency team."
    ),
}


def _return(turn: Turn, kind: str) -> str:
    return turn.tr._(_RETURNS[kind])


def _joined(turn: Turn, kinds: tuple[str, ...]) -> str:
    separator = "، " if turn.lang == "ar" else ". "
    if len(kinds) > 1 and any(kind in LEAVING for kind in kinds):
        # "ههههه طيب مشكور": one answer to the thanks or goodbye, not one to each word.
        kinds = tuple(kind for kind in kinds if kind in LEAVING or kind in GREETINGS)
    return separator.join(_return(turn, kind) for kind in kinds)


def answer(turn: Turn, courtesy: Courtesy, again: Reply | None = None) -> None:
    """A message that is only small talk: its return, short; the menu only when a greeting
    opens a conversation (a subscriber who greets first needs to know what to send). `again`:
    the open question as its flow asks it again (without a "sorry to hear that" said once),
    else it is asked again as it was."""
    _ = turn.tr._
    kinds = courtesy.kinds
    if any(kind in LEAVING for kind in kinds):
        turn.finish()
    if any(kind in GREETINGS and kind != "wellwish" for kind in kinds):
        turn.intent = "greeting"
    elif any(kind in LEAVING for kind in kinds):
        turn.intent = "thanks"
    else:
        turn.intent = "small_talk"
    line = _joined(turn, kinds)
    if turn.asking and turn.contact.last_replies:
        # In the middle of a question: returned, and the question asked again (its choices too).
        asked = (
            [again]
            if again is not None
            else [reply_from_json(stored) for stored in turn.contact.last_replies]
        )
        first = (
            asked[0].text
            if len(kinds) == 1 and kinds[0] in NODS | {UPSET}  # the question again, plainly
            else f"{line}\n{asked[0].text}"
        )
        turn.say(first, asked[0].choices)
        for reply in asked[1:]:
            turn.say(reply.text, reply.choices)
        return
    if UPSET in kinds:
        menu.offer(turn, line)  # what they can ask for, not a smile back
        return
    if DANGER in kinds:
        turn.say(line)  # no menu: whether there is danger is the one question
        return
    if turn.intent != "greeting" or "farewell" in kinds:
        turn.say(line)
        return
    if _new_conversation(turn):
        menu.show(
            turn, f"{line}\n" + _("Welcome to Sadeeq, your electricity friend. How can I help you?")
        )
    else:
        turn.say(f"{line}\n" + _("How can I help you?"))


def _new_conversation(turn: Turn) -> bool:
    last = turn.contact.last_inbound_at
    idle = timedelta(minutes=turn.settings.session_idle_minutes)
    return last is None or turn.now - last > idle


def return_greeting(turn: Turn, courtesy: Courtesy | None) -> None:
    """A greeting that came with a request: its return on the answer's first line. A danger
    warning ("⚠️ … call 933") stays first: nothing is put before it."""
    if courtesy is None or courtesy.only_small_talk or not courtesy.greeted or not turn.replies:
        return
    first = turn.replies[0]
    if first.text.startswith("⚠"):
        return
    greetings = tuple(kind for kind in courtesy.kinds if kind in GREETINGS)
    turn.replies[0] = Reply(text=f"{_joined(turn, greetings)}\n{first.text}", choices=first.choices)
