"""What is registered with Telegram once per deployment, not per message: the webhook (URL,
secret token, the updates we handle) and the bot's command menu in Arabic and English.

    sadeeq telegram set-webhook     # both, against SADEEQ_PUBLIC_URL + /telegram
    sadeeq telegram set-commands    # the command menu only (polling sets it at start too)

A command is an intent's name ("/bill"); the engine reads it as that intent
(`bot.understanding.bot_command`), so the menu needs no handler of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Bot, BotCommand, Update

from bot.i18n import DEFAULT_LANG, LANGS, N_, texts

# The menu, in order: intent → description (a gettext message; the main menu's own wording).
BOT_COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", N_("Main menu")),
    ("bill", N_("My bill")),
    ("outage_report", N_("Report a power outage")),
    ("outage_status", N_("Status of my report")),
    ("compensation", N_("Compensation I am owed")),
    ("agent", N_("Talk to a person")),
    ("help", N_("Help")),
)
# The updates the bot handles; anything else Telegram need not send (nor wake us for).
ALLOWED_UPDATES = (Update.MESSAGE,)
WEBHOOK_PATH = "/telegram"
MAX_CONNECTIONS = 40


def bot_commands(lang: str) -> list[BotCommand]:
    tr = texts(lang)
    return [BotCommand(command, tr._(description)) for command, description in BOT_COMMANDS]


async def register_commands(bot: Bot) -> None:
    """The menu in each language, for users whose app is set to it, and in Arabic for the rest."""
    for lang in LANGS:
        await bot.set_my_commands(bot_commands(lang), language_code=lang)
    await bot.set_my_commands(bot_commands(DEFAULT_LANG))


@dataclass(frozen=True)
class WebhookStatus:
    url: str
    pending_updates: int
    last_error: str | None


async def register_webhook(
    bot: Bot, public_url: str, secret: str, *, drop_pending: bool = False
) -> WebhookStatus:
    """Point Telegram at `public_url` + /telegram with the secret token, then read back what
    Telegram now has (its view, not ours: a refused URL shows up here)."""
    await bot.set_webhook(
        url=public_url.rstrip("/") + WEBHOOK_PATH,
        secret_token=secret,
        allowed_updates=list(ALLOWED_UPDATES),
        max_connections=MAX_CONNECTIONS,
        drop_pending_updates=drop_pending,
    )
    info = await bot.get_webhook_info()
    return WebhookStatus(
        url=info.url, pending_updates=info.pending_update_count, last_error=info.last_error_message
    )
