"""The hot statements of bot/storage/prepared.py on PostgreSQL, sent with libpq's own calls.

psycopg's cursor runs a layer of Python around each statement (its prepared-statement cache,
query conversion, result bookkeeping: about half a PostgreSQL worker's statement CPU), and
sends a transaction's BEGIN as a round trip of its own before the first statement. Here, on
the same psycopg connection, in its transaction:

- the statement is prepared once per connection under a name of its own (`sadeeq_W_N`, apart
  from psycopg's `_pg3_N`) and then executed by name, its parameters dumped and its rows
  loaded by psycopg's own `Transformer` (the same adapters, the same Python values);
- the BEGIN that psycopg would send first, the statement's PREPARE the first time, the
  statement, and a COMMIT when the caller asks for one (`commit=True`: the turn's last write)
  go to the server together in libpq's pipeline mode and come back in one round trip; so do a
  savepoint and its release around a statement whose failure must not end the transaction
  (`guarded=True`: the billing's reads in a turn). A
  transaction is still opened and ended by the server's own BEGIN and COMMIT; psycopg reads
  the connection's state from libpq, so its `commit()` then finds it idle and sends nothing;
- an error comes back as the exception psycopg raises for it (`psycopg.errors`), for
  SQLAlchemy to wrap as it wraps the cursor's; a connection left in pipeline mode by a
  failure is closed, so that the pool throws it away."""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Sequence
from typing import Any

from psycopg import Connection, IsolationLevel, errors
from psycopg.adapt import PyFormat, Transformer
from psycopg.generators import execute, fetch_many, send
from psycopg.pq import ExecStatus, TransactionStatus

_IDLE = TransactionStatus.IDLE
_FAILED = TransactionStatus.INERROR
_FATAL = ExecStatus.FATAL_ERROR
_COMMAND_OK = ExecStatus.COMMAND_OK
# Statements prepared on one connection at most; past that they run unnamed (a set of
# statements built at import, and a handful of changed-column sets, stay far below it).
MOST_NAMES = 256


def begin_command(connection: Connection[Any]) -> bytes:
    """The BEGIN psycopg sends for `connection` (its isolation level, read only, deferrable:
    SQLAlchemy sets the isolation level when a connection goes back to the pool)."""
    settings = (connection.isolation_level, connection.read_only, connection.deferrable)
    command = _BEGINS.get(settings)
    if command is None:
        level, read_only, deferrable = settings
        parts = [b"BEGIN"]
        if level is not None:
            parts += [b"ISOLATION LEVEL", IsolationLevel(level).name.replace("_", " ").encode()]
        if read_only is not None:
            parts.append(b"READ ONLY" if read_only else b"READ WRITE")
        if deferrable is not None:
            parts.append(b"DEFERRABLE" if deferrable else b"NOT DEFERRABLE")
        command = _BEGINS[settings] = b" ".join(parts)
    return command


_BEGINS: dict[tuple[Any, Any, Any], bytes] = {}


class Rows:
    """A statement's result as the cursor gives it to bot/storage/prepared.py: the rows,
    how many it changed, and its columns' type codes (`description[i][1]`, read from the
    result only when asked for: once a statement, its result processors are then known)."""

    __slots__ = ("rows", "rowcount", "_result", "_at")

    def __init__(self, rows: list[tuple], rowcount: int, result: Any) -> None:
        self.rows, self.rowcount, self._result, self._at = rows, rowcount, result, 0

    @property
    def description(self) -> list[tuple[None, int]]:
        result = self._result
        return [(None, result.ftype(i)) for i in range(result.nfields)]

    def fetchall(self) -> list[tuple]:
        rows, self._at = self.rows[self._at :], len(self.rows)
        return rows

    def fetchone(self) -> tuple | None:
        if self._at >= len(self.rows):
            return None
        self._at += 1
        return self.rows[self._at - 1]


