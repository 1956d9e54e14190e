"""Schema migrations: `upgrade(url)` brings any database, SQLite or PostgreSQL, to the newest
revision under bot/storage/migrations/versions (the same thing as `alembic upgrade head`).

`sadeeq setup`, `sadeeq chat`, the server and the tests all reach it through
`bot.storage.db.create_schema`. A database made by `create_all` before migrations existed (it
has our tables but no `alembic_version`) is adopted: with every table of the models it is
stamped with the newest revision; otherwise the first revision's missing tables are added, it is
stamped with that revision, and later revisions run from there.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from bot.storage.db import engine_for

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["url"] = url
    return config


def upgrade(url: str, revision: str = "head") -> None:
    config = alembic_config(url)
    script = ScriptDirectory.from_config(config)
    if not script.get_heads():  # no revision written yet: the tables straight from the models
        _create_all(url)
        return
    adopted = _adopt_unversioned(url, config, script)
    command.upgrade(config, revision)
    if adopted and (left := _differences(url)):
        # e.g. a column added to a model after the database was made with create_all
        log.warning(
            "the adopted database still differs from the models (%s); make it afresh "
            "or add these by hand",
            "; ".join(str(d) for d in left[:5]),
        )


def upgrade_sql(url: str) -> str:
    """The SQL that `upgrade(url)` would run on an empty database of that kind, as a script
    (alembic's offline mode: nothing is connected to). Empty until a revision exists."""
    config = alembic_config(url)
    if not ScriptDirectory.from_config(config).get_heads():
        return ""
    config.output_buffer = io.StringIO()
    command.upgrade(config, "head", sql=True)
    return config.output_buffer.getvalue()


def current_revision(url: str) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine_for(url).connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _adopt_unversioned(url: str, config: Config, script: ScriptDirectory) -> bool:
    tables = set(inspect(engine_for(url)).get_table_names())
    if VERSION_TABLE in tables or not tables & _our_tables():
        return False
    if _our_tables() <= tables:
        # Made by create_all from models as new as these: it is the newest revision already.
        revision = script.get_current_head()
    else:
        # Older: completed to the first revision's tables; the later revisions make theirs.
        revision = script.get_base()
        assert revision is not None  # the migrations are ours: one base, one head
        _create_all(url, only=_tables_of_revision(revision))
    log.warning(
        "database has our tables but no migration history: adopting it at revision %s", revision
    )
    assert revision is not None
    command.stamp(config, revision)
    return True


def _tables_of_revision(revision: str) -> set[str]:
    """The tables a database has at `revision`, learnt by migrating a scratch SQLite file."""
    import tempfile

    from bot.storage.db import dispose_engine

    with tempfile.TemporaryDirectory() as folder:
        scratch = f"sqlite:///{Path(folder) / 'scratch.sqlite'}"
        command.upgrade(alembic_config(scratch), revision)
        tables = set(inspect(engine_for(scratch)).get_table_names()) - {VERSION_TABLE}
        dispose_engine(scratch)
    return tables


def _differences(url: str) -> list:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from bot.storage.schema import Base

    with engine_for(url).connect() as conn:
        return compare_metadata(MigrationContext.configure(conn), Base.metadata)


def _our_tables() -> set[str]:
    from bot.storage.schema import Base

    return set(Base.metadata.tables)


def _create_all(url: str, only: set[str] | None = None) -> None:
    from bot.storage.schema import Base

    tables = (
        None if only is None else [t for name, t in Base.metadata.tables.items() if name in only]
    )
    Base.metadata.create_all(engine_for(url), tables=tables)
