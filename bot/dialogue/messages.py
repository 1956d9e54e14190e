"""What channels hand to the engine and what they get back.

Channels are thin translators: Twilio, Telegram and the terminal each turn their request into
one `Inbound` and render each `Reply` their own way (numbered text, keyboard buttons).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from bot.text.normalize import storable

CHANNELS = ("whatsapp", "sms", "telegram", "terminal")


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float
    address: str | None = None


@dataclass(frozen=True)
class Media:
    """A photo that came with a message, as the provider names it; fetched when it is kept."""

    provider: str  # "twilio" (WhatsApp/SMS MediaUrl) | "telegram" (a file_id)
    ref: str  # the MediaUrl, or the file_id
    content_type: str | None = None
    size: int | None = None  # bytes, when the provider tells


@dataclass(frozen=True)
class Inbound:
    channel: str  # one of CHANNELS
    sender: str  # conversation key: E.164 phone for Twilio/terminal, "tg:<user_id>" for Telegram
    text: str
    received_at: datetime  # timezone-aware
    message_id: str | None = None  # the channel's id (MessageSid, update_id): used to drop repeats
    phone: str | None = None  # E.164 number vouched for by the channel (Twilio From, terminal)
    location: Location | None = None
    contact_phone: str | None = None  # a Telegram contact the sender shared of themselves
    has_media: bool = False  # any attachment: a voice note, image or file
    media: tuple[Media, ...] = ()  # the photos among them, which a hazard report keeps
    audio: tuple[Media, ...] = ()  # the voice notes among them, which an outage report keeps
    # The language the sender's app is set to (Telegram's language_code), "ar" or "en": the
    # reply language of a first message that says nothing in a language ("/start").
    client_lang: str | None = None
    # The opt-out keyword the provider has already answered itself ("stop", "start", "help":
    # Twilio's Advanced Opt-Out sends OptOutType): recorded here, never answered a second time.
    provider_answered: str | None = None

    def __post_init__(self) -> None:
        # The edge of every channel: what cannot be stored (a lone surrogate, a NUL) is made
        # storable here, once, whichever channel built the message.
        for name in ("sender", "text", "message_id", "phone", "contact_phone"):
            value = getattr(self, name)
            if value is not None and (cleaned := storable(value)) != value:
                object.__setattr__(self, name, cleaned)
        if self.location is not None and self.location.address is not None:
            address = storable(self.location.address)
            if address != self.location.address:
                object.__setattr__(self, "location", replace(self.location, address=address))


@dataclass(frozen=True)
class Choice:
    key: str  # what the subscriber may type to pick it ("1", "2", ...)
    label: str
    request_contact: bool = False  # Telegram: a button that shares the sender's phone
    # Other words that pick it when sent alone: what the label shows of it ("5678" of
    # "••••5678 العليا", the district "العليا"). Matched only when no other choice has them.
    aliases: tuple[str, ...] = ()
    # The choice most subscribers want: where a menu cannot be shown whole (an SMS page), it
    # comes first.
    featured: bool = False
    # Taken when sent (its key, its label, its aliases) but not shown: the one option a reply
    # offers in its own words ('send "agent"'), as a menu of one item reads like a form left
    # half-made; the number it had is still understood.
    unlisted: bool = False


@dataclass(frozen=True)
class Reply:
    text: str
    choices: tuple[Choice, ...] = field(default_factory=tuple)
    # The language it is written in ("ar", "en"): how a channel joins its choices (an SMS menu's
    # comma). Not part of what the reply says, so not of its equality.
    lang: str | None = field(default=None, compare=False)

    @property
    def shown_choices(self) -> tuple[Choice, ...]:
        """The choices a channel shows (a numbered list, buttons): the unlisted ones are not."""
        return tuple(c for c in self.choices if not c.unlisted)


def reply_to_json(reply: Reply) -> dict:
    return {
        "text": reply.text,
        "lang": reply.lang,
        "choices": [
            [c.key, c.label, c.request_contact, list(c.aliases), c.featured, c.unlisted]
            for c in reply.choices
        ],
    }


def reply_from_json(data: dict) -> Reply:
    return Reply(
        text=data["text"],
        choices=tuple(_choice(*choice) for choice in data["choices"]),
        lang=data.get("lang"),
    )


def _choice(
    key: str,
    label: str,
    request_contact: bool = False,
    aliases: list | None = None,
    featured: bool = False,
    unlisted: bool = False,
) -> Choice:
    return Choice(key, label, request_contact, tuple(aliases or ()), featured, unlisted)