class Wire:
    """One per pooled psycopg connection (kept with it, see bot/storage/prepared.py)."""

    __slots__ = (
        "connection",
        "pgconn",
        "transformer",
        "names",
        "encoding",
        "read_ahead",
        "_formats",
        "_serial",
        "_names",
    )

    def __init__(self, connection: Connection[Any]) -> None:
        self.connection = connection
        # In the statements' names: a wire made again for a connection (its first one lost
        # with the pool's record of it) never meets the names the first one prepared.
        self._serial = next(_SERIALS)
        self.pgconn = connection.pgconn
        self.transformer = Transformer(connection)
        self.names: dict[tuple[bytes, tuple[int, ...]], bytes] = {}  # prepared on the server
        self.encoding = connection.info.encoding
        self._formats: dict[int, list[PyFormat]] = {}
        self._names = itertools.count()
        self.read_ahead: ReadAhead | None = None
        _WIRES[connection] = self

    def run(
        self,
        sql: bytes,
        parameters: Sequence[Any],
        commit: bool = False,
        guarded: bool = False,
        ahead: Sequence[tuple[bytes, Sequence[Any]]] = (),
    ) -> Rows:
        """`sql` (with $1… placeholders) executed with `parameters`, in the connection's
        transaction, begun first when there is none (not in autocommit); `commit`: the
        transaction is committed with it, in the same round trip. `guarded`: its failure
        leaves the transaction as it was: a savepoint before it and its release after it go
        in the same round trip; when it fails, a second round trip rolls back to it.
        `ahead`: reads (sql, parameters) sent after it in the same round trip, in a savepoint
        of their own, for this transaction's later statements (see `ReadAhead`)."""
        connection = self.connection
        with connection.lock:
            pgconn = self.pgconn
            read = self.read_ahead
            if read is not None:
                kept = read.take(pgconn, sql, parameters, commit)
                if kept is not None:
                    return self._rows(kept)
                self.read_ahead = None
            statement = self._dumped(sql, parameters)
            begin = not connection.autocommit and pgconn.transaction_status == _IDLE
            guarded = guarded and not connection.autocommit
            reads = [self._dumped(*each) for each in ahead] if not connection.autocommit else []
            if statement.name is not None and not (begin or guarded or commit or reads):
                # One command (a statement in the middle of a turn): no pipeline needed.
                pgconn.send_query_prepared(
                    statement.name, statement.values, param_formats=statement.formats
                )
                results, at, after = [connection.wait(execute(pgconn))], 0, 1
                read_at: list[int] = []
            else:
                results, at, after, read_at = self._together(
                    statement, reads, begin=begin, guarded=guarded, commit=commit
                )
            for result in (result for each in results[:after] for result in each):
                if result.status == _FATAL:
                    failed = errors.error_from_result(result, encoding=self.encoding)
                    if isinstance(failed, errors.InvalidSqlStatementName):
                        # Deallocated behind this wire's back (a DEALLOCATE ALL or DISCARD
                        # ALL): this statement fails, the next ones are prepared again.
                        self.names.clear()
                    if guarded and pgconn.transaction_status == _FAILED:
                        self._back_to(_GUARD)
                    raise failed
            if reads:
                self._keep_ahead(reads, results, read_at)
            return self._rows(results[at][-1])

    def _rows(self, result: Any) -> Rows:
        transformer = self.transformer
        transformer.set_pgresult(result)
        rows = transformer.load_rows(0, result.ntuples, tuple) if result.nfields else []
        return Rows(rows, result.command_tuples or 0, result)

    def _dumped(self, sql: bytes, parameters: Sequence[Any]) -> _Statement:
        """A statement with its parameters dumped, and its name when prepared already."""
        transformer = self.transformer
        count = len(parameters)
        formats = self._formats.get(count)
        if formats is None:
            formats = self._formats[count] = [PyFormat.AUTO] * count
        values = transformer.dump_sequence(parameters, formats)
        key = (sql, transformer.types or ())
        return _Statement(sql, parameters, key, values, transformer.formats, self.names.get(key))

    def _together(
        self,
        statement: _Statement,
        reads: list[_Statement],
        *,
        begin: bool,
        guarded: bool,
        commit: bool,
    ) -> tuple[list[list[Any]], int, int, list[int]]:
        """`run`'s commands in one pipeline: each command's results, where the statement's
        are, where the reads sent ahead begin, and where each read's are."""
        connection, pgconn = self.connection, self.pgconn
        pgconn.enter_pipeline_mode()
        sent: list[_Statement | None] = []  # a statement whose PREPARE each command is
        try:
            if begin:
                pgconn.send_query_params(begin_command(connection), None)
                sent.append(None)
            if guarded:
                pgconn.send_query_params(b"SAVEPOINT " + _GUARD, None)
                sent.append(None)
            sent += self._send(statement)
            at = len(sent) - 1
            if guarded:
                pgconn.send_query_params(b"RELEASE SAVEPOINT " + _GUARD, None)
                sent.append(None)
            if commit:
                pgconn.send_query_params(b"COMMIT", None)
                sent.append(None)
            after, read_at = len(sent), []
            if reads:
                pgconn.send_query_params(b"SAVEPOINT " + _AHEAD, None)
                sent.append(None)
                for read in reads:
                    sent += self._send(read)
                    read_at.append(len(sent) - 1)
                pgconn.send_query_params(b"RELEASE SAVEPOINT " + _AHEAD, None)
                sent.append(None)
            pgconn.pipeline_sync()
            results = connection.wait(_exchange(pgconn, len(sent)))
            pgconn.exit_pipeline_mode()
        except BaseException:
            if pgconn.pipeline_status:  # still in pipeline mode: unusable, let it go
                connection.close()
            raise
        for prepared, outcome in zip(sent, results, strict=False):
            if prepared is not None and outcome and outcome[-1].status == _COMMAND_OK:
                self.names[prepared.key] = prepared.name  # type: ignore[assignment]
        return results, at, after, read_at

    def _send(self, statement: _Statement) -> list[_Statement | None]:
        """Queue `statement`, prepared first when it is new here (and names are left): for
        each command queued, the statement it prepares, or None."""
        pgconn = self.pgconn
        queued: list[_Statement | None] = []
        if statement.name is None and len(self.names) < MOST_NAMES:
            statement.name = b"sadeeq_%d_%d" % (self._serial, next(self._names))
            pgconn.send_prepare(statement.name, statement.sql, param_types=statement.key[1])
            queued.append(statement)
        if statement.name is None:
            pgconn.send_query_params(
                statement.sql, statement.values, statement.key[1], statement.formats
            )
        else:
            pgconn.send_query_prepared(
                statement.name, statement.values, param_formats=statement.formats
            )
        queued.append(None)
        return queued

    def _keep_ahead(
        self, reads: list[_Statement], results: list[list[Any]], read_at: list[int]
    ) -> None:
        """The reads sent ahead kept for the transaction's next statements; none when one of
        them failed (the transaction is then rolled back to before them, a round trip more)."""
        if any(result.status == _FATAL for each in results for result in each):
            if self.pgconn.transaction_status == _FAILED:
                self._back_to(_AHEAD)
            return
        self.read_ahead = ReadAhead(
            {
                (read.sql, tuple(read.parameters)): results[at][-1]
                for read, at in zip(reads, read_at, strict=True)
            }
        )

    def _back_to(self, savepoint: bytes) -> None:
        """The transaction as it was at `savepoint` (it stays open)."""
        self.pgconn.send_query_params(b"ROLLBACK TO SAVEPOINT " + savepoint, None)
        for result in self.connection.wait(execute(self.pgconn)):
            if result.status == _FATAL:
                raise errors.error_from_result(result, encoding=self.encoding)


