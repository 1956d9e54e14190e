"""Hot statements run on the connection's own DBAPI cursor, compiled once per dialect.

A Core statement executed through SQLAlchemy's `Connection.execute` costs 25-70 us of CPU per
call around 4-12 us of SQLite's own work (cache key, execution context, parameter processing,
result metadata). The few statements every message runs (its delivery claim, the contact row,
an outage report, a bill) are instead compiled here once per dialect into their SQL text and
the order of their parameters, and executed with `cursor.execute(sql, parameters)` on the
DBAPI connection of the caller's `Connection`, in its transaction:

- SQLAlchemy still writes the SQL, for SQLite (qmark) and psycopg (pyformat) alike, and the
  types' bind and result processors are applied as `Connection.execute` would apply them
  (`UTCDateTime`, JSON, dates on SQLite);
- a DBAPI error goes through the connection's own error handling: it is raised as
  SQLAlchemy's exception (an `IntegrityError` stays one) and a lost connection is invalidated;
- when anything listens to the engine's or the connection's events (tests counting statements,
  `bench/profile_worker.py`), the statement goes through `Connection.execute` instead, so every
  listener still sees every statement;
- a statement this module cannot run bare on a dialect (expanding `IN` lists, values rendered
  at execution, as some dialects do with LIMIT) goes through `Connection.execute` there.

Rows come back as named tuples (attribute, index and `_asdict()` access, as SQLAlchemy's `Row`).
"""

from __future__ import annotations

import re
from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Connection
from sqlalchemy.sql import ClauseElement, Executable
from sqlalchemy.sql.compiler import SQLCompiler

from bot.storage import postgres_wire


class _NotPreparable(ValueError):
    pass


def _constant(value: Any) -> Callable[[], Any]:
    return lambda: value


def _required(key: str) -> Callable[[], Any]:
    def missing() -> Any:
        raise KeyError(f"a value for {key!r} is required")

    return missing


def _generator(default: Any) -> Callable[[], Any]:
    """A column's Python-side default as a function of nothing (scalars and functions taking
    no context; SQLAlchemy wraps the latter to take the execution context, unused here)."""
    if default is None:
        return _constant(None)
    if default.is_scalar:
        return _constant(default.arg)
    if default.is_callable:
        return lambda: default.arg(None)
    raise _NotPreparable(f"a column default this module cannot compute: {default!r}")


class _Plan:
    """One statement compiled for one dialect."""

    __slots__ = (
        "sql",
        "positional",
        "names",
        "keys",
        "defaults",
        "processed",
        "row",
        "types",
        "dialect",
        "results",
        "wire_sql",
        "wire_order",
    )

    def __init__(self, statement: Executable, dialect: Any) -> None:
        compiled = cast(SQLCompiler, cast(ClauseElement, statement).compile(dialect=dialect))
        sql = compiled.string
        if "__[POSTCOMPILE_" in sql:
            raise _NotPreparable(f"values rendered at execution: {sql}")
        self.sql = sql
        self.positional = bool(compiled.positional)
        names = list(compiled.positiontup or ()) if self.positional else list(compiled.binds)
        processors: dict[str, Any] = dict(compiled._bind_processors)
        # Columns whose Python-side default (or onupdate) SQLAlchemy would fill in when no
        # value is given: the same here.
        generated = {column.key: _generator(column.default) for column in compiled.insert_prefetch}
        generated.update(
            (column.key, _generator(column.onupdate)) for column in compiled.update_prefetch
        )
        binds = []
        for name in names:
            bind = compiled.binds[name]
            if bind.expanding or bind.literal_execute or isinstance(processors.get(name), tuple):
                raise _NotPreparable(f"expanding parameter {name!r}: {sql}")
            if bind.key in generated:
                default = generated[bind.key]
            elif bind.required:
                default = _required(bind.key)
            else:
                default = _constant(bind.effective_value)
            binds.append((name, bind.key, processors.get(name), default))
        self.names = tuple(name for name, *_ in binds)
        self.keys = tuple(key for _, key, *_ in binds)
        self.defaults = tuple(default for *_, default in binds)
        self.processed = tuple((i, bind[2]) for i, bind in enumerate(binds) if bind[2] is not None)
        columns = compiled._result_columns or []
        self.row: Any = (
            namedtuple("Row", [entry.keyname for entry in columns], rename=True)
            if columns
            else None
        )
        self.types = tuple(entry.type for entry in columns)
        self.dialect = dialect
        # The result processors (by column index, the columns that have one), from the first
        # cursor's description: some depend on the type the driver reports (psycopg's numerics).
        self.results: tuple[tuple[int, Any], ...] | None = None
        # psycopg: the SQL with libpq's $n placeholders (bot/storage/postgres_wire.py), and
        # which of `names` each $n takes.
        self.wire_sql: bytes | None = None
        self.wire_order: tuple[int, ...] = ()
        if dialect.driver == "psycopg" and not self.positional:
            self.wire_sql, self.wire_order = _numbered(sql, self.names)

    def parameters(self, values: Mapping[str, Any]) -> Sequence[Any] | dict[str, Any]:
        out = self._values(values)
        if self.positional:
            return tuple(out)
        return dict(zip(self.names, out, strict=True))

    def wire_parameters(self, values: Mapping[str, Any]) -> list[Any]:
        """The values in the order of `wire_sql`'s placeholders."""
        out = self._values(values)
        return [out[i] for i in self.wire_order]

    def _values(self, values: Mapping[str, Any]) -> list[Any]:
        try:
            out = [values[key] for key in self.keys]
        except KeyError:  # a value left to its default
            out = [
                values[key] if key in values else default()
                for key, default in zip(self.keys, self.defaults, strict=True)
            ]
        for i, process in self.processed:
            out[i] = process(out[i])
        return out

    def make_row(self, raw: Sequence[Any], cursor: Any) -> Any:
        results = self.results
        if results is None:
            codes = [column[1] for column in cursor.description]
            processors = (
                kind._cached_result_processor(self.dialect, code)
                for kind, code in zip(self.types, codes, strict=True)
            )
            # Only the columns with a processor are visited (an incident's row has 20 columns,
            # 6 of them times and flags).
            results = self.results = tuple(
                (i, process) for i, process in enumerate(processors) if process is not None
            )
        if not results:
            return self.row._make(raw)
        values = list(raw)
        for i, process in results:
            values[i] = process(values[i])
        return self.row._make(values)


