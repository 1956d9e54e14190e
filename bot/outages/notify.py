"""Telling every reporter about a new estimate or the restoration, exactly once per event.

Each (report, event) pair is one row of `outage_notifications` (unique), so reruns and restarts
never add a second notice. The notices of one incident go out one notifier at a time
(bot/outages/incident_lock.py), and each is checked for staleness just before it leaves: an
estimate superseded by a newer one or by the restoration is skipped, never sent late. A row is claimed (pending → sending, committed) before the message
leaves and marked (sending → sent, committed) after the transport accepted it; concurrent
notifiers cannot both claim a row.

If the process dies between the send and the mark, the row stays "sending": we cannot know
whether the message left, and we choose at most once. A rerun does not resend such rows; it
counts them as unconfirmed, and the operator may resend them deliberately with
`sadeeq outages notify --resend-unconfirmed` (only while no other notifier is running).
A transient failure puts the row back to pending (retried by the next run, up to MAX_ATTEMPTS);
a permanent one (invalid number, opted out) marks it failed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import literal, select, update
from sqlalchemy.orm import Session

from bot.channels.outbound import Outbound, OutboundSender, SendResult
from bot.outages.incident_lock import incident_lock
from bot.outages.models import CANCELLED, Incident, OutageNotification, OutageReport
from bot.outages.notices import estimate_notice, restoration_notice
from bot.outages.service import OutageError, _insert_ignoring
from bot.storage.base import utcnow
from bot.storage.db import session_factory

ESTIMATE = "estimate"  # resolved to "estimate:<version>" of the incident's current estimate
RESTORED_EVENT = "restored"
MAX_ATTEMPTS = 5

PENDING, SENDING, SENT, FAILED, SKIPPED = "pending", "sending", "sent", "failed", "skipped"

SessionFactory = Callable[[], Session]


@dataclass(frozen=True)
class NotifyStatus:
    sent: int
    pending: int
    unconfirmed: int  # claimed but never marked: the process died between send and mark
    failed: int


def notify_incident_event(
    session_factory_or_url: SessionFactory | str,
    incident_id: int,
    event: str,
    sender: OutboundSender,
    *,
    resend_unconfirmed: bool = False,
) -> int:
    """Notify every reporter of the incident about `event` ("restored", "estimate" or
    "estimate:<n>") who has not been notified yet. Returns how many messages were sent now."""
    factory = sessions_of(session_factory_or_url)
    with factory() as session:
        incident = session.get(Incident, incident_id)
        if incident is None:
            raise OutageError(f"no incident {incident_id}")
        event = _resolve(incident, event)
        _enqueue(session, incident.id, event)
        session.commit()
    return _deliver(factory, sender, incident_id, event, resend_unconfirmed)


def notify_pending(
    session_factory_or_url: SessionFactory | str,
    sender: OutboundSender,
    *,
    incident_id: int | None = None,
    resend_unconfirmed: bool = False,
) -> int:
    """Resume every event that still has unsent notices (after a crash or a failed send)."""
    factory = sessions_of(session_factory_or_url)
    statuses = [PENDING, SENDING] if resend_unconfirmed else [PENDING]
    with factory() as session:
        query = select(OutageNotification.incident_id, OutageNotification.event).where(
            OutageNotification.status.in_(statuses)
        )
        if incident_id is not None:
            query = query.where(OutageNotification.incident_id == incident_id)
        pairs = sorted({(row[0], row[1]) for row in session.execute(query)})
    return sum(_deliver(factory, sender, i, e, resend_unconfirmed) for i, e in pairs)


def notify_status(session_factory_or_url: SessionFactory | str, incident_id: int) -> NotifyStatus:
    factory = sessions_of(session_factory_or_url)
    with factory() as session:
        statuses = list(
            session.scalars(
                select(OutageNotification.status).where(
                    OutageNotification.incident_id == incident_id
                )
            )
        )
    return NotifyStatus(
        statuses.count(SENT),
        statuses.count(PENDING),
        statuses.count(SENDING),
        statuses.count(FAILED),
    )


def channels_to_notify(
    session: Session, incident_id: int | None, *, pending_only: bool = False
) -> set[str]:
    """The channels the reporters of an incident (or, with None, of every incident with
    pending notices) wrote from: the transports a notice run needs."""
    if pending_only or incident_id is None:
        query = (
            select(OutageReport.channel)
            .join(OutageNotification, OutageNotification.report_id == OutageReport.id)
            .where(OutageNotification.status.in_([PENDING, SENDING]))
        )
        if incident_id is not None:
            query = query.where(OutageNotification.incident_id == incident_id)
    else:
        query = select(OutageReport.channel).where(OutageReport.incident_id == incident_id)
    return set(session.scalars(query.distinct()))


def preview(session: Session, incident: Incident, event: str) -> list[Outbound]:
    """What notifying every reporter of `incident` about `event` would send (`--dry-run`):
    composed from the incident as it stands in `session`; nothing is claimed or recorded.
    The reports `_enqueue` would notify: a cancelled one is sent nothing."""
    event = _resolve(incident, event)
    reports = session.scalars(
        select(OutageReport)
        .where(OutageReport.incident_id == incident.id, OutageReport.status != CANCELLED)
        .order_by(OutageReport.id)
    )
    return [
        Outbound(
            channel=r.channel, address=notify_address(r), text=compose(event, r, incident, utcnow())
        )
        for r in reports
    ]


def notify_address(report: OutageReport) -> str:
    """Where the channel delivers: the phone for Twilio channels, the chat id for Telegram
    (a private chat's id is the user id we keep as "tg:<id>")."""
    return report.sender.removeprefix("tg:") if report.channel == "telegram" else report.sender


def compose(
    event: str, report: OutageReport, incident: Incident, now: datetime | None = None
) -> str:
    """`now`: the moment it is composed, just before it is sent (an estimate said by its day's
    name, "اليوم الساعة 2:00 م")."""
    if event == RESTORED_EVENT:
        return restoration_notice(report, incident)
    return estimate_notice(report, incident, now)


def _resolve(incident: Incident, event: str) -> str:
    if event == RESTORED_EVENT:
        if incident.is_open:
            raise OutageError(f"{incident.reference} is not restored yet")
        return event
    if event == ESTIMATE:
        if not incident.estimate_version:
            raise OutageError(f"{incident.reference} has no estimate to announce")
        return f"{ESTIMATE}:{incident.estimate_version}"
    if event.startswith(f"{ESTIMATE}:") and event.split(":", 1)[1].isdigit():
        return event
    raise OutageError(f"unknown event {event!r} (restored, estimate or estimate:<n>)")


def _enqueue(session: Session, incident_id: int, event: str) -> None:
    reporters = select(
        OutageReport.id,
        OutageReport.incident_id,
        literal(event),
        literal(PENDING),
        literal(0),
        literal(utcnow()),
    ).where(OutageReport.incident_id == incident_id, OutageReport.status != CANCELLED)
    columns = ["report_id", "incident_id", "event", "status", "attempts", "created_at"]
    statement = _insert_ignoring(session, OutageNotification, {}, ["report_id", "event"])
    session.execute(statement.from_select(columns, reporters))


def _is_stale(event: str, incident: Incident) -> bool:
    # An estimate superseded by a newer one, or by the restoration, would only mislead.
    if not event.startswith(f"{ESTIMATE}:"):
        return False
    return not incident.is_open or int(event.split(":", 1)[1]) != incident.estimate_version


def _deliver(
    factory: SessionFactory,
    sender: OutboundSender,
    incident_id: int,
    event: str,
    resend_unconfirmed: bool,
) -> int:
    mine = (OutageNotification.incident_id == incident_id) & (OutageNotification.event == event)
    sent = 0
    with factory() as session, incident_lock(session.get_bind().engine, incident_id):
        if resend_unconfirmed:
            session.execute(
                update(OutageNotification)
                .where(mine, OutageNotification.status == SENDING)
                .values(status=PENDING)
            )
        incident = session.get(Incident, incident_id)
        if incident is None:
            return 0
        if _is_stale(event, incident):
            session.execute(
                update(OutageNotification)
                .where(mine, OutageNotification.status == PENDING)
                .values(status=SKIPPED)
            )
            session.commit()
            return 0
        session.commit()
        ids = list(
            session.scalars(
                select(OutageNotification.id)
                .where(mine, OutageNotification.status == PENDING)
                .order_by(OutageNotification.id)
            )
        )
        for note_id in ids:
            sent += _deliver_one(session, sender, note_id, event, incident)
    return sent


def _deliver_one(
    session: Session, sender: OutboundSender, note_id: int, event: str, incident: Incident
) -> int:
    claim = (
        update(OutageNotification)
        .where(OutageNotification.id == note_id, OutageNotification.status == PENDING)
        .values(status=SENDING, claimed_at=utcnow(), attempts=OutageNotification.attempts + 1)
    )
    if session.execute(claim.returning(OutageNotification.id)).first() is None:
        session.rollback()  # another notifier has it
        return 0
    note = session.get(OutageNotification, note_id, populate_existing=True)
    report = session.get(OutageReport, note.report_id) if note is not None else None
    # The claim just found the row, and its report stays while it does (a foreign key).
    assert note is not None and report is not None
    session.refresh(incident)  # as it is now
    if _is_stale(event, incident):
        note.status, note.error = SKIPPED, "superseded before it was sent"
        session.commit()
        return 0
    try:
        note.text = compose(event, report, incident, utcnow())
    except Exception as exc:  # a bad case must not block the other reporters
        note.status, note.error = (FAILED if note.attempts >= MAX_ATTEMPTS else PENDING), repr(exc)
        session.commit()
        return 0
    session.commit()  # the claim is durable before anything leaves

    result = sender.send(
        Outbound(channel=report.channel, address=notify_address(report), text=note.text)
    )
    record_result(note, result)
    session.commit()
    return 1 if result.ok else 0


def record_result(note, result: SendResult) -> None:
    """What one send did, on its ledger row (outage or hazard notice): sent, failed for good,
    or pending for another try while attempts remain."""
    if result.ok:
        note.status, note.sent_at, note.provider_id, note.error = (
            SENT,
            utcnow(),
            result.provider_id,
            None,
        )
    elif result.permanent or note.attempts >= MAX_ATTEMPTS:
        note.status, note.error = FAILED, result.error
    else:
        note.status, note.error = PENDING, result.error


def sessions_of(session_factory_or_url: SessionFactory | str) -> SessionFactory:
    if isinstance(session_factory_or_url, str):
        return session_factory(session_factory_or_url)
    return session_factory_or_url


__all__ = [
    "ESTIMATE",
    "MAX_ATTEMPTS",
    "RESTORED_EVENT",
    "NotifyStatus",
    "channels_to_notify",
    "compose",
    "notify_address",
    "notify_incident_event",
    "notify_pending",
    "notify_status",
    "preview",
]
