"""Times in and out of the outage tables: stored in UTC, read as Saudi local time."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.config import RIYADH


def as_utc(value: datetime) -> datetime:
    """Aware UTC; a naive time is Saudi local time (what operators and subscribers mean)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=RIYADH)
    return value.astimezone(UTC)


def parse_local_time(text: str) -> datetime:
    """ISO 8601, Asia/Riyadh when no offset is given; ValueError with a readable message."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"not an ISO 8601 time: {text!r} (e.g. 2026-01-11T08:00)") from None
    return as_utc(value)


def local_iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:  # SQLite hands back naive UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(RIYADH).isoformat()
