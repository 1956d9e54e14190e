"""POST /twilio/whatsapp and /twilio/sms through Starlette's TestClient, signed with twilio's
own RequestValidator, TwiML read back with xml.etree."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from starlette.testclient import TestClient
from twilio.request_validator import RequestValidator

from bot.channels.server import create_app
from bot.config import Settings
from bot.dialogue.messages import Choice, Reply
from bot.storage.db import session_scope
from bot.storage.models import Delivery
from tests.support.scripted_engine import ScriptedEngine

TOKEN = "twilio-auth-token-for-tests"
PUBLIC_URL = "https://sadeeq.example.sa"
MENU = Reply(
    text="أهلاً بك في صديق الكهرباء 👋\nكيف نخدمك؟",
    choices=(Choice("1", "الفاتورة"), Choice("2", "بلاغ انقطاع")),
)


def settings_for(database_url: str, **overrides: object) -> Settings:
    values: dict = {
        "database_url": database_url,
        "public_url": PUBLIC_URL,
        "twilio_auth_token": TOKEN,
        "lang": "ar",
    }
    values.update(overrides)
    return Settings(**values)


def signed_post(
    client: TestClient,
    path: str,
    params: dict[str, str],
    *,
    signed_path: str | None = None,
    token: str = TOKEN,
):
    signature = RequestValidator(token).compute_signature(
        PUBLIC_URL + (signed_path or path), params
    )
    return client.post(path, data=params, headers={"X-Twilio-Signature": signature})


def whatsapp_form(sid: str = "SM0001", body: str = "مرحبا", **extra: str) -> dict[str, str]:
    return {
        "MessageSid": sid,
        "SmsSid": sid,
        "AccountSid": "AC123",
        "From": "whatsapp:+966501234567",
        "To": "whatsapp:+966920000000",
        "Body": body,
        "NumMedia": "0",
        **extra,
    }


def messages_of(response) -> list[str]:
    root = ET.fromstring(response.text)
    assert root.tag == "Response"
    return [message.text or "" for message in root.findall("Message")]


@pytest.fixture
def engine() -> ScriptedEngine:
    return ScriptedEngine([MENU])


@pytest.fixture
def client(database_url: str, engine: ScriptedEngine):
    with TestClient(create_app(settings_for(database_url), engine)) as test_client:
        yield test_client


def test_a_signed_whatsapp_message_reaches_the_engine_and_gets_twiml(client, engine):
    response = signed_post(client, "/twilio/whatsapp", whatsapp_form())

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    assert messages_of(response) == [
        "أهلاً بك في صديق الكهرباء 👋\nكيف نخدمك؟\n\n1. الفاتورة\n2. بلاغ انقطاع"
    ]
    (inbound,) = engine.seen
    assert (inbound.channel, inbound.sender, inbound.phone) == (
        "whatsapp",
        "+966501234567",
        "+966501234567",
    )
    assert (inbound.text, inbound.message_id, inbound.has_media) == ("مرحبا", "SM0001", False)
    assert inbound.received_at.tzinfo is not None


def test_each_reply_is_its_own_message(database_url):
    engine = ScriptedEngine([Reply("الأول"), Reply("الثاني"), Reply("الثالث")])
    with TestClient(create_app(settings_for(database_url), engine)) as client:
        response = signed_post(client, "/twilio/whatsapp", whatsapp_form())
    assert messages_of(response) == ["الأول", "الثاني", "الثالث"]


def test_no_replies_means_an_empty_twiml_response(database_url):
    engine = ScriptedEngine([])
    with TestClient(create_app(settings_for(database_url), engine)) as client:
        response = signed_post(
            client, "/twilio/sms", whatsapp_form(body="STOP", From="+966501234567")
        )
    assert response.status_code == 200
    assert messages_of(response) == []
    assert engine.seen[0].text == "STOP"  # the engine, not the channel, owns STOP


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"},  # forged
        {},  # missing
        {"X-Twilio-Signature": ""},  # empty
    ],
)
def test_unsigned_or_forged_requests_are_refused(client, engine, headers):
    response = client.post("/twilio/whatsapp", data=whatsapp_form(), headers=headers)
    assert response.status_code == 403
    assert engine.seen == []


def test_a_signature_made_for_another_url_is_refused(client, engine):
    replayed = signed_post(client, "/twilio/whatsapp", whatsapp_form(), signed_path="/twilio/sms")
    assert replayed.status_code == 403
    assert engine.seen == []


def test_a_signature_over_other_fields_is_refused(client, engine):
    form = whatsapp_form()
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC_URL + "/twilio/whatsapp", form)
    tampered = {**form, "Body": "حسابي 30012345678"}
    response = client.post(
        "/twilio/whatsapp", data=tampered, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 403
    assert engine.seen == []


def test_a_signature_with_another_token_is_refused(client, engine):
    response = signed_post(client, "/twilio/whatsapp", whatsapp_form(), token="someone-elses-token")
    assert response.status_code == 403


def test_without_an_auth_token_every_twilio_request_is_refused(database_url, engine):
    with TestClient(
        create_app(settings_for(database_url, twilio_auth_token=None), engine)
    ) as client:
        response = signed_post(client, "/twilio/whatsapp", whatsapp_form())
    assert response.status_code == 403
    assert engine.seen == []


def test_a_retried_delivery_is_handled_once_and_gets_the_same_answer(client, engine, database_url):
    first = signed_post(client, "/twilio/whatsapp", whatsapp_form(sid="SMretry"))
    again = signed_post(client, "/twilio/whatsapp", whatsapp_form(sid="SMretry"))

    assert len(engine.seen) == 1
    assert again.status_code == 200
    assert messages_of(again) == messages_of(first)
    with session_scope(database_url) as session:
        rows = session.scalars(select(Delivery).where(Delivery.message_id == "SMretry")).all()
    assert [(row.channel, row.message_id) for row in rows] == [("whatsapp", "SMretry")]


def test_the_same_sid_on_sms_and_whatsapp_are_two_messages(client, engine):
    signed_post(client, "/twilio/whatsapp", whatsapp_form(sid="SMsame"))
    signed_post(client, "/twilio/sms", whatsapp_form(sid="SMsame", From="+966501234567"))
    assert [m.channel for m in engine.seen] == ["whatsapp", "sms"]


def test_a_shared_location_becomes_the_inbound_location(client, engine):
    form = whatsapp_form(
        body="", Latitude="24.7136", Longitude="46.6753", Address="حي العليا، الرياض"
    )
    assert signed_post(client, "/twilio/whatsapp", form).status_code == 200
    location = engine.seen[0].location
    assert (location.latitude, location.longitude, location.address) == (
        24.7136,
        46.6753,
        "حي العليا، الرياض",
    )


def test_a_voice_note_is_flagged_as_media(client, engine):
    form = whatsapp_form(
        body="",
        NumMedia="1",
        MediaContentType0="audio/ogg",
        MediaUrl0="https://api.twilio.com/2010-04-01/Accounts/AC123/Messages/SM1/Media/ME1",
    )
    assert signed_post(client, "/twilio/whatsapp", form).status_code == 200
    assert engine.seen[0].has_media is True
    assert engine.seen[0].location is None


def test_sms_sender_is_kept_in_e164(client, engine):
    signed_post(client, "/twilio/sms", whatsapp_form(From="+966501234567", To="88888"))
    inbound = engine.seen[0]
    assert (inbound.channel, inbound.sender, inbound.phone) == (
        "sms",
        "+966501234567",
        "+966501234567",
    )


def test_sms_replies_are_compact_and_at_most_three_segments(database_url):
    long_text = "تفاصيل فاتورتك لهذا الشهر: " + "الاستهلاك ٤٢٠ كيلوواط ساعة، " * 20
    engine = ScriptedEngine([Reply(long_text, choices=MENU.choices)])
    with TestClient(create_app(settings_for(database_url), engine)) as client:
        short = messages_of(
            signed_post(client, "/twilio/sms", whatsapp_form(sid="SM1", body="فاتورتي"))
        )
        full = messages_of(
            signed_post(client, "/twilio/sms", whatsapp_form(sid="SM2", body="تفاصيل"))
        )
    assert len(short[0]) <= 201
    assert short[0].endswith("\n1 الفاتورة، 2 بلاغ انقطاع\nللباقي أرسل «تفاصيل».")
    assert "…" in short[0]
    assert len(full[0]) > 201 and "…" not in full[0]


def test_an_engine_failure_gets_a_polite_apology_not_a_500(database_url):
    engine = ScriptedEngine([MENU], error=RuntimeError("bug in a flow"))
    with TestClient(create_app(settings_for(database_url), engine)) as client:
        response = signed_post(client, "/twilio/whatsapp", whatsapp_form(sid="SMbug"))
        retried = signed_post(client, "/twilio/whatsapp", whatsapp_form(sid="SMbug"))
    assert response.status_code == 200
    assert messages_of(response) == ["نعتذر، حصل خلل عندنا. فضلاً حاول مرة ثانية بعد دقائق."]
    assert messages_of(retried) == messages_of(response)
    assert len(engine.seen) == 1


def test_a_database_outage_answers_503_and_the_retry_is_handled(database_url):
    engine = ScriptedEngine(
        [MENU], error=OperationalError("SELECT 1", {}, Exception("database is locked"))
    )
    with TestClient(create_app(settings_for(database_url), engine)) as client:
        outage = signed_post(client, "/twilio/whatsapp", whatsapp_form(sid="SMdb"))
        engine.error = None
        retried = signed_post(client, "/twilio/whatsapp", whatsapp_form(sid="SMdb"))
    assert outage.status_code == 503
    assert retried.status_code == 200
    assert messages_of(retried) == [messages_of(retried)[0]] and len(engine.seen) == 2


def test_an_unreachable_database_answers_503(tmp_path, engine):
    (tmp_path / "db.sqlite").mkdir()  # a directory where the database file should be
    unopenable = f"sqlite:///{tmp_path / 'db.sqlite'}"
    with TestClient(create_app(settings_for(unopenable), engine)) as client:
        response = signed_post(client, "/twilio/whatsapp", whatsapp_form())
        ready = client.get("/readyz")
    assert response.status_code == 503
    assert ready.status_code == 503 and ready.json()["reason"].startswith("database not usable")
    assert engine.seen == []


def test_a_reply_too_long_for_whatsapp_goes_as_several_messages(database_url):
    long = Reply("\n".join(f"{n}. ••••{n:04d} حي النسيم، الرياض، عقار {n}" for n in range(150)))
    with TestClient(create_app(settings_for(database_url), ScriptedEngine([long]))) as client:
        response = signed_post(client, "/twilio/whatsapp", whatsapp_form("SMlong"))
    parts = messages_of(response)
    assert len(long.text) > 4000 and len(parts) >= 3
    assert all(len(part) <= 1600 for part in parts)


def test_a_signed_request_for_another_twilio_account_is_refused(database_url, engine):
    settings = settings_for(database_url, twilio_account_sid="AC123")
    with TestClient(create_app(settings, engine)) as client:
        ours = signed_post(client, "/twilio/whatsapp", whatsapp_form("SMours"))
        theirs = signed_post(
            client, "/twilio/whatsapp", whatsapp_form("SMtheirs", AccountSid="AC999")
        )
    assert ours.status_code == 200 and theirs.status_code == 403
    assert len(engine.seen) == 1
