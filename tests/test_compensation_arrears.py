"""The arrears below which no disconnection is allowed are said from the rules
(bot/standards/disconnection.toml), not written into the sentences of the compensation flow."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bot.config import Settings
from bot.standards.disconnection import rules
from handlers import compensation
from tests.conversation_script import load_scenarios, play

SCRIPT = """
=== a disconnection in working hours: the cases asked say the rules' arrears
phone: +966500000003
at: 2026-11-30T10:00
> فصلوا الكهرباء عني اليوم الساعة ٩ الصبح عشان الفواتير
< المتأخرات {arrears} أو أقل وغير المسدد أقل من فواتير {months} أشهر
> {none}
< إذا زادت المتأخرات على {arrears} أو لم تُسدَّد فواتير {months} أشهر
"""


@pytest.mark.parametrize(("arrears", "months"), [(1000, 3), (2500, 4)])
def test_arrears_from_rules(
    arrears: int, months: int, seeded_database_url: str, tmp_path: Path, monkeypatch
) -> None:
    spec = {**rules(), "min_arrears_sar": arrears, "min_unpaid_months": months}
    monkeypatch.setattr(compensation, "disconnection_rules", lambda: spec)
    none = len(spec["asked"]) + 1
    path = tmp_path / "arrears.chat"
    path.write_text(
        SCRIPT.format(arrears=f"{arrears:,} ريال", months=months, none=none), encoding="utf-8"
    )
    settings = dataclasses.replace(
        Settings.from_env(), database_url=seeded_database_url, billing_url=None, lang="ar"
    )
    for scenario in load_scenarios(path):
        play(scenario, settings)