_NAMED = re.compile(r"%\(([^)]+)\)s|%%")


def _numbered(sql: str, names: tuple[str, ...]) -> tuple[bytes, tuple[int, ...]]:
    """pyformat SQL (`%(name)s`, `%%`) as libpq's ($1, $2…, a name used twice is one number):
    the SQL and, for each number, the index of its name in `names`."""
    numbers: dict[str, int] = {}

    def number(match: re.Match[str]) -> str:
        name = match.group(1)
        if name is None:
            return "%"
        if name not in numbers:
            numbers[name] = len(numbers) + 1
        return f"${numbers[name]}"

    numbered = _NAMED.sub(number, sql)
    return numbered.encode(), tuple(names.index(name) for name in numbers)


def _wire(conn: Connection) -> postgres_wire.Wire:
    """The psycopg connection's `Wire`, kept with it as the cursor below."""
    fairy = conn.connection
    dbapi = fairy.dbapi_connection
    wire = fairy.info.get(_WIRE)
    if wire is None or wire.connection is not dbapi:
        wire = fairy.info[_WIRE] = postgres_wire.Wire(dbapi)  # type: ignore[arg-type]
    return wire


_WIRE = "sadeeq.prepared.wire"


def _kept_cursor(conn: Connection) -> Any:
    """One psycopg cursor per pooled connection, kept for the statements of this module: a
    new cursor looks up the dumpers of every parameter and the loaders of every column again
    (34 against 22 us of CPU a primary-key SELECT, micro-benchmark). psycopg reads a result
    whole when it arrives, so a kept cursor holds nothing on the server. SQLite's cursors are
    closed after each statement as before (an unfinished one keeps its statement open)."""
    fairy = conn.connection
    cursor = fairy.info.get(_KEPT_CURSOR)  # the info goes with the connection (and its end)
    if cursor is None or cursor.closed or cursor.connection is not fairy.dbapi_connection:
        cursor = fairy.info[_KEPT_CURSOR] = fairy.dbapi_connection.cursor()  # type: ignore[union-attr]
    return cursor


_KEPT_CURSOR = "sadeeq.prepared.cursor"


