from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar, overload

from sqlalchemy import DateTime, MetaData, Table
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

# Stable constraint names, so migrations read the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """Every timestamp is stored in UTC and comes back timezone-aware, on every database.

    SQLite keeps no offset: without this, a Riyadh time written as 10:00 would read back as
    10:00 UTC, three hours off. Naive values are refused rather than guessed at.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: store timezone-aware values only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def bind_processor(self, dialect):
        if dialect.name == "sqlite":
            stored_as = self.impl_instance.dialect_impl(dialect)
            if getattr(stored_as, "_storage_format", None) == _SQLITE_DATETIME_TEXT:
                return _sqlite_utc_text
        return super().bind_processor(dialect)

    def result_processor(self, dialect, coltype):
        read = super().result_processor(dialect, coltype)
        if dialect.name != "sqlite" or read is None:
            return read
        stored_as = self.impl_instance.dialect_impl(dialect)
        if getattr(stored_as, "_storage_format", None) != _SQLITE_DATETIME_TEXT:
            return read

        def utc_datetime(value):
            # The text this module writes ("2026-12-01 08:21:55.739976", UTC) read straight as
            # an aware UTC datetime: the dialect's parse and the UTC step in one call (a turn
            # reads several of them). Any other text takes the two steps, as before.
            if type(value) is str and len(value) == 26 and value[10] == " ":
                try:
                    return _from_iso(value + "+00:00")
                except ValueError:
                    pass
            return read(value)

        return utc_datetime

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# How SQLAlchemy's SQLite dialect writes a datetime as text (its default storage format).
_SQLITE_DATETIME_TEXT = (
    "%(year)04d-%(month)02d-%(day)02d %(hour)02d:%(minute)02d:%(second)02d.%(microsecond)06d"
)


_from_iso = datetime.fromisoformat


def _sqlite_utc_text(value: datetime | None) -> str | None:
    """`process_bind_param` and the SQLite dialect's own processor in one step: the same text
    (`isoformat` writes that format for a naive datetime) without filling the format from a
    dict of seven fields; every statement of a turn binds one or more times."""
    global _last_written
    if value is None:
        return None
    last = _last_written
    if last[0] is value:  # the message's time, bound 3-4 times a turn (held here: never reused)
        return last[1]
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: store timezone-aware values only")
    # Its fields %-formatted: `isoformat` builds its text with the generic PyUnicode_FromFormat
    # (~10k instructions a call by callgrind; a report's turn binds 7 times).
    at = value.astimezone(UTC)
    written = _SQLITE_TEXT % (
        at.year,
        at.month,
        at.day,
        at.hour,
        at.minute,
        at.second,
        at.microsecond,
    )
    _last_written = (value, written)
    return written


_SQLITE_TEXT = "%04d-%02d-%02d %02d:%02d:%02d.%06d"
_last_written: tuple[datetime | None, str | None] = (None, None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime()}
    # Every model maps one plain table (declared here, never a join or a select), so Core's
    # insert/update/delete can take `Model.__table__` as the Table it is.
    __table__: ClassVar[Table]


def utcnow() -> datetime:
    return datetime.now(UTC)


@overload
def aware(value: datetime) -> datetime: ...
@overload
def aware(value: datetime | None) -> datetime | None: ...
def aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything we store is UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value
