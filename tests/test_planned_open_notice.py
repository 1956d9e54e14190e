"""A planned outage still going on: its notice case is settled once it has started, so "my
compensation" counts it beside the restoration, each under its standard's name (as the
restoration notice will)."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from bot.config import RIYADH, Settings
from bot.standards import riyals, standard_name
from bot.storage.db import session_scope
from tests.conversation_script import Scenario, play
from tests.support.planned_outage import file_planned_outage

PHONE = "+966500000003"


def test_an_open_planned_outage_adds_its_late_notice(seeded_database_url: str) -> None:
    with session_scope(seeded_database_url) as session:
        file_planned_outage(
            session,
            phone=PHONE,
            city="الرياض",
            district="العليا",
            notice_at=datetime(2026, 11, 30, 20, 0, tzinfo=RIYADH),  # 12 h ahead, not 48
        )
    settings = dataclasses.replace(
        Settings.from_env(), database_url=seeded_database_url, billing_url=None, lang="ar"
    )
    at = datetime(2026, 12, 1, 15, 30, tzinfo=RIYADH)
    scenario = Scenario(title="planned, open", source="inline", phone=PHONE, at=at)
    scenario.lines = [(1, ">", "التعويض")]
    reply = play(scenario, settings)[-1]
    # 7 h 30 min from 08:00: 1 h 30 min late, 200 + 50; the notice 100.
    assert riyals(250, "ar") in reply
    assert riyals(100, "ar") in reply
    assert riyals(350, "ar") in reply
    assert standard_name("planned_outage_notice", "ar") in reply
    assert standard_name("planned_outage_restoration", "ar") in reply
