"""Fixtures shared by every test module: a fresh database, empty or with the demo data.

The suite runs on SQLite by default. With SADEEQ_TEST_DATABASE_URL (a PostgreSQL URL) every
test gets a schema of its own in that database, dropped afterwards; with SADEEQ_TEST_REDIS_URL
the bot's shared state (rate limits, locks, account guard) lives in that Redis. A server named
by either variable that cannot be reached stops the run at once: in CI a missing server is an
error, never a quiet skip.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from bot.billing.demo import seed_demo
from bot.storage.db import create_schema, dispose_engine
from bot.storage.migrate import upgrade_sql

TEST_DATABASE_URL = os.environ.get("SADEEQ_TEST_DATABASE_URL") or None
TEST_REDIS_URL = os.environ.get("SADEEQ_TEST_REDIS_URL") or None

if TEST_REDIS_URL:
    # Settings.from_env() in the tests (and in servers they start) then share state through it.
    os.environ["SADEEQ_REDIS_URL"] = TEST_REDIS_URL


def pytest_sessionstart(session: pytest.Session) -> None:
    problems = []
    if TEST_DATABASE_URL:
        if not TEST_DATABASE_URL.startswith("postgresql"):
            problems.append(
                f"SADEEQ_TEST_DATABASE_URL must be a postgresql URL, not {TEST_DATABASE_URL}"
            )
        else:
            try:
                with create_engine(TEST_DATABASE_URL).connect() as conn:
                    conn.execute(text("SELECT 1"))
            except Exception as exc:
                problems.append(f"PostgreSQL at {TEST_DATABASE_URL} is unreachable: {exc}")
    if TEST_REDIS_URL:
        import redis

        try:
            redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=2, socket_timeout=2).ping()
        except Exception as exc:
            problems.append(f"Redis at {TEST_REDIS_URL} is unreachable: {exc}")
    if problems:
        pytest.exit("; ".join(problems), returncode=3)


@pytest.fixture
def database_url(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh database with the whole schema and no rows: an SQLite file, or a schema of its
    own in the PostgreSQL of SADEEQ_TEST_DATABASE_URL.

    The schema comes from the migrations, run once per session: an SQLite file migrated once
    and copied for each test, or the migrations' SQL script (alembic offline mode) run in each
    new PostgreSQL schema. tests/test_migrations.py checks both against the models."""
    if TEST_DATABASE_URL:
        yield from _postgres_schema()
        return
    path = tmp_path / "sadeeq.sqlite"
    shutil.copyfile(_sqlite_template(tmp_path_factory.getbasetemp()), path)
    url = f"sqlite:///{path}"
    yield url
    dispose_engine(url)


@cache
def _sqlite_template(folder: Path) -> Path:
    path = folder / "migrated-template.sqlite"
    url = f"sqlite:///{path}"
    create_schema(url)
    dispose_engine(url)  # the last connection closing folds the WAL into the file
    return path


@cache
def _postgres_schema_script() -> str:
    assert TEST_DATABASE_URL
    return upgrade_sql(TEST_DATABASE_URL)


def _postgres_schema() -> Iterator[str]:
    assert TEST_DATABASE_URL
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(TEST_DATABASE_URL, poolclass=NullPool)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    base = make_url(TEST_DATABASE_URL)
    url = base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False
    )
    try:
        script = _postgres_schema_script()
        if script:
            # The script brings its own BEGIN/COMMIT: run it as one batch, outside ours.
            runner = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
            with runner.connect() as conn:
                conn.exec_driver_sql(script)
            runner.dispose()
        else:  # no revision yet: the models' tables
            create_schema(url)
        yield url
    finally:
        dispose_engine(url)
        with admin.begin() as conn:
            conn.execute(text("SET LOCAL lock_timeout = '10s'"))
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def seeded_database_url(database_url: str) -> str:
    """The schema plus the demo data (fixed identities + 17 generated subscribers), as of
    today in Riyadh so that bill statuses read as a subscriber would see them now."""
    seed_demo(database_url, subscribers=20)
    return database_url


@pytest.fixture
def redis_url() -> str:
    """The test Redis (SADEEQ_TEST_REDIS_URL); tests that need one are skipped without it."""
    if not TEST_REDIS_URL:
        pytest.skip("SADEEQ_TEST_REDIS_URL is not set")
    return TEST_REDIS_URL


@pytest.fixture
def one_rate_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rate-limit tests count messages within one minute's window; on a loaded machine the real
    minute can turn mid-test and restart the count. In-process limiters keep one window here."""
    from bot.coordination.rate_limit import RateLimiter

    monkeypatch.setattr(
        RateLimiter, "window_key", lambda _self, channel, sender: f"rate:{channel}:{sender}:test"
    )
