"""Hot statements sent with libpq's calls on PostgreSQL (bot/storage/postgres_wire.py): the BEGIN
with a transaction's first statement, the COMMIT with its last, prepared once a connection,
and every failure left as psycopg's cursor leaves it (issue 17)."""

from __future__ import annotations

from datetime import UTC, datetime

import psycopg
import pytest
from sqlalchemy import bindparam, insert, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from bot.storage import postgres_wire
from bot.storage.db import engine_for
from bot.storage.models import Contact
from bot.storage.prepared import _WIRE, Prepared
from tests.support.psycopg_trips import count_round_trips

_CONTACTS = Contact.__table__
AT = datetime(2026, 3, 5, 10, 30, tzinfo=UTC)
_INSERT = Prepared(
    insert(_CONTACTS).values(
        channel="whatsapp",
        sender=bindparam("who"),
        lang=bindparam("lg"),
        state=bindparam("st"),
        created_at=AT,
    )
)
_LANG = Prepared(select(_CONTACTS.c.lang).where(_CONTACTS.c.sender == bindparam("who")))
_SET_LANG = Prepared(
    update(_CONTACTS).where(_CONTACTS.c.sender == bindparam("who")).values(lang=bindparam("l"))
)


@pytest.fixture
def postgres(database_url: str) -> str:
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    return database_url


@pytest.fixture
def commands(monkeypatch) -> list[tuple[object, bytes]]:
    """The commands psycopg sends itself (BEGIN, COMMIT, ROLLBACK), with their connection."""
    sent: list[tuple[object, bytes]] = []
    real = psycopg.Connection._exec_command

    def recorded(self, command, *args, **kwargs):
        sent.append((self, command if isinstance(command, bytes) else str(command).encode()))
        return real(self, command, *args, **kwargs)

    monkeypatch.setattr(psycopg.Connection, "_exec_command", recorded)
    return sent


@pytest.fixture
def trips(monkeypatch) -> list[int]:
    """How many commands each round trip of the wire carried (`postgres_wire._exchange`)."""
    counted: list[int] = []
    real = postgres_wire._exchange

    def exchange(pgconn, count):
        counted.append(count)
        return real(pgconn, count)

    monkeypatch.setattr(postgres_wire, "_exchange", exchange)
    return counted


def _of(commands: list[tuple[object, bytes]], dbapi: object) -> list[bytes]:
    return [command for connection, command in commands if connection is dbapi]


def _lang_elsewhere(url: str, sender: str):
    with engine_for(url).connect() as other:
        return other.execute(
            select(_CONTACTS.c.lang).where(_CONTACTS.c.sender == sender)
        ).scalar_one_or_none()


def test_a_transaction_begins_and_commits_with_its_statements(
    postgres: str, commands, trips: list[int]
) -> None:
    """No BEGIN or COMMIT of psycopg's own: they went with the first and the last statement,
    and what was written is committed for everyone to see. A statement in between (prepared
    before) is sent alone, outside pipeline mode."""
    engine = engine_for(postgres)
    with engine.connect() as conn, conn.begin():
        _LANG.scalar(conn, {"who": "+0"})  # prepared on this connection
    trips.clear()
    with engine.connect() as conn, conn.begin():
        dbapi = conn.connection.dbapi_connection
        commands.clear()  # (the schema's set-up, on the same pooled connection)
        assert _INSERT.rowcount(conn, {"who": "+1", "lg": "ar", "st": {}}) == 1
        assert conn.connection.dbapi_connection.info.transaction_status.name == "INTRANS"
        assert _LANG.scalar(conn, {"who": "+1"}) == "ar"
        assert _SET_LANG.rowcount(conn, {"who": "+1", "l": "en"}, commit=True) == 1
        assert conn.connection.dbapi_connection.info.transaction_status.name == "IDLE"
    assert _of(commands, dbapi) == []
    assert trips == [3, 3]  # BEGIN, PREPARE, INSERT; PREPARE, UPDATE, COMMIT (+ each sync)
    assert _lang_elsewhere(postgres, "+1") == "en"


def test_a_transaction_rolled_back_leaves_nothing(postgres: str) -> None:
    engine = engine_for(postgres)
    with engine.connect() as conn:
        with conn.begin() as transaction:
            _INSERT.rowcount(conn, {"who": "+2", "lg": "ar", "st": {}})
            transaction.rollback()
        assert _lang_elsewhere(postgres, "+2") is None
        # The statement prepared in that transaction outlives it (the server keeps it).
        with conn.begin():
            _INSERT.rowcount(conn, {"who": "+2", "lg": "en", "st": {}}, commit=True)
    assert _lang_elsewhere(postgres, "+2") == "en"


