"""One notifier per incident at a time, across threads and processes.

Estimate and restoration notices of one incident are sent under this lock, and each is checked
for staleness just before it leaves: so a subscriber never reads 10 PM, then 8 PM, nor an
estimate after "power is back", however quickly the operator types.

PostgreSQL: a session advisory lock (any number of hosts). SQLite, one host by nature: a byte
range lock (fcntl) on a file beside the database, one byte per incident. Anything else in this
process only.
"""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text

# The high half of PostgreSQL's two-key advisory lock: "our incidents" (the low half is the id).
POSTGRES_NAMESPACE = 0x5ADE
_local: dict[tuple[str, int], threading.Lock] = {}
_local_made = threading.Lock()


@contextmanager
def incident_lock(engine: Engine, incident_id: int) -> Iterator[None]:
    with _thread_lock(str(engine.url), incident_id):  # threads of this process first
        if engine.dialect.name == "postgresql":
            with _postgres_lock(engine, incident_id):
                yield
        elif engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
            with _file_lock(Path(str(engine.url.database).removeprefix("file:")), incident_id):
                yield
        else:
            yield


@contextmanager
def _thread_lock(url: str, incident_id: int) -> Iterator[None]:
    with _local_made:
        lock = _local.setdefault((url, incident_id), threading.Lock())
    with lock:
        yield


@contextmanager
def _postgres_lock(engine: Engine, incident_id: int) -> Iterator[None]:
    with engine.connect() as conn:
        conn.execute(text("SET statement_timeout = 0"))  # waiting for the other notifier is fine
        conn.execute(
            text("SELECT pg_advisory_lock(:ns, :id)"), {"ns": POSTGRES_NAMESPACE, "id": incident_id}
        )
        conn.commit()
        try:
            yield
        finally:
            conn.execute(
                text("SELECT pg_advisory_unlock(:ns, :id)"),
                {"ns": POSTGRES_NAMESPACE, "id": incident_id},
            )
            conn.execute(text("RESET statement_timeout"))
            conn.commit()


@contextmanager
def _file_lock(database: Path, incident_id: int) -> Iterator[None]:
    path = database.with_name(database.name + ".notify-lock")
    with path.open("a+b") as handle:
        fcntl.lockf(handle, fcntl.LOCK_EX, 1, incident_id)
        try:
            yield
        finally:
            fcntl.lockf(handle, fcntl.LOCK_UN, 1, incident_id)
