"""psycopg's cursor with a description built only when something reads it.

SQLAlchemy asks every cursor for its `description` after each statement, to know whether rows
came back; for a statement it has run before it takes the columns from its cache and never
looks inside. psycopg builds one `Column` object per result column on every call (a type
lookup and a name decode each: 33 of them a message, about 5% of a PostgreSQL worker's
profiled CPU). Here the description is a sequence over the same result that makes those
`Column` objects the first time one is read, exactly as psycopg would have made them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, overload

from psycopg import Column, Cursor
from psycopg.pq import ExecStatus

from bot.storage.postgres_wire import forget_read_ahead

_ROWS = (ExecStatus.TUPLES_OK, ExecStatus.SINGLE_TUPLE, ExecStatus.TUPLES_CHUNK)


class _Result:
    """What `Column` reads of its cursor, kept from the moment the description was asked for
    (the cursor itself moves on to the next statement)."""

    __slots__ = ("pgresult", "_encoding", "adapters")

    def __init__(self, cursor: Cursor[Any]) -> None:
        self.pgresult = cursor.pgresult
        self._encoding = cursor._encoding
        self.adapters = cursor.adapters


class LazyDescription(Sequence[Column]):
    __slots__ = ("_result", "_size", "_columns")

    def __init__(self, cursor: Cursor[Any], size: int) -> None:
        self._result = _Result(cursor)
        self._size = size
        self._columns: list[Column] | None = None

    def _all(self) -> list[Column]:
        if self._columns is None:
            result: Any = self._result
            self._columns = [Column(result, index) for index in range(self._size)]
        return self._columns

    def __len__(self) -> int:
        return self._size

    @overload
    def __getitem__(self, index: int) -> Column: ...

    @overload
    def __getitem__(self, index: slice) -> list[Column]: ...

    def __getitem__(self, index: int | slice) -> Column | list[Column]:
        return self._all()[index]

    def __iter__(self) -> Iterator[Column]:
        return iter(self._all())

    def __repr__(self) -> str:
        return repr(self._all())


class LazyDescriptionCursor(Cursor[Any]):
    """Also: a statement sent by the cursor ends the reads sent ahead on its connection
    (bot/storage/postgres_wire.py's `ReadAhead`): they stand only until the transaction
    sends anything else."""

    def execute(self, *args: Any, **kwargs: Any) -> Any:
        forget_read_ahead(self._conn)
        return super().execute(*args, **kwargs)

    def executemany(self, *args: Any, **kwargs: Any) -> Any:
        forget_read_ahead(self._conn)
        return super().executemany(*args, **kwargs)

    def stream(self, *args: Any, **kwargs: Any) -> Any:
        forget_read_ahead(self._conn)
        return super().stream(*args, **kwargs)

    @property
    def description(self) -> LazyDescription | None:  # type: ignore[override]
        # The same test as psycopg's own property.
        result = self.pgresult
        if result and (result.nfields or result.status in _ROWS):
            return LazyDescription(self, result.nfields)
        return None
