"""The `notice_sends` ledger: planning a month, claiming work, and settling each notice.

Safety rests on conditional UPDATEs, which are atomic on SQLite and PostgreSQL alike:
- a row is claimed only if it is still `pending` (two workers cannot both win it);
- a claimed row is marked in flight (`in_flight_since`) only by its claim token, in its own
  commit, just before the provider is called; the mark is cleared when it settles;
- a claim left behind by a dead worker is recovered after its lease: rows never started go
  back to `pending`; a row caught in flight may have been delivered, so it is settled as
  `failed` with INTERRUPTED rather than sent again (the operator may resend those on purpose).
So a notice is sent at most once, and a stopped run resumes with what is left.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, and_, func, insert, literal, or_, select, update
from sqlalchemy.engine import Connection

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
            )
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
) -> list[Claimed]:
    due = and_(
        N.month == month,
        N.state == PENDING,
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


def _settle(conn: Connection, token: str, outcome: Outcome, now: datetime) -> None:
    values: dict = {"state": outcome.state, "in_flight_since": None, "last_error": outcome.error}
    if outcome.state == SENT:
        values.update(provider_id=outcome.provider_id, sent_at=now)
    if outcome.state == PENDING:
        values.update(next_attempt_at=outcome.next_attempt_at)
    if outcome.state != SENDING:
        values.update(claim_token=None)
    conn.execute(
        update(NoticeSend.__table__)
        .where(N.id == outcome.send_id, N.claim_token == token)
        .values(**values)
    )


def settle(engine: Engine, token: str, outcomes: Sequence[Outcome], now: datetime) -> None:
    if not outcomes:
        return
    with engine.begin() as conn:
        for outcome in outcomes:
            _settle(conn, token, outcome, now)


def start_send(
    engine: Engine, token: str, send_id: int, now: datetime, settle_first: Outcome | None = None
) -> bool:
    """Mark `send_id` in flight (after settling the previous notice, in the same commit).
    False when the row is no longer ours (recovered by someone else): do not send it."""
    with engine.begin() as conn:
        if settle_first is not None:
            _settle(conn, token, settle_first, now)
        started = conn.execute(
            update(NoticeSend.__table__)
            .where(
                N.id == send_id,
                N.claim_token == token,
                N.state == SENDING,
                N.in_flight_since.is_(None),
            )
            .values(in_flight_since=now, attempts=N.attempts + 1)
        ).rowcount
    return bool(started)


def release(engine: Engine, token: str, send_ids: Sequence[int]) -> None:
    """Hand back claimed rows that were never started (a run stopped cleanly)."""
    if not send_ids:
        return
    with engine.begin() as conn:
        conn.execute(
            update(NoticeSend.__table__)
            .where(N.id.in_(list(send_ids)), N.claim_token == token, N.in_flight_since.is_(None))
            .values(state=PENDING, claim_token=None, claimed_at=None)
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


def waiting_by_channel(engine: Engine, month: str) -> dict[str, int]:
    """Notices of `month` not yet settled, by the channel of their subscription."""
    with engine.connect() as conn:
        return {
            channel: int(n)
            for channel, n in conn.execute(
                select(S.channel, func.count())
                .select_from(
                    NoticeSend.__table__.join(
                        NoticeSubscription.__table__, N.subscription_id == S.id
                    )
                )
                .where(N.month == month, N.state.in_([PENDING, SENDING]))
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