def test_a_failed_statement_raises_as_sqlalchemy_does_and_rolls_back(postgres: str) -> None:
    engine = engine_for(postgres)
    with engine.begin() as conn:
        _INSERT.rowcount(conn, {"who": "+3", "lg": "ar", "st": {}})
    with engine.connect() as conn:
        with pytest.raises(IntegrityError) as raised, conn.begin():
            _SET_LANG.rowcount(conn, {"who": "+3", "l": "en"})
            _INSERT.rowcount(conn, {"who": "+3", "lg": "fr", "st": {}}, commit=True)
        assert isinstance(raised.value.orig, psycopg.errors.UniqueViolation)
        assert _lang_elsewhere(postgres, "+3") == "ar"  # the UPDATE before it went too
        with conn.begin():  # and the connection goes on
            assert _LANG.scalar(conn, {"who": "+3"}) == "ar"


def test_statements_are_prepared_once_a_connection_whatever_their_values(postgres: str) -> None:
    engine = engine_for(postgres)
    with engine.connect() as conn, conn.begin():
        for n, lang in enumerate(["ar", None, "en", None]):
            _INSERT.rowcount(conn, {"who": f"+4{n}", "lg": lang, "st": {"n": n}})
        found = [_LANG.scalar(conn, {"who": f"+4{n}"}) for n in range(4)]
        wire = conn.connection.info[_WIRE]
        prepared = conn.exec_driver_sql(
            "SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'sadeeq_%%'"
        ).scalar()
    assert found == ["ar", None, "en", None]
    assert len(wire.names) == prepared <= 4  # a NULL may be sent with a type of its own


def test_in_autocommit_each_statement_stands_alone(postgres: str, commands) -> None:
    """The billing's reads run so (one round trip, no transaction): no BEGIN is added."""
    engine = engine_for(postgres)
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        dbapi = conn.connection.dbapi_connection
        commands.clear()
        _INSERT.rowcount(conn, {"who": "+5", "lg": "ar", "st": {}})
        assert dbapi.info.transaction_status.name == "IDLE"
        assert _of(commands, dbapi) == []
    assert _lang_elsewhere(postgres, "+5") == "ar"


def test_a_connection_ended_by_the_server_is_invalidated_and_replaced(postgres: str) -> None:
    engine = engine_for(postgres)
    with engine.connect() as conn:
        pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        conn.rollback()
        with engine.connect() as admin:
            admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        with pytest.raises(DBAPIError) as raised, conn.begin():
            _LANG.scalar(conn, {"who": "+6"})
        assert raised.value.connection_invalidated
    with engine.connect() as conn:
        assert _LANG.scalar(conn, {"who": "+6"}) is None


def test_a_connection_left_in_pipeline_mode_is_closed(postgres: str, monkeypatch) -> None:
    """Interrupted between sending and reading (here: a KeyboardInterrupt in the wait), the
    connection cannot be used again: it is closed, and the pool replaces it."""
    engine = engine_for(postgres)

    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    with engine.connect() as conn:
        _LANG.scalar(conn, {"who": "+7"})
        conn.rollback()
        dbapi = conn.connection.dbapi_connection
        monkeypatch.setattr(dbapi, "wait", interrupted)
        with pytest.raises(KeyboardInterrupt):
            _LANG.scalar(conn, {"who": "+7"})
        assert dbapi.closed
        monkeypatch.undo()
        conn.invalidate()
    with engine.connect() as conn:
        assert _LANG.scalar(conn, {"who": "+7"}) is None


def test_placeholders_are_numbered_once_a_name() -> None:
    from bot.storage.prepared import _numbered

    sql, order = _numbered("SELECT %(b)s, %(a)s, %(b)s, '5 %%' FROM t", ("a", "b"))
    assert sql == b"SELECT $1, $2, $1, '5 %' FROM t" and order == (1, 0)
    assert postgres_wire.MOST_NAMES > 50


