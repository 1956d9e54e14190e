"""Statements run on the DBAPI cursor (bot/storage/prepared.py) read and write what
`Connection.execute` reads and writes, on SQLite and PostgreSQL alike (issue 17)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import Float, Integer, Numeric, bindparam, cast, event, insert, select, update
from sqlalchemy.exc import IntegrityError

from bot.storage.db import engine_for
from bot.storage.models import Contact, Delivery
from bot.storage.prepared import Prepared

_CONTACTS = Contact.__table__
_DELIVERIES = Delivery.__table__
_CONTACT = select(*_CONTACTS.columns).where(
    _CONTACTS.c.channel == bindparam("k_channel"), _CONTACTS.c.sender == bindparam("k_sender")
)
_KEY = {"k_channel": "whatsapp", "k_sender": "+966500000001"}
AT = datetime(2026, 3, 5, 10, 30, 15, 123456, tzinfo=UTC)


def _contact_values() -> dict:
    return {
        "channel": "whatsapp",
        "sender": "+966500000001",
        "phone": "+966500000001",
        "lang": "ar",
        "opted_out_at": None,
        "last_inbound_at": AT,
        "flow": "outage_report",
        "state": {"step": "place", "قائمة": [1, 2.5, None]},
        "state_updated_at": AT,
        "last_replies": [{"text": "أهلاً", "choices": [["1", "نعم"]]}],
        "recent_messages": None,
        "created_at": AT,
    }


def test_written_and_read_as_connection_execute_does(database_url: str) -> None:
    """Types' processors both ways: JSON, timezone-aware times (SQLite keeps them naive)."""
    engine = engine_for(database_url)
    written = _contact_values()
    with engine.begin() as conn:
        prepared = Prepared(insert(_CONTACTS).values({k: bindparam(k) for k in written}))
        assert prepared.rowcount(conn, written) == 1
    with engine.connect() as conn:
        ours = Prepared(_CONTACT).first(conn, _KEY)
        theirs = conn.execute(_CONTACT, _KEY).one()
    assert ours is not None
    assert ours._asdict() == theirs._asdict() == written
    assert ours.state == written["state"] and ours[0] == "whatsapp"
    assert ours.last_inbound_at.tzinfo is not None


def test_a_column_default_is_filled_in_as_sqlalchemy_would(database_url: str) -> None:
    """`unsent` (default 0) and `received_at` (default utcnow) when no value is given."""
    engine = engine_for(database_url)
    claim = Prepared(
        insert(_DELIVERIES).values(
            channel=bindparam("k_channel"), message_id=bindparam("k_id"), owner=bindparam("owner")
        )
    )
    before = datetime.now(UTC)
    with engine.begin() as conn:
        claim.rowcount(conn, {"k_channel": "whatsapp", "k_id": "SM1", "owner": None})
    with engine.connect() as conn:
        row = conn.execute(select(_DELIVERIES)).one()
    assert row.unsent == 0 and row.received_at is not None
    assert row.received_at.replace(tzinfo=UTC) >= before.replace(microsecond=0)


def test_an_update_counts_its_rows_and_a_missing_value_is_refused(database_url: str) -> None:
    engine = engine_for(database_url)
    with engine.begin() as conn:
        conn.execute(insert(_CONTACTS), _contact_values())
    change = Prepared(
        update(_CONTACTS)
        .where(
            _CONTACTS.c.channel == bindparam("k_channel"),
            _CONTACTS.c.sender == bindparam("k_sender"),
        )
        .values(lang=bindparam("lang"))
    )
    with engine.begin() as conn:
        assert change.rowcount(conn, {**_KEY, "lang": "en"}) == 1
        assert change.rowcount(conn, {**_KEY, "k_sender": "nobody", "lang": "en"}) == 0
        with pytest.raises(KeyError):
            change.rowcount(conn, _KEY)
    with engine.connect() as conn:
        assert Prepared(_CONTACT).scalar(conn, _KEY) == "whatsapp"
        assert conn.execute(select(_CONTACTS.c.lang)).scalar() == "en"


def test_a_duplicate_key_is_sqlalchemys_integrity_error_and_the_transaction_goes_on(
    database_url: str,
) -> None:
    """The engine's retry of two racing first messages catches SQLAlchemy's IntegrityError."""
    engine = engine_for(database_url)
    values = _contact_values()
    prepared = Prepared(insert(_CONTACTS).values({k: bindparam(k) for k in values}))
    with engine.begin() as conn:
        prepared.rowcount(conn, values)
    with engine.connect() as conn:
        with pytest.raises(IntegrityError):
            prepared.rowcount(conn, values)
        conn.rollback()
        assert Prepared(_CONTACT).first(conn, _KEY) is not None  # the connection still works


