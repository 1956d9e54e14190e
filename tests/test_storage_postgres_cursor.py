"""The PostgreSQL cursor whose description is built only when read (bot/storage/postgres_cursor):
the same columns psycopg's own cursor describes, and SQLAlchemy's results are unchanged, for
statements it has cached and for ones it has not. Runs in the PostgreSQL pass of the suite."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.storage.db import engine_for
from bot.storage.postgres_cursor import LazyDescription, LazyDescriptionCursor
from tests.conftest import TEST_DATABASE_URL

pytestmark = pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="needs SADEEQ_TEST_DATABASE_URL (make test-scaleout)"
)

QUERY = (
    "SELECT 1 AS a, 'x'::text AS b, now() AS c, 1.5::numeric(5,2) AS d, NULL AS e,"
    " '{\"k\": 1}'::jsonb AS f, 'y'::varchar(7) AS g, ARRAY[1, 2] AS h, 2"
)


def _dsn() -> str:
    url = make_url(TEST_DATABASE_URL).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def test_the_description_is_psycopgs_own() -> None:
    with psycopg.connect(_dsn()) as conn:
        own = conn.cursor()
        lazy = LazyDescriptionCursor(conn)
        own.execute(QUERY)
        lazy.execute(QUERY)
        described = lazy.description
        assert isinstance(described, LazyDescription)
        expected = own.description
        assert expected is not None
        assert len(described) == len(expected) == 9
        assert [tuple(column) for column in described] == [tuple(c) for c in expected]
        assert [c.name for c in described] == [c.name for c in expected]
        assert [c.type_display for c in described] == [c.type_display for c in expected]
        assert [tuple(c) for c in described[1:3]] == [tuple(c) for c in expected[1:3]]
        assert tuple(described[-1]) == tuple(expected[-1])
        # Kept from its own statement, whatever the cursor runs next.
        lazy.execute("SELECT 'z' AS other")
        fresh = lazy.description
        assert fresh is not None and [c.name for c in fresh] == ["other"]
        assert [c.name for c in described][:2] == ["a", "b"]
        # No rows described for a statement that returns none, as psycopg.
        lazy.execute("CREATE TEMPORARY TABLE lazy_t (x int)")
        own.execute("INSERT INTO lazy_t VALUES (1)")
        lazy.execute("INSERT INTO lazy_t VALUES (2)")
        assert lazy.description is None and own.description is None
        lazy.execute("SELECT")  # tuples, no columns
        assert lazy.description is not None and len(lazy.description) == 0


def test_the_engines_cursor_and_results(database_url: str) -> None:
    engine = engine_for(database_url)
    with engine.connect() as conn:
        assert isinstance(conn.connection.dbapi_connection.cursor(), LazyDescriptionCursor)  # type: ignore[union-attr]
        for _ in range(3):  # the first run describes, the next ones come from the cache
            row = conn.execute(text(QUERY)).one()
            assert row.a == 1 and row.b == "x" and row.f == {"k": 1} and row.h == [1, 2]
            assert list(conn.execute(text(QUERY)).keys())[:3] == ["a", "b", "c"]
