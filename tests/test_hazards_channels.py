"""Photos of hazards through the real channels and the real engine: a signed Twilio request with
MediaUrl0 against a local stand-in serving the image (with the account's credentials), and a
Telegram photo update whose file is fetched from the fake Bot API; both stored on the report."""

from __future__ import annotations

import base64
import time
import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient
from twilio.request_validator import RequestValidator

from bot.channels.server import create_app
from bot.config import Settings
from bot.hazards.models import FAILED, STORED, TOO_LARGE, HazardMedia, HazardReport
from bot.storage.db import session_scope
from tests.support.fake_telegram import FakeTelegram
from tests.support.media_server import PHOTO, MediaServer

SID, TOKEN = "AC0123456789abcdef0123456789abcdef", "twilio-auth-token-for-tests"
PUBLIC_URL = "https://sadeeq.example.sa"
SECRET = "telegram-secret_token-123"


def twilio_post(client: TestClient, params: dict[str, str]):
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC_URL + "/twilio/whatsapp", params)
    return client.post("/twilio/whatsapp", data=params, headers={"X-Twilio-Signature": signature})


def messages(response) -> list[str]:
    return [m.text or "" for m in ET.fromstring(response.text).findall("Message")]


def stored_photos(url: str) -> list[tuple[HazardReport, HazardMedia]]:
    with session_scope(url) as session:
        rows = session.execute(
            select(HazardReport, HazardMedia).join(
                HazardMedia, HazardMedia.report_id == HazardReport.id
            )
        ).all()
        for report, photo in rows:
            session.expunge(report)
            session.expunge(photo)
        return [(r, p) for r, p in rows]


def photo_message(media_url: str, sid: str = "MMhazard1") -> dict[str, str]:
    return {
        "MessageSid": sid,
        "AccountSid": SID,
        "From": "whatsapp:+966500000003",
        "NumMedia": "1",
        "Body": "عمود الكهرباء مايل قدام بيتنا في حي العليا بالرياض",
        "MediaUrl0": media_url,
        "MediaContentType0": "image/jpeg",
    }


@pytest.fixture
def twilio_settings(seeded_database_url: str) -> Settings:
    return Settings(
        database_url=seeded_database_url,
        public_url=PUBLIC_URL,
        twilio_account_sid=SID,
        twilio_auth_token=TOKEN,
    )


def test_a_whatsapp_photo_is_fetched_with_the_account_credentials_and_kept(twilio_settings):
    with (
        MediaServer(credentials=(SID, TOKEN)) as media,
        TestClient(create_app(twilio_settings)) as client,
    ):
        response = twilio_post(client, photo_message(media.url()))
    assert response.status_code == 200
    (reply,) = messages(response)
    assert "HAZ-" in reply and "حفظنا صورتك مع البلاغ" in reply
    ((report, photo),) = stored_photos(twilio_settings.database_url)
    assert (report.channel, report.kind) == ("whatsapp", "pole")
    assert (photo.status, photo.provider, photo.source) == (STORED, "twilio", media.url())
    assert photo.data == PHOTO and photo.size == len(PHOTO) and photo.content_type == "image/jpeg"
    expected = "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
    assert media.requests == [("/media/photo.jpg", expected)]


def test_a_photo_too_large_is_noted_with_its_reference_not_lost(twilio_settings):
    import dataclasses

    settings = dataclasses.replace(twilio_settings, media_max_bytes=1000)
    with MediaServer(credentials=(SID, TOKEN)) as media, TestClient(create_app(settings)) as client:
        response = twilio_post(client, photo_message(media.url()))
    (reply,) = messages(response)
    assert "HAZ-" in reply and "أرسلها مرة ثانية" in reply
    ((_report, photo),) = stored_photos(settings.database_url)
    assert (photo.status, photo.data, photo.source) == (TOO_LARGE, None, media.url())
    assert "1000" in photo.error


