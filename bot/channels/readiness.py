"""Can messages be answered right now? What `sadeeq serve` does before it answers, and /readyz.

At start-up the database is brought to the schema head (`create_schema`, under the migration
lock, so workers starting together migrate once); if it cannot be reached then, every
readiness check tries again. /readyz is 200 only when the database is reachable, writable and
at the schema head, and the catalogs and phrase data are loaded; otherwise 503 with the first
reason found, which is also logged, once for each change of reason (load balancers poll).
"""

from __future__ import annotations

import logging
import os
import threading
from functools import cache
from gettext import NullTranslations
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from bot.storage.db import create_schema, engine_for, forget_schema

log = logging.getLogger(__name__)


def sqlite_file(url: str) -> Path | None:
    """The file of an SQLite URL, or None (another database, or in memory)."""
    if not url.startswith("sqlite"):
        return None
    path = url.split("///", 1)[-1].split("?", 1)[0].removeprefix("file:")
    return Path(path) if path and path != ":memory:" else None


def missing_database_file(url: str) -> str | None:
    """Why the SQLite file cannot be used (it was deleted under us: writes would go to the
    deleted file and be lost), or None. (Asked before every message: one stat call.)"""
    path = _file_name(url)
    if path is not None and not os.path.exists(path):
        return f"database file {path} is missing"
    return None


@cache
def _file_name(url: str) -> str | None:
    path = sqlite_file(url)
    return None if path is None else str(path)


@cache
def head_revision() -> str | None:
    from bot.storage.migrate import alembic_config

    return ScriptDirectory.from_config(alembic_config("")).get_current_head()


class Readiness:
    def __init__(self, database_url: str, lang: str) -> None:
        self.url = database_url
        self.lang = lang
        self._reported: str | None = None
        self._lock = threading.Lock()

    def prepare(self) -> str | None:
        """Bring the database to the schema head (an SQLite file is made on a first start);
        the reason it could not, or None."""
        problem = None
        try:
            create_schema(self.url)
        except Exception as exc:
            forget_schema(self.url)
            problem = f"database not at the schema head and cannot be migrated: {_short(exc)}"
        return self._report(problem, at_start=True)

    def problem(self) -> str | None:
        """The first reason messages cannot be answered now, or None. Logged when it changes."""
        return self._report(self._database_problem() or self._data_problem())

    def _database_problem(self) -> str | None:
        if problem := missing_database_file(self.url):
            return problem
        try:
            revision = self._revision()
            if revision != head_revision():
                forget_schema(self.url)
                create_schema(self.url)  # the database came back, or a new release was rolled out
                revision = self._revision()
            if revision != head_revision():
                return f"database schema at {revision}, not at the head {head_revision()}"
            with engine_for(self.url).connect() as conn, conn.begin() as transaction:
                # A write that changes nothing, rolled back: fails on a read-only database.
                conn.execute(text("UPDATE alembic_version SET version_num = version_num"))
                transaction.rollback()
        except Exception as exc:
            forget_schema(self.url)
            return f"database not usable: {_short(exc)}"
        return None

    def _revision(self) -> str | None:
        with engine_for(self.url).connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def _data_problem(self) -> str | None:
        try:
            from bot.i18n import catalog
            from bot.startup import check_runtime_data

            check_runtime_data()  # catalogs, phrase lists, corpus, intent model
            if type(catalog("ar")) is NullTranslations:  # English is the source language
                return "the ar message catalog is missing"
        except Exception as exc:
            return f"catalogs or phrase data not loaded: {_short(exc)}"
        return None

    def _report(self, problem: str | None, at_start: bool = False) -> str | None:
        with self._lock:
            if problem != self._reported:
                if problem:
                    log.error("not ready: %s", problem)
                elif self._reported is not None or at_start:
                    log.info("ready: the database is at the schema head")
                self._reported = problem
        return problem


def _short(exc: BaseException) -> str:
    return str(getattr(exc, "orig", None) or exc).splitlines()[0][:300]
