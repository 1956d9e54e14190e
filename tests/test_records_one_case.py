"""A question about one outage report answers that report alone, what it earns first: a blind
subscriber asking about their planned outage got every case on the account (an old bill
complaint among them), with the notice's nil result before the sum owed."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from bot.config import RIYADH, Settings
from bot.outages.service import restore_incident
from bot.standards import standard_name
from bot.storage.db import session_scope
from tests.conversation_script import Scenario, play
from tests.support.planned_outage import file_planned_outage

PHONE = "+966500000001"  # three service requests on record (a bill complaint among them)


def test_one_report_asked_about_is_answered_alone_money_first(seeded_database_url: str) -> None:
    with session_scope(seeded_database_url) as session:
        filed = file_planned_outage(
            session,
            phone=PHONE,
            city="الرياض",
            district="العليا",
            notice_at=datetime(2026, 11, 28, 8, 0, tzinfo=RIYADH),  # in time: nothing for it
        )
        end = datetime(2026, 12, 3, 20, 0, tzinfo=RIYADH)
        restore_incident(session, filed.incident.id, at=end, now=end)
    settings = dataclasses.replace(
        Settings.from_env(), database_url=seeded_database_url, billing_url=None, lang="ar"
    )
    at = datetime(2026, 12, 4, 10, 0, tzinfo=RIYADH)
    scenario = Scenario(title="one report", source="inline", phone=PHONE, at=at)
    scenario.lines = [(1, ">", f"كم تعويضي عن بلاغ {filed.report.reference}؟")]
    reply = play(scenario, settings)[-1]
    assert standard_name("billing_complaint", "ar") not in reply
    assert standard_name("meter_registration", "ar") not in reply
    owed = reply.index(standard_name("planned_outage_restoration", "ar"))
    assert "يستحق تعويض" in reply[owed:]
    assert owed < reply.index(standard_name("planned_outage_notice", "ar"))