def test_a_photo_that_cannot_be_fetched_is_noted_and_the_report_still_made(twilio_settings):
    with (
        MediaServer(credentials=(SID, "another-token")) as media,
        TestClient(create_app(twilio_settings)) as client,
    ):
        response = twilio_post(client, photo_message(media.url()))
    (reply,) = messages(response)
    assert "HAZ-" in reply and "أرسلها مرة ثانية" in reply
    ((_report, photo),) = stored_photos(twilio_settings.database_url)
    assert (photo.status, photo.data, photo.error) == (FAILED, None, "HTTP 401")


def test_audio_is_not_taken_for_a_photo(twilio_settings):
    params = {
        **photo_message("https://api.twilio.com/x"),
        "Body": "",
        "MediaContentType0": "audio/ogg",
    }
    with TestClient(create_app(twilio_settings)) as client:
        response = twilio_post(client, params)
    (reply,) = messages(response)
    assert "HAZ-" not in reply and stored_photos(twilio_settings.database_url) == []


def telegram_photo_update(update_id: int, caption: str | None) -> dict:
    user = {"id": 555000111, "is_bot": False, "first_name": "سارة", "language_code": "ar"}
    message = {
        "message_id": 7,
        "date": int(time.time()),
        "from": user,
        "chat": {"id": 555000111, "type": "private", "first_name": "سارة"},
        "photo": [
            {
                "file_id": "AgACsmall",
                "file_unique_id": "s1",
                "width": 90,
                "height": 68,
                "file_size": 1200,
            },
            {
                "file_id": "AgACphoto1",
                "file_unique_id": "b1",
                "width": 1280,
                "height": 960,
                "file_size": len(PHOTO),
            },
        ],
    }
    if caption:
        message["caption"] = caption
    return {"update_id": update_id, "message": message}


def test_a_telegram_photo_is_fetched_through_getfile_and_kept(database_url: str):
    with FakeTelegram() as telegram:
        telegram.files["AgACphoto1"] = PHOTO
        settings = Settings(
            database_url=database_url,
            telegram_bot_token=FakeTelegram.TOKEN,
            telegram_webhook_secret=SECRET,
            telegram_api_base=telegram.base_url,
        )
        with TestClient(create_app(settings)) as client:
            response = client.post(
                "/telegram",
                json=telegram_photo_update(9001, "الطبلون مفتوح عند مدرسة النور في حي الملز"),
                headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
            )
        assert response.status_code == 200
        assert "getFile" in telegram.calls
        warning, sent = telegram.sent  # an open cabinet is danger now: 933 comes first
    assert "933" in warning["text"] and "HAZ-" not in warning["text"]
    assert "HAZ-" in sent["text"] and "حفظنا صورتك مع البلاغ" in sent["text"]
    ((report, photo),) = stored_photos(database_url)
    assert (report.channel, report.sender, report.kind) == (
        "telegram",
        "tg:555000111",
        "open_cabinet",
    )
    assert (photo.status, photo.provider, photo.source, photo.data) == (
        STORED,
        "telegram",
        "AgACphoto1",
        PHOTO,
    )


def test_a_telegram_photo_alone_asks_what_is_wrong_then_keeps_the_photo(database_url: str):
    with FakeTelegram() as telegram:
        telegram.files["AgACphoto1"] = PHOTO
        settings = Settings(
            database_url=database_url,
            telegram_bot_token=FakeTelegram.TOKEN,
            telegram_webhook_secret=SECRET,
            telegram_api_base=telegram.base_url,
        )
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        with TestClient(create_app(settings)) as client:
            client.post("/telegram", json=telegram_photo_update(9002, None), headers=headers)
            first = telegram.sent[-1]
            client.post(
                "/telegram",
                json=telegram_text(9003, "عمود مايل في حي الملز بالرياض"),
                headers=headers,
            )
        last = telegram.sent[-1]
    assert "وش الملاحظة" in first["text"]
    assert "HAZ-" in last["text"] and "حفظنا صورتك" in last["text"]
    ((_report, photo),) = stored_photos(database_url)
    assert photo.status == STORED and photo.data == PHOTO


def telegram_text(update_id: int, text: str) -> dict:
    update = telegram_photo_update(update_id, None)
    del update["message"]["photo"]
    update["message"]["text"] = text
    return update
