"""`sadeeq telegram`: the polling Application (PTB's Updater calling getUpdates) with the same
handlers as the webhook, against the local fake Bot API."""

from __future__ import annotations

import argparse
import asyncio
import time

from bot.channels import telegram_polling
from bot.channels.answering import Answerer
from bot.channels.telegram_channel import TelegramConversation, build_application
from bot.config import Settings
from bot.dialogue.messages import Inbound, Reply
from tests.support.fake_telegram import FakeTelegram


class EchoEngine:
    """Our stand-in for the engine at the channel boundary."""

    def __init__(self) -> None:
        self.seen: list[Inbound] = []

    def handle(self, message: Inbound) -> list[Reply]:
        self.seen.append(message)
        return [Reply(f"وصلتني: {message.text}")]


def test_polling_answers_updates_from_get_updates(database_url):
    engine = EchoEngine()
    with FakeTelegram() as telegram:
        telegram.updates.append(
            {
                "update_id": 900,
                "message": {
                    "message_id": 1,
                    "date": int(time.time()),
                    "text": "فاتورتي",
                    "chat": {"id": 4242, "type": "private"},
                    "from": {"id": 4242, "is_bot": False, "first_name": "نورة"},
                },
            }
        )
        settings = Settings(
            database_url=database_url,
            telegram_bot_token=FakeTelegram.TOKEN,
            telegram_api_base=telegram.base_url,
        )
        application = build_application(settings, webhook=False)
        TelegramConversation(Answerer(engine, settings)).install(application)

        async def poll_until_answered() -> None:
            async with application:
                await application.start()
                await application.updater.start_polling(poll_interval=0.05, timeout=0)
                deadline = time.monotonic() + 10
                while not telegram.sent and time.monotonic() < deadline:
                    await asyncio.sleep(0.05)
                await application.updater.stop()
                await application.stop()

        asyncio.run(poll_until_answered())
    assert [m.text for m in engine.seen] == ["فاتورتي"]
    assert telegram.sent[0]["chat_id"] == "4242"
    assert telegram.sent[0]["text"] == "وصلتني: فاتورتي"
    assert "deleteWebhook" in telegram.calls


def test_polling_without_a_token_exits_2(monkeypatch, capsys):
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert telegram_polling.run(argparse.Namespace()) == 2
    assert "TELEGRAM_BOT_TOKEN" in capsys.readouterr().err
