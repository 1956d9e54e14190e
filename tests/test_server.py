"""The assembled server: health, metrics, extra routes, malformed requests, a real uvicorn."""

from __future__ import annotations

import socket
import threading
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import uvicorn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient
from twilio.request_validator import RequestValidator

from bot.channels.server import create_app
from bot.config import Settings
from bot.dialogue.messages import Inbound, Reply

TOKEN = "twilio-auth-token-for-tests"
PUBLIC_URL = "https://sadeeq.example.sa"


class ScriptedEngine:
    """Our stand-in for the engine at the channel boundary: counts calls, may be slow."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.seen: list[Inbound] = []
        self._lock = threading.Lock()

    def handle(self, message: Inbound) -> list[Reply]:
        time.sleep(self.delay)
        with self._lock:
            self.seen.append(message)
            return [Reply(f"رد رقم {len(self.seen)}")]


def settings_for(database_url: str) -> Settings:
    return Settings(database_url=database_url, public_url=PUBLIC_URL, twilio_auth_token=TOKEN)


def form(sid: str = "SM1") -> dict[str, str]:
    return {
        "MessageSid": sid,
        "From": "whatsapp:+966501234567",
        "To": "whatsapp:+966920000000",
        "Body": "مرحبا",
        "NumMedia": "0",
    }


def signature(path: str, params: dict[str, str]) -> str:
    return RequestValidator(TOKEN).compute_signature(PUBLIC_URL + path, params)


@pytest.fixture
def engine() -> ScriptedEngine:
    return ScriptedEngine()


@pytest.fixture
def client(database_url, engine):
    with TestClient(create_app(settings_for(database_url), engine)) as test_client:
        yield test_client


def test_healthz_says_alive_and_readyz_ready(client):
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    response = client.get("/readyz")
    assert (response.status_code, response.json()) == (200, {"status": "ready"})


def test_metrics_count_messages_and_errors(client):
    client.post(
        "/twilio/whatsapp",
        data=form("SMm1"),
        headers={"X-Twilio-Signature": signature("/twilio/whatsapp", form("SMm1"))},
    )
    client.post("/twilio/sms", data=form("SMm2"), headers={"X-Twilio-Signature": "forged"})
    text = client.get("/metrics").text
    assert 'sadeeq_messages_total{channel="whatsapp",intent="unknown"}' in text
    assert 'sadeeq_message_seconds_bucket{channel="whatsapp",le="0.1"}' in text
    assert 'sadeeq_errors_total{channel="sms",kind="bad_signature"}' in text


def test_extra_routes_are_mounted(database_url, engine):
    async def operator(_request):
        return PlainTextResponse("operator api")

    app = create_app(
        settings_for(database_url), engine, extra_routes=[Route("/operator/ping", operator)]
    )
    with TestClient(app) as client:
        assert client.get("/operator/ping").text == "operator api"


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"MessageSid=SM1&From=%2B966501234567", "application/json", 415),
        (b"MessageSid=SM1&From=%2B966501234567", "", 415),
        (b"Body=%D9%85", "application/x-www-form-urlencoded", 403),  # checked before the fields
        (b"Body=%FF%FE", "application/x-www-form-urlencoded", 400),  # percent-encoded invalid UTF-8
        (b"Body=\xff\xfe", "application/x-www-form-urlencoded", 400),  # raw invalid UTF-8
        (b"x" * (1024 * 1024), "application/x-www-form-urlencoded", 413),
    ],
)
def test_malformed_twilio_requests_get_4xx_and_never_reach_the_engine(
    client, engine, body, content_type, status
):
    headers = {"Content-Type": content_type} if content_type else {}
    headers["X-Twilio-Signature"] = "anything"
    response = client.post("/twilio/whatsapp", content=body, headers=headers)
    assert response.status_code == status
    assert engine.seen == []


@pytest.mark.parametrize("missing", ["MessageSid", "From"])
def test_a_signed_request_without_sender_or_id_is_400(client, engine, missing):
    params = {k: v for k, v in form().items() if k != missing}
    response = client.post(
        "/twilio/whatsapp",
        data=params,
        headers={"X-Twilio-Signature": signature("/twilio/whatsapp", params)},
    )
    assert response.status_code == 400
    assert engine.seen == []


def test_a_body_larger_than_declared_is_cut_off_at_the_limit(client, engine):
    def chunks():
        for _ in range(40):
            yield b"a" * 4096  # 160 KB streamed with no Content-Length

    response = client.post(
        "/twilio/sms",
        content=chunks(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413
    assert engine.seen == []


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.binary(max_size=300),
    content_type=st.sampled_from(
        [
            "application/x-www-form-urlencoded",
            "application/json",
            "multipart/form-data",
            "text/plain",
        ]
    ),
    path=st.sampled_from(["/twilio/whatsapp", "/twilio/sms", "/telegram"]),
)
def test_arbitrary_bodies_never_cause_a_server_error(client, engine, body, content_type, path):
    response = client.post(
        path, content=body, headers={"Content-Type": content_type, "X-Twilio-Signature": "x"}
    )
    assert 400 <= response.status_code < 500
    assert engine.seen == []


def test_a_real_uvicorn_server_answers_concurrent_retries_once(database_url):
    """Ten simultaneous deliveries of one MessageSid against a slow engine: one engine call,
    ten identical answers (the repeats wait for the stored answer)."""
    engine = ScriptedEngine(delay=0.3)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(settings_for(database_url), engine), log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        params = form("SMconcurrent")
        headers = {"X-Twilio-Signature": signature("/twilio/whatsapp", params)}

        def deliver(_):
            return httpx.post(
                f"http://127.0.0.1:{port}/twilio/whatsapp", data=params, headers=headers, timeout=15
            )

        with ThreadPoolExecutor(10) as pool:
            responses = list(pool.map(deliver, range(10)))
        health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
    assert [r.status_code for r in responses] == [200] * 10
    texts = {ET.fromstring(r.text).find("Message").text for r in responses}
    assert texts == {"رد رقم 1"}
    assert len(engine.seen) == 1
    assert health.status_code == 200


def test_operator_api_is_mounted_only_when_its_token_is_set(database_url):
    import dataclasses

    settings = dataclasses.replace(
        Settings.from_env(), database_url=database_url, operator_token="op-secret"
    )
    with TestClient(create_app(settings)) as operator_client:
        assert operator_client.get("/operator/incidents").status_code == 401
        answer = operator_client.get(
            "/operator/incidents", headers={"Authorization": "Bearer op-secret"}
        )
        assert answer.status_code == 200
    without = dataclasses.replace(settings, operator_token=None)
    with TestClient(create_app(without)) as plain_client:
        assert plain_client.get("/operator/incidents").status_code == 404


def test_the_server_prunes_deliveries_past_their_retention(database_url, engine, monkeypatch):
    import time
    from datetime import timedelta

    from sqlalchemy import func, select

    from bot.channels import deliveries, server
    from bot.storage.base import utcnow
    from bot.storage.db import engine_for
    from bot.storage.models import Delivery

    def stored() -> int:
        with engine_for(database_url).connect() as conn:
            return conn.execute(select(func.count()).select_from(Delivery.__table__)).scalar()

    monkeypatch.setattr(server, "PRUNE_START_SECONDS", 0.05)
    deliveries.claim(database_url, "sms", "SMancient", now=utcnow() - timedelta(days=40))
    deliveries.claim(database_url, "sms", "SMrecent", now=utcnow() - timedelta(days=2))
    with TestClient(create_app(settings_for(database_url), engine)):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and stored() == 2:
            time.sleep(0.05)
    assert stored() == 1  # the 40-day-old one went, the recent one stays


def test_serve_parses_http_with_httptools_on_asyncios_own_loop(monkeypatch):
    """`sadeeq serve` names its HTTP parser (less CPU a request than h11 in
    bench/bench_outage_burst.py; a dependency, so it loads here, and a lost one would fail
    start-up rather than quietly cost that) and its loop: asyncio's, never uvloop, on which the
    burst's first connections were answered only at its end."""
    import argparse

    from starlette.applications import Starlette

    from bot.channels import server

    passed: dict = {}
    monkeypatch.setattr(server.uvicorn, "run", lambda app, **options: passed.update(options))
    monkeypatch.setattr(server, "create_app", lambda _settings: Starlette())
    monkeypatch.setattr("bot.logs.configure_logging", lambda **_options: None)
    monkeypatch.setattr("bot.storage.db.limit_statement_time", lambda: None)
    monkeypatch.setattr(server.gc, "freeze", lambda: None)
    assert server.run(argparse.Namespace(host="127.0.0.1", port=0, access_log=False)) == 0
    config = uvicorn.Config(Starlette(), http=passed["http"], loop=passed["loop"])
    config.load()
    assert config.http_protocol_class.__name__ == "HttpToolsProtocol"
    factory = config.get_loop_factory()
    assert factory is not None
    loop = factory()
    try:
        assert type(loop).__module__.startswith("asyncio")
    finally:
        loop.close()


