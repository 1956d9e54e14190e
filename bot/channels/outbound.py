"""Messages the bot starts itself (restoration notices, monthly bills): one interface.

Implementations sit beside this file, one per transport, and `outbound_sender(settings)`
picks them from the settings. Callers never know which transport carried a message.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from dataclasses import dataclass

from bot.config import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outbound:
    channel: str  # "whatsapp" | "sms" | "telegram" | "terminal"
    address: str  # E.164 phone for Twilio channels, Telegram chat id for Telegram
    text: str
    # WhatsApp outside the 24-hour window may only carry an approved template:
    template: str | None = None  # template name / content SID configured by the operator
    template_variables: dict[str, str] | None = None


@dataclass(frozen=True)
class SendResult:
    ok: bool
    provider_id: str | None = None  # e.g. Twilio's message SID
    permanent: bool = False  # a failure that retrying will not fix (invalid number, opted out)
    error: str | None = None


class OutboundSender(ABC):
    @abstractmethod
    def send(self, message: Outbound) -> SendResult: ...


class CollectingSender(OutboundSender):
    """Keeps every message in a list: the default with no credentials, and in tests."""

    def __init__(self) -> None:
        self.sent: list[Outbound] = []

    def send(self, message: Outbound) -> SendResult:
        self.sent.append(message)
        return SendResult(ok=True, provider_id=f"local-{len(self.sent)}")


class RoutingSender(OutboundSender):
    """Hands each message to the sender of its channel."""

    def __init__(self, by_channel: dict[str, OutboundSender], fallback: OutboundSender) -> None:
        self.by_channel = by_channel
        self.fallback = fallback

    def send(self, message: Outbound) -> SendResult:
        return self.by_channel.get(message.channel, self.fallback).send(message)


def outbound_sender(settings: Settings) -> OutboundSender:
    """Twilio for WhatsApp and SMS, the Bot API for Telegram; a CollectingSender stands in for
    any transport whose credentials are missing (and for the terminal), and says so in the log."""
    from bot.channels.telegram_sender import TelegramSender
    from bot.channels.twilio_sender import TwilioSender

    collecting = CollectingSender()
    by_channel: dict[str, OutboundSender] = {}
    if settings.twilio_account_sid and settings.twilio_auth_token:
        twilio = TwilioSender.from_settings(settings)
        by_channel.update(whatsapp=twilio, sms=twilio)
    else:
        log.warning("no Twilio credentials: WhatsApp and SMS messages are only collected, not sent")
    if settings.telegram_bot_token:
        by_channel["telegram"] = TelegramSender.from_settings(settings)
    else:
        log.warning("no TELEGRAM_BOT_TOKEN: Telegram messages are only collected, not sent")
    return RoutingSender(by_channel, fallback=collecting)
