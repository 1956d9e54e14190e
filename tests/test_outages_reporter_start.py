"""Outage reports keep the reporter's facts: the start they stated counts for them in the
restoration notice and in the chat alike; a restoration ahead of the clock is refused; a
city-wide blackout is a total blackout; a reopened report joins only its own area."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.cli import main as sadeeq
from bot.config import RIYADH, Settings
from bot.outages import report_outage, restore_incident, update_incident
from bot.outages.compensation import compensation_for_report
from bot.outages.notices import restoration_notice
from bot.outages.service import OutageError
from bot.standards import Case, compensation_for, riyals
from bot.storage.db import session_scope
from tests.conversation_script import Scenario, play

T0 = datetime(2026, 1, 11, 9, 0, tzinfo=RIYADH)


def _report(session, n: int, **fields):
    values = {"city": "الرياض", "district": "الروضة", "lang": "ar", "reported_at": T0} | fields
    return report_outage(
        session, channel="whatsapp", sender=f"+9665{n:08d}", phone=f"+9665{n:08d}", **values
    )


def test_the_stated_start_is_kept_and_counts_for_that_reporter(database_url: str) -> None:
    with session_scope(database_url) as session:
        said = _report(session, 1, stated_start=T0 - timedelta(hours=2))  # "since 7"
        plain = _report(session, 2)
        assert said.report.stated_start is not None
        assert said.report.start_in(said.incident) == T0 - timedelta(hours=2)
        restore_incident(session, said.incident.reference, at=T0 + timedelta(hours=2))
        # Off 4 hours for the first reporter (1 h late), 2 hours for the second (on time).
        mine = compensation_for_report(said.report, said.incident)
        theirs = compensation_for_report(plain.report, plain.incident)
        expected = compensation_for(
            Case("emergency_outage", start=T0 - timedelta(hours=2), end=T0 + timedelta(hours=2))
        )
        assert mine is not None and mine.amount_sar == expected.amount_sar > 0
        assert theirs is not None and theirs.amount_sar == 0
        notice = restoration_notice(said.report, said.incident)
        assert riyals(expected.amount_sar, "ar") in notice


def test_a_stated_start_after_the_report_is_ignored(database_url: str) -> None:
    with session_scope(database_url) as session:
        outcome = _report(session, 3, stated_start=T0 + timedelta(hours=1))
        assert outcome.report.stated_start is None


def test_a_restoration_ahead_of_the_clock_is_refused(database_url: str) -> None:
    with session_scope(database_url) as session:
        outcome = _report(session, 4)
        with pytest.raises(OutageError, match="future"):
            restore_incident(
                session, outcome.incident.reference, at=datetime.now(UTC) + timedelta(hours=1)
            )
        restore_incident(session, outcome.incident.reference, at=datetime.now(UTC))


def test_restore_at_in_the_future_exits_2(database_url: str, monkeypatch, capsys) -> None:
    monkeypatch.setenv("SADEEQ_DATABASE_URL", database_url)
    with session_scope(database_url) as session:
        _report(session, 5)
    ahead = (datetime.now(RIYADH) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    code = sadeeq(["outages", "restore", "1", "--at", ahead, "--no-notify"])
    err = capsys.readouterr().err
    assert code == 2 and "future" in err and len(err.strip().splitlines()) == 1


def test_a_city_wide_blackout_is_a_total_blackout(database_url: str) -> None:
    with session_scope(database_url) as session:
        outcome = _report(session, 6, city="جدة", district=None)
        update_incident(session, outcome.incident.reference, city_wide=True)
        restore_incident(session, outcome.incident.reference, at=T0 + timedelta(hours=10))
        found = compensation_for_report(outcome.report, outcome.incident)
        expected = compensation_for(Case("total_blackout", start=T0, end=T0 + timedelta(hours=10)))
        assert found is not None and found.standard == "total_blackout"
        assert found.amount_sar == expected.amount_sar


def test_a_reopened_report_joins_only_its_own_area(database_url: str) -> None:
    with session_scope(database_url) as session:
        here = _report(session, 7, district="الروضة", latitude=24.70, longitude=46.70)
        restore_incident(session, here.incident.reference, at=T0 + timedelta(hours=1))
        # Meanwhile a neighbouring district, a few hundred metres away, has an open outage.
        there = _report(session, 8, district="العليا", latitude=24.701, longitude=46.701)
        again = report_outage(
            session,
            channel="whatsapp",
            sender="+966500000007",
            phone="+966500000007",
            lang="ar",
            reported_at=T0 + timedelta(hours=2),
            still_off=True,
            latitude=24.7005,
            longitude=46.7005,
        )
        assert again.incident.id not in (here.incident.id, there.incident.id)
        assert again.incident.reopened_from_id == here.incident.id


def test_outages_show_lists_the_reports_with_their_stated_start(
    database_url: str, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("SADEEQ_DATABASE_URL", database_url)
    with session_scope(database_url) as session:
        _report(session, 9, stated_start=T0 - timedelta(hours=2))
        _report(session, 10)
    capsys.readouterr()
    assert sadeeq(["outages", "show", "1", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [r["stated_start"] for r in shown["reports"]] == ["2026-01-11T07:00:00+03:00", None]
    assert sadeeq(["outages", "show", "1"]) == 0
    text = capsys.readouterr().out
    assert "OUT-000001" in text and "2026-01-11T07:00:00+03:00" in text and "OUT-000002" in text


def test_the_chat_and_the_notice_use_the_same_start(seeded_database_url: str) -> None:
    """A reporter says "since 7 this morning": the chat's "so far" counts from 07:00, and the
    restoration notice later counts from 07:00 too."""
    settings = dataclasses.replace(
        Settings.from_env(), database_url=seeded_database_url, billing_url=None, lang="ar"
    )
    at = datetime(2026, 1, 11, 12, 0, tzinfo=RIYADH)
    scenario = Scenario(title="same start", source="inline", phone="+966500000003", at=at)
    scenario.lines = [
        (1, ">", "الكهرباء طافية من الساعة ٧ الصبح"),
        (2, "<", "OUT-"),
        (3, ">", "كم التعويض"),
        (4, "<", "7:00"),
    ]
    transcript = play(scenario, settings)
    so_far = compensation_for(
        Case("emergency_outage", start=at.replace(hour=7), end=at)
    )  # counted to the minute of the question
    assert riyals(so_far.amount_sar, "ar") in transcript[-1]
    with session_scope(seeded_database_url) as session:
        from sqlalchemy import select

        from bot.outages.models import Incident, OutageReport

        report = session.scalars(
            select(OutageReport).where(OutageReport.phone == "+966500000003")
        ).one()
        incident = session.get(Incident, report.incident_id)
        assert report.start_in(incident) == at.replace(hour=7)
        restore_incident(session, incident.reference, at=at.replace(hour=13))
        notice = restoration_notice(report, incident)
        final = compensation_for(
            Case("emergency_outage", start=at.replace(hour=7), end=at.replace(hour=13))
        )
        assert riyals(final.amount_sar, "ar") in notice


def test_the_end_a_reporter_states_closes_their_case_only(database_url: str) -> None:
    """ "رجعت الساعة 3": that reporter's case ends there (the engine's figure runs to it, and
    the case is listed with their records); the incident stays open for the others."""
    from bot.outages import compensation_cases_for_phone, record_stated_end

    with session_scope(database_url) as session:
        told = _report(session, 41, stated_start=T0 - timedelta(hours=2))  # since 07:00
        other = _report(session, 42)
        assert told.incident.id == other.incident.id
        record_stated_end(session, told.report, T0 + timedelta(hours=6))  # back at 15:00
        expected = compensation_for(
            Case("emergency_outage", start=T0 - timedelta(hours=2), end=T0 + timedelta(hours=6))
        )
        got = compensation_for_report(told.report, told.incident)
        assert got is not None and got.amount_sar == expected.amount_sar > 0
        assert compensation_for_report(other.report, other.incident) is None  # still open
        assert told.incident.status != "restored"
        cases = compensation_cases_for_phone(session, "+966500000041")
        assert [c.amount_sar for _r, _i, c in cases] == [expected.amount_sar]


def test_the_outage_length_is_between_the_minutes_shown(database_url: str) -> None:
    # A blind subscriber test: reported at 21:00 (and some seconds), restored at 22:40, told
    # "1 hour and 39 minutes".
    with session_scope(database_url) as session:
        told = _report(session, 77, lang="en", reported_at=T0 + timedelta(seconds=40))
        restore_incident(session, told.incident.reference, at=T0 + timedelta(hours=1, minutes=40))
        notice = restoration_notice(told.report, told.incident)
    assert "Outage length: 1 hour and 40 minutes." in notice
