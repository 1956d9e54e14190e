"""The `notice_sends` ledger: planning a month, claiming work, and settling each notice.

Safety rests on conditional UPDATEs, which are atomic on SQLite and PostgreSQL alike:
- a row is claimed only if it is still `pending` (two workers cannot both win it);
- claimed rows are marked in flight (`in_flight_since`) only by their claim token, a small
  group at a time, in a commit made before the provider is called for any of them; the mark is
  cleared when each settles (the group's outcomes are recorded with the next group's mark);
- a run stopped by an exception or Ctrl-C records what went out and hands back what it never
  gave the provider, so only the notice caught mid-send stays in flight;
- a claim left behind by a dead worker is recovered after its lease: rows never started go
  back to `pending`; a row in flight may have been delivered, so it is settled as `failed`
  with INTERRUPTED rather than sent again (the operator may resend those on purpose). A
  process killed outright leaves at most its last group in flight: reported, never guessed.
So a notice is sent at most once, and a stopped run resumes with what is left.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, and_, bindparam, case, func, insert, literal, or_, select, update
from sqlalchemy.engine import Connection

from bot.channels.contacts import OPTED_OUT
from bot.notices.models import FAILED, PENDING, SENDING, SENT, NoticeSend, NoticeSubscription
from bot.storage.base import aware

INTERRUPTED = "interrupted while sending: delivery unknown, not resent"
S, N = NoticeSubscription.__table__.c, NoticeSend.__table__.c


@dataclass(frozen=True)
class Claimed:
    send_id: int
    subscription_id: int
    attempts: int
    account: str
    channel: str
    address: str
    phone: str | None
    lang: str
    active: bool


@dataclass(frozen=True)
class Outcome:
    send_id: int
    state: str  # SENT, FAILED, or PENDING again (a retry later)
    error: str | None = None
    provider_id: str | None = None
    next_attempt_at: datetime | None = None


def new_token() -> str:
    return uuid.uuid4().hex


def plan_month(engine: Engine, month: str) -> int:
    """One pending row per active subscription that has none for `month` yet; returns how
    many were added. Safe to repeat: the unique (month, subscription) forbids duplicates."""
    already = select(N.subscription_id).where(N.month == month)
    with engine.begin() as conn:
        result = conn.execute(
            insert(NoticeSend.__table__).from_select(
                ["month", "subscription_id", "state", "attempts"],
                select(literal(month), S.id, literal(PENDING), literal(0)).where(
                    S.unsubscribed_at.is_(None), S.id.not_in(already)
                ),
            ),
            # psycopg's count of an INSERT … SELECT is -1 unless SQLAlchemy is asked to keep it
            execution_options={"preserve_rowcount": True},
        )
        return int(result.rowcount or 0)


def _in_range(id_range: tuple[int, int] | None):
    return True if id_range is None else and_(N.id >= id_range[0], N.id < id_range[1])


def recover_stale(
    engine: Engine,
    month: str,
    now: datetime,
    lease: timedelta,
    id_range: tuple[int, int] | None = None,
) -> int:
    """Release the claims of workers that died (claimed before `now - lease`)."""
    stale = and_(
        N.month == month, N.state == SENDING, N.claimed_at <= now - lease, _in_range(id_range)
    )
    with engine.begin() as conn:
        released = conn.execute(
            update(NoticeSend.__table__)
            .where(stale, N.in_flight_since.is_(None))
            .values(state=PENDING, claim_token=None, claimed_at=None)
        ).rowcount
        interrupted = conn.execute(
            update(NoticeSend.__table__)
            .where(stale, N.in_flight_since.is_not(None))
            .values(state=FAILED, claim_token=None, in_flight_since=None, last_error=INTERRUPTED)
        ).rowcount
    return int(released or 0) + int(interrupted or 0)


def resend_interrupted(engine: Engine, month: str) -> int:
    """The operator's explicit choice to send again the notices a crash left in doubt."""
    with engine.begin() as conn:
        return int(
            conn.execute(
                update(NoticeSend.__table__)
                .where(N.month == month, N.state == FAILED, N.last_error == INTERRUPTED)
                .values(state=PENDING, last_error=None, next_attempt_at=None)
            ).rowcount
            or 0
        )


