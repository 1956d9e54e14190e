"""Tables of the conversation itself: who is talking on which channel, and what we answered."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base, utcnow


class Contact(Base):
    """One subscriber on one channel: language, verified phone, opt-out, and the open flow."""

    __tablename__ = "contacts"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    sender: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Not indexed: nothing looks a contact up by phone (a sender's reports and accounts are
    # found by phone in their own tables), and an index would be written on every new contact.
    phone: Mapped[str | None] = mapped_column(String(20))
    lang: Mapped[str | None] = mapped_column(String(2))
    opted_out_at: Mapped[datetime | None]
    last_inbound_at: Mapped[datetime | None]  # WhatsApp's 24-hour window is counted from it
    flow: Mapped[str | None] = mapped_column(String(32))
    state: Mapped[dict] = mapped_column(JSON, default=dict)
    state_updated_at: Mapped[datetime | None]
    # Our last answer, as [{"text", "choices": [[key, label], ...]}]: a choice sent back by its
    # label (a Telegram button) is turned into its key, and "details" repeats it uncut on SMS.
    last_replies: Mapped[list | None] = mapped_column(JSON)
    # The last few messages both ways, for a hand-over to a person (bot/handovers/service.py).
    recent_messages: Mapped[list | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Delivery(Base):
    """One inbound message id per channel, claimed by an atomic insert: a retried webhook
    delivery finds the row and gets the stored answer instead of being handled twice."""

    __tablename__ = "deliveries"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    message_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    replies: Mapped[str | None] = mapped_column(Text)  # JSON list of reply texts, once answered
    # How many of those replies (the last ones) are not yet handed to the provider: Telegram's
    # go out after the answer is stored; a redelivery sends these instead of nothing.
    unsent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    owner: Mapped[str | None] = mapped_column(String(64))  # "host:pid" of the claiming process


class MessageStatus(Base):
    """One status callback of an outbound message (MessageSid, status), claimed by an atomic
    insert: Twilio retries and repeats callbacks, and each is recorded on the ledgers once."""

    __tablename__ = "message_statuses"

    message_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), primary_key=True)
    channel: Mapped[str | None] = mapped_column(String(16))
    error_code: Mapped[str | None] = mapped_column(String(16))
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class TerminalMessage(Base):
    """A message the bot starts itself (an outage or hazard notice) for a number that talks in
    the terminal: kept here until `sadeeq chat` for that number shows it, since the terminal has
    no provider to hand it to and the chat may be another process, or not open yet."""

    __tablename__ = "terminal_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    phone: Mapped[str] = mapped_column(String(64), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    shown_at: Mapped[datetime | None]
