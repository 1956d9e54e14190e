"""The Twilio webhook with the real conversation engine and the demo data (no stand-ins)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from sqlalchemy import func, select
from starlette.testclient import TestClient
from twilio.request_validator import RequestValidator

from bot.channels.server import create_app
from bot.config import Settings
from bot.storage.db import session_scope
from bot.storage.models import Delivery

TOKEN = "twilio-auth-token-for-tests"
PUBLIC_URL = "https://sadeeq.example.sa"


def post(client: TestClient, path: str, params: dict[str, str]):
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC_URL + path, params)
    return client.post(path, data=params, headers={"X-Twilio-Signature": signature})


def messages(response) -> list[str]:
    return [m.text or "" for m in ET.fromstring(response.text).findall("Message")]


def test_a_subscriber_talks_to_the_real_engine_over_whatsapp_and_sms(seeded_database_url):
    settings = Settings(
        database_url=seeded_database_url, public_url=PUBLIC_URL, twilio_auth_token=TOKEN
    )
    with TestClient(create_app(settings)) as client:
        hello = {
            "MessageSid": "SMreal1",
            "From": "whatsapp:+966500000001",
            "Body": "مرحبا",
            "NumMedia": "0",
        }
        first = post(client, "/twilio/whatsapp", hello)
        repeat = post(client, "/twilio/whatsapp", hello)
        sms = post(
            client,
            "/twilio/sms",
            {"MessageSid": "SMreal2", "From": "+966500000001", "Body": "مرحبا", "NumMedia": "0"},
        )
    assert first.status_code == repeat.status_code == sms.status_code == 200
    (menu,) = messages(first)
    assert menu and "\n1. " in menu  # the engine's menu as a numbered WhatsApp list
    assert messages(repeat) == messages(first)
    (sms_menu,) = messages(sms)
    assert len(sms_menu) <= 201 and "\n1. " not in sms_menu and "1 " in sms_menu
    with session_scope(seeded_database_url) as session:
        assert session.scalar(select(func.count()).select_from(Delivery)) == 2


def test_stop_then_an_outage_report_is_recorded_answered_on_whatsapp_silent_on_sms(
    seeded_database_url,
):
    from bot.outages.models import OutageReport

    settings = Settings(
        database_url=seeded_database_url, public_url=PUBLIC_URL, twilio_auth_token=TOKEN
    )
    with TestClient(create_app(settings)) as client:
        for path, sender, sid in (
            ("/twilio/whatsapp", "whatsapp:+966500000002", "SMw"),
            ("/twilio/sms", "+966500000003", "SMs"),
        ):
            stopped = post(
                client,
                path,
                {"MessageSid": f"{sid}1", "From": sender, "Body": "إيقاف", "NumMedia": "0"},
            )
            assert "تم الإيقاف" in messages(stopped)[0]
            report = post(
                client,
                path,
                {
                    "MessageSid": f"{sid}2",
                    "From": sender,
                    "NumMedia": "0",
                    "Body": "الكهرباء مقطوعة عندنا في حي النسيم بالرياض",
                },
            )
            assert report.status_code == 200
            if path.endswith("whatsapp"):
                assert messages(report) and messages(report)[0]  # answered
            else:
                assert messages(report) == []  # short-code rules: silence, but recorded
    with session_scope(seeded_database_url) as session:
        reporters = set(session.scalars(select(OutageReport.sender)))
    assert {"+966500000002", "+966500000003"} <= reporters


def test_a_nul_in_the_address_of_a_shared_location_does_not_lose_the_report(seeded_database_url):
    from bot.outages.models import OutageReport

    settings = Settings(
        database_url=seeded_database_url, public_url=PUBLIC_URL, twilio_auth_token=TOKEN
    )
    with TestClient(create_app(settings)) as client:
        post(
            client,
            "/twilio/whatsapp",
            {
                "MessageSid": "SMnul1",
                "From": "whatsapp:+966500000004",
                "Body": "الكهرباء مقطوعة",
                "NumMedia": "0",
            },
        )
        shared = post(
            client,
            "/twilio/whatsapp",
            {
                "MessageSid": "SMnul2",
                "From": "whatsapp:+966500000004",
                "Body": "",
                "NumMedia": "0",
                "Latitude": "24.7136",
                "Longitude": "46.6753",
                "Address": "شارع\x00العليا\x00",
            },
        )
    assert shared.status_code == 200 and messages(shared)
    with session_scope(seeded_database_url) as session:
        assert session.scalars(
            select(OutageReport).where(OutageReport.sender == "+966500000004")
        ).first()
