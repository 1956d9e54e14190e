"""Tables of outage incidents: the incident, each reporter's own record, and the notices sent.

One incident per affected area at a time. `OpenArea` holds one row per area that has an open
incident; its primary key is what keeps a burst of simultaneous reports from opening duplicate
incidents (the row is claimed with an atomic insert, on SQLite and PostgreSQL alike).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column
from sqlalchemy.sql.elements import ColumnElement

from bot.storage.base import Base, aware, utcnow

INCIDENT_PREFIX = "INC"
REPORT_PREFIX = "OUT"

OPEN = "open"
RESTORED = "restored"
CANCELLED = "cancelled"  # a report its reporter withdrew: no notices go to it
# An incident whose every report was cancelled: closed without a restoration, so operators do
# not send a crew or a "power is back" to nobody.
WITHDRAWN = "withdrawn"


def format_reference(prefix: str, number: int) -> str:
    return f"{prefix}-{number:06d}"


class Incident(Base):
    __tablename__ = "outage_incidents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area_key: Mapped[str] = mapped_column(String(160), index=True)
    city: Mapped[str | None] = mapped_column(String(80))
    district: Mapped[str | None] = mapped_column(String(120))
    # Where the first located report was; later located reports within the join distance join.
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16), default=OPEN, index=True)
    started_at: Mapped[datetime]
    # True once an operator set the start: reports arriving out of order no longer move it.
    start_set_by_operator: Mapped[bool] = mapped_column(Boolean, default=False)
    estimated_restoration_at: Mapped[datetime | None]
    # Bumped on each new estimate, so every estimate is its own notification event.
    estimate_version: Mapped[int] = mapped_column(Integer, default=0)
    cause: Mapped[str | None] = mapped_column(Text)
    force_majeure: Mapped[bool] = mapped_column(Boolean, default=False)
    planned: Mapped[bool] = mapped_column(Boolean, default=False)
    # Set by an operator: a whole city or governorate without power (the total-blackout standard).
    city_wide: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    notice_at: Mapped[datetime | None]  # when a planned outage was announced
    restored_at: Mapped[datetime | None]
    reopened_from_id: Mapped[int | None] = mapped_column(ForeignKey("outage_incidents.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def reference(self) -> str:
        return format_reference(INCIDENT_PREFIX, self.id)

    @property
    def is_open(self) -> bool:
        return self.status == OPEN

    @property
    def start(self) -> datetime:
        return aware(self.started_at)

    @property
    def end(self) -> datetime | None:
        return aware(self.restored_at)


class OutageReport(Base):
    """One reporter of one incident: when, on which channel, and where to send the notices."""

    __tablename__ = "outage_reports"
    __table_args__ = (
        # The same sender reporting the same incident twice is one report, even under races.
        UniqueConstraint("incident_id", "channel", "sender", name="uq_outage_reports_reporter"),
        Index("ix_outage_reports_channel_sender", "channel", "sender"),
        # An incident's standing reports (`status != cancelled`) are counted on every report's
        # turn: with the status in the index the count reads index entries only, not every
        # report's row (a hundred rows in a burst). It also serves a plain lookup by incident.
        Index("ix_outage_reports_incident_status", "incident_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("outage_incidents.id"))
    channel: Mapped[str] = mapped_column(String(16))
    sender: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    lang: Mapped[str] = mapped_column(String(2), default="ar")
    reported_at: Mapped[datetime]
    # When the reporter said the power went off ("طافية من ٧ الصبح"); their case starts there.
    stated_start: Mapped[datetime | None]
    # A start the reporter said but never confirmed ("من امس بالليل": the hour we offered back,
    # 22:00): never counted from (no money from a guessed hour), but never dropped either; the
    # restoration notice and the compensation answer ask about it instead of "you did not say".
    offered_start: Mapped[datetime | None]
    # The day the reporter said the power went off on, with no hour they confirmed ("من يوم
    # السبت"; or the day of an hour offered back): never counted from, but an hour they give
    # later is on that day, and until then the notice and the records ask for it, never "0".
    stated_day: Mapped[date | None] = mapped_column(Date)
    # When the reporter said the power came back ("رجعت الساعة 3"); their case ends there.
    stated_end: Mapped[datetime | None]
    account: Mapped[str | None] = mapped_column(String(20))
    city: Mapped[str | None] = mapped_column(String(80))
    district: Mapped[str | None] = mapped_column(String(120))
    premise: Mapped[str | None] = mapped_column(String(40))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    address: Mapped[str | None] = mapped_column(Text)  # the place as the reporter described it
    still_off: Mapped[bool] = mapped_column(Boolean, default=False)
    # Someone at the reporter's place depends on electrically powered medical equipment
    # (oxygen, dialysis, a ventilator): operators see the report, and its incident, first.
    urgent: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    status: Mapped[str] = mapped_column(String(16), default=OPEN)  # follows the incident's
    # What the reporter told us after reporting: the power is back (the incident stays open until
    # an operator restores it: one "it's back" may be one house of many), or "cancel my report".
    power_back_at: Mapped[datetime | None]
    # The last time the reporter said the power was still off ("للحين ما رجعت"): a restore time
    # they tell later is after it (`back_after`).
    still_off_said_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def reference(self) -> str:
        return format_reference(REPORT_PREFIX, self.id)

    @property
    def reported(self) -> datetime:
        return aware(self.reported_at)

    def start_in(self, incident: Incident) -> datetime:
        """When this reporter's outage began: the time they stated, else the incident's start.
        A start an operator set is when the area lost power, a fact: a reporter who noticed
        later is counted from it, never paid less for noticing late (`counted_from_record`)."""
        stated = aware(self.stated_start)
        if stated is None:
            return incident.start
        return min(stated, incident.start) if incident.start_set_by_operator else stated

    def counted_from_record(self, incident: Incident) -> bool:
        """Their case counts from the operator's start, earlier than the one they stated: the
        notice says so, or the length would contradict what they told us."""
        stated = aware(self.stated_start)
        return stated is not None and self.start_in(incident) < stated

    def back_after(self, incident: Incident) -> datetime:
        """The latest moment their power is known to have been off, so it came back after it:
        the outage's start, or later the last time they said it was still off."""
        start, said = self.start_in(incident), aware(self.still_off_said_at)
        return max(start, said) if said is not None else start

    def back_by(self, now: datetime) -> datetime:
        """Their power was back by then: their «رجعت الكهرباء» message, else now."""
        said = aware(self.power_back_at)
        return min(said, now) if said is not None else now

    def end_in(self, incident: Incident) -> datetime | None:
        """When this reporter's outage ended: the time they said the power came back, else the
        incident's restoration (None while neither is known). Restored after they told us it
        was back («رجعت الكهرباء», no hour): their power was back by that message, so their
        case ends there, never at an operator's later restoration for the whole area."""
        stated = aware(self.stated_end)
        if stated is not None:
            return stated
        end, back = incident.end, aware(self.power_back_at)
        return min(end, back) if end is not None and back is not None else end

    def case_over(self, incident: Incident) -> bool:
        """This reporter's outage is over: its incident closed (restored by an operator, or
        withdrawn), or they told us the hour their power came back. The one rule for a report
        a new outage is never about: a new start after it is a new report, never this one
        reopened, offered back, flagged urgent or withdrawn (its case keeps its money)."""
        return not incident.is_open or self.stated_end is not None

    def is_current(self, incident: Incident) -> bool:
        """The report a message about the power off now may be about: standing, its case not
        over (`case_over`)."""
        return self.status != CANCELLED and not self.case_over(incident)

    def ended_before_restoration(self, incident: Incident) -> bool:
        """Their case ends at a time of their own (said, or their «رجعت» message) before the
        incident's restoration: the restoration notice says until when it counted."""
        end, own = incident.end, self.end_in(incident)
        return end is not None and own is not None and own < end