class Prepared:
    """A Core statement run on the DBAPI cursor of the given `Connection` (see above)."""

    __slots__ = ("statement", "_plans")

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._plans: dict[Any, _Plan | None] = {}

    def _plan(self, conn: Connection) -> _Plan | None:
        """The statement compiled for the connection's dialect; None when it is to go through
        `Connection.execute` (something listens to the connection's events, or the dialect
        renders some of its values at execution)."""
        if conn._has_events or conn.engine._has_events:
            return None
        dialect = conn.dialect
        try:
            return self._plans[dialect]
        except KeyError:
            pass
        try:
            plan: _Plan | None = _Plan(self.statement, dialect)
        except _NotPreparable:
            plan = None
        self._plans[dialect] = plan
        return plan

    def _run(
        self,
        conn: Connection,
        plan: _Plan,
        values: Mapping[str, Any],
        fetch: Callable[[Any], Any],
        commit: bool = False,
        guarded: bool = False,
        ahead: Sequence[Read] = (),
    ):
        if not conn.in_transaction():
            conn.begin()  # as `Connection.execute` would (autobegin)
        if plan.wire_sql is not None:
            ordered = plan.wire_parameters(values)
            reads = _wire_reads(conn, ahead) if ahead else ()
            try:
                return fetch(_wire(conn).run(plan.wire_sql, ordered, commit, guarded, reads))
            except conn.dialect.loaded_dbapi.Error as error:
                conn._handle_dbapi_exception(error, plan.sql, ordered, None, None)
        if guarded and plan.dialect.name == "postgresql":
            with conn.begin_nested():
                return self._run(conn, plan, values, fetch, commit)
        parameters = plan.parameters(values)
        kept = plan.dialect.driver == "psycopg"
        cursor = _kept_cursor(conn) if kept else conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(plan.sql, parameters)
            return fetch(cursor)
        except conn.dialect.loaded_dbapi.Error as error:
            conn._handle_dbapi_exception(error, plan.sql, parameters, cursor, None)
        finally:
            if not kept:
                cursor.close()

    def all(self, conn: Connection, values: Mapping[str, Any], guarded: bool = False) -> list[Any]:
        """Every row of the result. `guarded`: a failure of this statement (a statement
        timeout, say) raises but leaves the caller's transaction usable, as it was before
        (PostgreSQL aborts the transaction of a failed statement: a savepoint around it,
        sent in the same round trip; SQLite's transaction survives a failed read)."""
        plan = self._plan(conn)
        if plan is None:
            if guarded and conn.dialect.name == "postgresql":
                with conn.begin_nested():
                    return list(conn.execute(self.statement, dict(values)).all())
            return list(conn.execute(self.statement, dict(values)).all())
        return self._run(
            conn,
            plan,
            values,
            lambda c: [plan.make_row(raw, c) for raw in c.fetchall()],
            guarded=guarded,
        )

    def first(
        self, conn: Connection, values: Mapping[str, Any], ahead: Sequence[Read] = ()
    ) -> Any | None:
        """The first row, or None. `ahead`: reads this transaction is about to make, sent
        with this statement on PostgreSQL (bot/storage/postgres_wire.py's `ReadAhead`: the
        same `Prepared` with the same values is then answered without a round trip, as long
        as nothing else was sent meanwhile); elsewhere they are not sent."""
        plan = self._plan(conn)
        if plan is None:
            return conn.execute(self.statement, dict(values)).first()

        def fetch(cursor: Any) -> Any:
            raw = cursor.fetchone()
            return None if raw is None else plan.make_row(raw, cursor)

        return self._run(conn, plan, values, fetch, ahead=ahead)

    def scalar(self, conn: Connection, values: Mapping[str, Any]) -> Any:
        """The first column of the first row, or None."""
        row = self.first(conn, values)
        return None if row is None else row[0]

    def rowcount(self, conn: Connection, values: Mapping[str, Any], commit: bool = False) -> int:
        """Run a statement without rows (INSERT, UPDATE); how many rows it changed. `commit`:
        the caller's transaction ends with this statement (the caller commits right after it
        and runs nothing in between); on PostgreSQL its COMMIT is sent with it, one round trip
        for both (the caller's own commit then finds nothing to do)."""
        plan = self._plan(conn)
        if plan is None:
            return int(conn.execute(self.statement, dict(values)).rowcount)
        return int(self._run(conn, plan, values, lambda c: c.rowcount, commit))


# A read to send ahead (`Prepared.first`'s `ahead`): the statement and its values.
Read = tuple[Prepared, Mapping[str, Any]]


def sends_ahead(conn: Connection) -> bool:
    """Whether reads sent ahead go anywhere on this connection (psycopg's wire)."""
    return conn.dialect.driver == "psycopg"


def _wire_reads(conn: Connection, ahead: Sequence[Read]) -> list[tuple[bytes, list[Any]]]:
    """The reads sent ahead as the wire sends them (those that go bare)."""
    reads = []
    for prepared, values in ahead:
        plan = prepared._plan(conn)
        if plan is not None and plan.wire_sql is not None:
            reads.append((plan.wire_sql, plan.wire_parameters(values)))
    return reads


class Along:
    """A write that goes with another statement of the same transaction, to save a round trip:
    on PostgreSQL in that statement (a data-modifying `WITH`), elsewhere as a statement of its
    own just before it (`alone`). `statement` (a Core INSERT or UPDATE, with RETURNING when
    what it did is read) is built once, at import: statements made with it are cached by its
    identity. Its bind parameters are named apart from the other statement's (both are given
    `values`)."""

    __slots__ = ("statement", "values", "_alone")

    def __init__(
        self,
        statement: Executable,
        values: Mapping[str, Any],
        alone: Callable[[Connection, Mapping[str, Any]], int],
    ) -> None:
        self.statement = statement
        self.values = values
        self._alone = alone

    @staticmethod
    def combines(conn: Connection) -> bool:
        """Whether it goes in the other statement on this connection's database."""
        return conn.dialect.name == "postgresql"

    def run_alone(self, conn: Connection) -> int:
        """The write as a statement of its own: how many rows it changed."""
        return self._alone(conn, self.values)


_combined: dict[tuple[int, int], Prepared] = {}


def combined(key: tuple[int, int], build: Callable[[], Executable]) -> Prepared:
    """One `Prepared` per pair of statements put together (`key`: their identities), built by
    `build` the first time it is asked for."""
    statement = _combined.get(key)
    if statement is None:
        statement = _combined[key] = Prepared(build())
    return statement
