"""`sadeeq telegram`: Telegram in polling mode (no public URL needed), for trying a real bot,
and the one-time registrations of a deployment (`set-webhook`, `set-commands`).

    sadeeq telegram                  # polling (the default; `sadeeq telegram poll` is the same)
    sadeeq telegram set-webhook      # webhook at SADEEQ_PUBLIC_URL/telegram + the command menu
    sadeeq telegram set-commands     # the command menu in Arabic and English only

Polling uses the same handlers as the webhook; stop it with Ctrl-C. Telegram refuses
getUpdates while a webhook is set, so PTB deletes the bot's webhook before polling: run
`sadeeq telegram set-webhook` again afterwards if the bot is also served by webhook.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from telegram import Bot
from telegram.error import TelegramError

from bot.channels.answering import Answerer
from bot.channels.telegram_channel import TelegramConversation, build_application
from bot.channels.telegram_setup import ALLOWED_UPDATES, register_commands, register_webhook
from bot.config import Settings
from bot.logs import configure_logging
from bot.storage.db import create_schema, limit_statement_time


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The token and database come from the environment (TELEGRAM_BOT_TOKEN...)."""
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.add_parser("poll", help="answer messages by polling (the default)")
    webhook = actions.add_parser(
        "set-webhook",
        help="register SADEEQ_PUBLIC_URL/telegram with the secret token, "
        "the updates we handle, and the command menu",
    )
    webhook.add_argument(
        "--drop-pending",
        action="store_true",
        help="discard the updates Telegram is still holding for the bot",
    )
    actions.add_parser("set-commands", help="set the command menu in Arabic and English")


def run(args: argparse.Namespace) -> int:
    limit_statement_time()
    settings = Settings.from_env()
    # httpx logs every Bot API URL it calls, and the token is in the URL: hide it.
    configure_logging(json=False, secrets=settings.secrets())
    if not settings.telegram_bot_token:
        print("sadeeq telegram: error: set TELEGRAM_BOT_TOKEN first", file=sys.stderr)
        return 2
    action = getattr(args, "action", None)
    if action == "set-webhook":
        return _set_webhook(settings, drop_pending=args.drop_pending)
    if action == "set-commands":
        return _registered(settings, register_commands, "command menu set")
    return _poll(settings)


def _poll(settings: Settings) -> int:
    from bot.dialogue.engine import Engine

    create_schema(settings.database_url)  # as `serve` does: never answer into a missing table
    application = build_application(settings, webhook=False, on_start=register_commands)
    TelegramConversation(Answerer(Engine(settings), settings), webhook=False).install(application)
    application.run_polling(allowed_updates=list(ALLOWED_UPDATES))
    return 0


def _set_webhook(settings: Settings, *, drop_pending: bool) -> int:
    secret = settings.telegram_webhook_secret
    if not secret:
        print(
            "sadeeq telegram set-webhook: error: set TELEGRAM_WEBHOOK_SECRET first "
            "(1-256 characters of A-Z a-z 0-9 _ -)",
            file=sys.stderr,
        )
        return 2
    if not settings.public_url.startswith("https://"):
        print(
            f"sadeeq telegram set-webhook: error: SADEEQ_PUBLIC_URL must be https:// "
            f"(Telegram calls only HTTPS), not {settings.public_url}",
            file=sys.stderr,
        )
        return 2

    async def both(bot: Bot) -> str:
        status = await register_webhook(bot, settings.public_url, secret, drop_pending=drop_pending)
        await register_commands(bot)
        problem = f"; Telegram reports: {status.last_error}" if status.last_error else ""
        return (
            f"webhook set: {status.url} ({status.pending_updates} updates pending)"
            f"{problem}; command menu set"
        )

    return _registered(settings, both, None)


def _registered(settings: Settings, action, done: str | None) -> int:
    async def call() -> str | None:
        token = settings.telegram_bot_token or ""
        base = settings.telegram_api_base
        bot = Bot(token, base_url=base) if base else Bot(token)
        async with bot:
            return await action(bot)

    try:
        said = asyncio.run(call())
    except TelegramError as exc:
        print(f"sadeeq telegram: error: Telegram refused: {exc}", file=sys.stderr)
        return 1
    print(said or done)
    return 0
