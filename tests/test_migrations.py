"""The migrations make exactly the models' schema, on SQLite and on PostgreSQL, from empty; the
test databases (made from the same migrations) match too; upgrading twice changes nothing."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from bot.config import PROJECT_ROOT
from bot.storage.db import dispose_engine, engine_for
from bot.storage.migrate import alembic_config, current_revision, upgrade
from bot.storage.schema import Base
from tests.conftest import TEST_DATABASE_URL

POSTGRES = TEST_DATABASE_URL or "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def differences(url: str) -> list:
    with engine_for(url).connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": False}
        )
        return compare_metadata(context, Base.metadata)


def head() -> str:
    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    assert len(heads) == 1, f"one line of revisions, not {heads}"
    return heads[0]


@pytest.fixture
def empty_sqlite(tmp_path: Path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    yield url
    dispose_engine(url)


@pytest.fixture
def empty_postgres() -> Iterator[str]:
    """An empty schema of its own in the test PostgreSQL (required when SADEEQ_TEST_DATABASE_URL
    is set; otherwise the local server if there is one)."""
    admin = create_engine(POSTGRES, poolclass=NullPool)
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:
        if TEST_DATABASE_URL:
            raise
        pytest.skip("no PostgreSQL to migrate")
    schema = f"m_{uuid.uuid4().hex[:12]}"
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = (
        make_url(POSTGRES)
        .update_query_dict({"options": f"-csearch_path={schema}"})
        .render_as_string(hide_password=False)
    )
    try:
        yield url
    finally:
        dispose_engine(url)
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.mark.parametrize("empty", ["empty_sqlite", "empty_postgres"])
def test_upgrading_an_empty_database_makes_exactly_the_models(empty: str, request) -> None:
    url = request.getfixturevalue(empty)
    upgrade(url)
    assert current_revision(url) == head()
    assert differences(url) == []
    tables = set(inspect(engine_for(url)).get_table_names())
    assert tables == set(Base.metadata.tables) | {"alembic_version"}


def test_the_test_database_matches_the_models_too(database_url: str) -> None:
    assert current_revision(database_url) == head()
    assert differences(database_url) == []


def test_upgrading_again_changes_nothing(empty_sqlite: str) -> None:
    upgrade(empty_sqlite)
    before = sorted(inspect(engine_for(empty_sqlite)).get_table_names())
    upgrade(empty_sqlite)
    assert sorted(inspect(engine_for(empty_sqlite)).get_table_names()) == before
    assert current_revision(empty_sqlite) == head()


def test_two_workers_upgrading_one_postgres_at_once(empty_postgres: str, tmp_path: Path) -> None:
    """Two processes (alembic keeps its context in module globals: one upgrade per process)."""
    script = "import sys; from bot.storage.migrate import upgrade; upgrade(sys.argv[1])"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", script, empty_postgres],
            cwd=PROJECT_ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    failures = [w.stderr.read() for w in workers if w.wait(120) != 0]
    assert failures == []
    assert current_revision(empty_postgres) == head() and differences(empty_postgres) == []


def test_a_database_made_before_migrations_is_adopted(empty_sqlite: str) -> None:
    Base.metadata.create_all(engine_for(empty_sqlite))  # the way tables were made before
    upgrade(empty_sqlite)
    assert current_revision(empty_sqlite) == head()
    assert differences(empty_sqlite) == []


def test_every_revision_downgrades_to_nothing_and_back(empty_sqlite: str) -> None:
    from alembic import command

    upgrade(empty_sqlite)
    command.downgrade(alembic_config(empty_sqlite), "base")
    assert set(inspect(engine_for(empty_sqlite)).get_table_names()) <= {"alembic_version"}
    upgrade(empty_sqlite)
    assert differences(empty_sqlite) == []


def test_a_database_made_before_a_later_revision_is_adopted_and_upgraded(empty_sqlite: str) -> None:
    """Tables made by create_all of older models (no hazard tables yet): stamped at the first
    revision, then the later revisions add theirs."""
    older = [t for name, t in Base.metadata.tables.items() if not name.startswith("hazard")]
    Base.metadata.create_all(engine_for(empty_sqlite), tables=older)
    upgrade(empty_sqlite)
    assert current_revision(empty_sqlite) == head()
    assert differences(empty_sqlite) == []