def test_a_guarded_read_that_fails_leaves_the_transaction_as_it_was(
    postgres: str, trips: list[int]
) -> None:
    """A read cut by the statement timeout raises, and the transaction goes on: what was
    written before it is committed with what is written after. One round trip when it
    succeeds (savepoint, read, release), a second one to roll back to the savepoint when not.
    The same through `Connection.execute` (something listening)."""
    from sqlalchemy import event, func
    from sqlalchemy.exc import OperationalError

    slow = Prepared(select(func.pg_sleep(bindparam("s"))))
    engine = engine_for(postgres)
    for listened in (False, True):
        sender = f"+8{int(listened)}"
        if listened:
            event.listen(engine, "before_cursor_execute", _nothing)
        try:
            with engine.connect() as conn, conn.begin():
                _INSERT.rowcount(conn, {"who": sender, "lg": "ar", "st": {}})
                trips.clear()
                assert slow.all(conn, {"s": 0}, guarded=True)
                assert trips == ([] if listened else [4])  # savepoint, read, release; sync
                conn.exec_driver_sql("SET LOCAL statement_timeout = 50")
                with pytest.raises(OperationalError):
                    slow.all(conn, {"s": 1}, guarded=True)
                conn.exec_driver_sql("SET LOCAL statement_timeout = 0")
                _SET_LANG.rowcount(conn, {"who": sender, "l": "en"})
        finally:
            if listened:
                event.remove(engine, "before_cursor_execute", _nothing)
        assert _lang_elsewhere(postgres, sender) == "en"


def _nothing(*_args, **_kwargs) -> None:
    pass


def test_the_billing_in_a_turn_fails_alone(postgres: str, monkeypatch) -> None:
    """A bill lookup cut short in a turn is `BillingUnavailable`; the turn's transaction goes on."""
    from sqlalchemy import func

    from bot.billing import embedded
    from bot.billing.base import BillingUnavailable

    monkeypatch.setattr(
        embedded, "_ACCOUNTS_OF_PHONE", Prepared(select(func.pg_sleep(1).label("account")))
    )
    billing = embedded.EmbeddedBilling(postgres)
    engine = engine_for(postgres)
    with engine.connect() as conn, conn.begin():
        _INSERT.rowcount(conn, {"who": "+9", "lg": "ar", "st": {}})
        conn.exec_driver_sql("SET LOCAL statement_timeout = 50")
        with embedded.reading_through(conn), pytest.raises(BillingUnavailable):
            billing.accounts_for_phone("+9")
        conn.exec_driver_sql("SET LOCAL statement_timeout = 0")
        _SET_LANG.rowcount(conn, {"who": "+9", "l": "en"}, commit=True)
    assert _lang_elsewhere(postgres, "+9") == "en"


def test_a_wire_made_again_for_a_connection_prepares_under_names_of_its_own(
    postgres: str,
) -> None:
    """Should the pool's record of a connection (where its wire is kept) be lost while the
    connection lives on, a new wire's statements never collide with the first one's."""
    engine = engine_for(postgres)
    with engine.connect() as conn, conn.begin():
        _LANG.scalar(conn, {"who": "+10"})
        first = conn.connection.info.pop(_WIRE)
        assert _LANG.scalar(conn, {"who": "+10"}) is None  # prepared again, other name
        second = conn.connection.info[_WIRE]
    assert second is not first and second.connection is first.connection
    assert set(first.names.values()).isdisjoint(second.names.values())


def test_psycopg_prepares_nothing_so_never_deallocates_the_wires_statements(
    postgres: str,
) -> None:
    """psycopg sends DEALLOCATE ALL after a ROLLBACK once it has prepared statements of its
    own: the pool's connections prepare none, and the wire's survive the rollback of a
    transaction that ran a statement through SQLAlchemy many times over."""
    engine = engine_for(postgres)
    with engine.connect() as conn:
        assert conn.connection.dbapi_connection.prepare_threshold is None
        _LANG.scalar(conn, {"who": "+11"})
        for _ in range(8):  # (psycopg would prepare it at the sixth, and forget at ROLLBACK)
            conn.execute(select(_CONTACTS.c.lang).where(_CONTACTS.c.sender == "+11")).all()
        conn.rollback()
        assert _LANG.scalar(conn, {"who": "+11"}) is None


def test_statements_deallocated_behind_the_wire_are_prepared_again(postgres: str) -> None:
    engine = engine_for(postgres)
    with engine.connect() as conn:
        _LANG.scalar(conn, {"who": "+12"})
        conn.commit()
        conn.exec_driver_sql("DEALLOCATE ALL")
        conn.commit()
        with pytest.raises(DBAPIError) as raised:
            _LANG.scalar(conn, {"who": "+12"})
        assert isinstance(raised.value.orig, psycopg.errors.InvalidSqlStatementName)
        conn.rollback()
        assert _LANG.scalar(conn, {"who": "+12"}) is None  # prepared again


