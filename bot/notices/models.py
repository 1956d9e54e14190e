"""Tables of the monthly e-bill notices: who asked for them, and what each month sent.

`notice_sends` is the ledger that makes the broadcast idempotent and resumable: one row per
(month, subscription), claimed with a conditional UPDATE before anything is sent, so a rerun,
a crash or a second worker can never send the same notice twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base, utcnow

# States of one notice; "sending" rows are owned by one claim token until they settle.
PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
STATES = (PENDING, SENDING, SENT, FAILED)


class NoticeSubscription(Base):
    """One account's bill notices delivered to one address on one channel, with its consent."""

    __tablename__ = "notice_subscriptions"
    __table_args__ = (
        UniqueConstraint("account", "channel", "address", name="uq_notice_sub_target"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account: Mapped[str] = mapped_column(String(14), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    lang: Mapped[str] = mapped_column(String(2), default="ar")
    # Consent as the subscriber gave it: their own words and the channel's message id.
    consent_text: Mapped[str] = mapped_column(Text)
    consent_message_id: Mapped[str | None] = mapped_column(String(80))
    subscribed_at: Mapped[datetime] = mapped_column(default=utcnow)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(default=None, index=True)


class NoticeSend(Base):
    """One month's notice for one subscription, and how sending it went."""

    __tablename__ = "notice_sends"
    __table_args__ = (
        UniqueConstraint("month", "subscription_id", name="uq_notice_sends_month_subscription"),
        Index("ix_notice_sends_month_state", "month", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[str] = mapped_column(String(7))  # "2026-11"
    subscription_id: Mapped[int] = mapped_column(ForeignKey("notice_subscriptions.id"))
    state: Mapped[str] = mapped_column(String(8), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None]  # backoff after a retryable failure
    claim_token: Mapped[str | None] = mapped_column(String(40))
    claimed_at: Mapped[datetime | None]
    # Set just before the provider is called and cleared after: a crash between the two leaves
    # it set, and such a notice may have gone out, so it is never sent again automatically.
    in_flight_since: Mapped[datetime | None]
    provider_id: Mapped[str | None] = mapped_column(String(64), index=True)
    sent_at: Mapped[datetime | None]
    # What the provider said later (its status callback): "sent" only means it was accepted.
    delivery_status: Mapped[str | None] = mapped_column(
        String(16)
    )  # delivered | undelivered | failed | read
    delivery_error: Mapped[str | None] = mapped_column(String(16))  # Twilio's ErrorCode, e.g. 63016
