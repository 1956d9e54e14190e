"""Engines and sessions, one per database URL, made in one place."""

from __future__ import annotations

import json
import select
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, exc, make_url, text
from sqlalchemy.orm import Session, sessionmaker

_engines: dict[str, Engine] = {}
_sessions: dict[str, sessionmaker[Session]] = {}
_made = threading.Lock()
_schema_ready: set[str] = set()  # URLs this process has already brought to the newest revision

# Time limits, all well under Twilio's 15 s webhook timeout, so that a database in trouble
# costs a 503 (and the provider's retry) instead of a hung request.
SQLITE_LOCK_WAIT_SECONDS = 8  # waiting for another writer
POOL_WAIT_SECONDS = 8  # waiting for a pooled connection
# A pooled server connection is replaced after this long, so that a connection dropped silently
# by something in between (a firewall's idle timeout) is not found at the worst moment.
POOL_RECYCLE_SECONDS = 1800
POSTGRES_TIME_LIMITS = {
    "connect_timeout": 4,  # seconds, the whole connection start-up (a port that never answers)
    # client side: a server that stops answering on an open connection (TCP, ms / s)
    "tcp_user_timeout": 8000,
    "keepalives": 1,
    "keepalives_idle": 5,
    "keepalives_interval": 2,
    "keepalives_count": 2,
}
# Server side, for processes that answer messages (`limit_statement_time`): a statement, or a
# wait for a row lock, that takes this long is cancelled. Batch commands (setup, notices) are
# not limited: planning a month of a million subscribers may take longer, and nobody waits.
POSTGRES_STATEMENT_LIMITS = "-c statement_timeout=8000 -c lock_timeout=6000"
_limit_statements = False


def limit_statement_time() -> None:
    """Engines made from now on in this process cancel slow statements (see above)."""
    global _limit_statements
    _limit_statements = True


def engine_for(url: str) -> Engine:
    """The one engine (and connection pool) of this process for `url`."""
    engine = _engines.get(url)
    if engine is None:
        with _made:
            engine = _engines.get(url)
            if engine is None:
                engine = _engines[url] = _new_engine(url)
    return engine


def dispose_engine(url: str) -> None:
    """Close every pooled connection to `url` and forget its engine (tests, after a fork)."""
    with _made:
        engine = _engines.pop(url, None)
        _sessions.pop(url, None)
        _schema_ready.discard(url)
    if engine is not None:
        engine.dispose()


def _new_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"timeout": SQLITE_LOCK_WAIT_SECONDS, "check_same_thread": False},
            json_serializer=_json_text,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgresql"):
        # No pre-ping (a "SELECT 1" round trip on every checkout, a tenth of a message's CPU):
        # a connection the server closed is found by looking at its socket instead.
        engine = create_engine(
            url,
            pool_size=10,
            max_overflow=20,
            pool_timeout=POOL_WAIT_SECONDS,
            pool_recycle=POOL_RECYCLE_SECONDS,
            connect_args=_postgres_args(url),
            json_serializer=_json_text,
        )
        event.listen(engine, "checkout", _drop_if_closed_by_server)
        return engine
    return create_engine(
        url, pool_pre_ping=True, pool_size=10, max_overflow=20, pool_timeout=POOL_WAIT_SECONDS
    )


def _postgres_args(url: str) -> dict:
    from bot.storage.postgres_cursor import LazyDescriptionCursor

    args: dict[str, object] = dict(POSTGRES_TIME_LIMITS)
    # Result columns described only when read (SQLAlchemy's cached statements never read them).
    args["cursor_factory"] = LazyDescriptionCursor
    # psycopg prepares no statement of its own: once it has, it sends DEALLOCATE ALL after
    # a ROLLBACK or a DROP/ALTER, which would also drop the statements that
    # bot/storage/postgres_wire.py prepared on the connection (the hot ones, all of them).
    args["prepare_threshold"] = None
    if _limit_statements:
        # Added to the URL's own options (a search_path, say), which connect_args would replace.
        given = make_url(url).query.get("options")
        given = " ".join(given) if isinstance(given, tuple) else given
        args["options"] = (
            f"{given} {POSTGRES_STATEMENT_LIMITS}" if given else POSTGRES_STATEMENT_LIMITS
        )
    return args


def _drop_if_closed_by_server(dbapi_connection, _record, _proxy) -> None:
    """An idle connection has nothing to read unless the server said goodbye: a restart, an
    administrator ending it (both send an error, then close), or keepalives finding the peer
    gone. Such a connection is discarded and the pool hands out another one (SQLAlchemy
    retries the checkout on DisconnectionError), with no round trip for the live ones."""
    if dbapi_connection.closed:
        raise exc.DisconnectionError("connection closed")
    poller = select.poll()  # not select.select: it fails on descriptors past 1024
    try:
        poller.register(dbapi_connection.fileno(), select.POLLIN)
        events = poller.poll(0)
    except (OSError, ValueError) as error:
        raise exc.DisconnectionError(f"connection unusable: {error}") from error
    if events:
        raise exc.DisconnectionError("the server closed the connection")


# `json.dumps(value, ensure_ascii=False)`'s own C encoder, made once: `dumps` makes a
# `JSONEncoder` at every call, and its `encode` a C encoder (two Python calls and the set-up,
# ~1 us of the ~2.5 us of a contact's recent messages; three JSON columns a turn). No check for
# a value holding itself (`check_circular=False`): a JSON column's value is plain data.
_LETTERS = c_make_encoder(
    None, json.JSONEncoder().default, encode_basestring, None, ": ", ", ", False, False, True
)


def _json_text(value: object) -> str:
    """JSON as SQLite and PostgreSQL keep it: Arabic as itself (2 bytes a letter in UTF-8), not
    as "\\u0627" escapes (6 bytes): a contact's last answer and recent messages, written on
    every turn, take a third of the bytes (fewer pages; on PostgreSQL, a third of a turn's
    bytes sent, and its JSON read back as much shorter). Text UTF-8 cannot hold (a lone
    surrogate, which the channels clean at the edge) keeps the escapes, as before."""
    written = "".join(_LETTERS(value, 0))
    try:
        written.encode()
    except UnicodeEncodeError:
        return json.dumps(value)
    return written


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets the webhook server read while a burst of reports is being written.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def session_factory(url: str) -> sessionmaker[Session]:
    factory = _sessions.get(url)
    if factory is None:
        factory = _sessions[url] = sessionmaker(engine_for(url), expire_on_commit=False)
    return factory


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """A unit of work: committed when the block ends, rolled back if it raises."""
    session = session_factory(url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def connection_of(session: Session) -> Connection:
    """The connection of the session's transaction: the turn's own when the session was made
    on it (`Session(bind=connection)`, as the engine does; no trip through the session's
    transaction machinery for each statement), else `session.connection()`."""
    bind = session.bind
    if isinstance(bind, Connection):
        return bind
    return session.connection()


def create_schema(url: str) -> None:
    """Create or upgrade the schema to the newest migration (`bot.storage.migrate.upgrade`);
    once per URL and process, however many callers ask."""
    if url in _schema_ready:
        return
    from bot.storage.migrate import upgrade

    upgrade(url)
    _schema_ready.add(url)


def schema_is_ready(url: str) -> None:
    """`url` is known to be at the newest revision (a copy of a database that is): the next
    `create_schema(url)` of this process need not check it."""
    _schema_ready.add(url)


def forget_schema(url: str) -> None:
    """The next `create_schema(url)` checks the database again (it may have been replaced)."""
    _schema_ready.discard(url)


def is_reachable(url: str) -> bool:
    try:
        with engine_for(url).connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:
        return False