def claim(
    engine: Engine,
    month: str,
    token: str,
    limit: int,
    now: datetime,
    id_range: tuple[int, int] | None = None,
    after_id: int = 0,
) -> list[Claimed]:
    """Up to `limit` due rows with ids above `after_id`: a run claims onwards from its last
    batch, so finding the next batch does not walk (or sort) the rows already done."""
    due = and_(
        # Wrapped so that SQLite (no statistics) walks the primary key onwards from `after_id`
        # instead of taking every pending row of the month from the (month, state) index and
        # sorting them: 113 ms against 0.2 ms a claim half-way through a million.
        func.coalesce(N.month, "") == month,
        func.coalesce(N.state, "") == PENDING,
        N.id > after_id,
        _in_range(id_range),
        or_(N.next_attempt_at.is_(None), N.next_attempt_at <= now),
    )
    with engine.begin() as conn:
        candidates = list(conn.scalars(select(N.id).where(due).order_by(N.id).limit(limit)))
        if not candidates:
            return []
        # The conditional UPDATE is the claim itself: a row another worker took meanwhile is
        # no longer pending and is simply not ours.
        conn.execute(
            update(NoticeSend.__table__)
            .where(N.id.in_(candidates), N.state == PENDING)
            .values(state=SENDING, claim_token=token, claimed_at=now)
        )
        rows = conn.execute(
            select(
                N.id,
                N.subscription_id,
                N.attempts,
                S.account,
                S.channel,
                S.address,
                S.phone,
                S.lang,
                S.unsubscribed_at,
            )
            .join(NoticeSubscription.__table__, S.id == N.subscription_id)
            .where(N.id.in_(candidates), N.claim_token == token, N.state == SENDING)
            .order_by(N.id)
        ).all()
    return [
        Claimed(
            r.id,
            r.subscription_id,
            r.attempts,
            r.account,
            r.channel,
            r.address,
            r.phone,
            r.lang,
            r.unsubscribed_at is None,
        )
        for r in rows
    ]


# Every outcome is recorded by one statement, many rows at a time (executemany): a notice
# that went out gets its provider id and time; one to retry later, its time; the claim ends.
_SETTLE = (
    update(NoticeSend.__table__)
    .where(N.id == bindparam("b_id"), N.claim_token == bindparam("b_token"))
    .values(
        state=bindparam("b_state"),
        in_flight_since=None,
        last_error=bindparam("b_error"),
        provider_id=bindparam("b_provider_id"),
        sent_at=bindparam("b_sent_at"),
        next_attempt_at=bindparam("b_next_attempt_at"),
        claim_token=None,
    )
)


def _settle(conn: Connection, token: str, outcomes: Sequence[Outcome], now: datetime) -> None:
    if not outcomes:
        return
    conn.execute(
        _SETTLE,
        [
            {
                "b_id": outcome.send_id,
                "b_token": token,
                "b_state": outcome.state,
                "b_error": outcome.error,
                "b_provider_id": outcome.provider_id if outcome.state == SENT else None,
                "b_sent_at": now if outcome.state == SENT else None,
                "b_next_attempt_at": outcome.next_attempt_at if outcome.state == PENDING else None,
            }
            for outcome in outcomes
        ],
    )


def settle(engine: Engine, token: str, outcomes: Sequence[Outcome], now: datetime) -> None:
    if not outcomes:
        return
    with engine.begin() as conn:
        _settle(conn, token, outcomes, now)


def start_sends(
    engine: Engine,
    token: str,
    send_ids: Sequence[int],
    now: datetime,
    settle_first: Sequence[Outcome] = (),
    opted_out: list[int] | None = None,
) -> set[int]:
    """Mark `send_ids` in flight, in one commit with the outcomes of the previous group. Returns
    the ids marked: one missing is not to be sent. Either it is no longer ours (recovered by
    someone else), or its subscription ended since it was claimed (the subscriber stopped the
    bill alerts while the bills were looked up): that one is settled here as failed, OPTED_OUT,
    and its id added to `opted_out`. The opt-out is read in the commit made just before the
    provider is called, not only when the notice was claimed."""
    with engine.begin() as conn:
        _settle(conn, token, settle_first, now)
        if not send_ids:
            return set()
        ours = and_(
            N.id.in_(list(send_ids)),
            N.claim_token == token,
            N.state == SENDING,
            N.in_flight_since.is_(None),
        )
        ended = select(S.id).where(S.unsubscribed_at.is_not(None))
        withdrawn = list(
            conn.scalars(
                update(NoticeSend.__table__)
                .where(ours, N.subscription_id.in_(ended))
                .values(state=FAILED, claim_token=None, last_error=OPTED_OUT)
                .returning(N.id)
            )
        )
        if opted_out is not None:
            opted_out.extend(withdrawn)
        return set(
            conn.scalars(
                update(NoticeSend.__table__)
                .where(ours)
                .values(in_flight_since=now, attempts=N.attempts + 1)
                .returning(N.id)
            )
        )


