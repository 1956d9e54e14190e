"""The contact row of a turn: read once at its start, written once at its end.

Every message loads and saves one contact, so this is the hottest row of the bot. It is read and
written with prebuilt Core statements (no ORM identity map, no unit of work): one SELECT, and
one INSERT for a new contact or one UPDATE of the columns the turn changed. The contact
handed to the flows is a `ContactRow` (plain attributes, the columns of `Contact`); flows change
its attributes as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Executable, bindparam, insert, select, true, update

from bot.storage.base import utcnow
from bot.storage.models import Contact
from bot.storage.prepared import Along, Prepared, Read, combined

_TABLE = Contact.__table__
_KEY = ("channel", "sender")
COLUMNS = tuple(column.name for column in _TABLE.columns)
# What a turn may change; the key and the creation time never do.
CHANGEABLE = tuple(name for name in COLUMNS if name not in (*_KEY, "created_at"))

# The row lock, held to the turn's commit, is the sender lock on PostgreSQL (bot/coordination's
# `locks_senders`): a sender's next message waits here. SQLite ignores it (one writer at a time).
_SELECT = Prepared(
    select(*_TABLE.columns)
    .where(_TABLE.c.channel == bindparam("k_channel"), _TABLE.c.sender == bindparam("k_sender"))
    .with_for_update()
)
# Its parameters named apart from the columns: an answer's UPDATE in its WITH (`save`) would
# otherwise set the deliveries' column of the same name when run through
# `Connection.execute` (SQLAlchemy sets a column for each parameter named as one).
_INSERT = Prepared(insert(_TABLE).values({name: bindparam(f"c_{name}") for name in COLUMNS}))


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


def load(conn: Connection, channel: str, sender: str, ahead: Sequence[Read] = ()) -> LoadedContact:
    """`ahead`: reads the turn is about to make, sent with it (`Prepared.first`)."""
    row = _SELECT.first(conn, {"k_channel": channel, "k_sender": sender}, ahead)
    return _loaded(row, channel, sender)


def load_after(
    conn: Connection, claim: Along, channel: str, sender: str, ahead: Sequence[Read] = ()
) -> LoadedContact | None:
    """`claim` (a write with RETURNING: the channel's claim of the message id), then `load`:
    on PostgreSQL one statement, one round trip. None when the claim wrote nothing (the contact
    is not read then)."""
    key = {"k_channel": channel, "k_sender": sender}
    if not claim.combines(conn):
        return load(conn, channel, sender, ahead) if claim.run_alone(conn) else None
    both = combined((id(claim.statement), id(_SELECT)), lambda: _after(claim.statement))
    row = both.first(conn, {**claim.values, **key}, ahead)
    if row is None:
        return None
    return _loaded(row if row.channel is not None else None, channel, sender)


def _after(write: Executable) -> Executable:
    """The claim's WITH, its one row joined with the contact row if there is one (locked as by
    `_SELECT`): no row at all when the claim inserted nothing. The claim runs first; a
    redelivery waits there for the first delivery's commit, as with the claim by itself."""
    claimed = write.cte("claimed")  # type: ignore[attr-defined]
    contact = _SELECT.statement.cte("contact")  # type: ignore[attr-defined]
    return select(
        *contact.c, *(column.label(f"claimed_{column.key}") for column in claimed.c)
    ).select_from(claimed.outerjoin(contact, true()))


def _loaded(row: Any, channel: str, sender: str) -> LoadedContact:
    if row is None:
        values = dict.fromkeys(COLUMNS)
        values.update(channel=channel, sender=sender, state={})
        return LoadedContact(ContactRow(values), None)
    original = {name: getattr(row, name) for name in COLUMNS}
    if original["state"] is None:
        original["state"] = {}
    return LoadedContact(ContactRow(original), original)


def save(
    conn: Connection,
    loaded: LoadedContact,
    now: datetime | None = None,
    along: Along | None = None,
    commit: bool = False,
) -> None:
    """One INSERT (a new contact: a duplicate key means another turn made it first, and the
    caller retries) or one UPDATE of the changed columns (none changed: no statement).
    `along`: a write made with it (the channel's stored answer; PostgreSQL: in the same
    statement). `commit`: the caller commits right after (`Prepared.rowcount`'s `commit`)."""
    contact = loaded.contact
    values = {name: getattr(contact, name) for name in CHANGEABLE}
    if loaded.original is None:
        created = contact.created_at or now or utcnow()
        write: Prepared | None = _INSERT
        values.update(channel=contact.channel, sender=contact.sender, created_at=created)
        values = {f"c_{name}": value for name, value in values.items()}
    else:
        changed = {name: value for name, value in values.items() if value != loaded.original[name]}
        write = _update_of(tuple(sorted(changed))) if changed else None
        values = {**_key(contact), **changed}
    if along is not None and write is not None and along.combines(conn):
        chosen = write
        write = combined(
            (id(along.statement), id(chosen)),
            lambda: chosen.statement.add_cte(along.statement.cte("along")),  # type: ignore[attr-defined]
        )
        values.update(along.values)
    elif along is not None:
        along.run_alone(conn)
    if write is not None:
        write.rowcount(conn, values, commit=commit)


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
