"""A bill's status is read on Riyadh's day: the channels stamp a message in UTC, which is still
the day before in Riyadh until 03:00, so a bill due "yesterday" would still read as not due."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from sqlalchemy import text

from bot.config import Settings
from bot.dialogue.engine import Engine
from bot.dialogue.messages import Inbound
from bot.storage.db import engine_for

ACCOUNT = "30012345678"  # +966500000001's first account: its latest bill unpaid, not yet due


def _due_date(url: str):
    with engine_for(url).connect() as conn:
        return conn.execute(
            text("SELECT max(due_date) FROM billing_bills WHERE account = :a"), {"a": ACCOUNT}
        ).scalar_one()


@pytest.mark.parametrize(("utc_hour", "overdue"), [(20, False), (22, True)])
def test_a_bill_is_overdue_from_riyadhs_next_day(
    seeded_database_url: str, utc_hour: int, overdue: bool
) -> None:
    due = _due_date(seeded_database_url)
    due = datetime.fromisoformat(due).date() if isinstance(due, str) else due
    # 20:00 UTC on the due date is 23:00 in Riyadh (still due today); 22:00 UTC is 01:00 next day.
    at = datetime.combine(due, time(utc_hour), UTC)
    engine = Engine(Settings(database_url=seeded_database_url))
    message = Inbound(
        channel="whatsapp",
        sender="+966500000001",
        phone="+966500000001",
        text="my bill for account 5678",
        received_at=at,
        message_id=f"SMbillday{utc_hour}",
    )
    reply = "\n".join(r.text for r in engine.handle(message))
    assert ("Please pay it now" in reply) is overdue, reply
