"""The operator HTTP API, mounted in a small Starlette app as the webhook server mounts it."""

from __future__ import annotations

from datetime import datetime

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from bot.channels.outbound import CollectingSender
from bot.config import RIYADH, Settings
from bot.outages import report_outage
from bot.outages.api import operator_routes
from bot.storage.db import session_scope

T0 = datetime(2026, 1, 11, 8, 0, tzinfo=RIYADH)
TOKEN = "s3cret-operator-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def sender() -> CollectingSender:
    return CollectingSender()


@pytest.fixture
def client(database_url: str, sender: CollectingSender) -> TestClient:
    with session_scope(database_url) as session:
        for n in range(3):
            report_outage(
                session,
                channel="whatsapp",
                sender=f"+9665{n:08d}",
                phone=f"+9665{n:08d}",
                lang="en",
                reported_at=T0,
                district="الورود",
            )
    settings = Settings(database_url=database_url, operator_token=TOKEN)
    return TestClient(Starlette(routes=operator_routes(settings, sender)))


def test_without_a_configured_token_there_is_no_operator_api(database_url: str) -> None:
    app = Starlette(routes=operator_routes(Settings(database_url=database_url)))
    response = TestClient(app).get("/operator/incidents", headers=AUTH)
    assert response.status_code == 404


@pytest.mark.parametrize(
    "headers, status",
    [
        ({}, 401),
        ({"Authorization": "Basic abc"}, 401),
        ({"Authorization": "Bearer "}, 401),
        ({"Authorization": "Bearer wrong"}, 403),
        ({"Authorization": f"Bearer {TOKEN}x"}, 403),
    ],
)
def test_the_token_is_required(client: TestClient, headers: dict, status: int) -> None:
    for method, path in (
        ("get", "/operator/incidents"),
        ("get", "/operator/incidents/1"),
        ("post", "/operator/incidents/1/restore"),
    ):
        assert getattr(client, method)(path, headers=headers).status_code == status


def test_list_show_update_restore(client: TestClient, sender: CollectingSender) -> None:
    listed = client.get("/operator/incidents", headers=AUTH).json()["incidents"]
    assert [(i["reference"], i["reporters"]) for i in listed] == [("INC-000001", 3)]
    assert client.get("/operator/incidents/INC-000001", headers=AUTH).json()["status"] == "open"
    assert client.get("/operator/incidents/INC-9", headers=AUTH).status_code == 404

    response = client.post(
        "/operator/incidents/1/update",
        headers=AUTH,
        json={"eta": "2026-01-11T12:00", "cause": "cable fault"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["notifying"] == "estimate"
    assert body["incident"]["estimated_restoration_at"] == "2026-01-11T12:00:00+03:00"
    assert len(sender.sent) == 3 and "cable fault" in sender.sent[0].text

    response = client.post(
        "/operator/incidents/1/restore", headers=AUTH, json={"at": "2026-01-11T11:10:00+03:00"}
    )
    assert response.json()["incident"]["status"] == "restored"
    assert len(sender.sent) == 6 and "50 SAR" in sender.sent[-1].text
    assert client.post("/operator/incidents/1/restore", headers=AUTH).status_code == 200
    assert client.post("/operator/incidents/1/notify", headers=AUTH).json() == {"sent": 0}
    assert len(sender.sent) == 6
    assert client.get("/operator/incidents", headers=AUTH).json() == {"incidents": []}
    assert len(client.get("/operator/incidents?all=1", headers=AUTH).json()["incidents"]) == 1


@pytest.mark.parametrize(
    "body, message",
    [
        ({"eta": "soon"}, "not an ISO 8601 time"),
        ({"eta": 5}, "ISO 8601 string"),
        ({"force_majeure": "yes"}, "true or false"),
        ({"eta": "2026-01-10T08:00"}, "before the outage started"),
    ],
)
def test_bad_updates_are_400_with_the_reason(client: TestClient, body: dict, message: str) -> None:
    response = client.post("/operator/incidents/1/update", headers=AUTH, json=body)
    assert response.status_code == 400 and message in response.json()["error"]


def test_a_body_that_is_not_json_is_400(client: TestClient) -> None:
    response = client.post("/operator/incidents/1/update", headers=AUTH, content=b"{nope")
    assert response.status_code == 400


def test_without_a_transport_restore_changes_nothing_and_says_why(database_url: str) -> None:
    with session_scope(database_url) as session:
        report_outage(
            session,
            channel="whatsapp",
            sender="+966500000009",
            phone="+966500000009",
            lang="en",
            reported_at=T0,
            district="الورود",
        )
    settings = Settings(database_url=database_url, operator_token=TOKEN)  # no Twilio credentials
    client = TestClient(Starlette(routes=operator_routes(settings)))
    response = client.post("/operator/incidents/1/restore", headers=AUTH, json={})
    assert response.status_code == 503
    assert "no transport for whatsapp" in response.json()["error"]
    assert client.get("/operator/incidents/1", headers=AUTH).json()["status"] == "open"
    notify = client.post("/operator/incidents/1/notify", headers=AUTH, json={})
    assert notify.status_code == 200 and notify.json() == {"sent": 0}  # nothing waiting


def test_an_oversized_cause_or_body_is_refused_and_no_notice_carries_it(
    client: TestClient, sender: CollectingSender
) -> None:
    huge = client.post(
        "/operator/incidents/1/update",
        headers=AUTH,
        json={"eta": "2026-01-11T12:00", "cause": "عطل " * 125_000},
    )
    assert huge.status_code == 413  # 500,000 characters: the body itself is refused
    long = client.post(
        "/operator/incidents/1/update",
        headers=AUTH,
        json={"eta": "2026-01-11T12:00", "cause": "ع" * 301},
    )
    assert long.status_code == 400 and "at most 300" in long.json()["error"]
    assert (
        client.get("/operator/incidents/1", headers=AUTH).json()["estimated_restoration_at"] is None
    )
    assert sender.sent == []


def test_odd_times_get_400_and_a_database_outage_503_never_a_500(
    client: TestClient, tmp_path
) -> None:
    for when in ("0001-01-01T00:00", "0001-01-01T00:00+03:00"):
        response = client.post("/operator/incidents/1/update", headers=AUTH, json={"eta": when})
        assert response.status_code == 400, (when, response.text)
    (tmp_path / "db.sqlite").mkdir()  # a database that cannot be opened
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'db.sqlite'}", operator_token=TOKEN)
    down = TestClient(Starlette(routes=operator_routes(settings, CollectingSender())))
    for method, path in (("get", "/operator/incidents"), ("post", "/operator/incidents/1/restore")):
        response = getattr(down, method)(path, headers=AUTH)
        assert response.status_code == 503 and response.json()["error"].startswith(
            "database unavailable"
        )
