"""Fixtures shared by every test module: a fresh database, empty or with the demo data.

The suite runs on SQLite by default. With SADEEQ_TEST_DATABASE_URL (a PostgreSQL URL) every
test process gets a schema of its own in that database, emptied after each test and dropped at
the end; with SADEEQ_TEST_REDIS_URL
the bot's shared state (rate limits, locks, account guard) lives in that Redis. A server named
by either variable that cannot be reached stops the run at once: in CI a missing server is an
error, never a quiet skip.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import suppress
from datetime import date
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from bot.billing.demo import seed_demo
from bot.billing.embedded import riyadh_today
from bot.channels.readiness import sqlite_file
from bot.storage.db import create_schema, dispose_engine, schema_is_ready
from bot.storage.migrate import upgrade_sql
from bot.storage.schema import Base
from tests.support.background import Background

DEMO_SUBSCRIBERS = 20

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
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A fresh database with the whole schema and no rows: an SQLite file, or the test
    process's schema in the PostgreSQL of SADEEQ_TEST_DATABASE_URL, emptied after the test.

    The schema comes from the migrations, run once per session: an SQLite file migrated once
    and copied for each test, or the migrations' SQL script (alembic offline mode) run in the
    process's PostgreSQL schema. tests/test_migrations.py checks both against the models."""
    if TEST_DATABASE_URL:
        yield from _postgres_schema(request.getfixturevalue("_worker_schema"))
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
def _seeded_sqlite_template(folder: Path, today: date) -> Path:
    path = folder / f"seeded-template-{today}.sqlite"
    shutil.copyfile(_sqlite_template(folder), path)
    url = f"sqlite:///{path}"
    seed_demo(url, subscribers=DEMO_SUBSCRIBERS, today=today)
    dispose_engine(url)
    return path


@cache
def _postgres_schema_script() -> str:
    assert TEST_DATABASE_URL
    return upgrade_sql(TEST_DATABASE_URL)


class _WorkerSchema:
    """The PostgreSQL schema of this test process: made and migrated once, emptied after each
    test (a schema made and dropped for every test cost more than most tests themselves).

    Emptying is DELETE, children before parents, and the sequences back to their start, so that
    a test sees what a new schema would show it, ids included; TRUNCATE gives each table a new
    file, ten times slower on tables this small. A schema that cannot be emptied (a test left a
    transaction open on it) is dropped if it can be, and the next test gets a new one."""

    lock_wait = "10s"  # a transaction a test left open: an error in that test, not a hang

    def __init__(self) -> None:
        self.name: str | None = None
        self._admin = create_engine(TEST_DATABASE_URL or "", poolclass=NullPool)
        self._seeded: dict[date, _WorkerSchema] = {}  # the demo data of that day, to copy

    def seed(self, today: date) -> None:
        """The demo data of `today`, copied from a schema seeded once (seeding every test's
        schema cost a third of a conversation test)."""
        if today not in self._seeded:
            seeded = self._seeded[today] = _WorkerSchema()
            seed_demo(seeded.url(), subscribers=DEMO_SUBSCRIBERS, today=today)
            dispose_engine(seeded.url())
        with self._admin.begin() as conn:
            conn.exec_driver_sql(_copying_script(self._seeded[today].made(), self.made()))

    def url(self) -> str:
        if self.name is None:
            self.name = self._create()
        return self._url(self.name)

    def empty(self) -> None:
        assert self.name is not None
        try:
            autocommit = self._admin.execution_options(isolation_level="AUTOCOMMIT")
            with autocommit.connect() as conn:  # the script brings its own BEGIN/COMMIT
                conn.exec_driver_sql(self._emptying_script(self.name))
        except BaseException:
            left, self.name = self.name, None
            with suppress(Exception):
                self._drop(left)
            raise

    def made(self) -> str:
        """The schema's name, made first if need be."""
        self.url()
        assert self.name is not None
        return self.name

    def drop(self) -> None:
        for seeded in self._seeded.values():
            seeded.drop()
        name, self.name = self.name, None
        if name is not None:
            self._drop(name)

    def _drop(self, name: str) -> None:
        with self._admin.begin() as conn:
            conn.execute(text(f"SET LOCAL lock_timeout = '{self.lock_wait}'"))
            conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))

    @staticmethod
    def _url(name: str) -> str:
        base = make_url(TEST_DATABASE_URL or "")
        return base.update_query_dict({"options": f"-csearch_path={name}"}).render_as_string(
            hide_password=False
        )

    def _create(self) -> str:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        name = f"t_{worker}_{uuid.uuid4().hex[:12]}"
        with self._admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{name}"'))
        url = self._url(name)
        script = _postgres_schema_script()
        if script:
            # The script brings its own BEGIN/COMMIT: run it as one batch, outside ours.
            runner = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
            with runner.connect() as conn:
                conn.exec_driver_sql(script)
            runner.dispose()
        else:  # no revision yet: the models' tables
            create_schema(url)
            dispose_engine(url)
        return name

    def _emptying_script(self, name: str) -> str:
        """One round trip: a transaction deleting every row, then the sequences restarted."""
        deletes = "".join(
            f'DELETE FROM "{name}"."{table.name}";\n'
            for table in reversed(Base.metadata.sorted_tables)
        )
        return (
            f"SET lock_timeout = '{self.lock_wait}';\nBEGIN;\n{deletes}COMMIT;\n"
            "SELECT setval(quote_ident(schemaname) || '.' || quote_ident(sequencename), "
            "start_value, false) "
            f"FROM pg_sequences WHERE schemaname = '{name}';"
        )


