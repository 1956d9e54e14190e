"""Each inbound message is handled once: its id is claimed by an atomic insert into
`deliveries`, and the rendered answer is stored on the row so a retried webhook delivery gets
the same answer without reaching the engine again.

The real engine makes the claim in its turn's own transaction (`claim_in`), committed with the
answer; other engines claim first in a transaction of its own (`claim`).

A claim whose answer never arrived (the process died, the database went away mid-turn) is
taken over at once when its owner was a process of this host that is gone, and otherwise after
`LEASE`, so a message is never stuck behind a dead claim past the provider's retries.
"""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, make_url, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from bot.storage.base import aware, utcnow
from bot.storage.db import engine_for
from bot.storage.models import Delivery
from bot.storage.prepared import Along, Prepared

# Twilio waits 15 s for a webhook's answer: a claim older than that belongs to an answer
# nobody is waiting for any more, and the retry it caused should be handled.
LEASE = timedelta(seconds=15)
HOST = socket.gethostname()[:40]


def this_process() -> str:
    return f"{HOST}:{os.getpid()}"


def _owner_is_gone(owner: str | None) -> bool:
    """True when `owner` was a process of this host that no longer runs. (A host's processes
    in another PID namespace under the same hostname would look gone: give containers their
    own hostnames, as they have by default.)"""
    host, _, pid = (owner or "").rpartition(":")
    if host != HOST or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # it exists, under another user
    return False


POLL_SECONDS = 0.05


@dataclass(frozen=True)
class Claim:
    fresh: bool  # True: this caller owns the message and must answer it
    replies: list[str] | None = None  # the stored answer of an earlier delivery, once it exists
    unsent: int = 0  # how many of those replies (the last ones) never reached the provider


_TABLE = Delivery.__table__
_THIS_MESSAGE = (_TABLE.c.channel == bindparam("d_channel")) & (
    _TABLE.c.message_id == bindparam("d_message_id")
)
# The two statements every message runs, built once.
_CLAIM_VALUES: dict[str, Any] = {
    "channel": bindparam("d_channel"),
    "message_id": bindparam("d_message_id"),
    "received_at": bindparam("d_received_at"),
    "owner": bindparam("d_owner"),
    "unsent": 0,
}
_CLAIM = insert(_TABLE).values(_CLAIM_VALUES)
# The same insert, doing nothing on a duplicate key instead of failing the transaction it is in;
# its row count says which (psycopg's is lost for an INSERT unless SQLAlchemy keeps it).
_CLAIM_IF_NEW = {
    name: Prepared(
        dialect.insert(_TABLE)
        .values(_CLAIM_VALUES)
        .on_conflict_do_nothing()
        .execution_options(preserve_rowcount=True)
    )
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}
_RECORD_REPLIES = Prepared(
    update(_TABLE)
    .where(_THIS_MESSAGE)
    .values(replies=bindparam("d_replies"), unsent=bindparam("d_unsent"))
)
# The claim with the turn's first statement (PostgreSQL: in it, see `claim_along`): what it
# inserted comes back (nothing: the message id was claimed before).
_CLAIM_RETURNING = (
    postgresql.insert(_TABLE)
    .values(_CLAIM_VALUES)
    .on_conflict_do_nothing()
    .returning(_TABLE.c.message_id)
)


def claim(url: str, channel: str, message_id: str, now: datetime | None = None) -> Claim:
    """Claim the message in a transaction of its own, committed at once."""
    now = now or utcnow()
    try:
        with engine_for(url).begin() as conn:
            conn.execute(_CLAIM, _claim_values(channel, message_id, now))
        return Claim(fresh=True)
    except IntegrityError:
        pass
    with engine_for(url).begin() as conn:
        return _claim_existing(conn, channel, message_id, now)


def claims_in_turn(url: str) -> bool:
    """Whether `claim_in` works on this database (an insert that skips a duplicate key
    without failing the transaction it is in)."""
    return make_url(url).get_backend_name() in _CLAIM_IF_NEW


def claim_in(conn: Connection, channel: str, message_id: str, now: datetime | None = None) -> Claim:
    """`claim` as the first statement of the caller's transaction (the engine's turn): the claim
    is committed with the turn and its stored answer, or rolled back with them, so a turn that
    fails or a process that dies leaves no claim behind. A redelivery meanwhile waits on the
    uncommitted row (PostgreSQL's unique index; SQLite's single writer) and then finds the
    answer; one whose turn was rolled back claims the message afresh."""
    now = now or utcnow()
    inserted = _CLAIM_IF_NEW[conn.dialect.name].rowcount(
        conn, _claim_values(channel, message_id, now)
    )
    if inserted == 1:
        return Claim(fresh=True)
    return _claim_existing(conn, channel, message_id, now)


def claim_along(channel: str, message_id: str, now: datetime | None = None) -> Along:
    """`claim_in` to make with the turn's first statement (the contact row's read): on
    PostgreSQL in the same round trip. What it wrote (`Along.run_alone`, or the row the
    combined statement returns) says whether the claim is this turn's; when it is not,
    `claim_in` looks at the earlier claim."""
    values = _claim_values(channel, message_id, now or utcnow())
    return Along(_CLAIM_RETURNING, values, _claim_alone)


