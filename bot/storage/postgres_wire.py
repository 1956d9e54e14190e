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
    how many it changed, and its columns' type codes (`description[i][1]`)."""

    __slots__ = ("rows", "rowcount", "_codes", "_at")

    def __init__(self, rows: list[tuple], rowcount: int, codes: tuple[int, ...]) -> None:
        self.rows, self.rowcount, self._codes, self._at = rows, rowcount, codes, 0

    @property
    def description(self) -> list[tuple[None, int]]:
        return [(None, code) for code in self._codes]

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

    __slots__ = ("connection", "pgconn", "transformer", "names", "encoding", "_formats", "_serial")

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

    def run(
        self, sql: bytes, parameters: Sequence[Any], commit: bool = False, guarded: bool = False
    ) -> Rows:
        """`sql` (with $1… placeholders) executed with `parameters`, in the connection's
        transaction, begun first when there is none (not in autocommit); `commit`: the
        transaction is committed with it, in the same round trip. `guarded`: its failure
        leaves the transaction as it was: a savepoint before it and its release after it go
        in the same round trip; when it fails, a second round trip rolls back to it."""
        connection = self.connection
        with connection.lock:
            pgconn, transformer = self.pgconn, self.transformer
            count = len(parameters)
            formats = self._formats.get(count)
            if formats is None:
                formats = self._formats[count] = [PyFormat.AUTO] * count
            values = transformer.dump_sequence(parameters, formats)
            types, value_formats = transformer.types or (), transformer.formats
            key = (sql, types)
            name = self.names.get(key)
            begin = not connection.autocommit and pgconn.transaction_status == _IDLE
            guarded = guarded and not connection.autocommit
            if name is not None and not (begin or guarded or commit):
                # One command (a statement in the middle of a turn): no pipeline needed.
                pgconn.send_query_prepared(name, values, param_formats=value_formats)
                results, at = [connection.wait(execute(pgconn))], 0
            else:
                results, at = self._together(
                    sql, key, values, value_formats, begin=begin, guarded=guarded, commit=commit
                )
            for result in (result for each in results for result in each):
                if result.status == _FATAL:
                    failed = errors.error_from_result(result, encoding=self.encoding)
                    if isinstance(failed, errors.InvalidSqlStatementName):
                        # Deallocated behind this wire's back (a DEALLOCATE ALL or DISCARD
                        # ALL): this statement fails, the next ones are prepared again.
                        self.names.clear()
                    if guarded and pgconn.transaction_status == _FAILED:
                        self._back_to_guard()
                    raise failed
            result = results[at][-1]
            transformer.set_pgresult(result)
            rows = transformer.load_rows(0, result.ntuples, tuple) if result.nfields else []
            codes = tuple(result.ftype(i) for i in range(result.nfields))
            return Rows(rows, result.command_tuples or 0, codes)

    def _together(
        self,
        sql: bytes,
        key: tuple[bytes, tuple[int, ...]],
        values: Sequence[Any],
        value_formats: Sequence[Any] | None,
        *,
        begin: bool,
        guarded: bool,
        commit: bool,
    ) -> tuple[list[list[Any]], int]:
        """`run`'s commands in one pipeline: each command's results, and where the
        statement's are."""
        connection, pgconn, types = self.connection, self.pgconn, key[1]
        name = self.names.get(key)
        fresh = name is None and len(self.names) < MOST_NAMES
        pgconn.enter_pipeline_mode()
        try:
            if begin:
                pgconn.send_query_params(begin_command(connection), None)
            if guarded:
                pgconn.send_query_params(b"SAVEPOINT " + _GUARD, None)
            if fresh:
                name = b"sadeeq_%d_%d" % (self._serial, len(self.names))
                pgconn.send_prepare(name, sql, param_types=types)
            if name is None:
                pgconn.send_query_params(sql, values, types, value_formats)
            else:
                pgconn.send_query_prepared(name, values, param_formats=value_formats)
            if guarded:
                pgconn.send_query_params(b"RELEASE SAVEPOINT " + _GUARD, None)
            if commit:
                pgconn.send_query_params(b"COMMIT", None)
            pgconn.pipeline_sync()
            commands = 1 + begin + 2 * guarded + fresh + commit
            results = connection.wait(_exchange(pgconn, commands))
            pgconn.exit_pipeline_mode()
        except BaseException:
            if pgconn.pipeline_status:  # still in pipeline mode: unusable, let it go
                connection.close()
            raise
        at = begin + guarded  # the results of each command, in the order sent
        if fresh:
            prepared = results[at]
            if prepared and prepared[-1].status == _COMMAND_OK:
                self.names[key] = name  # type: ignore[assignment]
            at += 1
        return results, at

    def _back_to_guard(self) -> None:
        """The transaction as it was before the guarded statement (it stays open)."""
        self.pgconn.send_query_params(b"ROLLBACK TO SAVEPOINT " + _GUARD, None)
        for result in self.connection.wait(execute(self.pgconn)):
            if result.status == _FATAL:
                raise errors.error_from_result(result, encoding=self.encoding)


_GUARD = b"sadeeq_guard"
_SERIALS = itertools.count()


def _exchange(pgconn: Any, commands: int):
    """Send what is queued, then read each command's results and the sync's: one list each."""
    yield from send(pgconn)
    results = []
    for _ in range(commands + 1):
        results.append((yield from fetch_many(pgconn)))
    return results