class OutageMedia(Base):
    """A photo or a voice note sent with an outage report: its bytes when fetched, or why they
    could not be (the provider's reference stays, so it can be fetched again by hand)."""

    __tablename__ = "outage_media"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("outage_reports.id"), index=True)
    provider: Mapped[str] = mapped_column(String(16))  # "twilio" | "telegram"
    source: Mapped[str] = mapped_column(Text)  # Twilio's MediaUrl
    content_type: Mapped[str | None] = mapped_column(String(80))
    size: Mapped[int | None] = mapped_column(Integer)
    data: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16))  # stored | failed | too_large
    error: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class OpenArea(Base):
    """The one open incident of an area; deleted when the incident is restored."""

    __tablename__ = "outage_open_areas"

    area_key: Mapped[str] = mapped_column(String(160), primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("outage_incidents.id"), unique=True)


class OutageNotification(Base):
    """One notice to one reporter for one event ("estimate:3", "restored").

    The unique (report_id, event) pair is what makes "exactly once per event" survive restarts:
    rows are claimed (pending → sending) before the send and marked (sending → sent) after it.
    """

    __tablename__ = "outage_notifications"
    __table_args__ = (
        UniqueConstraint("report_id", "event", name="uq_outage_notifications_report_event"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("outage_reports.id"), index=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("outage_incidents.id"), index=True)
    event: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str | None] = mapped_column(Text)
    provider_id: Mapped[str | None] = mapped_column(String(80), index=True)
    # The provider's status callback: "sent" only means it was accepted, this says whether it arrived.
    delivery_status: Mapped[str | None] = mapped_column(
        String(16)
    )  # delivered | undelivered | failed | read
    delivery_error: Mapped[str | None] = mapped_column(String(16))  # Twilio's ErrorCode, e.g. 30003
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]


def standing_reports(incident_id: Any) -> ColumnElement[int]:
    """How many reports of the incident `incident_id` (a column or a parameter) stand: a
    cancelled report is nobody's report of the outage. Counted as all of its reports less the
    cancelled ones: both counts read only entries of ix_outage_reports_incident_status (the
    second only the cancelled ones), where `status != 'cancelled'` tested each entry's status,
    twice the work on every report's turn (a hundred entries an incident in a burst). Every
    report has a status (NOT NULL), so the two are the same number."""
    reports = OutageReport.__table__
    of_incident = reports.c.incident_id == incident_id
    every = select(func.count()).where(of_incident).correlate_except(reports).scalar_subquery()
    cancelled = (
        select(func.count())
        .where(of_incident, reports.c.status == CANCELLED)
        .correlate_except(reports)
        .scalar_subquery()
    )
    return every - cancelled


# Counted when read, not with every load of an incident: a report's turn loads its incident and
# has no use for a count over all of the incident's reports.
Incident.reporters_count = column_property(standing_reports(Incident.id), deferred=True)
