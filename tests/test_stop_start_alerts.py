"""STOP and START as the subscriber means them (brief fix13d): START brings back the bill alerts
that STOP ended, so the next month's dry run plans their notice; alerts stopped on their own
before STOP stay off."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from bot.cli import main as sadeeq
from bot.config import RIYADH, Settings
from bot.dialogue.engine import Engine
from bot.dialogue.messages import Inbound
from bot.notices import ledger
from bot.storage.db import engine_for

START = datetime(2026, 12, 2, 15, 10, tzinfo=RIYADH)
PHONE = "+966500000001"


def _talk(url: str, lines: list[str]) -> list[str]:
    settings = dataclasses.replace(Settings.from_env(), database_url=url, billing_url=None)
    engine = Engine(settings)
    answers = []
    for n, text in enumerate(lines):
        message = Inbound(
            channel="whatsapp",
            sender=PHONE,
            phone=PHONE,
            text=text,
            received_at=START + timedelta(minutes=n),
            message_id=f"s-{n}",
        )
        answers.append("\n".join(r.text for r in engine.handle(message)))
    return answers


def test_start_after_stop_plans_januarys_notice_again(seeded_database_url, monkeypatch, capsys):
    answers = _talk(seeded_database_url, ["تنبيهات الفاتورة", "1", "ايقاف", "تفعيل"])
    assert "••••5678" in answers[2] and "••••5678" in answers[3]
    monkeypatch.setenv("SADEEQ_DATABASE_URL", seeded_database_url)
    capsys.readouterr()
    assert sadeeq(["notices", "send", "--month", "2027-01", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "dry run: 1 notices of 2027-01 would be sent (whatsapp 1)" in out
    assert sum(ledger.counts(engine_for(seeded_database_url), "2027-01").values()) == 0


def test_alerts_stopped_before_stop_stay_off_after_start(seeded_database_url):
    answers = _talk(
        seeded_database_url,
        ["تنبيهات الفاتورة", "1", "ايقاف تنبيهات الفاتورة", "ايقاف", "تفعيل"],
    )
    assert "••••5678" not in answers[3]  # STOP ended no bill alert: it names none
    assert "غير مفعّلة" in answers[4] and "ورجّعنا" not in answers[4]
    assert ledger.due_by_channel(engine_for(seeded_database_url), "2027-01") == {}
