"""Telegram through python-telegram-bot: the update → `Inbound` translation, the replies as
messages with keyboard buttons, and the webhook route POST /telegram.

The same `TelegramConversation` handlers serve the webhook (an `Application` with no updater,
fed by `process_update`) and polling (`sadeeq telegram`, bot/channels/telegram_polling.py).
A phone number is only trusted from a contact the sender shared of themselves
(`contact.user_id == from_user.id`, what the request_contact button sends).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from telegram import (
    Bot,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.channels.answering import Answerer, RetryLater
from bot.channels.http_body import media_type, read_limited_body
from bot.channels.metrics import BAD_REQUEST, BAD_SIGNATURE, SEND, record_error
from bot.channels.render import render_text
from bot.config import Settings
from bot.dialogue.messages import Inbound, Location, Media, Reply
from bot.resources import LANGS

log = logging.getLogger(__name__)

CHANNEL = "telegram"
BODY_LIMIT = 256 * 1024
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MEDIA_ATTRIBUTES = ("voice", "audio", "photo", "video", "video_note", "document", "sticker", "animation")


def telegram_inbound(update: Update) -> Inbound | None:
    """The subscriber's message as an `Inbound`; None for updates that carry no message."""
    message = update.message
    if message is None or message.from_user is None:
        return None
    user_id = message.from_user.id
    return Inbound(
        channel=CHANNEL,
        sender=f"tg:{user_id}",
        text=message.text or message.caption or "",
        received_at=datetime.now(UTC),
        message_id=str(update.update_id),
        phone=None,
        location=_location(message),
        contact_phone=_own_contact_phone(message, user_id),
        has_media=any(getattr(message, name) for name in MEDIA_ATTRIBUTES),
        client_lang=_client_lang(message.from_user.language_code),
        media=_photos(message),
    )


def _client_lang(language_code: str | None) -> str | None:
    """Telegram's IETF tag of the user's app ("ar", "ar-SA", "en-GB"): one of our languages."""
    primary = (language_code or "").split("-")[0].lower()
    return primary if primary in LANGS else None


def _photos(message: Message) -> tuple[Media, ...]:
    """The largest size Telegram offers of a photo, or an image sent as a file."""
    if message.photo:
        largest = max(message.photo, key=lambda size: (size.width * size.height, size.file_size or 0))
        return (Media("telegram", largest.file_id, "image/jpeg", largest.file_size),)
    document = message.document
    if document is not None and (document.mime_type or "").startswith("image/"):
        return (Media("telegram", document.file_id, document.mime_type, document.file_size),)
    return ()


def _own_contact_phone(message: Message, user_id: int) -> str | None:
    contact = message.contact
    if contact is None or contact.user_id != user_id:
        return None  # someone else's card proves nothing about the sender
    digits = re.sub(r"\D", "", contact.phone_number or "")
    return f"+{digits}" if 7 <= len(digits) <= 15 else None


def _location(message: Message) -> Location | None:
    if message.venue is not None:
        spot = message.venue.location
        return Location(spot.latitude, spot.longitude, message.venue.address or None)
    if message.location is not None:
        return Location(message.location.latitude, message.location.longitude)
    return None


def keyboard_for(reply: Reply) -> ReplyKeyboardMarkup | None:
    if not reply.choices:
        return None
    rows = [[KeyboardButton(choice.label, request_contact=choice.request_contact or None)]
            for choice in reply.choices]
    return ReplyKeyboardMarkup(rows, resize_keyboard=True, one_time_keyboard=True)


class TelegramConversation:
    """PTB handlers: hand each message to the engine once and send back its replies."""

    def __init__(self, answerer: Answerer) -> None:
        self.answerer = answerer
        self.retry_updates: set[int] = set()  # update ids to answer 503 for (webhook mode)

    def install(self, application: Application) -> None:
        application.add_handler(MessageHandler(filters.UpdateType.MESSAGE, self.on_message))
        application.add_error_handler(self.on_error)

    async def on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        inbound = telegram_inbound(update)
        if inbound is None or update.message is None:
            return
        answer = await asyncio.to_thread(self.answerer.answer, inbound, _render)
        if answer.repeat:
            return  # the replies went out when this update was first delivered
        chat_id = update.message.chat_id
        any_keyboard = any(reply.choices for reply in answer.replies)
        for index, (reply, text) in enumerate(zip(answer.replies, answer.texts, strict=True)):
            markup = keyboard_for(reply)
            if markup is None and not any_keyboard and index == len(answer.replies) - 1:
                markup = ReplyKeyboardRemove()  # no choices now: clear the last menu's buttons
            try:
                await context.bot.send_message(chat_id=chat_id, text=text, reply_markup=markup)
            except Exception:
                record_error(CHANNEL, SEND)
                log.exception("could not send a reply to Telegram chat %s", chat_id)
                return

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if isinstance(context.error, RetryLater) and isinstance(update, Update):
            self.retry_updates.add(update.update_id)
            return
        log.error("Telegram update failed", exc_info=context.error)