def claimed_before(conn: Connection, channel: str, message_id: str) -> Claim:
    """What `claim_in` finds when its insert (`claim_along`'s) wrote nothing."""
    return _claim_existing(conn, channel, message_id, utcnow())


def _claim_alone(conn: Connection, values: Mapping[str, Any]) -> int:
    return _CLAIM_IF_NEW[conn.dialect.name].rowcount(conn, values)


def _claim_values(channel: str, message_id: str, now: datetime) -> dict:
    return {
        "d_channel": channel,
        "d_message_id": message_id,
        "d_received_at": now,
        "d_owner": this_process(),
    }


def _claim_existing(conn: Connection, channel: str, message_id: str, now: datetime) -> Claim:
    """The message was claimed before: its answer, a claim still in force, or a dead claim
    taken over."""
    table = _TABLE
    row = conn.execute(
        select(table.c.received_at, table.c.replies, table.c.unsent, table.c.owner).where(
            table.c.channel == channel, table.c.message_id == message_id
        )
    ).one_or_none()
    if row is None:  # released by its owner a moment ago: claim it again
        if conn.dialect.name in _CLAIM_IF_NEW:
            return claim_in(conn, channel, message_id, now)
        return Claim(fresh=False)  # the provider's retry will find it free
    if row.replies is not None:
        return Claim(fresh=False, replies=json.loads(row.replies), unsent=row.unsent or 0)
    if aware(row.received_at) > now - LEASE and not _owner_is_gone(row.owner):
        return Claim(fresh=False)
    taken = conn.execute(
        update(table)
        .where(
            table.c.channel == channel,
            table.c.message_id == message_id,
            table.c.replies.is_(None),
            table.c.received_at == row.received_at,
        )
        .values(received_at=now, owner=this_process())
    )
    return Claim(fresh=taken.rowcount == 1)


def wait_for_replies(url: str, channel: str, message_id: str, timeout: float) -> list[str] | None:
    """The answer of a delivery another worker is still handling, if it comes within `timeout`."""
    table = Delivery.__table__
    deadline = time.monotonic() + timeout
    while True:
        with engine_for(url).connect() as conn:
            stored = conn.execute(
                select(table.c.replies).where(
                    table.c.channel == channel, table.c.message_id == message_id
                )
            ).scalar()
        if stored is not None:
            return json.loads(stored)
        if time.monotonic() >= deadline:
            return None
        time.sleep(POLL_SECONDS)


def record_replies(
    url: str, channel: str, message_id: str, replies: list[str], unsent: int = 0
) -> None:
    """Store the answer; `unsent`: how many of its replies still have to be sent by the caller."""
    with engine_for(url).begin() as conn:
        store_replies(conn, channel, message_id, replies, unsent)


def store_replies(
    conn: Connection, channel: str, message_id: str, replies: list[str], unsent: int = 0
) -> None:
    """`record_replies` inside the caller's transaction: the engine stores the answer in the
    same commit as what the turn did, so the two are saved together or not at all."""
    _RECORD_REPLIES.rowcount(conn, _answer_values(channel, message_id, replies, unsent))


def answer_along(channel: str, message_id: str, replies: list[str], unsent: int = 0) -> Along:
    """`store_replies` to make with the turn's last statement (the contact row's write): on
    PostgreSQL one round trip for both."""
    values = _answer_values(channel, message_id, replies, unsent)
    return Along(_RECORD_REPLIES.statement, values, _RECORD_REPLIES.rowcount)


def _answer_values(channel: str, message_id: str, replies: list[str], unsent: int) -> dict:
    return {
        "d_channel": channel,
        "d_message_id": message_id,
        "d_replies": json.dumps(replies, ensure_ascii=False),
        "d_unsent": unsent,
    }


def record_sent(url: str, channel: str, message_id: str, unsent: int) -> None:
    """A reply went out: `unsent` of the answer's replies are left to send."""
    table = Delivery.__table__
    with engine_for(url).begin() as conn:
        conn.execute(
            update(table)
            .where(
                table.c.channel == channel,
                table.c.message_id == message_id,
            )
            .values(unsent=unsent)
        )


def prune(url: str, keep: timedelta, now: datetime | None = None) -> int:
    """Forget messages received more than `keep` ago (their stored answers hold the subscriber's
    bills): no provider redelivers that late. Returns how many were deleted."""
    table = Delivery.__table__
    with engine_for(url).begin() as conn:
        deleted = conn.execute(delete(table).where(table.c.received_at < (now or utcnow()) - keep))
    return int(deleted.rowcount or 0)


def release(url: str, channel: str, message_id: str) -> None:
    """Give up a claim without an answer, so the provider's retry is handled afresh."""
    table = Delivery.__table__
    with engine_for(url).begin() as conn:
        conn.execute(
            delete(table).where(
                table.c.channel == channel,
                table.c.message_id == message_id,
                table.c.replies.is_(None),
            )
        )