def start_send(
    engine: Engine, token: str, send_id: int, now: datetime, settle_first: Outcome | None = None
) -> bool:
    """`start_sends` for one notice."""
    first = [settle_first] if settle_first is not None else []
    return send_id in start_sends(engine, token, [send_id], now, first)


def release(engine: Engine, token: str, send_ids: Sequence[int]) -> None:
    """Hand back claimed rows the provider was never given (a run stopped cleanly), whether
    or not their group was already marked in flight; the caller never names the one mid-send."""
    if not send_ids:
        return
    with engine.begin() as conn:
        conn.execute(
            update(NoticeSend.__table__)
            .where(N.id.in_(list(send_ids)), N.claim_token == token)
            .values(
                state=PENDING,
                claim_token=None,
                claimed_at=None,
                in_flight_since=None,
                # Marking counted an attempt that was never made.
                attempts=case((N.in_flight_since.is_not(None), N.attempts - 1), else_=N.attempts),
            )
        )


def next_retry_at(
    engine: Engine, month: str, id_range: tuple[int, int] | None = None
) -> datetime | None:
    with engine.connect() as conn:
        return aware(
            conn.scalar(
                select(func.min(N.next_attempt_at)).where(
                    N.month == month, N.state == PENDING, _in_range(id_range)
                )
            )
        )


def counts(engine: Engine, month: str) -> dict[str, int]:
    with engine.connect() as conn:
        found: dict[str, int] = dict(
            conn.execute(
                select(N.state, func.count()).where(N.month == month).group_by(N.state)
            ).all()
        )
    return {state: int(found.get(state, 0)) for state in (PENDING, SENDING, SENT, FAILED)}


def subscribed_channels(engine: Engine) -> set[str]:
    """The channels of the subscriptions still active."""
    with engine.connect() as conn:
        return set(
            conn.execute(select(S.channel).where(S.unsubscribed_at.is_(None)).distinct()).scalars()
        )


def due_by_channel(engine: Engine, month: str) -> dict[str, int]:
    """What a send of `month` would still try, by channel, read without writing a row: the active
    subscriptions with no notice of `month` yet (a run plans them first) and those whose notice
    is not settled. A dry run and the transport check count with it, so that neither leaves
    anything planned behind it."""
    unsettled = select(N.subscription_id).where(N.month == month, N.state.in_([PENDING, SENDING]))
    planned = select(N.subscription_id).where(N.month == month)
    with engine.connect() as conn:
        return {
            channel: int(n)
            for channel, n in conn.execute(
                select(S.channel, func.count())
                .where(
                    S.unsubscribed_at.is_(None),
                    or_(S.id.not_in(planned), S.id.in_(unsettled)),
                )
                .group_by(S.channel)
            )
        }


def failures(engine: Engine, month: str) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            error or "unknown": int(n)
            for error, n in conn.execute(
                select(N.last_error, func.count())
                .where(N.month == month, N.state == FAILED)
                .group_by(N.last_error)
                .order_by(func.count().desc())
            )
        }


def undelivered(engine: Engine, month: str) -> dict[str, int]:
    """Notices Twilio accepted but could not deliver (its status callback), by status and code."""
    with engine.connect() as conn:
        return {
            f"{status} {code or '-'}": int(n)
            for status, code, n in conn.execute(
                select(N.delivery_status, N.delivery_error, func.count())
                .where(N.month == month, N.delivery_status.in_(["undelivered", "failed"]))
                .group_by(N.delivery_status, N.delivery_error)
                .order_by(func.count().desc())
            )
        }


def delivered(engine: Engine, month: str) -> int:
    with engine.connect() as conn:
        return int(
            conn.scalar(
                select(func.count()).where(
                    N.month == month, N.delivery_status.in_(["delivered", "read"])
                )
            )
            or 0
        )


def id_bounds(engine: Engine, month: str) -> tuple[int, int] | None:
    with engine.connect() as conn:
        low, high = conn.execute(
            select(func.min(N.id), func.max(N.id)).where(N.month == month)
        ).one()
    return None if low is None else (int(low), int(high))
