"""Telling every reporter of a hazard that it has been made safe, exactly once.

Each (report, "resolved") pair is one row of `hazard_notifications` (unique), so reruns and
restarts never add a second notice. A row is claimed (pending → sending, committed) before the
message leaves and marked (sending → sent) after the transport accepted it. A process that dies
in between leaves it "sending": we choose at most once and do not resend it. A transient failure
puts the row back to pending (the next run retries it, up to MAX_ATTEMPTS); a permanent one
(invalid number, opted out) marks it failed.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import literal, select, update
from sqlalchemy.orm import Session

from bot.channels.outbound import Outbound, OutboundSender, RoutingSender
from bot.hazards.models import Hazard, HazardNotification, HazardReport
from bot.hazards.service import HazardError
from bot.i18n import texts
from bot.outages.notify import record_result, sessions_of
from bot.outages.service import _insert_ignoring
from bot.storage.base import utcnow

RESOLVED_EVENT = "resolved"
MAX_ATTEMPTS = 5
PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"

SessionFactory = Callable[[], Session]


def resolution_notice(report: HazardReport) -> str:
    tr = texts(report.lang)
    return tr._(
        "Good news: the hazard you reported ({reference}) has been made safe. Thank you "
        "for looking out for everyone's safety.",
        reference=report.reference,
    )


def undeliverable_channels(session: Session, hazard_id: int, sender: OutboundSender) -> list[str]:
    """The channels of this hazard's reporters that `sender` has no transport for (no
    credentials, or the terminal): a notice "sent" there would reach no one."""
    channels = set(
        session.scalars(select(HazardReport.channel).where(HazardReport.hazard_id == hazard_id))
    )
    if not isinstance(sender, RoutingSender):
        return []  # a sender handed in by the caller delivers everything it is given
    return sorted(channel for channel in channels if channel not in sender.by_channel)


def notify_resolved(
    session_factory_or_url: SessionFactory | str, hazard_id: int, sender: OutboundSender
) -> int:
    """Tell each reporter not told yet; returns how many messages were sent now."""
    factory = sessions_of(session_factory_or_url)
    with factory() as session:
        hazard = session.get(Hazard, hazard_id)
        if hazard is None:
            raise HazardError(f"no hazard {hazard_id}")
        if not hazard.is_resolved:
            raise HazardError(f"{hazard.reference} is not resolved yet")
        reporters = select(
            HazardReport.id,
            HazardReport.hazard_id,
            literal(RESOLVED_EVENT),
            literal(PENDING),
            literal(0),
            literal(utcnow()),
        ).where(HazardReport.hazard_id == hazard_id)
        columns = ["report_id", "hazard_id", "event", "status", "attempts", "created_at"]
        statement = _insert_ignoring(session, HazardNotification, {}, ["report_id", "event"])
        session.execute(statement.from_select(columns, reporters))
        session.commit()
    return _deliver(factory, sender, hazard_id)


def notify_pending(
    session_factory_or_url: SessionFactory | str,
    sender: OutboundSender,
    hazard_id: int | None = None,
) -> int:
    """Send the notices a failed send left pending (all hazards, or one)."""
    factory = sessions_of(session_factory_or_url)
    with factory() as session:
        query = select(HazardNotification.hazard_id).where(HazardNotification.status == PENDING)
        if hazard_id is not None:
            query = query.where(HazardNotification.hazard_id == hazard_id)
        hazards = sorted(set(session.scalars(query)))
    return sum(_deliver(factory, sender, h) for h in hazards)


def notice_counts(session: Session, hazard_id: int) -> dict[str, int]:
    statuses = list(
        session.scalars(
            select(HazardNotification.status).where(HazardNotification.hazard_id == hazard_id)
        )
    )
    return {status: statuses.count(status) for status in (SENT, PENDING, SENDING, FAILED)}


def _deliver(factory: SessionFactory, sender: OutboundSender, hazard_id: int) -> int:
    sent = 0
    with factory() as session:
        ids = list(
            session.scalars(
                select(HazardNotification.id)
                .where(
                    HazardNotification.hazard_id == hazard_id,
                    HazardNotification.status == PENDING,
                )
                .order_by(HazardNotification.id)
            )
        )
        for note_id in ids:
            sent += _deliver_one(session, sender, note_id)
    return sent


def _deliver_one(session: Session, sender: OutboundSender, note_id: int) -> int:
    claim = (
        update(HazardNotification)
        .where(
            HazardNotification.id == note_id,
            HazardNotification.status == PENDING,
        )
        .values(status=SENDING, claimed_at=utcnow(), attempts=HazardNotification.attempts + 1)
    )
    if session.execute(claim.returning(HazardNotification.id)).first() is None:
        session.rollback()  # another notifier has it
        return 0
    note = session.get(HazardNotification, note_id, populate_existing=True)
    report = session.get(HazardReport, note.report_id) if note is not None else None
    # The claim just found the row, and its report stays while it does (a foreign key).
    assert note is not None and report is not None
    note.text = resolution_notice(report)
    session.commit()  # the claim is durable before anything leaves
    address = report.sender.removeprefix("tg:") if report.channel == "telegram" else report.sender
    result = sender.send(Outbound(channel=report.channel, address=address, text=note.text))
    record_result(note, result)
    session.commit()
    return 1 if result.ok else 0
