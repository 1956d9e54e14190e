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
import time
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from telegram import Bot, KeyboardButton, Message, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.constants import ChatType
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    RetryAfter,
    TelegramError,
)
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.channels.answering import Answerer, RetryLater
from bot.channels.http_body import media_type, read_limited_body
from bot.channels.metrics import BAD_REQUEST, BAD_SIGNATURE, SEND, record_error
from bot.channels.render import render_text, split_message
from bot.config import Settings
from bot.dialogue.messages import Inbound, Location, Media, Reply
from bot.resources import LANGS

log = logging.getLogger(__name__)

CHANNEL = "telegram"
BODY_LIMIT = 256 * 1024
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MEDIA_ATTRIBUTES = (
    "voice",
    "audio",
    "photo",
    "video",
    "video_note",
    "document",
    "sticker",
    "animation",
)
# A reply that fails to send is tried again within this many seconds (Telegram's flood limit
# names its wait in `retry_after`); past it the webhook answers 503 and Telegram redelivers
# the update later, which then sends the replies still unsent.
SEND_BUDGET_SECONDS = 8.0
SEND_ATTEMPTS = 4
# Telegram's answers that no retry changes: blocked by the user, chat gone, bad request.
PERMANENT_SEND_ERRORS = (Forbidden, BadRequest, ChatMigrated, InvalidToken)


def telegram_inbound(update: Update) -> Inbound | None:
    """The subscriber's message as an `Inbound`; None for updates that carry no message."""
    message = update.message
    if message is None or message.from_user is None:
        return None
    user_id = message.from_user.id
    return Inbound(
        channel=CHANNEL,
        sender=f"tg:{user_id}",
        text=message.text or message.caption or "",  # made storable by `Inbound`
        received_at=datetime.now(UTC),
        message_id=str(update.update_id),
        phone=None,
        location=_location(message),
        contact_phone=_own_contact_phone(message, user_id),
        has_media=any(getattr(message, name) for name in MEDIA_ATTRIBUTES),
        client_lang=_client_lang(message.from_user.language_code),
        media=_photos(message),
        audio=_voice(message),
    )


def _voice(message: Message) -> tuple[Media, ...]:
    """A voice note (or an audio file): answered that we read text only, or kept with the
    outage report being made, as a WhatsApp one is."""
    sound = message.voice or message.audio
    if sound is None:
        return ()
    content_type = sound.mime_type or "audio/ogg"
    return (Media("telegram", sound.file_id, content_type, sound.file_size),)


def _client_lang(language_code: str | None) -> str | None:
    """Telegram's IETF tag of the user's app ("ar", "ar-SA", "en-GB"): one of our languages."""
    primary = (language_code or "").split("-")[0].lower()
    return primary if primary in LANGS else None


def _photos(message: Message) -> tuple[Media, ...]:
    """The largest size Telegram offers of a photo, or an image sent as a file."""
    if message.photo:
        largest = max(
            message.photo, key=lambda size: (size.width * size.height, size.file_size or 0)
        )
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
        return Location(
            spot.latitude,
            spot.longitude,
            (message.venue.address or "").replace("\x00", " ").strip() or None,
        )
    if message.location is not None:
        return Location(message.location.latitude, message.location.longitude)
    return None


def keyboard_for(reply: Reply) -> ReplyKeyboardMarkup | None:
    if not reply.shown_choices:
        return None
    rows = [
        [KeyboardButton(choice.label, request_contact=choice.request_contact or None)]
        for choice in reply.shown_choices
    ]
    return ReplyKeyboardMarkup(rows, resize_keyboard=True, one_time_keyboard=True)


