"""POST /telegram: python-telegram-bot handling real update JSON, its Bot API calls answered
by a local fake (tests/support/fake_telegram.py)."""

from __future__ import annotations

import json
import time

import pytest
from sqlalchemy.exc import OperationalError
from starlette.testclient import TestClient

from bot.channels.server import create_app
from bot.config import Settings
from bot.dialogue.messages import Choice, Reply
from tests.support.fake_telegram import FakeTelegram
from tests.support.scripted_engine import ScriptedEngine

SECRET = "telegram-secret_token-123"
USER_ID = 555000111
MENU = Reply(
    "كيف نخدمك؟", (Choice("1", "الفاتورة"), Choice("2", "شارك رقمك", request_contact=True))
)


def update(update_id: int = 1001, **message: object) -> dict:
    """An update as Telegram sends it for a private chat."""
    body = {
        "message_id": update_id % 1000 + 1,
        "date": int(time.time()),
        "chat": {"id": USER_ID, "type": "private", "first_name": "سارة"},
        "from": {"id": USER_ID, "is_bot": False, "first_name": "سارة", "language_code": "ar"},
        **message,
    }
    return {"update_id": update_id, "message": body}


@pytest.fixture
def telegram():
    with FakeTelegram() as fake:
        yield fake


@pytest.fixture
def engine() -> ScriptedEngine:
    return ScriptedEngine([MENU])


def settings_for(database_url: str, telegram: FakeTelegram, **overrides: object) -> Settings:
    values: dict = {
        "database_url": database_url,
        "telegram_bot_token": FakeTelegram.TOKEN,
        "telegram_webhook_secret": SECRET,
        "telegram_api_base": telegram.base_url,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def client(database_url, telegram, engine):
    with TestClient(create_app(settings_for(database_url, telegram), engine)) as test_client:
        yield test_client


def post(client: TestClient, data: dict, secret: str | None = SECRET):
    headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
    return client.post("/telegram", json=data, headers=headers)


def test_a_text_message_reaches_the_engine_and_the_reply_has_keyboard_buttons(
    client, telegram, engine
):
    response = post(client, update(text="السلام عليكم"))

    assert response.status_code == 200
    (inbound,) = engine.seen
    assert (inbound.channel, inbound.sender, inbound.phone) == ("telegram", f"tg:{USER_ID}", None)
    assert (inbound.text, inbound.message_id, inbound.contact_phone) == (
        "السلام عليكم",
        "1001",
        None,
    )
    (sent,) = telegram.sent
    assert sent["chat_id"] == str(USER_ID) and sent["text"] == "كيف نخدمك؟"
    keyboard = sent["reply_markup"]["keyboard"]
    assert keyboard == [[{"text": "الفاتورة"}], [{"text": "شارك رقمك", "request_contact": True}]]
    assert "getMe" in telegram.calls


def test_a_reply_without_choices_clears_the_keyboard(database_url, telegram):
    engine = ScriptedEngine([Reply("تم")])
    with TestClient(create_app(settings_for(database_url, telegram), engine)) as client:
        post(client, update(text="شكراً"))
    assert telegram.sent[0]["reply_markup"] == {"remove_keyboard": True}


@pytest.mark.parametrize("secret", [None, "", "wrong-secret", SECRET + "x"])
def test_a_wrong_or_missing_secret_is_refused(client, telegram, engine, secret):
    response = post(client, update(text="مرحبا"), secret=secret)
    assert response.status_code == 403
    assert engine.seen == [] and telegram.sent == []


def test_without_a_secret_the_route_is_disabled(database_url, telegram, engine):
    settings = settings_for(database_url, telegram, telegram_webhook_secret=None)
    with TestClient(create_app(settings, engine)) as client:
        response = post(client, update(text="مرحبا"), secret="")
    assert response.status_code == 404
    assert engine.seen == []


def test_a_contact_shared_by_its_owner_gives_the_phone(client, engine):
    contact = {"phone_number": "966501234567", "first_name": "سارة", "user_id": USER_ID}
    post(client, update(contact=contact))
    assert engine.seen[0].contact_phone == "+966501234567"


def test_someone_elses_contact_gives_no_phone(client, engine):
    contact = {"phone_number": "+966509999999", "first_name": "أخي", "user_id": USER_ID + 1}
    post(client, update(contact=contact))
    assert engine.seen[0].contact_phone is None
    assert engine.seen[0].phone is None


def test_a_contact_card_without_a_user_id_gives_no_phone(client, engine):
    post(client, update(contact={"phone_number": "+966509999999", "first_name": "رقم"}))
    assert engine.seen[0].contact_phone is None


def test_a_location_and_a_voice_note(client, engine):
    post(client, update(1001, location={"latitude": 21.4858, "longitude": 39.1925}))
    post(client, update(1002, voice={"file_id": "v1", "file_unique_id": "u1", "duration": 3}))
    location, voice = engine.seen
    assert (location.location.latitude, location.location.longitude) == (21.4858, 39.1925)
    assert voice.has_media is True and voice.text == ""
    # A voice note is told apart from other media: it gets the voice-note answer.
    assert [(a.provider, a.ref) for a in voice.audio] == [("telegram", "v1")]


def test_a_repeated_update_is_handled_and_answered_once(client, telegram, engine):
    assert post(client, update(2001, text="فاتورتي")).status_code == 200
    assert post(client, update(2001, text="فاتورتي")).status_code == 200
    assert len(engine.seen) == 1
    assert len(telegram.sent) == 1


def test_updates_without_a_message_are_ignored(client, engine):
    edited = {"update_id": 3001, "edited_message": update(text="تعديل")["message"]}
    assert post(client, edited).status_code == 200
    assert engine.seen == []


def test_an_engine_failure_sends_an_apology(database_url, telegram):
    engine = ScriptedEngine([MENU], error=RuntimeError("bug in a flow"))
    with TestClient(create_app(settings_for(database_url, telegram), engine)) as client:
        assert post(client, update(text="مرحبا")).status_code == 200
    assert telegram.sent[0]["text"].startswith("نعتذر")


def test_a_database_outage_answers_503_so_telegram_retries(database_url, telegram):
    engine = ScriptedEngine(
        [MENU], error=OperationalError("SELECT 1", {}, Exception("connection refused"))
    )
    with TestClient(create_app(settings_for(database_url, telegram), engine)) as client:
        assert post(client, update(4001, text="مرحبا")).status_code == 503
        engine.error = None
        assert post(client, update(4001, text="مرحبا")).status_code == 200
    assert len(telegram.sent) == 1


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (b"\xff\xfe\x00{}", "application/json", 400),
        (b"[1, 2, 3]", "application/json", 400),
        (b'{"message": {}}', "application/json", 400),
        (b'{"update_id": "7"}', "application/json", 400),
        (b'{"update_id": 7, "message": {"chat": 5}}', "application/json", 400),
        (b'{"update_id": 7}', "text/plain", 415),
        (b"x" * (1024 * 1024), "application/json", 413),
    ],
)
def test_malformed_updates_get_4xx_and_never_reach_the_engine(
    client, engine, body, content_type, status
):
    response = client.post(
        "/telegram",
        content=body,
        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": content_type},
    )
    assert response.status_code == status
    assert engine.seen == []