def _copying_script(source: str, target: str) -> str:
    """Every row of schema `source` into the same tables of `target`, parents first, and its
    sequences where the source's are."""
    inserts = "".join(
        f'INSERT INTO "{target}"."{table.name}" SELECT * FROM "{source}"."{table.name}";\n'
        for table in Base.metadata.sorted_tables
    )
    return (
        f"{inserts}SELECT setval(quote_ident('{target}') || '.' || quote_ident(sequencename), "
        f"coalesce(last_value, start_value), last_value IS NOT NULL) "
        f"FROM pg_sequences WHERE schemaname = '{source}';"
    )


@pytest.fixture(scope="session")
def background() -> Iterator[Background]:
    """Clean-up run beside the next tests of this process (tests/support/background.py)."""
    running = Background()
    yield running
    running.wait()


@pytest.fixture(scope="session")
def _worker_schema() -> Iterator[_WorkerSchema]:
    schema = _WorkerSchema()
    yield schema
    schema.drop()


def _postgres_schema(schema: _WorkerSchema) -> Iterator[str]:
    # A URL of the test's own, as a schema of its own gave it: what the bot keys by the URL (its
    # namespace in Redis: rate limits, account guard) starts afresh for each test.
    url = (
        make_url(schema.url())
        .update_query_dict({"application_name": f"test_{uuid.uuid4().hex[:12]}"})
        .render_as_string(hide_password=False)
    )
    try:
        yield url
    finally:
        dispose_engine(url)
        schema.empty()


@pytest.fixture
def seeded_database_url(
    request: pytest.FixtureRequest, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """The schema plus the demo data (fixed identities + 17 generated subscribers), as of
    today in Riyadh so that bill statuses read as a subscriber would see them now: seeded once
    a session (and day) and copied, the SQLite file over the test's own, the PostgreSQL rows
    into its schema."""
    today = riyadh_today()
    if TEST_DATABASE_URL:
        request.getfixturevalue("_worker_schema").seed(today)
    else:
        path = sqlite_file(database_url)
        assert path is not None
        shutil.copyfile(_seeded_sqlite_template(tmp_path_factory.getbasetemp(), today), path)
    schema_is_ready(database_url)  # as seeding it left it: the migrations not checked again
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
