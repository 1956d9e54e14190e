"""WhatsApp and SMS through Twilio: POST /twilio/whatsapp, POST /twilio/sms, and the delivery
status callbacks of what we sent, POST /twilio/status (bot/channels/delivery_status.py).

Each request is size-limited, decoded, checked against `X-Twilio-Signature` (the URL Twilio
signed is SADEEQ_PUBLIC_URL + path), turned into one `Inbound`, and answered with TwiML, one
<Message> per reply. With no TWILIO_AUTH_TOKEN there is no way to tell Twilio from anyone else,
so every route refuses every request (403) and say why in the log; there is deliberately no
"unsigned" mode: use `sadeeq chat` to talk to the bot without Twilio.
"""

from __future__ import annotations

import base64
import hmac
import logging
import re
from datetime import UTC, datetime
from functools import lru_cache
from typing import cast
from urllib.parse import parse_qsl, urlparse
from xml.sax.saxutils import escape as xml_escape

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from twilio.request_validator import (
    HMAC_SHA1,
    HMAC_SHA256,
    SIGNATURE_HEADER,
    SIGNATURE_SETTINGS_HEADER,
    add_port,
    get_signature_algorithm,
    remove_port,
)

from bot.channels import delivery_status
from bot.channels.answering import Answerer, RetryLater
from bot.channels.database_errors import DATABASE_ERRORS
from bot.channels.http_body import media_type, read_limited_body
from bot.channels.metrics import BAD_REQUEST, BAD_SIGNATURE, record_error
from bot.channels.outbound import SendResult
from bot.channels.render import asks_for_detail, render_text, split_message
from bot.channels.twilio_sender import TwilioSender
from bot.channels.whatsapp_content import ContentTemplates
from bot.config import Settings
from bot.dialogue.messages import Inbound, Location, Media

log = logging.getLogger(__name__)

BODY_LIMIT = 64 * 1024  # Twilio's largest messaging webhook is a few KB
FORM = "application/x-www-form-urlencoded"
TWIML = "application/xml"
E164 = re.compile(r"\+[1-9][0-9]{6,14}")
RETRY_AFTER_SECONDS = "30"


