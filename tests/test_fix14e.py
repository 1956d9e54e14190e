"""A second outage, at another house, with someone there on medical equipment: a new report at
that place, urgent there; the sender's earlier report keeps its own flag."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import pytest

from bot.config import RIYADH, Settings
from bot.dialogue.engine import Engine
from bot.dialogue.messages import Inbound
from bot.outages import reports_by_sender
from bot.storage.db import session_scope

T0 = datetime(2026, 12, 2, 15, 10, tzinfo=RIYADH)


def _urgent_by_district(url: str, phone: str, lines: list[str], lang: str) -> dict[str, bool]:
    engine = Engine(
        dataclasses.replace(Settings.from_env(), database_url=url, billing_url=None, lang=lang)
    )
    for n, text in enumerate(lines):
        at = T0 + timedelta(minutes=n)
        engine.handle(
            Inbound(
                channel="whatsapp",
                sender=phone,
                phone=phone,
                text=text,
                received_at=at,
                message_id=f"{phone}-{n}",
            )
        )
    with session_scope(url) as session:
        reports = reports_by_sender(session, channel="whatsapp", sender=phone, phone=phone)
        return {report.district: report.urgent for report, _ in reports}


@pytest.mark.parametrize(
    ("lang", "phone", "lines", "first", "second"),
    [
        (
            "ar",
            "+966514140001",
            [
                "الكهرباء طافية عندنا في حي الربوة الرياض",
                "وعند بيت اختي كمان طافية وعندها جهاز تنفس لولدها، حي النظيم الرياض",
            ],
            "الربوة",
            "النظيم",
        ),
        (
            "en",
            "+966514140002",
            [
                "no electricity at home in Al Olaya Riyadh",
                "my father is on oxygen machine, no power at his house in Al Malaz Riyadh too",
            ],
            "العليا",
            "الملز",
        ),
    ],
)
def test_another_place_is_a_new_urgent_report(
    seeded_database_url: str, lang: str, phone: str, lines: list[str], first: str, second: str
) -> None:
    urgent = _urgent_by_district(seeded_database_url, phone, lines, lang)
    assert urgent == {first: False, second: True}


def test_the_same_place_flags_the_open_report(seeded_database_url: str) -> None:
    urgent = _urgent_by_district(
        seeded_database_url,
        "+966514140003",
        ["الكهرباء طافية عندنا في حي الربوة الرياض", "وعندي ابوي على جهاز اكسجين"],
        "ar",
    )
    assert urgent == {"الربوة": True}


@pytest.mark.parametrize(
    ("text", "hours"),
    [("light nahi hai bhai 3 ghante se", 3), ("bijli 2 ghante pehle gayi", 2)],
)
def test_hinglish_hours_before_are_the_start(text: str, hours: int) -> None:
    from handlers.outage_report import start_told

    assert start_told(text, T0).at == T0 - timedelta(hours=hours)
