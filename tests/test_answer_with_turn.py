"""A message's answer is stored in the same commit as its turn: the outage report and the
stored answer of its MessageSid are saved together or not at all, through the real webhook."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from starlette.testclient import TestClient
from twilio.request_validator import RequestValidator

from bot.channels import deliveries
from bot.channels.server import create_app
from bot.config import Settings
from bot.outages.models import OutageReport
from bot.storage.db import session_scope
from bot.storage.models import Delivery

TOKEN = "twilio-auth-token-for-tests"
PUBLIC_URL = "https://sadeeq.example.sa"
REPORT = {
    "MessageSid": "SMturn1",
    "From": "whatsapp:+966500000003",  # one account: the report is made at once
    "Body": "الكهرباء طافية",
    "NumMedia": "0",
}


def post(client: TestClient, params: dict[str, str]):
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC_URL + "/twilio/whatsapp", params)
    return client.post("/twilio/whatsapp", data=params, headers={"X-Twilio-Signature": signature})


def messages(response) -> list[str]:
    return [m.text or "" for m in ET.fromstring(response.text).findall("Message")]


def stored(url: str) -> tuple[int, list[str | None]]:
    with session_scope(url) as session:
        reports = session.scalar(select(func.count()).select_from(OutageReport))
        answers = list(session.scalars(select(Delivery.replies)))
    return reports, answers


@pytest.fixture
def client(seeded_database_url):
    settings = Settings(
        database_url=seeded_database_url, public_url=PUBLIC_URL, twilio_auth_token=TOKEN
    )
    with TestClient(create_app(settings)) as client:
        yield client


def test_the_report_and_its_stored_answer_are_one_commit(client, seeded_database_url) -> None:
    first = post(client, REPORT)
    repeat = post(client, REPORT)
    assert first.status_code == repeat.status_code == 200
    assert "OUT-" in messages(first)[0] and messages(repeat) == messages(first)
    reports, answers = stored(seeded_database_url)
    assert reports == 1 and len(answers) == 1 and "OUT-" in (answers[0] or "")


def test_an_answer_that_cannot_be_stored_undoes_the_turn_and_the_retry_makes_it_once(
    client, seeded_database_url, monkeypatch
) -> None:
    real_store = deliveries.answer_along

    def database_gone(*args, **kwargs):
        raise OperationalError("UPDATE deliveries", {}, Exception("disk I/O error"))

    monkeypatch.setattr(deliveries, "answer_along", database_gone)
    refused = post(client, REPORT)
    assert refused.status_code == 503  # the provider delivers it again later
    assert stored(seeded_database_url) == (0, [])  # no report without its answer, no claim left
    monkeypatch.setattr(deliveries, "answer_along", real_store)
    retried = post(client, REPORT)
    assert retried.status_code == 200 and "OUT-" in messages(retried)[0]
    reports, answers = stored(seeded_database_url)
    assert reports == 1 and len(answers) == 1
