"""How a `Reply` becomes plain text on each channel: the one place for menus and SMS limits.

WhatsApp (and the terminal) show choices as a numbered list under the text. SMS has no room
and no emoji: choices go on one compact line ("1 الفاتورة، 2 بلاغ انقطاع", in English "1 Bill,
2 Outage report": the reply's language picks the comma) and the whole text is kept within three
segments, cut on a line or word boundary, unless the subscriber asked for detail. A sentence
telling how to opt out (STOP, إيقاف) is never the part cut: short-code rules want it in HELP. Telegram shows choices as keyboard buttons, so only the text is rendered for it.

No message leaves longer than its channel takes (`MESSAGE_LIMITS`): a longer text goes as
several messages split on line boundaries (`split_message`), at most `MAX_PARTS` of them.
"""

from __future__ import annotations

import re

from bot.dialogue.messages import Reply

SMS_MAX_SEGMENTS = 3
# Characters per segment of a multi-part SMS (the rest of each 70/160 is the concatenation header).
UCS2_SEGMENT = 67
GSM7_SEGMENT = 153
ELLIPSIS = "…"
# The ellipsis is not GSM-7, so a text we cut is always counted in UCS-2 units.
CUT_LIMIT = SMS_MAX_SEGMENTS * UCS2_SEGMENT

# GSM 03.38 basic alphabet; the extension table characters cost two septets each.
GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = "^{}\\[~]|€\f"

# Pictographs, dingbats, symbols and the joiners/selectors that glue emoji sequences together.
EMOJI = re.compile(
    "["
    "\U0001f000-\U0001faff"  # emoji, pictographs, flags, skin tones
    "\u2600-\u27bf"  # miscellaneous symbols and dingbats
    "\u2b00-\u2bff"  # arrows and stars used as emoji
    "\u2300-\u23ff"  # technical symbols (⌛ ⏰)
    "\ufe0f\ufe0e\u20e3\u200d"  # variation selectors, keycap, zero-width joiner
    "\U000e0020-\U000e007f"  # tag characters (subdivision flags)
    "]+"
)
# What one message may carry, in UTF-16 units: Twilio's body limit (WhatsApp, and SMS, where
# Twilio splits into segments), the Bot API's sendMessage text limit.
MESSAGE_LIMITS = {"whatsapp": 1600, "sms": 1600, "telegram": 4096}
MAX_PARTS = 4  # a reply longer than this many messages is cut: nobody reads a fifth screen

DETAIL_WORDS = frozenset({"تفاصيل", "التفاصيل", "detail", "details"})
ARABIC_LETTER = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")


def render_text(reply: Reply, channel: str, detail: bool = False) -> str:
    """The reply as one text message for `channel` ("whatsapp", "sms", "telegram", "terminal")."""
    if channel == "sms":
        return _sms(reply, detail)
    if channel == "telegram" or not reply.shown_choices:
        return reply.text
    menu = "\n".join(f"{choice.key}. {choice.label}" for choice in reply.shown_choices)
    return f"{reply.text}\n\n{menu}" if reply.text else menu


def was_cut(reply: Reply, channel: str) -> bool:
    """The channel showed the reply shortened ("details" brings the rest)."""
    return render_text(reply, channel) != render_text(reply, channel, detail=True)


def _sms(reply: Reply, detail: bool) -> str:
    body = _compact_lines(strip_emoji(reply.text))
    items = [f"{c.key} {strip_emoji(c.label).strip()}" for c in reply.shown_choices]
    menu = _separator(reply).join(items)
    text = "\n".join(part for part in (body, menu) if part)
    if detail or sms_segments(text) <= SMS_MAX_SEGMENTS:
        return text
    # Cut: what is left out is one "details" away, and the reply says so. A reply that ends
    # offering its details (the bill card) was written most important first: cut at its end.
    more = _more_hint(reply)
    shorten = _shorten
    *rest, last = body.split("\n")
    if rest and DETAIL_WORDS & set(WORD.findall(last.lower())):
        body, more, shorten = "\n".join(rest), last, _cut_keeping_opt_out
    limit = CUT_LIMIT - _utf16_len(more) - 1
    if not menu:
        return f"{shorten(body, limit)}\n{more}"
    room = limit - _utf16_len(menu) - 1
    if room >= MIN_CUT_TEXT:
        return f"{shorten(body, room)}\n{menu}\n{more}"
    # The menu alone does not fit: a page of it, the choice most wanted first, after the
    # question's first line; every number still works when typed.
    head = _cut_keeping_opt_out(body.split("\n", 1)[0], MENU_PAGE_TEXT) if body else ""
    page: list[str] = []
    order = sorted(range(len(items)), key=lambda i: not reply.shown_choices[i].featured)
    for i in order:
        candidate = _separator(reply).join([*page, items[i]])
        if _utf16_len(head) + _utf16_len(candidate) + 1 > limit:
            break
        page.append(items[i])
    return "\n".join(part for part in (head, _separator(reply).join(page), more) if part)