def test_listeners_see_every_statement(database_url: str) -> None:
    """With something listening to the engine (tests counting statements, profilers), the
    statement goes through `Connection.execute` and is seen; the answer is the same."""
    engine = engine_for(database_url)
    with engine.begin() as conn:
        conn.execute(insert(_CONTACTS), _contact_values())
    seen: list[str] = []

    def listen(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    prepared = Prepared(_CONTACT)
    with engine.connect() as conn:
        bare = prepared.first(conn, _KEY)
    event.listen(engine, "before_cursor_execute", listen)
    try:
        with engine.connect() as conn:
            heard = prepared.first(conn, _KEY)
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    assert len(seen) == 1 and seen[0].startswith("SELECT")
    assert bare is not None and heard is not None and bare._asdict() == heard._asdict()


def test_autobegins_like_connection_execute(database_url: str) -> None:
    """A write on a connection with no transaction yet begins one; it is rolled back with it."""
    engine = engine_for(database_url)
    values = _contact_values()
    prepared = Prepared(insert(_CONTACTS).values({k: bindparam(k) for k in values}))
    with engine.connect() as conn:
        prepared.rowcount(conn, values)
        assert conn.in_transaction()
        conn.rollback()
    with engine.connect() as conn:
        assert Prepared(_CONTACT).first(conn, _KEY) is None


def test_numbers_read_with_the_drivers_own_column_types(database_url: str) -> None:
    """Some result processors depend on the type the driver reports (psycopg's numerics)."""
    number = Prepared(
        select(
            cast(bindparam("v"), Float).label("f"),
            cast(bindparam("v"), Numeric(10, 2)).label("n"),
            cast(bindparam("i"), Integer).label("i"),
        )
    )
    with engine_for(database_url).connect() as conn:
        for _ in range(2):  # compiled once, then reused
            row = number.first(conn, {"v": 24.5, "i": 7})
            assert row is not None
            assert (row.f, row.n, row.i) == (24.5, Decimal("24.50"), 7)
            assert isinstance(row.n, Decimal) and isinstance(row.f, float)


def test_on_postgresql_one_wire_a_connection_is_kept_and_ends_with_it(database_url: str) -> None:
    """psycopg: the statements of a pooled connection share one `Wire` (its transformer and
    its prepared statements); statements of other shapes read right on it; a connection that
    is invalidated takes its wire along. SQLite: none."""
    from bot.storage.prepared import _WIRE

    engine = engine_for(database_url)
    written = _contact_values()
    with engine.begin() as conn:
        Prepared(insert(_CONTACTS).values({k: bindparam(k) for k in written})).rowcount(
            conn, written
        )
    lang = select(_CONTACTS.c.lang).where(_CONTACTS.c.sender == bindparam("k_sender"))
    postgres = database_url.startswith("postgresql")
    with engine.connect() as conn:
        first = Prepared(_CONTACT).first(conn, _KEY)
        kept = conn.connection.info.get(_WIRE)
        assert (kept is not None) is postgres
        assert Prepared(lang).scalar(conn, {"k_sender": "+966500000001"}) == "ar"
        again = Prepared(_CONTACT).first(conn, _KEY)
        assert first is not None and again == first and again.state == written["state"]
        assert conn.connection.info.get(_WIRE) is kept
        conn.invalidate()
    with engine.connect() as conn:
        assert Prepared(_CONTACT).first(conn, _KEY) == first
        assert conn.connection.info.get(_WIRE) is not kept or not postgres


def test_on_postgresql_a_transaction_begins_as_its_connection_says(database_url: str) -> None:
    """The BEGIN sent with the first statement has the connection's isolation level (SQLAlchemy
    sets one on connections handed back to the pool), as psycopg's own would."""
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    engine = engine_for(database_url)
    written = _contact_values()
    with engine.begin() as conn:
        Prepared(insert(_CONTACTS).values({k: bindparam(k) for k in written})).rowcount(
            conn, written
        )
    for level, shown in (("SERIALIZABLE", "serializable"), ("READ COMMITTED", "read committed")):
        with engine.connect().execution_options(isolation_level=level) as conn:
            row = Prepared(_CONTACT).first(conn, _KEY)
            assert row is not None and row.state == written["state"]
            assert conn.exec_driver_sql("SHOW transaction_isolation").scalar() == shown
            conn.rollback()
