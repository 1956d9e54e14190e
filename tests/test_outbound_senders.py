"""TwilioSender and TelegramSender against local fakes of the providers' APIs, and the routing
done by `outbound_sender(settings)`."""

from __future__ import annotations

import json
import logging
import socket
from datetime import timedelta

import pytest

from bot.channels.outbound import Outbound, outbound_sender
from bot.channels.telegram_sender import TelegramSender
from bot.channels.twilio_sender import TwilioSender
from bot.config import Settings
from bot.storage.base import utcnow
from bot.storage.db import session_scope
from bot.storage.models import Contact
from tests.support.fake_telegram import FakeTelegram
from tests.support.fake_twilio import FakeTwilio

PHONE = "+966501234567"
WHATSAPP_FROM = "+14155238886"
SMS_FROM = "+15005550006"


@pytest.fixture
def twilio():
    with FakeTwilio() as fake:
        yield fake


@pytest.fixture
def telegram():
    with FakeTelegram() as fake:
        yield fake


@pytest.fixture
def sender(database_url, twilio) -> TwilioSender:
    return TwilioSender(
        "AC" + "1" * 32,
        "auth-token",
        database_url=database_url,
        whatsapp_from=WHATSAPP_FROM,
        sms_from=SMS_FROM,
        api_base=twilio.url,
    )


def add_contact(
    url: str,
    channel: str,
    sender: str,
    *,
    hours_since_last_message: float | None = None,
    opted_out: bool = False,
) -> None:
    now = utcnow()
    with session_scope(url) as session:
        session.add(
            Contact(
                channel=channel,
                sender=sender,
                phone=sender if sender.startswith("+") else None,
                last_inbound_at=None
                if hours_since_last_message is None
                else now - timedelta(hours=hours_since_last_message),
                opted_out_at=now if opted_out else None,
                state={},
            )
        )


def test_sms_goes_out_from_the_sms_number(sender, twilio):
    result = sender.send(Outbound("sms", PHONE, "فاتورتك جاهزة"))
    assert result.ok and result.provider_id.startswith("SM")
    assert twilio.sent == [{"To": PHONE, "From": SMS_FROM, "Body": "فاتورتك جاهزة"}]


def test_whatsapp_inside_the_window_is_free_form(sender, twilio, database_url):
    add_contact(database_url, "whatsapp", PHONE, hours_since_last_message=23)
    result = sender.send(Outbound("whatsapp", PHONE, "عادت الكهرباء", template="HX123"))
    assert result.ok
    assert twilio.sent == [
        {"To": f"whatsapp:{PHONE}", "From": f"whatsapp:{WHATSAPP_FROM}", "Body": "عادت الكهرباء"}
    ]


def test_whatsapp_outside_the_window_uses_the_template(sender, twilio, database_url):
    add_contact(database_url, "whatsapp", PHONE, hours_since_last_message=25)
    result = sender.send(
        Outbound(
            "whatsapp",
            PHONE,
            "فاتورتك",
            template="HXabc",
            template_variables={"1": "٣٤٥٫٦٠ ر.س", "2": "28 نوفمبر"},
        )
    )
    assert result.ok
    (sent,) = twilio.sent
    assert sent["ContentSid"] == "HXabc" and "Body" not in sent
    assert json.loads(sent["ContentVariables"]) == {"1": "٣٤٥٫٦٠ ر.س", "2": "28 نوفمبر"}


def test_whatsapp_outside_the_window_without_a_template_goes_by_sms(sender, twilio):
    result = sender.send(Outbound("whatsapp", PHONE, "فاتورتك جاهزة"))
    assert result.ok
    assert twilio.sent == [{"To": PHONE, "From": SMS_FROM, "Body": "فاتورتك جاهزة"}]


def test_the_sms_fallback_respects_an_sms_opt_out(sender, twilio, database_url):
    add_contact(database_url, "sms", PHONE, opted_out=True)
    result = sender.send(Outbound("whatsapp", PHONE, "فاتورتك جاهزة"))
    assert (result.ok, result.permanent, result.error) == (False, True, "opted_out")
    assert twilio.requests == []


@pytest.mark.parametrize("channel", ["whatsapp", "sms"])
def test_opted_out_contacts_get_nothing(sender, twilio, database_url, channel):
    add_contact(database_url, channel, PHONE, hours_since_last_message=1, opted_out=True)
    result = sender.send(Outbound(channel, PHONE, "رسالة"))
    assert (result.ok, result.permanent, result.error) == (False, True, "opted_out")
    assert twilio.requests == []


