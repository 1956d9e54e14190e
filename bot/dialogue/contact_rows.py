"""The contact row of a turn: read once at its start, written once at its end.

Every message loads and saves one contact, so this is the hottest row of the bot. It is read and
written with prebuilt Core statements (no ORM identity map, no unit of work): one SELECT, and
one INSERT for a new contact or one UPDATE of the columns the turn changed. The contact
handed to the flows is a `ContactRow` (plain attributes, the columns of `Contact`); flows change
its attributes as before.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from bot.storage.base import utcnow
from bot.storage.models import Contact
from bot.storage.prepared import Prepared

_TABLE = Contact.__table__
_KEY = ("channel", "sender")
COLUMNS = tuple(column.name for column in _TABLE.columns)
# What a turn may change; the key and the creation time never do.
CHANGEABLE = tuple(name for name in COLUMNS if name not in (*_KEY, "created_at"))

# The row lock keeps two workers apart even when the shared sender lock is not to be had
# (PostgreSQL; SQLite has one writer at a time anyway and ignores it).
_SELECT = Prepared(
    select(*_TABLE.columns)
    .where(_TABLE.c.channel == bindparam("k_channel"), _TABLE.c.sender == bindparam("k_sender"))
    .with_for_update()
)
_INSERT = Prepared(insert(_TABLE).values({name: bindparam(name) for name in COLUMNS}))


class ContactRow:
    """The contact row as the flows read and change it: the columns of `Contact` as plain
    attributes. Not an ORM object: nothing needs its changes watched (the row is written back
    by comparing with what was read), and the ORM's attribute events cost more than the
    assignments themselves on every turn (`turn.finish()`, the conversation's memory)."""

    __slots__ = COLUMNS

    channel: str
    sender: str
    phone: str | None
    lang: str | None
    opted_out_at: datetime | None
    last_inbound_at: datetime | None
    flow: str | None
    state: dict
    state_updated_at: datetime | None
    last_replies: list | None
    recent_messages: list | None
    created_at: datetime | None

    def __init__(self, values: dict[str, Any]) -> None:
        for name in COLUMNS:
            setattr(self, name, values[name])

    def __repr__(self) -> str:
        return f"ContactRow(channel={self.channel!r}, sender={self.sender!r}, flow={self.flow!r})"


class LoadedContact:
    """A contact row and what it held when it was read, to write back only what changed."""

    __slots__ = ("contact", "original")

    def __init__(self, contact: ContactRow, original: dict[str, Any] | None) -> None:
        self.contact = contact
        self.original = original  # None: the row does not exist yet

    @property
    def is_new(self) -> bool:
        return self.original is None


def load(conn: Connection, channel: str, sender: str) -> LoadedContact:
    row = _SELECT.first(conn, {"k_channel": channel, "k_sender": sender})
    if row is None:
        values = dict.fromkeys(COLUMNS)
        values.update(channel=channel, sender=sender, state={})
        return LoadedContact(ContactRow(values), None)
    original = row._asdict()
    if original["state"] is None:
        original["state"] = {}
    return LoadedContact(ContactRow(original), original)


def save(conn: Connection, loaded: LoadedContact, now: datetime | None = None) -> None:
    """One INSERT (a new contact: a duplicate key means another turn made it first, and the
    caller retries) or one UPDATE of the changed columns (none changed: no statement)."""
    contact = loaded.contact
    values = {name: getattr(contact, name) for name in CHANGEABLE}
    if loaded.original is None:
        created = contact.created_at or now or utcnow()
        _INSERT.rowcount(
            conn,
            {"channel": contact.channel, "sender": contact.sender, **values, "created_at": created},
        )
        return
    changed = {name: value for name, value in values.items() if value != loaded.original[name]}
    if changed:
        _update_of(tuple(sorted(changed))).rowcount(conn, {**_key(contact), **changed})


def _key(contact: ContactRow) -> dict[str, str]:
    return {"k_channel": contact.channel, "k_sender": contact.sender}


_updates: dict[tuple[str, ...], Prepared] = {}


def _update_of(columns: tuple[str, ...]) -> Prepared:
    """One prebuilt UPDATE per set of changed columns (a handful of sets occur)."""
    statement = _updates.get(columns)
    if statement is None:
        statement = _updates[columns] = Prepared(
            update(_TABLE)
            .where(
                _TABLE.c.channel == bindparam("k_channel"),
                _TABLE.c.sender == bindparam("k_sender"),
            )
            .values({name: bindparam(name) for name in columns})
        )
    return statement
