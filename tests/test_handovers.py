"""Hand-over requests: recorded with the messages before them, listed for operators (masked),
and the call centre number is the setting's."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot.config import PROJECT_ROOT, RIYADH, Settings
from bot.dialogue.engine import Engine
from bot.dialogue.messages import Inbound
from bot.handovers import (
    HandoverClosed,
    HandoverNotFound,
    close_handover,
    handover_ref,
    list_handovers,
)
from bot.handovers.models import Handover
from bot.handovers.service import forget_silent
from bot.storage.db import session_scope
from bot.storage.models import Contact

START = datetime(2026, 11, 24, 10, 0, tzinfo=RIYADH)


def _talk(engine: Engine, lines: list[str], phone: str = "+966500000001") -> list[str]:
    answers = []
    for n, text in enumerate(lines):
        message = Inbound(
            channel="whatsapp",
            sender=phone,
            phone=phone,
            text=text,
            received_at=START + timedelta(minutes=n),
            message_id=f"h-{phone}-{n}",
        )
        answers.append("\n".join(r.text for r in engine.handle(message)))
    return answers


def test_a_request_is_recorded_with_the_last_messages(seeded_database_url: str) -> None:
    settings = dataclasses.replace(
        Settings.from_env(),
        database_url=seeded_database_url,
        billing_url=None,
        agent_phone="8001234567",
    )
    answers = _talk(Engine(settings), ["السلام عليكم", "فاتورتي", "1", "ابي موظف"])
    assert "8001234567" in answers[-1] and "920001100" not in answers[-1]
    with session_scope(seeded_database_url) as session:
        handover = session.scalars(select(Handover).order_by(Handover.id.desc())).first()
        assert handover.text == "ابي موظف" and handover.lang == "ar" and not handover.danger
        said = [(entry["by"], entry["text"]) for entry in handover.transcript]
    assert said[0] == ("subscriber", "السلام عليكم")
    assert ("subscriber", "1") in said
    assert any(by == "bot" and "عليك" in text for by, text in said)  # the bill card
    assert len(said) <= 10


def test_asking_again_while_a_request_is_open_records_no_second_one(
    seeded_database_url: str,
) -> None:
    """A tester asked for a person twice in a row and got HO-000001 and HO-000002: the team
    would have called twice. The second request names the first; once it is closed, a new one
    is recorded."""
    settings = dataclasses.replace(
        Settings.from_env(), database_url=seeded_database_url, billing_url=None
    )
    engine = Engine(settings)
    phone = "+966500000002"
    answers = _talk(engine, ["ابي اكلم موظف", "فاتورتي", "ابي موظف"], phone=phone)
    assert "HO-000001" in answers[0] and "HO-000001" in answers[-1]
    assert "طلبك عند فريق خدمة العملاء من قبل" in answers[-1]
    with session_scope(seeded_database_url) as session:
        (handover,) = session.scalars(select(Handover).where(Handover.phone == phone)).all()
        said = [entry["text"] for entry in handover.transcript if entry["by"] == "subscriber"]
        assert said[-2:] == ["فاتورتي", "ابي موظف"] and not handover.danger
        close_handover(session, handover_ref(handover), at=START + timedelta(minutes=5))
    answers = _talk(engine, ["ابي موظف"], phone=phone)
    assert "HO-000002" in answers[0]


def test_the_memory_keeps_only_the_last_ten_messages(seeded_database_url: str) -> None:
    settings = dataclasses.replace(
        Settings.from_env(), database_url=seeded_database_url, billing_url=None
    )
    _talk(Engine(settings), [f"شكرا {n}" for n in range(8)] + ["agent"], phone="+966500000003")
    with session_scope(seeded_database_url) as session:
        handover = session.scalars(
            select(Handover).where(Handover.phone == "+966500000003").order_by(Handover.id.desc())
        ).first()
        assert len(handover.transcript) == 10
        assert handover.transcript[-1]["by"] == "bot"


def test_messages_older_than_a_day_are_forgotten(seeded_database_url: str) -> None:
    settings = dataclasses.replace(
        Settings.from_env(), database_url=seeded_database_url, billing_url=None
    )
    engine = Engine(settings)
    phone = "+966500000002"
    old = Inbound(
        channel="whatsapp",
        sender=phone,
        phone=phone,
        text="فاتورتي",
        received_at=START - timedelta(days=2),
        message_id="h-old",
    )
    engine.handle(old)
    _talk(engine, ["ابي موظف"], phone=phone)
    with session_scope(seeded_database_url) as session:
        handover = session.scalars(
            select(Handover).where(Handover.phone == phone).order_by(Handover.id.desc())
        ).first()
        assert handover.transcript == []


def test_the_operator_list_is_danger_first_and_masked(seeded_database_url: str) -> None:
    settings = dataclasses.replace(
        Settings.from_env(), database_url=seeded_database_url, billing_url=None
    )
    engine = Engine(settings)
    _talk(engine, ["ابي موظف"], phone="+966500000002")
    _talk(engine, ["ابوي على جهاز اكسجين والكهرباء طافية", "ابي اكلم موظف"], phone="+966500000004")
    env = {**os.environ, "SADEEQ_DATABASE_URL": seeded_database_url}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "handovers", "list", "--json"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert rows[0]["danger"] is True and rows[0]["ref"].startswith("HO-")
    assert any(not row["danger"] for row in rows)
    assert "+966500000004" not in done.stdout and "0004" in done.stdout
    text = subprocess.run(
        [sys.executable, "-m", "bot", "handovers", "list"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert text.returncode == 0 and "DANGER" in text.stdout and "جهاز اكسجين" in text.stdout


def _handovers(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "handovers", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_an_operator_closes_a_request_once_with_a_note(seeded_database_url: str) -> None:
    settings = dataclasses.replace(
        Settings.from_env(), database_url=seeded_database_url, billing_url=None
    )
    engine = Engine(settings)
    _talk(engine, ["ابي موظف"], phone="+966500000002")
    _talk(engine, ["agent please"], phone="+966500000003")
    with session_scope(seeded_database_url) as session:
        first, second = (handover_ref(h) for h in list_handovers(session))
    env = {**os.environ, "SADEEQ_DATABASE_URL": seeded_database_url}
    done = _handovers(env, "close", first, "--note", "اتصلنا عليه وحلت المشكلة")
    assert done.returncode == 0 and f"{first} closed" in done.stdout, done.stderr
    listed = _handovers(env, "list", "--json")
    assert [json.loads(line)["ref"] for line in listed.stdout.splitlines()] == [second]
    every = [
        json.loads(line) for line in _handovers(env, "list", "--all", "--json").stdout.splitlines()
    ]
    closed = next(row for row in every if row["ref"] == first)
    assert closed["status"] == "closed" and closed["note"] == "اتصلنا عليه وحلت المشكلة"
    assert closed["closed_at"] is not None
    again = _handovers(env, "close", first, "--note", "ثانية")
    assert again.returncode == 2 and "already closed" in again.stderr
    unknown = _handovers(env, "close", "HO-999999")
    assert unknown.returncode == 2 and "no hand-over request" in unknown.stderr
    # The same service function, as an API would call it: the number alone names it too.
    with session_scope(seeded_database_url) as session:
        number = int(second.removeprefix("HO-"))
        handover = close_handover(session, str(number), at=START)
        assert handover.status == "closed" and handover.note is None
        with pytest.raises(HandoverClosed):
            close_handover(session, second, at=START)
        with pytest.raises(HandoverNotFound):
            close_handover(session, "not a reference", at=START)
        assert list_handovers(session) == []


def test_a_silent_contacts_last_messages_are_pruned(seeded_database_url: str) -> None:
    settings = dataclasses.replace(
        Settings.from_env(), database_url=seeded_database_url, billing_url=None
    )
    engine = Engine(settings)
    _talk(engine, ["فاتورتي", "1"], phone="+966500000001")
    later = START + timedelta(days=29)
    _talk_at(engine, ["شكرا"], phone="+966500000003", at=later)
    keep = timedelta(days=settings.deliveries_retention_days)
    assert forget_silent(seeded_database_url, keep, now=later + timedelta(days=1)) == 0
    assert forget_silent(seeded_database_url, keep, now=START + timedelta(days=31)) == 1
    with session_scope(seeded_database_url) as session:
        silent = session.get(Contact, ("whatsapp", "+966500000001"))
        active = session.get(Contact, ("whatsapp", "+966500000003"))
        assert silent.recent_messages is None and silent.phone == "+966500000001"
        assert [entry["text"] for entry in active.recent_messages][0] == "شكرا"
    assert forget_silent(seeded_database_url, keep, now=START + timedelta(days=31)) == 0


def _talk_at(engine: Engine, lines: list[str], phone: str, at: datetime) -> None:
    for n, text in enumerate(lines):
        engine.handle(
            Inbound(
                channel="whatsapp",
                sender=phone,
                phone=phone,
                text=text,
                received_at=at + timedelta(minutes=n),
                message_id=f"h-at-{phone}-{n}",
            )
        )


def test_a_person_asked_for_beside_someone_hurt_is_handed_over_after_997_and_933(
    seeded_database_url: str,
) -> None:
    settings = dataclasses.replace(
        Settings.from_env(), database_url=seeded_database_url, billing_url=None
    )
    text = "ابي موظف ضروري، فيه سلك مكشوف قدام البيت وولدي لمسه"
    [answer] = _talk(Engine(settings), [text], phone="+966500000005")
    assert answer.index("997") < answer.index("933") < answer.index("HO-")
    assert answer.count("933") == 1  # the hand-over does not say it again
    with session_scope(seeded_database_url) as session:
        handover = session.scalars(
            select(Handover).where(Handover.phone == "+966500000005").order_by(Handover.id.desc())
        ).first()
        assert handover is not None and handover.text == text and handover.danger