def test_a_failed_send_is_counted_and_telegram_still_gets_200(client, telegram, engine):
    telegram.fail_next(403, "Forbidden: bot was blocked by the user")
    response = post(client, update(5001, text="مرحبا"))
    assert response.status_code == 200
    assert len(engine.seen) == 1 and telegram.sent == []
    assert 'sadeeq_errors_total{channel="telegram",kind="send"}' in client.get("/metrics").text


def test_a_flood_limit_is_waited_out_and_the_reply_sent(client, telegram, engine):
    telegram.fail_next(429, "Too Many Requests: retry after 1", retry_after=1)
    started = time.monotonic()
    response = post(client, update(5101, text="مرحبا"))
    assert response.status_code == 200
    assert time.monotonic() - started >= 1.0  # Telegram's retry_after was honoured
    assert [m["text"] for m in telegram.sent] == ["كيف نخدمك؟"]
    assert telegram.calls.count("sendMessage") == 2


@pytest.mark.parametrize(("status", "retry_after", "times"), [(502, None, 4), (429, 30, 1)])
def test_a_reply_that_cannot_go_out_now_gets_503_and_the_redelivery_sends_it(
    client, telegram, engine, status, retry_after, times
):
    for _ in range(times):
        telegram.fail_next(
            status, "Bad Gateway" if status == 502 else "Too Many Requests", retry_after=retry_after
        )
    first = post(client, update(5201, text="مرحبا"))
    assert first.status_code == 503  # Telegram delivers the update again later
    assert telegram.sent == []
    again = post(client, update(5201, text="مرحبا"))
    assert again.status_code == 200
    assert [m["text"] for m in telegram.sent] == ["كيف نخدمك؟"]
    assert len(engine.seen) == 1  # the engine's turn is not repeated, only the sending
    assert post(client, update(5201, text="مرحبا")).status_code == 200
    assert len(telegram.sent) == 1  # once sent, a third delivery sends nothing


def test_group_chats_are_not_answered(client, telegram, engine):
    group = update(5301, text="فاتورتي")
    group["message"]["chat"] = {"id": -100123, "type": "group", "title": "الحي"}
    assert post(client, group).status_code == 200
    assert engine.seen == [] and telegram.sent == []


def test_a_reply_too_long_for_telegram_goes_as_two_messages_with_the_keyboard_on_the_last(
    database_url, telegram
):
    long = Reply("سطر طويل من الحسابات\n" * 300, MENU.choices)
    with TestClient(
        create_app(settings_for(database_url, telegram), ScriptedEngine([long]))
    ) as client:
        assert post(client, update(6001, text="حساباتي")).status_code == 200
    assert len(telegram.sent) == 2 and all(len(m["text"]) <= 4096 for m in telegram.sent)
    assert "reply_markup" not in telegram.sent[0] and telegram.sent[1]["reply_markup"]["keyboard"]


def test_an_unexpected_failure_is_not_acknowledged(database_url, telegram, monkeypatch):
    from bot.channels import answering

    def broken(*_args, **_kwargs):
        raise RuntimeError("a bug below the engine")

    monkeypatch.setattr(answering.Answerer, "answer", broken)
    with TestClient(
        create_app(settings_for(database_url, telegram), ScriptedEngine([MENU]))
    ) as client:
        assert post(client, update(7001, text="مرحبا")).status_code == 503  # Telegram redelivers


def test_a_lone_surrogate_in_the_update_reaches_the_engine_storable(client, engine):
    """JSON may carry "\\ud800" alone: the engine gets U+FFFD, which UTF-8 can store."""
    response = client.post(
        "/telegram",
        content=json.dumps(update(text="مرحبا\ud800")),  # "\\ud800" as Telegram would escape it
        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"},
    )
    assert response.status_code == 200
    (inbound,) = engine.seen
    assert inbound.text == "مرحبا\ufffd"