@pytest.fixture
def round_trips(monkeypatch) -> list[int]:
    """Round trips to the server, whoever makes them."""
    return count_round_trips(monkeypatch)


def test_reads_sent_ahead_answer_the_same_read_without_a_round_trip(
    postgres: str, round_trips: list[int]
) -> None:
    """Reads sent with a transaction's first statement (in a savepoint of their own) answer
    the same statement with the same values as the server would, once each, with no round
    trip; other values go to the server."""
    engine = engine_for(postgres)
    with engine.begin() as conn:
        _INSERT.rowcount(conn, {"who": "+13", "lg": "ar", "st": {}})
        _INSERT.rowcount(conn, {"who": "+14", "lg": "en", "st": {}})
    with engine.connect() as conn, conn.begin():
        ahead = [(_LANG, {"who": "+13"}), (_LANG, {"who": "+14"})]
        round_trips.clear()
        assert _LANG.first(conn, {"who": "+15"}, ahead) is None
        assert len(round_trips) == 1  # BEGIN, the statement, SAVEPOINT, two reads, RELEASE
        assert _LANG.scalar(conn, {"who": "+14"}) == "en"
        assert _LANG.scalar(conn, {"who": "+13"}) == "ar"
        assert len(round_trips) == 1
        assert _LANG.scalar(conn, {"who": "+13"}) == "ar"  # each answers once
        assert len(round_trips) == 2


def test_reads_sent_ahead_stand_only_until_anything_else_is_sent(postgres: str) -> None:
    """A statement of the transaction after them (here a write, through the wire, through
    SQLAlchemy's cursor, through an ORM session), or the transaction's end: the read goes to
    the server again and sees what was written since."""
    from sqlalchemy.orm import Session

    engine = engine_for(postgres)
    with engine.begin() as conn:
        _INSERT.rowcount(conn, {"who": "+16", "lg": "ar", "st": {}})
    ahead = [(_LANG, {"who": "+16"})]
    changed = update(_CONTACTS).where(_CONTACTS.c.sender == "+16")
    for write in ("wi", "cu", "or"):  # the wire, SQLAlchemy's cursor, an ORM session
        with engine.connect() as conn, conn.begin():
            _LANG.first(conn, {"who": "+0"}, ahead)
            if write == "wi":
                _SET_LANG.rowcount(conn, {"who": "+16", "l": write})
            elif write == "cu":
                conn.execute(changed.values(lang=write))
            else:
                Session(bind=conn).execute(changed.values(lang=write))
            assert _LANG.scalar(conn, {"who": "+16"}) == write
            conn.rollback()
    with engine.connect() as conn:
        for end, lang in ((conn.rollback, "rb"), (conn.commit, "cm")):
            with conn.begin():
                _LANG.first(conn, {"who": "+0"}, ahead)
                end()  # (psycopg's own, no cursor)
            with engine.begin() as other:
                other.execute(changed.values(lang=lang))
            with conn.begin():
                assert _LANG.scalar(conn, {"who": "+16"}) == lang


def test_a_read_sent_ahead_that_fails_leaves_the_statement_and_the_transaction(
    postgres: str, round_trips: list[int]
) -> None:
    """A read ahead cut by the statement timeout: the first statement's result stands, the
    transaction goes on (rolled back to before the reads: one round trip more), and the read,
    asked for, goes to the server."""
    from sqlalchemy import func

    slow = Prepared(select(func.pg_sleep(bindparam("s")).label("slept")))
    engine = engine_for(postgres)
    with engine.begin() as conn:
        _INSERT.rowcount(conn, {"who": "+17", "lg": "ar", "st": {}})
    with engine.connect() as conn, conn.begin():
        conn.exec_driver_sql("SET LOCAL statement_timeout = 100")
        round_trips.clear()
        assert _LANG.first(conn, {"who": "+17"}, [(slow, {"s": 1})]).lang == "ar"
        assert len(round_trips) == 2  # the statement with the read; back to before the read
        conn.exec_driver_sql("SET LOCAL statement_timeout = 0")
        round_trips.clear()
        assert len(slow.all(conn, {"s": 1})) == 1
        assert len(round_trips) == 1
        _SET_LANG.rowcount(conn, {"who": "+17", "l": "en"}, commit=True)
    assert _lang_elsewhere(postgres, "+17") == "en"