@pytest.mark.parametrize(
    ("status", "code", "permanent"),
    [
        (400, 21211, True),  # invalid 'To' number
        (400, 21610, True),  # the subscriber replied STOP to Twilio
        (404, None, True),
        (429, None, False),
        (500, None, False),
        (503, None, False),
    ],
)
def test_twilio_errors_are_permanent_or_retryable(sender, twilio, status, code, permanent):
    twilio.fail_next(status, code)
    result = sender.send(Outbound("sms", PHONE, "رسالة"))
    assert (result.ok, result.permanent) == (False, permanent)
    assert twilio.sent == []


def test_an_unreachable_twilio_is_retryable(database_url):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    sender = TwilioSender(
        "AC" + "1" * 32,
        "t",
        database_url=database_url,
        sms_from=SMS_FROM,
        api_base=f"http://127.0.0.1:{port}",
    )
    result = sender.send(Outbound("sms", PHONE, "رسالة"))
    assert (result.ok, result.permanent) == (False, False)


def test_a_messaging_service_sid_sends_through_the_service(database_url, twilio):
    sender = TwilioSender(
        "AC" + "1" * 32,
        "t",
        database_url=database_url,
        sms_from="MG" + "2" * 32,
        api_base=twilio.url,
    )
    assert sender.send(Outbound("sms", PHONE, "رسالة")).ok
    assert twilio.sent[0]["MessagingServiceSid"] == "MG" + "2" * 32


def test_telegram_sender_uses_send_message(database_url, telegram):
    sender = TelegramSender(
        FakeTelegram.TOKEN, database_url=database_url, api_base=telegram.base_url
    )
    result = sender.send(Outbound("telegram", "555000111", "عادت الكهرباء في حيّك"))
    assert result.ok and result.provider_id == "1"
    assert telegram.sent == [{"chat_id": "555000111", "text": "عادت الكهرباء في حيّك"}]


@pytest.mark.parametrize(
    ("status", "permanent"), [(403, True), (400, True), (429, False), (502, False)]
)
def test_telegram_errors_are_permanent_or_retryable(database_url, telegram, status, permanent):
    sender = TelegramSender(
        FakeTelegram.TOKEN, database_url=database_url, api_base=telegram.base_url
    )
    telegram.fail_next(status, "Forbidden: bot was blocked by the user")
    result = sender.send(Outbound("telegram", "555000111", "رسالة"))
    assert (result.ok, result.permanent) == (False, permanent)


def test_telegram_opted_out_contacts_get_nothing(database_url, telegram):
    add_contact(database_url, "telegram", "tg:555000111", opted_out=True)
    sender = TelegramSender(
        FakeTelegram.TOKEN, database_url=database_url, api_base=telegram.base_url
    )
    result = sender.send(Outbound("telegram", "555000111", "رسالة"))
    assert (result.ok, result.permanent, result.error) == (False, True, "opted_out")
    assert "sendMessage" not in telegram.calls


def test_outbound_sender_routes_by_channel(database_url, twilio, telegram):
    settings = Settings(
        database_url=database_url,
        twilio_account_sid="AC" + "1" * 32,
        twilio_auth_token="t",
        twilio_sms_from=SMS_FROM,
        twilio_api_base=twilio.url,
        telegram_bot_token=FakeTelegram.TOKEN,
        telegram_api_base=telegram.base_url,
    )
    sender = outbound_sender(settings)
    assert sender.send(Outbound("sms", PHONE, "sms")).ok
    assert sender.send(Outbound("telegram", "42", "tg")).ok
    assert sender.send(Outbound("terminal", "demo", "terminal")).ok
    assert [m["Body"] for m in twilio.sent] == ["sms"]
    assert [m["text"] for m in telegram.sent] == ["tg"]


def test_without_credentials_nothing_is_sent_or_reported_sent_and_the_log_says_so(
    database_url, caplog
):
    with caplog.at_level(logging.WARNING):
        sender = outbound_sender(Settings(database_url=database_url))
    for channel in ("whatsapp", "sms", "telegram"):
        result = sender.send(Outbound(channel, PHONE, "رسالة"))
        assert (result.ok, result.provider_id) == (False, None)
        assert result.error == f"no transport for {channel}"
    assert sender.send(Outbound("terminal", "demo", "رسالة")).ok  # the terminal's own mailbox
    assert "no Twilio credentials" in caplog.text and "no TELEGRAM_BOT_TOKEN" in caplog.text
