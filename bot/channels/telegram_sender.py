"""Outbound Telegram messages through the Bot API's sendMessage (synchronous, via httpx).

Telegram's 400/403 answers (chat not found, bot blocked by the user) are permanent; 429, 5xx
and network failures are worth retrying. Opted-out contacts get nothing.
"""

from __future__ import annotations

import httpx

from bot.channels.contacts import OPTED_OUT, contact_state
from bot.channels.database_errors import DATABASE_ERRORS
from bot.channels.outbound import Outbound, OutboundSender, SendResult
from bot.channels.render import MESSAGE_LIMITS, cut
from bot.config import Settings

DEFAULT_API_BASE = "https://api.telegram.org/bot"


class TelegramSender(OutboundSender):
    def __init__(
        self, token: str, *, database_url: str, api_base: str | None = None, timeout: float = 10.0
    ) -> None:
        self.url = f"{api_base or DEFAULT_API_BASE}{token}/sendMessage"
        self.database_url = database_url
        self.http = httpx.Client(timeout=timeout)

    @classmethod
    def from_settings(cls, settings: Settings) -> TelegramSender:
        if not settings.telegram_bot_token:
            raise ValueError("TELEGRAM_BOT_TOKEN is needed")
        return cls(
            settings.telegram_bot_token,
            database_url=settings.database_url,
            api_base=settings.telegram_api_base,
        )

    def send(self, message: Outbound) -> SendResult:
        if message.channel != "telegram":
            return SendResult(ok=False, permanent=True, error=f"not Telegram: {message.channel}")
        try:
            # A private chat's id is the user's id, which is how the conversation knows them.
            if contact_state(self.database_url, "telegram", f"tg:{message.address}").opted_out:
                return SendResult(ok=False, permanent=True, error=OPTED_OUT)
        except DATABASE_ERRORS as exc:
            return SendResult(ok=False, error=f"database unavailable: {exc}")
        try:
            text = cut(message.text, MESSAGE_LIMITS["telegram"])
            response = self.http.post(self.url, json={"chat_id": message.address, "text": text})
            data = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            return SendResult(ok=False, error=f"telegram unreachable: {exc}")
        if response.status_code == 200 and data.get("ok"):
            return SendResult(ok=True, provider_id=str(data["result"]["message_id"]))
        permanent = 400 <= response.status_code < 500 and response.status_code != 429
        return SendResult(
            ok=False,
            permanent=permanent,
            error=f"telegram {response.status_code}: {data.get('description')}",
        )
