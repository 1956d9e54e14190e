"""Tables of safety hazards: the hazard (one place, one kind), each reporter's own report, the
photos kept with a report, and the "made safe" notices.

Near-duplicate reports (same kind, close by, within a day) join one hazard and every reporter
keeps a report of their own, so each of them is told once when it is made safe.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base, utcnow

HAZARD_PREFIX = "HZ"  # the joined hazard, as operators see it
REPORT_PREFIX = "HAZ"  # one reporter's report: the number the subscriber is given

OPEN, ASSIGNED, RESOLVED = "open", "assigned", "resolved"
STORED, FAILED, TOO_LARGE = "stored", "failed", "too_large"  # what became of a photo


def format_reference(prefix: str, number: int) -> str:
    return f"{prefix}-{number:06d}"


class Hazard(Base):
    __tablename__ = "hazards"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), index=True)
    # Danger now (sparks, fire, a fallen live line, a person hurt): first in every list.
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default=OPEN, index=True)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    # The place in words when no location was shared, and its spelling-independent form.
    place: Mapped[str | None] = mapped_column(Text)
    place_key: Mapped[str | None] = mapped_column(String(200), index=True)
    first_reported_at: Mapped[datetime]
    last_reported_at: Mapped[datetime]
    assigned_to: Mapped[str | None] = mapped_column(String(80))
    assigned_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    resolution: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def reference(self) -> str:
        return format_reference(HAZARD_PREFIX, self.id)

    @property
    def is_resolved(self) -> bool:
        return self.status == RESOLVED


class HazardReport(Base):
    """One reporter of one hazard: what they said, where, and where to tell them it is safe."""

    __tablename__ = "hazard_reports"
    __table_args__ = (
        UniqueConstraint("hazard_id", "channel", "sender", name="uq_hazard_reports_reporter"),
        Index("ix_hazard_reports_channel_sender", "channel", "sender"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hazard_id: Mapped[int] = mapped_column(ForeignKey("hazards.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    sender: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    lang: Mapped[str] = mapped_column(String(2), default="ar")
    reported_at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(24))
    danger: Mapped[bool] = mapped_column(Boolean, default=False)
    text: Mapped[str | None] = mapped_column(Text)  # the reporter's own words
    place: Mapped[str | None] = mapped_column(Text)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    address: Mapped[str | None] = mapped_column(Text)  # the shared location's own label
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def reference(self) -> str:
        return format_reference(REPORT_PREFIX, self.id)


class HazardMedia(Base):
    """A photo sent with a report: its bytes when fetched, or why it could not be (never lost:
    the provider's reference stays, so it can be fetched again by hand)."""

    __tablename__ = "hazard_media"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("hazard_reports.id"), index=True)
    provider: Mapped[str] = mapped_column(String(16))  # "twilio" | "telegram"
    source: Mapped[str] = mapped_column(Text)  # Twilio's MediaUrl, or Telegram's file_id
    content_type: Mapped[str | None] = mapped_column(String(80))
    size: Mapped[int | None] = mapped_column(Integer)
    data: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16))  # stored | failed | too_large
    error: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class HazardNotification(Base):
    """One notice to one reporter for one event ("resolved"), claimed before it is sent and
    marked after: the unique pair is what makes "told once" survive reruns and restarts."""

    __tablename__ = "hazard_notifications"
    __table_args__ = (
        UniqueConstraint("report_id", "event", name="uq_hazard_notifications_report_event"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("hazard_reports.id"), index=True)
    hazard_id: Mapped[int] = mapped_column(ForeignKey("hazards.id"), index=True)
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
