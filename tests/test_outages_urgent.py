"""Someone on medical equipment during an outage: the conversation flags the report urgent, and
operators see it, first, in `sadeeq outages list|show` and in the operator API."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime, timedelta

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from bot.channels.outbound import CollectingSender
from bot.cli import main as sadeeq
from bot.config import RIYADH, Settings
from bot.dialogue.engine import Engine
from bot.dialogue.messages import Inbound
from bot.outages.api import operator_routes

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=RIYADH)
TOKEN = "operator-token-for-urgent"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _say(engine: Engine, phone: str, text: str, at: datetime) -> list[str]:
    message = Inbound(
        channel="whatsapp",
        sender=phone,
        phone=phone,
        text=text,
        received_at=at,
        message_id=f"{phone}-{at.timestamp()}",
    )
    return [reply.text for reply in engine.handle(message)]


@pytest.fixture
def reported(seeded_database_url: str, monkeypatch) -> str:
    """Two districts out: in Al Narjis a plain report; in Al Yasmin, later, two reporters, one
    of them with a father on oxygen (said in answer to "where")."""
    monkeypatch.setenv("SADEEQ_DATABASE_URL", seeded_database_url)
    settings = dataclasses.replace(
        Settings.from_env(), database_url=seeded_database_url, billing_url=None, lang="ar"
    )
    engine = Engine(settings)
    at = T0
    for phone, lines in (
        ("+966500000004", ["مافي كهرباء", "حي النرجس، الرياض"]),
        ("+966500000010", ["الكهربا طافية", "عندي ابوي على جهاز اكسجين", "حي الياسمين، الرياض"]),
        ("+966500000011", ["الكهربا طافية", "حي الياسمين، الرياض"]),
    ):
        for text in lines:
            at += timedelta(minutes=1)
            replies = _say(engine, phone, text, at)
    assert "933" not in replies[0]  # the second reporter of Al Yasmin said nothing medical
    return seeded_database_url


def test_the_first_reply_is_933_and_the_report_is_urgent(reported: str) -> None:
    engine = Engine(
        dataclasses.replace(Settings.from_env(), database_url=reported, billing_url=None, lang="ar")
    )
    replies = _say(
        engine,
        "+966500000012",
        "يا اخي الكهرباء مقطوعة وعندي ابوي على جهاز اكسجين",
        T0 + timedelta(minutes=30),
    )
    assert "933" in replies[0] and "933" not in "".join(replies[1:])
    assert "وين انقطعت الكهرباء" in replies[-1]


def _cli(capsys, *args: str) -> str:
    capsys.readouterr()
    assert sadeeq(["outages", *args]) == 0
    return capsys.readouterr().out


def test_the_operator_cli_shows_the_flag_urgent_first(reported: str, capsys) -> None:
    lines = _cli(capsys, "list").splitlines()
    assert len(lines) == 2
    # Al Yasmin started later but has someone on medical equipment: it comes first.
    assert "الياسمين" in lines[0] and "URGENT (1 medical)" in lines[0]
    assert "النرجس" in lines[1] and "URGENT" not in lines[1]
    urgent_ref = lines[0].split()[0]
    shown = json.loads(_cli(capsys, "show", urgent_ref, "--json"))
    assert shown["urgent"] is True and shown["urgent_reports"] == 1
    assert [r["urgent"] for r in shown["reports"]] == [True, False]
    text = _cli(capsys, "show", urgent_ref)
    assert text.count("URGENT: medical equipment") == 1


def test_the_operator_api_shows_the_flag_urgent_first(reported: str) -> None:
    settings = Settings(database_url=reported, operator_token=TOKEN)
    client = TestClient(Starlette(routes=operator_routes(settings, CollectingSender())))
    listed = client.get("/operator/incidents", headers=AUTH).json()["incidents"]
    # "حي الياسمين، الرياض" typed by the reporters: stored as the known district and city.
    assert [(i["city"], i["district"], i["urgent"], i["urgent_reports"]) for i in listed] == [
        ("الرياض", "الياسمين", True, 1),
        ("الرياض", "النرجس", False, 0),
    ]
    shown = client.get(f"/operator/incidents/{listed[0]['reference']}", headers=AUTH).json()
    assert shown["urgent"] is True
    assert [r["urgent"] for r in shown["reports"]] == [True, False]
    plain = client.get(f"/operator/incidents/{listed[1]['reference']}", headers=AUTH).json()
    assert plain["urgent"] is False and [r["urgent"] for r in plain["reports"]] == [False]
