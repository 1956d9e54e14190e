"""Delivery status callbacks through POST /twilio/status: what Twilio accepted from the real
sender (against the fake Twilio) is later marked delivered or failed on the notice, outage and
hazard ledgers, once per (MessageSid, status), and the failures show in the operator's reports."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from bot.channels.outbound import CollectingSender, RoutingSender
from bot.channels.server import create_app
from bot.channels.twilio_sender import TwilioSender
from bot.hazards.models import HazardNotification
from bot.notices import ledger
from bot.notices.cli import report_text
from bot.notices.models import NoticeSend
from bot.storage.db import engine_for, session_scope
from bot.storage.models import MessageStatus
from tests.support.fake_twilio import FakeTwilio
from tests.test_notices_broadcast import MONTH, broadcast, populate
from tests.test_outages_cli import incident_url, run, twilio  # noqa: F401 (fixtures)
from tests.test_twilio_webhook import PUBLIC_URL, TOKEN, settings_for, signed_post

CALLBACK = PUBLIC_URL + "/twilio/status"
ACCOUNT = "AC" + "7" * 32


def status_form(sid: str, status: str, error: str | None = None, to: str = "+966500000001") -> dict:
    form = {
        "MessageSid": sid,
        "SmsSid": sid,
        "AccountSid": ACCOUNT,
        "MessageStatus": status,
        "SmsStatus": status,
        "To": to,
        "From": "+15005550006",
        "ApiVersion": "2010-04-01",
    }
    if error:
        form["ErrorCode"] = error
    return form


@pytest.fixture
def status_client(database_url: str):
    settings = settings_for(database_url, twilio_account_sid=ACCOUNT)
    with TestClient(create_app(settings, extra_routes=[])) as client:
        yield client


def test_outage_notices_carry_the_callback_and_their_failures_show(  # noqa: F811
    incident_url: str,  # noqa: F811
    capsys,
    monkeypatch,
    twilio,  # noqa: F811
    status_client,
) -> None:
    monkeypatch.setenv("SADEEQ_PUBLIC_URL", PUBLIC_URL)
    code, out, _ = run(capsys, "restore", "1", "--at", "2026-01-11T13:00+03:00")
    assert code == 0 and "notified 4 reporters" in out
    assert len(twilio.sent) == 4
    assert {sent["StatusCallback"] for sent in twilio.sent} == {CALLBACK}
    sids = [f"SM{n:032x}" for n in range(1, 5)]  # the fake's sids, in order

    assert (
        signed_post(status_client, "/twilio/status", status_form(sids[0], "sent")).status_code
        == 204
    )
    assert (
        signed_post(status_client, "/twilio/status", status_form(sids[0], "delivered")).status_code
        == 204
    )
    lost = status_form(sids[1], "undelivered", "30003")
    for _ in range(3):  # Twilio repeats itself: recorded once
        assert signed_post(status_client, "/twilio/status", lost).status_code == 204
    assert (
        signed_post(
            status_client, "/twilio/status", status_form(sids[2], "failed", "63016")
        ).status_code
        == 204
    )

    code, out, _ = run(capsys, "show", "1")
    assert code == 0 and re.search(r"^not delivered:\s+2$", out, re.M)
    assert "undelivered  error 30003" in out and "failed  error 63016" in out
    shown = json.loads(run(capsys, "show", "1", "--json")[1])
    assert sorted(n["error_code"] for n in shown["undelivered"]) == ["30003", "63016"]
    with session_scope(incident_url) as session:
        assert session.scalars(select(MessageStatus)).all().__len__() == 4


def test_a_status_callback_must_be_signed_and_well_formed(status_client) -> None:
    form = status_form("SM" + "a" * 32, "failed", "30003")
    forged = status_client.post(
        "/twilio/status", data=form, headers={"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"}
    )
    assert forged.status_code == 403
    other_token = signed_post(status_client, "/twilio/status", form, token="someone-else")
    assert other_token.status_code == 403
    missing = {k: v for k, v in form.items() if k not in ("MessageStatus", "SmsStatus")}
    assert signed_post(status_client, "/twilio/status", missing).status_code == 400
    assert signed_post(status_client, "/twilio/status", form).status_code == 204


def test_bill_notices_report_what_did_not_arrive(database_url: str, status_client) -> None:
    populate(database_url, 3)  # SMS, WhatsApp (no window: by SMS), Telegram and one more SMS
    with FakeTwilio() as fake:
        twilio_sender = TwilioSender(
            ACCOUNT,
            TOKEN,
            database_url=database_url,
            sms_from="+15005550006",
            api_base=fake.url,
            status_callback=CALLBACK,
        )
        sender = RoutingSender(
            {"sms": twilio_sender, "whatsapp": twilio_sender}, fallback=CollectingSender()
        )
        broadcast(database_url, sender).run()
        assert len(fake.sent) == 3 and all(s["StatusCallback"] == CALLBACK for s in fake.sent)
    engine = engine_for(database_url)
    with engine.connect() as conn:
        first, second, _third = conn.scalars(
            select(NoticeSend.provider_id)
            .where(NoticeSend.provider_id.like("SM%"))
            .order_by(NoticeSend.id)
        ).all()
    signed_post(status_client, "/twilio/status", status_form(first, "read"))
    signed_post(
        status_client, "/twilio/status", status_form(first, "delivered")
    )  # late, out of order
    signed_post(status_client, "/twilio/status", status_form(second, "undelivered", "30003"))
    assert ledger.delivered(engine, MONTH) == 1
    assert ledger.undelivered(engine, MONTH) == {"undelivered 30003": 1}
    with engine.connect() as conn:
        assert (
            conn.scalar(select(NoticeSend.delivery_status).where(NoticeSend.provider_id == first))
            == "read"
        )
    text = report_text(settings_for(database_url), MONTH)
    assert "of the sent: 1 delivered, 1 not delivered" in text
    assert "not delivered 1: undelivered 30003" in text


def test_hazard_notices_record_their_delivery(database_url: str, status_client) -> None:
    from bot.hazards.models import Hazard, HazardReport
    from bot.storage.base import utcnow

    with session_scope(database_url) as session:
        hazard = Hazard(kind="meter", first_reported_at=utcnow(), last_reported_at=utcnow())
        session.add(hazard)
        session.flush()
        report = HazardReport(
            hazard_id=hazard.id,
            channel="whatsapp",
            sender="+966500000009",
            kind="meter",
            reported_at=utcnow(),
        )
        session.add(report)
        session.flush()
        session.add(
            HazardNotification(
                report_id=report.id,
                hazard_id=hazard.id,
                event="resolved",
                status="sent",
                provider_id="SM" + "b" * 32,
            )
        )
    form = status_form("SM" + "b" * 32, "failed", "63016", to="whatsapp:+966500000009")
    assert signed_post(status_client, "/twilio/status", form).status_code == 204
    with session_scope(database_url) as session:
        note = session.scalars(select(HazardNotification)).one()
        assert (note.status, note.delivery_status, note.delivery_error) == (
            "sent",
            "failed",
            "63016",
        )
        assert session.get(MessageStatus, ("SM" + "b" * 32, "failed")).channel == "whatsapp"


def test_a_messaging_service_carries_both_channels(database_url: str) -> None:
    with FakeTwilio() as fake:
        sender = TwilioSender(
            ACCOUNT,
            TOKEN,
            database_url=database_url,
            api_base=fake.url,
            messaging_service_sid="MG" + "c" * 32,
            status_callback=CALLBACK,
        )
        from datetime import timedelta

        from bot.channels.outbound import Outbound
        from bot.storage.base import utcnow
        from bot.storage.models import Contact

        with session_scope(database_url) as session:  # inside WhatsApp's 24-hour window
            session.add(
                Contact(
                    channel="whatsapp",
                    sender="+966500000001",
                    last_inbound_at=utcnow() - timedelta(hours=1),
                )
            )
        assert sender.send(Outbound("whatsapp", "+966500000001", "مرحبا")).ok
        assert sender.send(Outbound("sms", "+966500000002", "hello")).ok
    whatsapp, sms = fake.sent
    for sent in (whatsapp, sms):
        assert sent["MessagingServiceSid"] == "MG" + "c" * 32 and "From" not in sent
        assert sent["StatusCallback"] == CALLBACK
    assert whatsapp["To"] == "whatsapp:+966500000001" and sms["To"] == "+966500000002"
