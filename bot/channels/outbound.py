"""Messages the bot starts itself (restoration notices, monthly bills): one interface.

Implementations sit beside this file, one per transport, and `outbound_sender(settings)`
picks them from the settings. Callers never know which transport carried a message.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass


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