def _render(reply: Reply) -> str:
    return render_text(reply, CHANNEL)


def build_application(settings: Settings, *, webhook: bool,
                      on_start: Callable[[Bot], Awaitable[None]] | None = None) -> Application:
    """`on_start(bot)` runs once the application is initialized (polling: the command menu)."""
    if not settings.telegram_bot_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    builder: ApplicationBuilder = Application.builder().token(settings.telegram_bot_token)
    if settings.telegram_api_base:
        builder = builder.base_url(settings.telegram_api_base)
    if webhook:
        builder = builder.updater(None)
    if on_start is not None:
        async def post_init(application: Application) -> None:
            await on_start(application.bot)

        builder = builder.post_init(post_init)
    return builder.build()


class TelegramWebhook:
    """POST /telegram. Disabled (404) unless both TELEGRAM_BOT_TOKEN and
    TELEGRAM_WEBHOOK_SECRET are set: an unauthenticated webhook would let anyone talk as anyone."""

    def __init__(self, settings: Settings, answerer: Answerer) -> None:
        self.secret = (settings.telegram_webhook_secret or "").encode()
        self.conversation = TelegramConversation(answerer)
        self.application: Application | None = None
        self._ready = False
        self._lock = asyncio.Lock()
        if settings.telegram_bot_token and self.secret:
            self.application = build_application(settings, webhook=True)
            self.conversation.install(self.application)
        else:
            log.info("Telegram webhook disabled: TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET are both needed")

    def routes(self) -> list[Route]:
        return [Route("/telegram", self.receive, methods=["POST"])]

    @asynccontextmanager
    async def lifespan(self, _app: Starlette) -> AsyncIterator[None]:
        await self._initialize()
        try:
            yield
        finally:
            if self._ready and self.application is not None:
                await self.application.shutdown()

    async def _initialize(self) -> bool:
        """Initialize once (it calls getMe); if Telegram is unreachable, try again on next update."""
        if self.application is None:
            return False
        async with self._lock:
            if not self._ready:
                try:
                    await self.application.initialize()
                    self._ready = True
                except Exception as exc:
                    log.warning("Telegram application not initialized yet: %s", exc)
        return self._ready

    async def receive(self, request: Request) -> Response:
        if self.application is None:
            return PlainTextResponse("not found", status_code=404)
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self.secret):
            record_error(CHANNEL, BAD_SIGNATURE)
            return PlainTextResponse("forbidden", status_code=403)
        try:
            data = await self._update_json(request)
        except HTTPException as exc:
            record_error(CHANNEL, BAD_REQUEST)
            return PlainTextResponse(exc.detail, status_code=exc.status_code)
        if not await self._initialize():
            return PlainTextResponse("Telegram not ready", status_code=503)
        try:
            update = Update.de_json(data, self.application.bot)
        except Exception:
            record_error(CHANNEL, BAD_REQUEST)
            return PlainTextResponse("not a Telegram update", status_code=400)
        await self.application.process_update(update)
        if update.update_id in self.conversation.retry_updates:
            self.conversation.retry_updates.discard(update.update_id)
            return PlainTextResponse("try again later", status_code=503)
        return Response(status_code=200)

    @staticmethod
    async def _update_json(request: Request) -> dict:
        body = await read_limited_body(request, BODY_LIMIT)
        if media_type(request) != "application/json":
            raise HTTPException(415, "expected application/json")
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise HTTPException(400, "body is not valid JSON") from exc
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            raise HTTPException(400, "an update needs an integer update_id")
        return data
