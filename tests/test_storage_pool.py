"""Pooled PostgreSQL connections without a pre-ping: one the server ended is noticed on
checkout (its socket has something to read) and replaced, so the next unit of work succeeds.
Runs in the PostgreSQL pass of the suite (`make test-scaleout`); on SQLite there is no pool
of server connections to drop."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from bot.storage.db import engine_for, session_scope
from tests.conftest import TEST_DATABASE_URL

pytestmark = pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="needs SADEEQ_TEST_DATABASE_URL (make test-scaleout)"
)


def backend_pid(url: str) -> int:
    with engine_for(url).connect() as conn:
        return int(conn.scalar(text("SELECT pg_backend_pid()")))


def terminate(pid: int) -> None:
    admin = create_engine(TEST_DATABASE_URL, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        assert conn.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()
    time.sleep(0.2)  # the server's goodbye reaches the pooled socket


def test_no_round_trip_on_checkout(database_url: str) -> None:
    engine = engine_for(database_url)
    assert not engine.pool._pre_ping
    assert backend_pid(database_url) == backend_pid(database_url)  # the pooled one, reused


def test_a_connection_ended_by_the_server_is_replaced_on_checkout(database_url: str) -> None:
    first = backend_pid(database_url)
    terminate(first)
    # No error for the next unit of work: the dead connection is dropped, a new one made.
    with session_scope(database_url) as session:
        assert session.scalar(text("SELECT 1")) == 1
    assert backend_pid(database_url) != first


def test_every_pooled_connection_ended_at_once_is_survived(database_url: str) -> None:
    engine = engine_for(database_url)
    held = [engine.connect() for _ in range(3)]
    pids = [int(conn.scalar(text("SELECT pg_backend_pid()"))) for conn in held]
    for conn in held:
        conn.close()
    for pid in pids:
        terminate(pid)
    for _ in range(3):
        assert backend_pid(database_url) not in pids