class TwilioWebhook:
    def __init__(self, settings: Settings, answerer: Answerer) -> None:
        self.public_url = settings.public_url.rstrip("/")
        self.answerer = answerer
        self.database_url = settings.database_url
        self.validator = (
            SignatureCheck(settings.twilio_auth_token) if settings.twilio_auth_token else None
        )
        self.account_sid = (settings.twilio_account_sid or "").encode()
        self.templates = ContentTemplates.from_settings(settings)
        self.rest = self._rest_sender(settings) if self.templates else None
        if self.validator is None:
            log.warning("TWILIO_AUTH_TOKEN is not set: /twilio/* refuses every request (403)")

    @staticmethod
    def _rest_sender(settings: Settings) -> TwilioSender | None:
        """List pickers and quick replies go by the REST API (TwiML carries only text)."""
        if not (
            settings.twilio_account_sid
            and settings.twilio_auth_token
            and (settings.twilio_messaging_service_sid or settings.twilio_whatsapp_from)
        ):
            log.warning(
                "WhatsApp content templates are set but TWILIO_ACCOUNT_SID, "
                "TWILIO_AUTH_TOKEN and a WhatsApp sender are not: menus stay numbered text"
            )
            return None
        return TwilioSender.from_settings(settings)

    def routes(self) -> list[Route]:
        return [
            Route("/twilio/whatsapp", self.whatsapp, methods=["POST"]),
            Route("/twilio/sms", self.sms, methods=["POST"]),
            Route("/twilio/status", self.status, methods=["POST"]),
        ]

    async def whatsapp(self, request: Request) -> Response:
        return await self._handle(request, "whatsapp")

    async def sms(self, request: Request) -> Response:
        return await self._handle(request, "sms")

    async def status(self, request: Request) -> Response:
        try:
            form = await self._signed_form(request, "status")
            callback = status_from_form(form)
        except HTTPException as exc:
            record_error("status", BAD_SIGNATURE if exc.status_code == 403 else BAD_REQUEST)
            return PlainTextResponse(exc.detail, status_code=exc.status_code)
        try:
            settled = await run_in_threadpool(delivery_status.record, self.database_url, callback)
        except DATABASE_ERRORS as exc:
            log.warning(
                "status %s of %s not recorded, Twilio retries: %s",
                callback.status,
                callback.message_id,
                exc,
            )
            return PlainTextResponse(
                "try again later", status_code=503, headers={"Retry-After": RETRY_AFTER_SECONDS}
            )
        if settled is not None and callback.status in delivery_status.NOT_DELIVERED:
            log.warning(
                "%s message %s %s (error %s)",
                callback.channel,
                callback.message_id,
                callback.status,
                callback.error_code or "-",
            )
        return Response(status_code=204)

    async def _handle(self, request: Request, channel: str) -> Response:
        try:
            form = await self._signed_form(request, channel)
            inbound = inbound_from_form(form, channel)
        except HTTPException as exc:
            record_error(channel, BAD_SIGNATURE if exc.status_code == 403 else BAD_REQUEST)
            return PlainTextResponse(exc.detail, status_code=exc.status_code)
        detail = channel == "sms" and asks_for_detail(inbound.text)

        def render(reply):
            return render_text(reply, channel, detail=detail)

        try:
            answer = await self.answerer.answer_soon(inbound, render)
        except RetryLater as exc:
            log.warning(
                "%s message %s answered 503, the provider retries: %s",
                channel,
                inbound.message_id,
                exc,
            )
            return PlainTextResponse(
                "try again later", status_code=503, headers={"Retry-After": RETRY_AFTER_SECONDS}
            )
        texts = answer.texts
        if (
            channel == "whatsapp"
            and self.rest is not None
            and answer.replies
            and any(self.templates.content_for(reply) for reply in answer.replies)
        ):
            texts = await run_in_threadpool(
                self._send_with_content, inbound.sender, answer.replies, answer.texts
            )
        return Response(twiml(texts, channel), media_type=TWIML)

    def _send_with_content(self, address: str, replies: list, texts: list[str]) -> list[str]:
        """Send the answer by the REST API, menus as templates, in order; what could not be
        sent is returned, to go as numbered text in the TwiML instead."""
        assert self.rest is not None
        for index, (reply, text) in enumerate(zip(replies, texts, strict=True)):
            content = self.templates.content_for(reply)
            if content is not None:
                result = self.rest.reply_whatsapp(
                    address, content_sid=content.sid, content_variables=content.variables
                )
            else:
                result = next(
                    (
                        r
                        for r in (
                            self.rest.reply_whatsapp(address, body=part)
                            for part in split_message(text, "whatsapp")
                        )
                        if not r.ok
                    ),
                    None,
                ) or SendResult(ok=True)
            if not result.ok:
                log.warning(
                    "a WhatsApp reply could not go by the REST API (%s): sent as TwiML",
                    result.error,
                )
                return texts[index:]
        return []

    async def _signed_form(self, request: Request, channel: str) -> FormData:
        body = await read_limited_body(request, BODY_LIMIT)
        if media_type(request) != FORM:
            raise HTTPException(415, f"expected {FORM}")
        pairs = parse_pairs(body)
        if self.validator is None:
            log.warning("refused a %s webhook: TWILIO_AUTH_TOKEN is not set", channel)
            raise HTTPException(403, "webhook signatures cannot be checked")
        if request.scope.get("query_string"):
            url = self.public_url + request.url.path
            if request.url.query:
                url += "?" + request.url.query
        else:  # as Twilio calls us: the route's own path (matched exactly), no `request.url`
            url = self.public_url + request.scope["path"]
        signature = request.headers.get(SIGNATURE_HEADER, "")
        algorithm = get_signature_algorithm(request.headers.get(SIGNATURE_SETTINGS_HEADER))
        if not signature or not self.validator.valid(url, pairs, signature, algorithm):
            raise HTTPException(403, "invalid signature")
        form = FormData(cast(list[tuple[str, str | UploadFile]], pairs))  # the same pairs
        if self.account_sid and not hmac.compare_digest(
            str(form.get("AccountSid") or "").encode(), self.account_sid
        ):
            # Signed with our token but for another account (a subaccount sharing it): not ours.
            log.warning("refused a %s webhook for another Twilio account", channel)
            raise HTTPException(403, "not this Twilio account")
        return form


def parse_pairs(body: bytes) -> list[tuple[str, str]]:
    try:
        text = body.decode("utf-8")
        return parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except (UnicodeDecodeError, ValueError) as exc:
        raise HTTPException(400, "body is not valid urlencoded UTF-8") from exc


_HASHES = {HMAC_SHA1: "sha1", HMAC_SHA256: "sha256"}