class _Statement:
    """A statement to send: its SQL, parameters (as given and dumped), types and name."""

    __slots__ = ("sql", "parameters", "key", "values", "formats", "name")

    def __init__(
        self,
        sql: bytes,
        parameters: Sequence[Any],
        key: tuple[bytes, tuple[int, ...]],
        values: Sequence[Any],
        formats: Sequence[Any] | None,
        name: bytes | None,
    ) -> None:
        self.sql, self.parameters, self.key = sql, parameters, key
        self.values, self.formats, self.name = values, formats, name


class ReadAhead:
    """Reads sent with a transaction's first statement, for statements the turn is about to
    run: the same SQL with the same parameters is answered from here instead of by a round
    trip. They were read after that first statement (which took the contact's row lock) and
    before anything else of the transaction: as if the turn had read them then. So they stand
    only while the transaction has sent nothing else: any statement sent (the wire's or a
    cursor's, `forget_read_ahead`) drops them, and so does the transaction's end."""

    __slots__ = ("results",)

    def __init__(self, results: dict[tuple[bytes, tuple[Any, ...]], Any]) -> None:
        self.results = results

    def take(self, pgconn: Any, sql: bytes, parameters: Sequence[Any], commit: bool) -> Any:
        """The result read ahead for this statement, or None (the caller then drops them)."""
        if commit or pgconn.transaction_status == _IDLE:
            return None
        try:
            return self.results.pop((sql, tuple(parameters)), None)
        except TypeError:  # a parameter that cannot be a key (a list, a dict): not read ahead
            return None


def forget_read_ahead(connection: Connection[Any]) -> None:
    """A statement goes to the server some other way (psycopg's cursor): reads sent ahead on
    this connection no longer stand."""
    wire = _WIRES.get(connection)
    if wire is not None:
        wire.read_ahead = None


_WIRES: weakref.WeakKeyDictionary[Connection[Any], Wire] = weakref.WeakKeyDictionary()
_GUARD = b"sadeeq_guard"
_AHEAD = b"sadeeq_ahead"
_SERIALS = itertools.count()


def _exchange(pgconn: Any, commands: int):
    """Send what is queued, then read each command's results and the sync's: one list each."""
    yield from send(pgconn)
    results = []
    for _ in range(commands + 1):
        results.append((yield from fetch_many(pgconn)))
    return results