class TelegramConversation:
    """PTB handlers: hand each message to the engine once and send back its replies."""

    def __init__(self, answerer: Answerer, *, webhook: bool = True) -> None:
        self.answerer = answerer
        self.webhook = webhook
        # update id → why to answer it 503 (webhook mode); polling mode logs the reason instead
        self.retry_updates: dict[int, str] = {}

    def install(self, application: Application) -> None:
        application.add_handler(MessageHandler(filters.UpdateType.MESSAGE, self.on_message))
        application.add_error_handler(self.on_error)

    async def on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        inbound = telegram_inbound(update)
        if inbound is None or update.message is None:
            return
        if update.message.chat.type != ChatType.PRIVATE:
            # Bills and reports are personal: a group would see them. Not answered there.
            log.info(
                "Telegram update %s from a %s chat ignored",
                update.update_id,
                update.message.chat.type,
            )
            return
        answer = await self.answerer.answer_soon(inbound, _render, sent_later=True)
        outgoing = _outgoing(answer.texts, answer.replies, answer.unsent, answer.repeat)
        chat_id, message_id = update.message.chat_id, inbound.message_id
        unsent = len(outgoing)
        deadline = time.monotonic() + SEND_BUDGET_SECONDS
        try:
            for text, markup in outgoing:
                parts = split_message(text, CHANNEL)
                for index, part in enumerate(parts):  # the keyboard goes with the last part
                    await _send(
                        context.bot,
                        chat_id,
                        part,
                        markup if index == len(parts) - 1 else None,
                        deadline,
                    )
                unsent -= 1
        except PERMANENT_SEND_ERRORS as exc:
            record_error(CHANNEL, SEND)
            log.warning("Telegram refused a reply to chat %s (%s); not retried", chat_id, exc)
            unsent = 0  # a redelivery would be refused the same way
        except TelegramError as exc:
            record_error(CHANNEL, SEND)
            log.warning(
                "could not send a reply to Telegram chat %s (%s); %d left for the redelivery",
                chat_id,
                exc,
                unsent,
            )
            await asyncio.to_thread(self.answerer.record_sent, CHANNEL, message_id, unsent)
            raise RetryLater(f"Telegram send failed: {exc}") from exc
        if outgoing:
            await asyncio.to_thread(self.answerer.record_sent, CHANNEL, message_id, unsent)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if isinstance(context.error, RetryLater) and isinstance(update, Update):
            if self.webhook:
                self.retry_updates[update.update_id] = str(context.error)
            else:
                log.warning(
                    "Telegram update %s not fully answered: %s", update.update_id, context.error
                )
            return
        log.error("Telegram update failed", exc_info=context.error)
        if self.webhook and isinstance(update, Update):
            # Whatever failed, its effect may not be stored: let Telegram deliver it again.
            self.retry_updates[update.update_id] = f"failed: {type(context.error).__name__}"


def _render(reply: Reply) -> str:
    return render_text(reply, CHANNEL)


def _outgoing(
    texts: list[str], replies: list[Reply], unsent: int, repeat: bool
) -> list[tuple[str, ReplyKeyboardMarkup | ReplyKeyboardRemove | None]]:
    """The texts to send with their keyboards: all of a fresh answer; of a repeat, the ones an
    earlier delivery could not send (their keyboards were not stored: plain text)."""
    if repeat:
        return [(text, None) for text in texts[len(texts) - unsent :]] if unsent else []
    any_keyboard = any(reply.shown_choices for reply in replies)
    outgoing = []
    for index, (reply, text) in enumerate(zip(replies, texts, strict=True)):
        markup: ReplyKeyboardMarkup | ReplyKeyboardRemove | None = keyboard_for(reply)
        if markup is None and not any_keyboard and index == len(replies) - 1:
            markup = ReplyKeyboardRemove()  # no choices now: clear the last menu's buttons
        outgoing.append((text, markup))
    return outgoing


async def _send(
    bot: Bot,
    chat_id: int,
    text: str,
    markup: ReplyKeyboardMarkup | ReplyKeyboardRemove | None,
    deadline: float,
) -> None:
    """sendMessage, tried again after a flood limit's `retry_after` or a passing network error,
    as long as the wait ends before `deadline`; the last error is raised."""
    for attempt in range(SEND_ATTEMPTS):
        try:
            await bot.send_message(chat_id=chat_id, text=text, reply_markup=markup)
            return
        except PERMANENT_SEND_ERRORS:
            raise
        except RetryAfter as exc:
            wait = _seconds(exc)
            error: TelegramError = exc
        except TelegramError as exc:  # network error, timeout, 5xx
            wait = 0.25 * 2**attempt
            error = exc
        if attempt == SEND_ATTEMPTS - 1 or time.monotonic() + wait > deadline:
            raise error
        log.info(
            "Telegram send to chat %s failed (%s); trying again in %.1f s", chat_id, error, wait
        )
        await asyncio.sleep(wait)


def _seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB warns that the int will become a timedelta
        warnings.simplefilter("ignore")
        wait = exc.retry_after
    return max(0.0, wait.total_seconds() if isinstance(wait, timedelta) else float(wait))


def build_application(
    settings: Settings, *, webhook: bool, on_start: Callable[[Bot], Awaitable[None]] | None = None
) -> Application:
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
            log.info(
                "Telegram webhook disabled: TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET are both needed"
            )

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
            log.warning(
                "Telegram update %s answered 503: the Bot API could not be reached at "
                "start-up (getMe)",
                data["update_id"],
            )
            return PlainTextResponse("Telegram not ready", status_code=503)
        try:
            update = Update.de_json(data, self.application.bot)
        except Exception:
            record_error(CHANNEL, BAD_REQUEST)
            return PlainTextResponse("not a Telegram update", status_code=400)
        await self.application.process_update(update)
        if (reason := self.conversation.retry_updates.pop(update.update_id, None)) is not None:
            log.warning(
                "Telegram update %s answered 503, Telegram redelivers it: %s",
                update.update_id,
                reason,
            )
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
