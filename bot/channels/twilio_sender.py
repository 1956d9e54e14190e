"""Outbound WhatsApp and SMS through Twilio's REST API.

WhatsApp allows free-form text only within 24 hours of the subscriber's last message; outside
that window it carries the operator's approved template (a content SID with variables), or, with
no template, the text goes by SMS to the same number. Opted-out contacts get nothing.
Twilio's 4xx answers (invalid number, 21610 unsubscribed...) are permanent; 429, 5xx and network
failures are worth retrying.

Every message asks Twilio to report its fate to SADEEQ_PUBLIC_URL + /twilio/status (the
ledgers then say delivered or failed, bot/channels/delivery_status.py). With
TWILIO_MESSAGING_SERVICE_SID set, both channels send through that Messaging Service (its
sender pool, WhatsApp sender and opt-out handling) instead of a From number.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from urllib.parse import urlsplit, urlunsplit

from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from bot.channels.contacts import OPTED_OUT, contact_state
from bot.channels.database_errors import DATABASE_ERRORS
from bot.channels.outbound import Outbound, OutboundSender, SendResult
from bot.channels.render import MESSAGE_LIMITS, cut
from bot.config import Settings
from bot.storage.base import utcnow

log = logging.getLogger(__name__)

WHATSAPP_WINDOW = timedelta(hours=24)
STATUS_PATH = "/twilio/status"  # the route of bot/channels/twilio_webhook.py


class RebasedHttpClient(TwilioHttpClient):
    """Sends what the Twilio client addresses to *.twilio.com to another base URL instead."""

    def __init__(self, api_base: str) -> None:
        super().__init__(timeout=10)
        self.api_base = urlsplit(api_base.rstrip("/"))

    def request(self, method, url, *args, **kwargs):
        parts = urlsplit(url)
        rebased = urlunsplit(
            (
                self.api_base.scheme,
                self.api_base.netloc,
                self.api_base.path + parts.path,
                parts.query,
                parts.fragment,
            )
        )
        return super().request(method, rebased, *args, **kwargs)


class TwilioSender(OutboundSender):
    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        *,
        database_url: str,
        whatsapp_from: str | None = None,
        sms_from: str | None = None,
        api_base: str | None = None,
        messaging_service_sid: str | None = None,
        status_callback: str | None = None,
    ) -> None:
        http_client = RebasedHttpClient(api_base) if api_base else TwilioHttpClient(timeout=10)
        self.client = Client(account_sid, auth_token, http_client=http_client)
        self.database_url = database_url
        self.whatsapp_from = _whatsapp_address(whatsapp_from) if whatsapp_from else None
        self.sms_from = sms_from
        self.messaging_service_sid = messaging_service_sid
        self.status_callback = status_callback

    @classmethod
    def from_settings(cls, settings: Settings) -> TwilioSender:
        if not (settings.twilio_account_sid and settings.twilio_auth_token):
            raise ValueError("TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are needed")
        return cls(
            settings.twilio_account_sid,
            settings.twilio_auth_token,
            database_url=settings.database_url,
            whatsapp_from=settings.twilio_whatsapp_from,
            sms_from=settings.twilio_sms_from,
            api_base=settings.twilio_api_base,
            messaging_service_sid=settings.twilio_messaging_service_sid,
            status_callback=settings.public_url.rstrip("/") + STATUS_PATH,
        )

    def send(self, message: Outbound) -> SendResult:
        if message.channel not in ("whatsapp", "sms"):
            return SendResult(
                ok=False, permanent=True, error=f"not a Twilio channel: {message.channel}"
            )
        try:
            contact = contact_state(self.database_url, message.channel, message.address)
            if contact.opted_out:
                return SendResult(ok=False, permanent=True, error=OPTED_OUT)
            if message.channel == "sms":
                return self._sms(message.address, message.text)
            last = contact.last_inbound_at
            if last is not None and utcnow() - last < WHATSAPP_WINDOW:
                return self._whatsapp(message.address, body=message.text)
            if message.template:
                return self._whatsapp(
                    message.address,
                    content_sid=message.template,
                    content_variables=message.template_variables or {},
                )
            if contact_state(self.database_url, "sms", message.address).opted_out:
                return SendResult(ok=False, permanent=True, error=OPTED_OUT)
            return self._sms(message.address, message.text)
        except DATABASE_ERRORS as exc:
            return SendResult(ok=False, error=f"database unavailable: {exc}")

    def reply_whatsapp(
        self,
        address: str,
        *,
        body: str | None = None,
        content_sid: str | None = None,
        content_variables: dict[str, str] | None = None,
    ) -> SendResult:
        """An answer to a message just received (inside the 24-hour window by definition): sent
        as it is, with no opt-out or window check (bot/channels/whatsapp_content.py)."""
        return self._whatsapp(
            address, body=body, content_sid=content_sid, content_variables=content_variables
        )

    def _whatsapp(
        self,
        address: str,
        *,
        body: str | None = None,
        content_sid: str | None = None,
        content_variables: dict[str, str] | None = None,
    ) -> SendResult:
        if self.messaging_service_sid:
            fields: dict[str, str] = {"messaging_service_sid": self.messaging_service_sid}
        elif self.whatsapp_from is not None:
            fields = {"from_": self.whatsapp_from}
        else:
            return SendResult(
                ok=False,
                permanent=True,
                error="neither TWILIO_MESSAGING_SERVICE_SID nor TWILIO_WHATSAPP_FROM is set",
            )
        fields["to"] = _whatsapp_address(address)
        if content_sid:
            fields["content_sid"] = content_sid
            fields["content_variables"] = json.dumps(content_variables or {}, ensure_ascii=False)
        else:
            fields["body"] = cut(body or "", MESSAGE_LIMITS["whatsapp"])
        return self._create(fields)

    def _sms(self, address: str, text: str) -> SendResult:
        # A messaging service (MG...) picks the short code or number itself; an MG... in
        # TWILIO_SMS_FROM is still understood as one.
        service = self.messaging_service_sid or (
            self.sms_from if self.sms_from and self.sms_from.startswith("MG") else None
        )
        if service:
            origin = {"messaging_service_sid": service}
        elif self.sms_from is not None:
            origin = {"from_": self.sms_from}
        else:
            return SendResult(
                ok=False,
                permanent=True,
                error="neither TWILIO_MESSAGING_SERVICE_SID nor TWILIO_SMS_FROM is set",
            )
        return self._create({**origin, "to": address, "body": cut(text, MESSAGE_LIMITS["sms"])})

    def _create(self, fields: dict[str, str]) -> SendResult:
        if self.status_callback:
            fields = {**fields, "status_callback": self.status_callback}
        try:
            created = self.client.messages.create(**fields)
        except TwilioRestException as exc:
            permanent = 400 <= exc.status < 500 and exc.status != 429
            log.warning(
                "Twilio refused a message (HTTP %s, code %s): %s", exc.status, exc.code, exc.msg
            )
            return SendResult(
                ok=False, permanent=permanent, error=f"twilio {exc.code or exc.status}: {exc.msg}"
            )
        except (TwilioException, OSError) as exc:
            return SendResult(ok=False, error=f"twilio unreachable: {exc}")
        return SendResult(ok=True, provider_id=created.sid)


def _whatsapp_address(number: str) -> str:
    return number if number.startswith("whatsapp:") else f"whatsapp:{number}"
