"""Messages the bot starts itself (restoration notices, monthly bills): one interface.

Implementations sit beside this file, one per transport, and `outbound_sender(settings)`
picks them from the settings. Callers never know which transport carried a message.

A channel without credentials has no transport: its messages are refused (never "sent" to a
list nobody reads), and commands check `transport_problem` first so they fail with one clear
line before doing anything; `--dry-run` (`print_dry_run`) is the explicit rehearsal.
The terminal, which has no provider, keeps its messages until its chat shows them
(`terminal_outbox.py`); only tests collect messages in a list.
"""

from __future__ import annotations

import logging
import sys
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TextIO

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


# What each channel's transport needs; a channel missing here ("terminal") needs nothing.
TRANSPORT_SETTINGS = {
    "whatsapp": ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"),
    "sms": ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"),
    "telegram": ("TELEGRAM_BOT_TOKEN",),
}
NO_TRANSPORT = "no transport"


def has_transport(settings: Settings, channel: str) -> bool:
    if channel in ("whatsapp", "sms"):
        return bool(settings.twilio_account_sid and settings.twilio_auth_token)
    if channel == "telegram":
        return bool(settings.telegram_bot_token)
    return True


def transport_problem(settings: Settings, channels: Iterable[str]) -> str | None:
    """One line naming the channels among `channels` that have no transport, or None."""
    missing = sorted({c for c in channels if not has_transport(settings, c)})
    if not missing:
        return None
    needs = sorted({name for c in missing for name in TRANSPORT_SETTINGS.get(c, ())})
    return (
        f"{NO_TRANSPORT} for {', '.join(missing)}: set {' and '.join(needs)}, "
        "or rehearse with --dry-run; nothing was sent"
    )


class CollectingSender(OutboundSender):
    """Keeps every message in a list: tests' transport."""

    def __init__(self) -> None:
        self.sent: list[Outbound] = []

    def send(self, message: Outbound) -> SendResult:
        self.sent.append(message)
        return SendResult(ok=True, provider_id=f"local-{len(self.sent)}")


class UnconfiguredSender(OutboundSender):
    """Refuses every message of a channel that has no credentials: it is not sent, so it is
    not recorded as sent, and a later run with credentials still sends it."""

    def send(self, message: Outbound) -> SendResult:
        return SendResult(ok=False, error=f"{NO_TRANSPORT} for {message.channel}")


def print_dry_run(messages: Iterable[Outbound], out: TextIO | None = None) -> int:
    """`--dry-run`: what would go out, one message a line; nothing is sent or recorded."""
    listed = list(messages)
    for message in listed:
        text = message.text.replace("\n", " / ")
        print(f"[dry run] {message.channel} {message.address}: {text}", file=out or sys.stdout)
    return len(listed)


class RoutingSender(OutboundSender):
    """Hands each message to the sender of its channel."""

    def __init__(self, by_channel: dict[str, OutboundSender], fallback: OutboundSender) -> None:
        self.by_channel = by_channel
        self.fallback = fallback

    def send(self, message: Outbound) -> SendResult:
        return self.by_channel.get(message.channel, self.fallback).send(message)


def outbound_sender(settings: Settings) -> OutboundSender:
    """Twilio for WhatsApp and SMS, the Bot API for Telegram, the chat's mailbox for the
    terminal; a channel whose credentials are missing gets an `UnconfiguredSender`, and the log
    says so."""
    from bot.channels.telegram_sender import TelegramSender
    from bot.channels.terminal_outbox import TerminalSender
    from bot.channels.twilio_sender import TwilioSender

    unconfigured = UnconfiguredSender()
    by_channel: dict[str, OutboundSender] = {"terminal": TerminalSender(settings.database_url)}
    if has_transport(settings, "whatsapp"):
        twilio = TwilioSender.from_settings(settings)
        by_channel.update(whatsapp=twilio, sms=twilio)
    else:
        log.warning("no Twilio credentials: WhatsApp and SMS messages cannot be sent")
    if has_transport(settings, "telegram"):
        by_channel["telegram"] = TelegramSender.from_settings(settings)
    else:
        log.warning("no TELEGRAM_BOT_TOKEN: Telegram messages cannot be sent")
    return RoutingSender(by_channel, fallback=unconfigured)
