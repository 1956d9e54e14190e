"""Time limits that hold under Twilio's 15 s webhook timeout: a database port that accepts
connections and never answers, and an SQLite database another writer keeps locked, cost a 503
in seconds (the provider retries), never a hung request."""

from __future__ import annotations

import socket
import sqlite3
import time

import pytest
from starlette.testclient import TestClient

from bot.channels.server import create_app
from bot.dialogue.messages import Reply
from bot.storage.db import dispose_engine
from tests.support.scripted_engine import ScriptedEngine
from tests.test_twilio_webhook import settings_for, signed_post, whatsapp_form

TWILIO_WAITS_SECONDS = 15


@pytest.fixture
def black_hole():
    """A TCP port whose connections are accepted by the kernel and then never answered."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield listener.getsockname()[1]


def test_a_database_that_never_answers_costs_a_503_in_seconds(black_hole):
    url = f"postgresql+psycopg://sadeeq@127.0.0.1:{black_hole}/sadeeq"
    engine = ScriptedEngine([Reply("أهلاً")])
    try:
        started = time.monotonic()
        with TestClient(create_app(settings_for(url), engine)) as client:
            booted = time.monotonic()
            response = signed_post(client, "/twilio/whatsapp", whatsapp_form("SMhole"))
            answered = time.monotonic()
            ready = client.get("/readyz")
    finally:
        dispose_engine(url)
    assert booted - started < TWILIO_WAITS_SECONDS  # start-up gives up on the schema, logs why
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert answered - booted < TWILIO_WAITS_SECONDS / 2
    assert ready.status_code == 503 and engine.seen == []


def test_an_sqlite_database_locked_by_another_writer_costs_a_503_before_twilio_gives_up(
    database_url,
):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's lock")
    engine = ScriptedEngine([Reply("أهلاً")])
    with TestClient(create_app(settings_for(database_url), engine)) as client:
        holder = sqlite3.connect(database_url.split("///", 1)[1], timeout=1)
        holder.execute("BEGIN EXCLUSIVE")  # e.g. a long batch job
        try:
            started = time.monotonic()
            response = signed_post(client, "/twilio/whatsapp", whatsapp_form("SMlocked"))
            elapsed = time.monotonic() - started
        finally:
            holder.rollback()
            holder.close()
        assert response.status_code == 503 and elapsed < TWILIO_WAITS_SECONDS - 3
        retried = signed_post(client, "/twilio/whatsapp", whatsapp_form("SMlocked"))
    assert retried.status_code == 200 and len(engine.seen) == 1


def test_statement_limits_keep_the_urls_own_options(monkeypatch):
    from bot.storage import db

    monkeypatch.setattr(db, "_limit_statements", True)
    args = db._postgres_args("postgresql+psycopg://u@h/d?options=-csearch_path%3Dtenant_7")
    assert args["options"].startswith("-csearch_path=tenant_7 ")
    assert "statement_timeout=8000" in args["options"] and args["connect_timeout"] == 4
    monkeypatch.setattr(db, "_limit_statements", False)
    assert "options" not in db._postgres_args("postgresql+psycopg://u@h/d")
