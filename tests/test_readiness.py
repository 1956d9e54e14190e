"""`sadeeq serve` on a database that is not ready: empty, behind the schema head, deleted under
it, read-only. It migrates before answering, /readyz tells the truth, nothing is acknowledged
and then lost, and each 503 says why in the log."""

from __future__ import annotations

import logging
import sqlite3
import time

import pytest
from alembic import command
from starlette.testclient import TestClient

from bot.channels.server import create_app
from bot.storage.db import dispose_engine
from bot.storage.migrate import alembic_config, current_revision
from tests.support.fake_telegram import FakeTelegram
from tests.test_twilio_webhook import messages_of, settings_for, signed_post, whatsapp_form

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def fresh_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'var' / 'fresh.sqlite'}"
    yield url
    dispose_engine(url)


def telegram_update(update_id: int, text: str) -> dict:
    return {
        "update_id": update_id,
        "message": {
            "message_id": 1,
            "date": int(time.time()),
            "text": text,
            "chat": {"id": 4242, "type": "private"},
            "from": {"id": 4242, "is_bot": False, "first_name": "نورة"},
        },
    }


def test_serve_on_an_empty_database_creates_the_schema_and_answers(fresh_sqlite):
    with FakeTelegram() as telegram:
        settings = settings_for(
            fresh_sqlite,
            telegram_bot_token=FakeTelegram.TOKEN,
            telegram_webhook_secret="secret-123456",
            telegram_api_base=telegram.base_url,
        )
        with TestClient(create_app(settings)) as client:  # the real engine
            assert client.get("/readyz").json() == {"status": "ready"}
            response = signed_post(client, "/twilio/whatsapp", whatsapp_form(body="مرحبا"))
            assert response.status_code == 200 and messages_of(response)
            tg = client.post(
                "/telegram",
                json=telegram_update(1, "مرحبا"),
                headers={"X-Telegram-Bot-Api-Secret-Token": "secret-123456"},
            )
            assert tg.status_code == 200
        assert telegram.sent  # the update was answered, not dropped
    assert current_revision(fresh_sqlite) is not None


def test_serve_brings_a_database_behind_the_head_up_to_it(fresh_sqlite):
    with TestClient(create_app(settings_for(fresh_sqlite))):
        pass
    head = current_revision(fresh_sqlite)
    command.downgrade(alembic_config(fresh_sqlite), "f047d352deba")  # the release before
    dispose_engine(fresh_sqlite)
    with TestClient(create_app(settings_for(fresh_sqlite))) as client:
        assert client.get("/readyz").status_code == 200
        assert signed_post(client, "/twilio/whatsapp", whatsapp_form()).status_code == 200
    assert current_revision(fresh_sqlite) == head


def test_a_deleted_sqlite_file_gets_503_and_is_not_acknowledged(fresh_sqlite, tmp_path, caplog):
    with TestClient(create_app(settings_for(fresh_sqlite))) as client:
        assert signed_post(client, "/twilio/whatsapp", whatsapp_form("SM1")).status_code == 200
        for suffix in ("", "-wal", "-shm"):
            (tmp_path / "var" / f"fresh.sqlite{suffix}").unlink(missing_ok=True)
        with caplog.at_level(logging.WARNING):
            response = signed_post(client, "/twilio/whatsapp", whatsapp_form("SM2"))
            ready = client.get("/readyz")
            client.get("/readyz")
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert ready.status_code == 503 and "is missing" in ready.json()["reason"]
    assert caplog.text.count("SM2 answered 503") == 1 and "fresh.sqlite is missing" in caplog.text
    assert caplog.text.count("not ready: database file") == 1  # polled twice, logged once


def test_a_read_only_database_is_not_ready(tmp_path):
    path = tmp_path / "ro.sqlite"
    with TestClient(create_app(settings_for(f"sqlite:///{path}"))):
        pass  # made and migrated
    dispose_engine(f"sqlite:///{path}")
    read_only = f"sqlite:///file:{path}?mode=ro&uri=true"
    try:
        with TestClient(create_app(settings_for(read_only))) as client:
            ready = client.get("/readyz")
        assert ready.status_code == 503 and "readonly" in ready.json()["reason"]
    finally:
        dispose_engine(read_only)
    sqlite3.connect(path).close()


def test_an_unreachable_database_is_not_ready_and_says_why(tmp_path, caplog):
    (tmp_path / "db.sqlite").mkdir()  # a directory where the database file should be
    with (
        caplog.at_level(logging.INFO),
        TestClient(create_app(settings_for(f"sqlite:///{tmp_path / 'db.sqlite'}"))) as client,
    ):
        assert client.get("/healthz").status_code == 200  # the process is alive
        ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json()["status"] == "not ready"
    assert "not ready:" in caplog.text
