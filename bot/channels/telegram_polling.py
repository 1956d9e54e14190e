"""`sadeeq telegram`: Telegram in polling mode (no public URL needed), for trying a real bot.

Uses the same handlers as the webhook; stop it with Ctrl-C. Telegram refuses getUpdates while
a webhook is set, so PTB deletes the bot's webhook before polling: run `sadeeq serve`'s
setWebhook again afterwards if the bot is also served by webhook.
"""

from __future__ import annotations

import argparse
import sys

from telegram import Update

from bot.channels.answering import Answerer
from bot.channels.telegram_channel import TelegramConversation, build_application
from bot.config import Settings
from bot.dialogue.engine import Engine
from bot.logs import configure_logging
from bot.storage.db import create_schema, limit_statement_time


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No options: the token and database come from the environment (TELEGRAM_BOT_TOKEN...)."""


def run(args: argparse.Namespace) -> int:
    limit_statement_time()
    settings = Settings.from_env()
    # httpx logs every Bot API URL it calls, and the token is in the URL: hide it.
    configure_logging(json=False, secrets=settings.secrets())
    if not settings.telegram_bot_token:
        print("sadeeq telegram: error: set TELEGRAM_BOT_TOKEN first", file=sys.stderr)
        return 2
    create_schema(settings.database_url)  # as `serve` does: never answer into a missing table
    application = build_application(settings, webhook=False)
    TelegramConversation(Answerer(Engine(settings), settings), webhook=False).install(application)
    application.run_polling(allowed_updates=[Update.MESSAGE])
    return 0