def _shorten(text: str, limit: int) -> str:
    """A text of several lines loses its middle lines first: the first line says what it is
    about, the last ones what follows from it (the amount, the date, 19944, the next step).
    Fewer lines, or a first line alone too long: cut at the end (the opt-out words kept)."""
    lines = text.split("\n")
    if len(lines) < 3 or _utf16_len(lines[0]) + len(ELLIPSIS) + 2 > limit:
        return _cut_keeping_opt_out(text, limit)
    tail: list[str] = []
    for line in reversed(lines[1:]):
        kept = "\n".join([lines[0], ELLIPSIS, line, *tail])
        if _utf16_len(kept) > limit:
            break
        tail.insert(0, line)
    if not tail:
        return _cut_keeping_opt_out(text, limit)
    if len(tail) == len(lines) - 1:
        return text
    return "\n".join([lines[0], ELLIPSIS, *tail])


MENU_PAGE_TEXT = 40  # of the question above a paged menu: its first line, cut to this


def _more_hint(reply: Reply) -> str:
    from bot.i18n import texts

    lang = reply.lang or ("ar" if ARABIC_LETTER.search(reply.text) else "en")
    return texts(lang)._('Send "details" for the rest.')


def _separator(reply: Reply) -> str:
    if reply.lang is not None:
        return "، " if reply.lang == "ar" else ", "
    # A reply made without a language (a test's, a plain string's): guess from its letters.
    return (
        "، "
        if ARABIC_LETTER.search(reply.text + "".join(c.label for c in reply.shown_choices))
        else ", "
    )


SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+")
CLAUSE_END = re.compile(r"(?<=[،,;؛])\s+")
MIN_CUT_TEXT = 20  # less of the text before the opt-out words than this is no sense at all
WORD = re.compile(r"[\w\u0600-\u06ff]+")
# How the bot writes the opt-out word in a sentence: the carrier's capitals, or the Arabic word.
OPT_OUT_WORDS = frozenset({"STOP", "إيقاف", "ايقاف"})


def _cut_keeping_opt_out(text: str, limit: int) -> str:
    """`cut`, except that the words telling how to opt out stay whole at the end and the text
    before them is cut instead: their whole sentence if it leaves room for some of that text,
    else just their clause ("…and STOP to stop all messages.")."""
    sentences = SENTENCE_END.split(text)
    sentence = next((s for s in reversed(sentences) if _names_opt_out(s)), None)
    if sentence is None:
        return cut(text, limit)
    clause = next(c for c in reversed(CLAUSE_END.split(sentence)) if _names_opt_out(c))
    for keep, least in ((sentence, MIN_CUT_TEXT), (clause, 0)):
        before = text[: text.rfind(keep)].rstrip(" ،,")
        room = limit - _utf16_len(keep) - 1
        if before and room >= least:
            # Too little room for any sense before the clause: only the ellipsis says "more".
            head = cut(before, room) if room >= MIN_CUT_TEXT // 2 else ELLIPSIS
            return f"{head} {keep}" if head != ELLIPSIS else f"{head}{keep}"
    return cut(text, limit)


def _names_opt_out(text: str) -> bool:
    return bool(OPT_OUT_WORDS & set(WORD.findall(text)))


def split_message(text: str, channel: str) -> list[str]:
    """`text` as the messages `channel` can carry: itself when it fits, else parts of at most
    the channel's limit cut on line (or word) boundaries, the last cut with an ellipsis if even
    `MAX_PARTS` are not enough."""
    limit = MESSAGE_LIMITS.get(channel)
    if limit is None or _utf16_len(text) <= limit:
        return [text]
    parts: list[str] = []
    rest = text
    while rest and len(parts) < MAX_PARTS - 1 and _utf16_len(rest) > limit:
        head = cut(rest, limit).removesuffix(ELLIPSIS)
        parts.append(head)
        rest = rest[len(head) :].lstrip(" \n")
    if rest:
        parts.append(cut(rest, limit))
    return parts


def asks_for_detail(text: str) -> bool:
    """The subscriber wrote a detail word ("تفاصيل", "details"): SMS may then run long."""
    try:
        from bot.understanding import control_word
    except ImportError:  # until the understanding package lands: its documented word list
        return " ".join(text.split()).lower().strip(".!؟?") in DETAIL_WORDS
    return control_word(text) == "detail"


def strip_emoji(text: str) -> str:
    return EMOJI.sub("", text)


def _compact_lines(text: str) -> str:
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def sms_units(text: str) -> int:
    """Septets for GSM-7 text, UTF-16 code units otherwise (what carriers count)."""
    if is_gsm7(text):
        return sum(2 if ch in GSM7_EXTENSION else 1 for ch in text)
    return _utf16_len(text)


def sms_segments(text: str) -> int:
    units = sms_units(text)
    single, multi = (160, GSM7_SEGMENT) if is_gsm7(text) else (70, UCS2_SEGMENT)
    if units <= single:
        return 1
    return -(-units // multi)


def cut(text: str, limit: int) -> str:
    """At most `limit` UTF-16 units, ending on a line or word boundary, with an ellipsis."""
    if _utf16_len(text) <= limit:
        return text
    room = limit - len(ELLIPSIS)
    while _utf16_len(text[:room]) > limit - len(ELLIPSIS):  # characters outside the BMP count twice
        room -= 1
    head = text[: room + 1]
    at = head.rfind("\n")
    if at < room // 2:  # a line break too early wastes the message: cut between words instead
        at = max(head.rfind(" "), at)
    if at <= 0:
        at = room
    return text[:at].rstrip(" \n،,.:;-") + ELLIPSIS


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
