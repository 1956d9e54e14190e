"""The databases of the tests (tests/conftest.py). On PostgreSQL one schema for each test
process, migrated once and emptied after every test, so each test must still find it as new;
the demo data seeded once and copied, so it must be what seeding makes."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.pool import NullPool

from bot.billing.demo import seed_demo
from bot.billing.embedded_models import BillingAccount, BillingBill
from bot.service_requests import ServiceRequest
from bot.storage.db import (
    create_schema,
    dispose_engine,
    forget_schema,
    schema_is_ready,
    session_scope,
)
from bot.storage.models import TerminalMessage
from bot.storage.schema import Base
from tests.conftest import DEMO_SUBSCRIBERS, TEST_DATABASE_URL, _postgres_schema, _WorkerSchema
from tests.support.background import Background

postgres = pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="the tests' PostgreSQL (SADEEQ_TEST_DATABASE_URL) is not set"
)


@pytest.fixture
def schema():
    made = _WorkerSchema()
    yield made
    made.drop()


def _rows(url: str) -> dict[str, int]:
    with session_scope(url) as session:
        return {
            name: session.scalar(select(func.count()).select_from(table)) or 0
            for name, table in Base.metadata.tables.items()
        }


def _message_id(url: str) -> int:
    with session_scope(url) as session:
        message = TerminalMessage(phone="+966500000001", text="test")
        session.add(message)
        session.flush()
        return message.id


@postgres
def test_the_next_test_finds_the_schema_empty_with_ids_from_the_start(schema) -> None:
    first = _postgres_schema(schema)
    url = next(first)
    seed_demo(url, subscribers=3)
    _message_id(url), _message_id(url)
    assert sum(_rows(url).values()) > 2
    first.close()  # the test ends

    used = schema.name
    second = _postgres_schema(schema)
    url = next(second)
    assert schema.name == used  # the same schema, not a new one
    assert set(_rows(url).values()) == {0}
    assert _message_id(url) == 1
    second.close()


@postgres
def test_each_test_has_a_url_of_its_own(schema) -> None:
    """What the bot keys by the database URL (its namespace in Redis, its in-process shared
    state) is not shared by two tests that take turns in one schema."""
    urls = []
    for _ in range(2):
        test = _postgres_schema(schema)
        urls.append(next(test))
        test.close()
    assert urls[0] != urls[1]


@postgres
def test_a_schema_a_test_left_locked_is_replaced_for_the_next_test(schema) -> None:
    schema.lock_wait = "200ms"
    first = _postgres_schema(schema)
    url = next(first)
    locked = schema.name
    left_open = create_engine(url, poolclass=NullPool).connect()
    left_open.execute(text("LOCK TABLE terminal_messages IN EXCLUSIVE MODE"))
    try:
        with pytest.raises(Exception, match="lock timeout"):
            first.close()
        assert schema.url() != url
    finally:
        left_open.close()
        with create_engine(url, poolclass=NullPool).begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{locked}" CASCADE'))


def test_a_clean_up_that_failed_beside_the_tests_is_an_error_at_the_end() -> None:
    done: list[str] = []
    background = Background()
    background.run("fine", lambda: done.append("fine"))
    background.run("broken", lambda: 1 / 0)  # type: ignore[func-returns-value]
    with pytest.raises(RuntimeError, match="broken: division by zero"):
        background.wait()
    assert done == ["fine"]


def test_the_seeded_database_holds_exactly_what_seeding_makes(seeded_database_url, tmp_path):
    """Copied from a database seeded once, it is the same as one seeded for the test: the
    same rows, and seeding it again adds nothing."""
    fresh = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    seed_demo(fresh, subscribers=DEMO_SUBSCRIBERS)
    for table in (BillingAccount, BillingBill, ServiceRequest):
        assert _all_rows(seeded_database_url, table) == _all_rows(fresh, table)
    again = seed_demo(seeded_database_url, subscribers=DEMO_SUBSCRIBERS)
    assert (again.accounts_added, again.bills_added, again.requests_added) == (0, 0, 0)
    dispose_engine(fresh)


def _all_rows(url: str, model) -> list[tuple]:
    table = model.__table__
    with session_scope(url) as session:
        return [tuple(row) for row in session.execute(select(table).order_by(*table.primary_key))]


def test_a_database_known_to_be_ready_is_not_checked_again(tmp_path) -> None:
    """The seeded copy is marked ready, as seeding it left it: the chat's create_schema then
    runs no migration check (whose log lines would reach the chat's stderr)."""
    never = tmp_path / "never.sqlite"
    url = f"sqlite:///{never}"
    schema_is_ready(url)
    create_schema(url)
    assert not never.exists()
    forget_schema(url)
    create_schema(url)
    assert never.exists()
    dispose_engine(url)
