"""`sadeeq chat` shows the notices sent to its number (contract): an operator's estimate and
restoration, recorded by another process, are read by the chat once each (the engine's side of
it; tests/test_terminal.py drives the chat itself)."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from bot.channels.outbound import outbound_sender
from bot.channels.terminal import exchange
from bot.channels.terminal_outbox import take_unshown
from bot.config import RIYADH, Settings
from bot.dialogue.engine import Engine
from bot.outages import latest_report
from bot.outages.notify import notify_incident_event
from bot.outages.service import restore_incident, update_incident
from bot.storage.db import session_scope

PHONE = "+966500000044"
START = datetime(2026, 11, 24, 10, 0, tzinfo=RIYADH)


def test_the_chat_shows_each_notice_to_its_number_once(seeded_database_url: str) -> None:
    settings = dataclasses.replace(
        Settings.from_env(), database_url=seeded_database_url, billing_url=None, lang="ar"
    )
    engine = Engine(settings)
    exchange(engine, "+966500000045", "الكهرباء طافية في حي الملز", START, "t-0")  # a neighbour
    replies = exchange(engine, PHONE, "الكهرباء طافية في حي الملز", START, "t-1")
    assert "OUT-" in replies[0].text
    assert take_unshown(seeded_database_url, PHONE) == []
    with session_scope(seeded_database_url) as session:
        _report, incident = latest_report(session, channel="terminal", sender=PHONE, phone=PHONE)
        incident_id = incident.id
        update_incident(session, incident_id, eta=START + timedelta(hours=2))
    sender = outbound_sender(settings)
    assert notify_incident_event(seeded_database_url, incident_id, "estimate", sender) == 2
    (estimate,) = take_unshown(seeded_database_url, PHONE)
    assert "من المتوقع أن تعود الكهرباء" in estimate
    with session_scope(seeded_database_url) as session:
        restore_incident(session, incident_id, at=START + timedelta(hours=1))
    notify_incident_event(seeded_database_url, incident_id, "restored", sender)
    (restored,) = take_unshown(seeded_database_url, PHONE)
    assert "عادت الكهرباء" in restored
    assert take_unshown(seeded_database_url, PHONE) == []  # each once
    assert take_unshown(seeded_database_url, "+966500000046") == []  # another number: none


def test_the_status_after_restoration_reads_today_at_in_both_languages(
    seeded_database_url: str,
) -> None:
    # A blind subscriber test read «عادت الكهرباء في اليوم الساعة 12:10 م» ("at today at").
    settings = dataclasses.replace(
        Settings.from_env(), database_url=seeded_database_url, billing_url=None, lang="ar"
    )
    engine = Engine(settings)
    exchange(engine, PHONE, "الكهرباء طافية في حي الملز", START, "s-1")
    with session_scope(seeded_database_url) as session:
        _report, incident = latest_report(session, channel="terminal", sender=PHONE, phone=PHONE)
        restore_incident(session, incident.id, at=START + timedelta(hours=2, minutes=10))
    later = START + timedelta(hours=3)
    arabic = "\n".join(r.text for r in exchange(engine, PHONE, "وش صار على البلاغ", later, "s-2"))
    assert "عادت الكهرباء اليوم الساعة 12:10" in arabic
    exchange(engine, PHONE, "English", later, "s-3")
    english = "\n".join(
        r.text for r in exchange(engine, PHONE, "any news on my report", later, "s-4")
    )
    assert "Power was restored today at 12:10" in english


def test_a_reporter_who_sent_stop_is_not_sent_the_restoration(seeded_database_url: str) -> None:
    # A blind subscriber test: «إيقاف» promised no more outage updates, and the restoration
    # notice still reached the chat (the Twilio and Telegram transports already refused).
    settings = dataclasses.replace(
        Settings.from_env(), database_url=seeded_database_url, billing_url=None, lang="ar"
    )
    engine = Engine(settings)
    neighbour = "+966500000047"
    exchange(engine, neighbour, "الكهرباء طافية في حي الملز", START, "p-0")
    exchange(engine, PHONE, "الكهرباء طافية في حي الملز", START, "p-1")
    stopped = exchange(engine, PHONE, "إيقاف", START + timedelta(minutes=5), "p-2")
    assert stopped and "OUT-" not in stopped[0].text
    with session_scope(seeded_database_url) as session:
        _report, incident = latest_report(session, channel="terminal", sender=PHONE, phone=PHONE)
        restore_incident(session, incident.id, at=START + timedelta(hours=1))
        incident_id = incident.id
    notified = notify_incident_event(
        seeded_database_url, incident_id, "restored", outbound_sender(settings)
    )
    assert notified == 1  # the neighbour only
    assert take_unshown(seeded_database_url, PHONE) == []
    assert len(take_unshown(seeded_database_url, neighbour)) == 1
