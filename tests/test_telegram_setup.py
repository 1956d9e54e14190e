"""Telegram's own features: the reply language of a first message from the app's
language_code, the command menu in Arabic and English, and `sadeeq telegram set-webhook`;
through the real route and command, against the local fake Bot API."""

from __future__ import annotations

import asyncio
import re
import time

import pytest
from starlette.testclient import TestClient

from bot.channels.server import create_app
from bot.channels.telegram_channel import build_application
from bot.channels.telegram_setup import BOT_COMMANDS, register_commands
from bot.cli import main
from bot.config import Settings
from bot.understanding import understand
from tests.support.fake_telegram import FakeTelegram

SECRET = "telegram-secret_token-123"
ARABIC = re.compile("[\u0600-\u06ff]")


@pytest.fixture
def telegram():
    with FakeTelegram() as fake:
        yield fake


def _update(update_id: int, user_id: int, text: str, language_code: str | None) -> dict:
    sender = {"id": user_id, "is_bot": False, "first_name": "Sara"}
    if language_code is not None:
        sender["language_code"] = language_code
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "text": text,
            "chat": {"id": user_id, "type": "private"},
            "from": sender,
        },
    }


@pytest.fixture
def say(database_url, telegram):
    """Send one message through POST /telegram to the real engine; the bot's texts back."""
    settings = Settings(
        database_url=database_url,
        telegram_bot_token=FakeTelegram.TOKEN,
        telegram_webhook_secret=SECRET,
        telegram_api_base=telegram.base_url,
    )
    counter = iter(range(5000, 6000))
    with TestClient(create_app(settings)) as client:

        def send(user_id: int, text: str, language_code: str | None) -> list[str]:
            before = len(telegram.sent)
            response = client.post(
                "/telegram",
                json=_update(next(counter), user_id, text, language_code),
                headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
            )
            assert response.status_code == 200
            return [sent["text"] for sent in telegram.sent[before:]]

        yield send


def _in_arabic(texts: list[str]) -> bool:
    """Mostly Arabic letters (an English help text names "عربي" as a choice, and no more)."""
    assert texts
    return all(len(ARABIC.findall(t)) > len(re.findall("[A-Za-z]", t)) for t in texts)


def _in_english(texts: list[str]) -> bool:
    assert texts
    return all(len(ARABIC.findall(t)) < len(re.findall("[A-Za-z]", t)) for t in texts)


def test_start_from_an_arabic_app_is_answered_in_arabic(say) -> None:
    assert _in_arabic(say(101, "/start", "ar"))
    assert _in_arabic(say(102, "/start", "ar-SA"))


def test_start_from_an_english_app_is_answered_in_english_and_stays_so(say) -> None:
    assert _in_english(say(201, "/start", "en"))
    assert _in_english(say(201, "/help", "en"))
    assert _in_english(say(202, "/start", "en-GB"))


def test_what_the_subscriber_writes_outweighs_the_app_language(say) -> None:
    assert _in_arabic(say(301, "السلام عليكم", "en"))
    assert _in_english(say(302, "hello, what is my bill", "ar"))


def test_an_app_in_another_language_gets_the_default_arabic(say) -> None:
    assert _in_arabic(say(401, "/start", "fr"))


def test_every_menu_command_is_understood_as_its_intent() -> None:
    for command, _description in BOT_COMMANDS:
        assert understand(f"/{command}").intent == command
    assert understand("/outage_report@sadeeq_bot").intent == "outage_report"
    assert understand("/unknown").intent == "unknown"


@pytest.fixture
def telegram_env(monkeypatch, telegram):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", FakeTelegram.TOKEN)
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("TELEGRAM_API_BASE", telegram.base_url)
    monkeypatch.setenv("SADEEQ_PUBLIC_URL", "https://bot.example.sa/")
    return telegram


def _menus(telegram: FakeTelegram) -> dict[str | None, list[dict]]:
    return {
        params.get("language_code"): params["commands"]
        for method, params in telegram.requests
        if method == "setMyCommands"
    }


def test_set_webhook_registers_the_url_secret_updates_and_menus(telegram_env, capsys) -> None:
    assert main(["telegram", "set-webhook", "--drop-pending"]) == 0
    hook = telegram_env.webhook
    assert hook["url"] == "https://bot.example.sa/telegram"
    assert hook["secret_token"] == SECRET
    assert hook["allowed_updates"] == ["message"]
    assert str(hook["drop_pending_updates"]).lower() == "true"
    assert "webhook set: https://bot.example.sa/telegram" in capsys.readouterr().out
    menus = _menus(telegram_env)
    assert set(menus) == {"ar", "en", None}
    assert [c["command"] for c in menus["en"]] == [c for c, _ in BOT_COMMANDS]
    assert menus["en"][1]["description"] == "My bill"
    assert all(ARABIC.search(c["description"]) for c in menus["ar"])
    assert menus[None] == menus["ar"]  # Arabic first for apps in any other language


def test_set_commands_alone_leaves_the_webhook(telegram_env, capsys) -> None:
    assert main(["telegram", "set-commands"]) == 0
    assert telegram_env.webhook == {} and set(_menus(telegram_env)) == {"ar", "en", None}
    assert "command menu set" in capsys.readouterr().out


@pytest.mark.parametrize(
    "variable,value,says",
    [
        ("TELEGRAM_WEBHOOK_SECRET", "", "TELEGRAM_WEBHOOK_SECRET"),
        ("SADEEQ_PUBLIC_URL", "http://bot.example.sa", "https://"),
    ],
)
def test_set_webhook_refuses_what_telegram_would_not_take(
    telegram_env, monkeypatch, capsys, variable, value, says
) -> None:
    monkeypatch.setenv(variable, value)
    assert main(["telegram", "set-webhook"]) == 2
    assert says in capsys.readouterr().err
    assert "setWebhook" not in telegram_env.calls


def test_polling_sets_the_menu_when_it_starts(database_url, telegram) -> None:
    settings = Settings(
        database_url=database_url,
        telegram_bot_token=FakeTelegram.TOKEN,
        telegram_api_base=telegram.base_url,
    )
    application = build_application(settings, webhook=False, on_start=register_commands)

    async def start() -> None:
        async with application:
            await application.post_init(application)  # what run_polling calls after initialize

    asyncio.run(start())
    assert set(_menus(telegram)) == {"ar", "en", None}