class SignatureCheck:
    """`twilio.request_validator.RequestValidator.validate` for a form, with the same verdict
    (tests/test_twilio_signature.py compares them), at less cost a request: the form's fields
    are sorted and joined once for both URLs it checks (with and without the port), each URL's
    two forms are worked out once per URL, and the HMAC is computed in one call."""

    def __init__(self, token: str) -> None:
        self.token = token.encode("utf-8")

    def valid(self, url: str, pairs: list[tuple[str, str]], signature: str, algorithm: str) -> bool:
        digest = _HASHES.get((algorithm or HMAC_SHA1).upper())
        if digest is None:
            log.warning("Unsupported webhook signature algorithm %r", algorithm)
            return False
        values: dict[str, set[str]] = {}
        for name, value in pairs:
            values.setdefault(name, set()).add(value)
        fields = "".join(name + value for name in sorted(values) for value in sorted(values[name]))
        expected = signature.encode("utf-8")
        return any(
            hmac.compare_digest(
                base64.b64encode(hmac.digest(self.token, (signed + fields).encode(), digest)),
                expected,
            )
            for signed in _signed_urls(url)
        )


@lru_cache(maxsize=256)
def _signed_urls(url: str) -> tuple[str, str]:
    """The URL as Twilio may have signed it: without its port, and with it."""
    parsed = urlparse(url)
    return remove_port(parsed), add_port(parsed)


def _field(form: FormData, name: str) -> str:
    # A NUL cannot be stored in PostgreSQL text (the report would be lost): a space instead.
    return str(form.get(name) or "").replace("\x00", " ")


STATUS_WORD = re.compile(r"[a-z_-]{1,16}")


def status_from_form(form: FormData) -> delivery_status.StatusCallback:
    message_id = _field(form, "MessageSid") or _field(form, "SmsSid")
    status = (_field(form, "MessageStatus") or _field(form, "SmsStatus")).strip().lower()
    if not message_id or len(message_id) > 80 or not STATUS_WORD.fullmatch(status):
        raise HTTPException(400, "MessageSid and MessageStatus are required")
    code = _field(form, "ErrorCode").strip()[:16] or None
    address = _field(form, "To") or _field(form, "From")
    return delivery_status.StatusCallback(
        message_id=message_id,
        status=status,
        error_code=code,
        channel="whatsapp" if address.startswith("whatsapp:") else "sms",
    )


def inbound_from_form(form: FormData, channel: str) -> Inbound:
    message_id = _field(form, "MessageSid") or _field(form, "SmsSid")
    sender = _field(form, "From").removeprefix("whatsapp:").strip()
    if not message_id or not sender:
        raise HTTPException(400, "From and MessageSid are required")
    # A tapped list item or quick reply button: its id is the choice key, what a typed answer is.
    tapped = _field(form, "ListId") or _field(form, "ButtonPayload")
    return Inbound(
        channel=channel,
        sender=sender,
        text=tapped or _field(form, "Body"),
        received_at=datetime.now(UTC),
        message_id=str(message_id),
        phone=sender if E164.fullmatch(sender) else None,
        location=_location(form),
        has_media=_count(form.get("NumMedia")) > 0,
        media=_attachments(form, "image/"),
        audio=_attachments(form, "audio/"),
        provider_answered=_field(form, "OptOutType").strip().lower() or None,
    )


# Twilio sends at most 10 attachments; images (a hazard's or an outage's photo) and audio (a
# voice note about an outage) are kept, each kind apart.
MAX_MEDIA = 10


def _attachments(form: FormData, kind: str) -> tuple[Media, ...]:
    found = []
    for index in range(min(_count(form.get("NumMedia")), MAX_MEDIA)):
        url = str(form.get(f"MediaUrl{index}") or "")
        content_type = str(form.get(f"MediaContentType{index}") or "").lower() or None
        if url.startswith(("https://", "http://")) and (content_type or "").startswith(kind):
            found.append(Media(provider="twilio", ref=url, content_type=content_type))
    return tuple(found)


def _location(form: FormData) -> Location | None:
    try:
        latitude, longitude = float(str(form["Latitude"])), float(str(form["Longitude"]))
    except (KeyError, ValueError):
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return Location(
        latitude=latitude, longitude=longitude, address=_field(form, "Address").strip() or None
    )


def _count(value: object) -> int:
    text = str(value or "0")
    return int(text) if text.isdigit() else 0


TWIML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>'


def twiml(texts: list[str], channel: str = "whatsapp") -> str:
    """The answer as TwiML, one <Message> per part: what twilio's MessagingResponse writes,
    written directly (every answer goes through here; the library builds an element tree)."""
    parts = [part for text in texts for part in split_message(text, channel)]
    if not parts:
        return TWIML_HEAD + "<Response />"
    messages = "".join(
        f"<Message>{xml_escape(part)}</Message>" if part else "<Message />" for part in parts
    )
    return f"{TWIML_HEAD}<Response>{messages}</Response>"
