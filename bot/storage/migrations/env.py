"""Alembic's entry point for our schema: `bot.storage.migrate.upgrade(url)` runs it, and so does
the alembic command line (`alembic -c bot/storage/migrations/alembic.ini ...`), which takes the
database from SADEEQ_DATABASE_URL like the bot itself."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text
from sqlalchemy.types import TypeDecorator

from bot.config import Settings
from bot.storage.db import engine_for
from bot.storage.schema import Base

# Two workers starting at once must not both create the tables: on PostgreSQL the upgrade holds
# this transaction-scoped advisory lock (any fixed number of ours will do).
POSTGRES_LOCK_KEY = 7_320_714_061

config = context.config
url: str = config.attributes.get("url") or Settings.from_env().database_url


def _options(dialect: str) -> dict:
    return {
        "target_metadata": Base.metadata,
        # SQLite cannot ALTER most things: later revisions rebuild the table ("batch") instead.
        "render_as_batch": dialect == "sqlite",
        "compare_type": True,
        "render_item": _render_item,
    }


def _render_item(kind: str, obj: object, _context: object) -> str | bool:
    # A revision must not import the models' Python types (they may change or move later):
    # a TypeDecorator such as UTCDateTime is written as the column type the database stores.
    if kind == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False


def run_offline() -> None:
    dialect = url.split(":", 1)[0].split("+", 1)[0]
    context.configure(
        url=url, literal_binds=True, dialect_opts={"paramstyle": "named"}, **_options(dialect)
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    with engine_for(url).connect() as connection:
        context.configure(connection=connection, **_options(connection.dialect.name))
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                # A migration may take long, and so may waiting for another worker's.
                connection.execute(text("SET LOCAL statement_timeout = 0"))
                connection.execute(text("SET LOCAL lock_timeout = 0"))
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": POSTGRES_LOCK_KEY}
                )
            context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