def test_status_callbacks_and_unlabelled_misses_are_forgotten_past_the_retention(database_url):
    from datetime import timedelta

    from sqlalchemy import insert, select

    from bot import not_understood
    from bot.channels import delivery_status
    from bot.not_understood import NotUnderstood
    from bot.storage.base import utcnow
    from bot.storage.db import engine_for
    from bot.storage.models import MessageStatus

    now, keep = utcnow(), timedelta(days=30)
    old, recent = now - timedelta(days=40), now - timedelta(days=2)
    with engine_for(database_url).begin() as conn:
        conn.execute(
            insert(MessageStatus.__table__),
            [
                {"message_id": "SMold", "status": "delivered", "received_at": old},
                {"message_id": "SMnew", "status": "delivered", "received_at": recent},
            ],
        )
        row = {
            "channel": "sms",
            "sender": "+966500000009",
            "lang": "ar",
            "offered": [],
            "label": None,
        }
        conn.execute(
            insert(NotUnderstood.__table__),
            [
                {**row, "text": "old, unlabelled", "received_at": old},
                {**row, "text": "old, labelled", "received_at": old, "label": "bill"},
                {**row, "text": "recent", "received_at": recent},
            ],
        )
    assert delivery_status.forget(database_url, keep, now) == 1
    assert not_understood.forget_unlabelled(database_url, keep, now) == 1
    with engine_for(database_url).connect() as conn:
        statuses = conn.execute(select(MessageStatus.__table__.c.message_id)).scalars().all()
        texts = conn.execute(select(NotUnderstood.__table__.c.text)).scalars().all()
    assert statuses == ["SMnew"]
    assert sorted(texts) == ["old, labelled", "recent"]
