"""The hand-over table: one row each time a subscriber asks for a person."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base, utcnow


class Handover(Base):
    """A request to talk to a person, with the conversation just before it, for operators."""

    __tablename__ = "handovers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    sender: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(20))
    lang: Mapped[str] = mapped_column(String(2))
    # The request mentioned danger (sparks, fire, someone on medical equipment): 933 was given.
    danger: Mapped[bool] = mapped_column(Boolean, default=False)
    text: Mapped[str] = mapped_column(Text)  # the message that asked for a person
    # The messages before it, oldest first: [{"at": ISO, "by": "subscriber"|"bot", "text"}].
    transcript: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)  # open, closed
    requested_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)  # what the operator who closed it did
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
