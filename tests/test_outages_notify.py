"""Estimate and restoration notices: once per reporter and event, across reruns and restarts,
with the compensation `sadeeq compensation` gives for the same times."""

from __future__ import annotations

import json
import threading
from collections import Counter
from datetime import datetime, timedelta

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import sessionmaker

from bot.channels.outbound import CollectingSender, Outbound, OutboundSender, SendResult
from bot.cli import main as sadeeq
from bot.config import RIYADH
from bot.outages import (
    compensation_cases_for_phone,
    compensation_for_report,
    compensations_for_report,
    notify_incident_event,
    notify_pending,
    report_outage,
    restore_incident,
    update_incident,
)
from bot.outages.models import Incident, OutageNotification, OutageReport
from bot.outages.notices import restoration_notice
from bot.outages.notify import _enqueue, notify_status
from bot.outages.service import OutageError, record_offered_start, record_stated_start
from bot.standards import riyals
from bot.storage.db import session_scope

T0 = datetime(2026, 1, 11, 8, 0, tzinfo=RIYADH)  # a Sunday
CHANNELS = ("whatsapp", "sms", "telegram")


def seed_incident(url: str, reporters: int = 12, district: str = "الروضة") -> int:
    with session_scope(url) as session:
        for n in range(reporters):
            channel = CHANNELS[n % 3]
            sender = f"tg:{1000 + n}" if channel == "telegram" else f"+9665{n:08d}"
            outcome = report_outage(
                session,
                channel=channel,
                sender=sender,
                phone=None if channel == "telegram" else sender,
                lang="ar" if n % 2 == 0 else "en",
                reported_at=T0 + timedelta(minutes=n),
                city="الرياض",
                district=district,
            )
        return outcome.incident.id


def fresh_factory(url: str) -> sessionmaker:
    """A new engine and session factory: what a restarted process would have."""
    return sessionmaker(create_engine(url), expire_on_commit=False)


def cli_amount(capsys, *args: str) -> dict:
    capsys.readouterr()
    assert sadeeq(["compensation", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_restoration_notifies_each_reporter_once_across_restarts(database_url, capsys) -> None:
    incident_id = seed_incident(database_url)
    with session_scope(database_url) as session:
        restore_incident(session, incident_id, at=T0 + timedelta(hours=5, minutes=20))
    sender = CollectingSender()
    assert notify_incident_event(database_url, incident_id, "restored", sender) == 12
    assert notify_incident_event(database_url, incident_id, "restored", sender) == 0
    assert notify_incident_event(fresh_factory(database_url), incident_id, "restored", sender) == 0
    assert notify_pending(fresh_factory(database_url), sender) == 0
    assert Counter((m.channel, m.address) for m in sender.sent) == {
        (m.channel, m.address): 1 for m in sender.sent
    }
    assert len(sender.sent) == 12
    assert {m.address for m in sender.sent if m.channel == "telegram"} == {
        "1002",
        "1005",
        "1008",
        "1011",
    }

    expected = cli_amount(
        capsys,
        "--standard",
        "emergency_outage",
        "--start",
        "2026-01-11T08:00",
        "--end",
        "2026-01-11T13:20",
    )
    assert expected["amount_sar"] == 150
    with session_scope(database_url) as session:
        notes = session.scalars(select(OutageNotification)).all()
        assert {n.status for n in notes} == {"sent"}
        for note in notes:
            report = session.get(OutageReport, note.report_id)
            incident = session.get(Incident, incident_id)
            compensation = compensation_for_report(report, incident)
            assert compensation.to_json() == expected
            assert riyals(expected["amount_sar"], report.lang) in note.text
    arabic = next(m.text for m in sender.sent if "عادت الكهرباء" in m.text)
    assert "19944" in arabic and "5 ساعات و20 دقيقة" in arabic
    english = next(m.text for m in sender.sent if m.text.startswith("Power is back"))
    assert "5 hours and 20 minutes" in english


def test_each_new_estimate_notifies_each_reporter_once(database_url) -> None:
    incident_id = seed_incident(database_url, reporters=6)
    sender = CollectingSender()
    with pytest.raises(OutageError, match="no estimate"):
        notify_incident_event(database_url, incident_id, "estimate", sender)
    with session_scope(database_url) as session:
        update_incident(session, incident_id, eta=T0 + timedelta(hours=4), cause="عطل في محول")
    assert notify_incident_event(database_url, incident_id, "estimate", sender) == 6
    assert notify_incident_event(database_url, incident_id, "estimate", sender) == 0
    with session_scope(database_url) as session:
        update_incident(session, incident_id, cause="عطل في كابل أرضي")  # no new estimate
    assert notify_incident_event(database_url, incident_id, "estimate", sender) == 0
    with session_scope(database_url) as session:
        update_incident(session, incident_id, eta=T0 + timedelta(hours=6))
    assert notify_incident_event(fresh_factory(database_url), incident_id, "estimate", sender) == 6
    assert len(sender.sent) == 12
    assert [("عطل في كابل أرضي" in m.text) for m in sender.sent] == [False] * 6 + [True] * 6
    assert all("Update on your outage report" in m.text or "تحديث" in m.text for m in sender.sent)


def test_an_estimate_not_yet_sent_is_dropped_once_power_is_back(database_url) -> None:
    incident_id = seed_incident(database_url, reporters=3)
    with session_scope(database_url) as session:
        update_incident(session, incident_id, eta=T0 + timedelta(hours=4))
    # The estimate notices were queued, then the process died before sending any.
    with session_scope(database_url) as session:
        _enqueue(session, incident_id, "estimate:1")
        restore_incident(session, incident_id, at=T0 + timedelta(hours=2))
    sender = CollectingSender()
    assert notify_pending(database_url, sender) == 0
    assert notify_incident_event(database_url, incident_id, "restored", sender) == 3
    assert all("Power is back" in m.text or "عادت" in m.text for m in sender.sent)


def test_force_majeure_is_not_eligible_with_the_reason(database_url) -> None:
    incident_id = seed_incident(database_url, reporters=2)
    with session_scope(database_url) as session:
        update_incident(session, incident_id, force_majeure=True, cause="عاصفة رملية")
        incident = restore_incident(session, incident_id, at=T0 + timedelta(hours=9))
        report = session.scalars(select(OutageReport)).first()
        compensation = compensation_for_report(report, incident)
        assert not compensation.eligible and compensation.amount_sar == 0
        assert compensation.reason == "force_majeure"
    sender = CollectingSender()
    assert notify_incident_event(database_url, incident_id, "restored", sender) == 2
    assert any("قوة قاهرة" in m.text for m in sender.sent)
    assert any("force majeure" in m.text for m in sender.sent)
    assert not any("19944" in m.text for m in sender.sent)


def test_a_planned_outage_has_restoration_and_notice_cases(database_url, capsys) -> None:
    incident_id = seed_incident(database_url, reporters=1)
    with session_scope(database_url) as session:
        update_incident(
            session, incident_id, planned=True, notice_at=T0 - timedelta(hours=24)
        )  # too late: 48 h are due
        incident = restore_incident(session, incident_id, at=T0 + timedelta(hours=7, minutes=5))
        report = session.scalars(select(OutageReport)).one()
        got = [c.to_json() for c in compensations_for_report(report, incident)]
    restoration = cli_amount(
        capsys,
        "--standard",
        "planned_outage_restoration",
        "--start",
        "2026-01-11T08:00",
        "--end",
        "2026-01-11T15:05",
    )
    notice = cli_amount(
        capsys,
        "--standard",
        "planned_outage_notice",
        "--start",
        "2026-01-11T08:00",
        "--end",
        "2026-01-11T15:05",
        "--notice-at",
        "2026-01-10T08:00",
    )
    assert got == [restoration, notice]
    assert restoration["amount_sar"] == 250 and notice["amount_sar"] == 100


def test_compensation_cases_for_a_phone_are_newest_first_and_skip_reopened(database_url) -> None:
    phone = "+966500000000"
    with session_scope(database_url) as session:
        first = report_outage(
            session,
            channel="whatsapp",
            sender=phone,
            phone=phone,
            lang="ar",
            reported_at=T0,
            district="الروضة",
        ).incident
        restore_incident(session, first.id, at=T0 + timedelta(hours=4))
        second = report_outage(
            session,
            channel="whatsapp",
            sender=phone,
            phone=phone,
            lang="ar",
            reported_at=T0 + timedelta(days=1),
            district="الروضة",
        ).incident
        assert compensation_for_report(None, second) is None  # still open
        restore_incident(session, second.id, at=T0 + timedelta(days=1, hours=3, minutes=30))
        cases = compensation_cases_for_phone(session, phone)
        assert [i.id for _, i, _ in cases] == [second.id, first.id]
        assert [c.amount_sar for _, _, c in cases] == [50, 50]
        # "Still off" after the second restoration, no start said: the reopened incident counts
        # from this report, so the restored case stays (paid for what it was).
        again = report_outage(
            session,
            channel="sms",
            sender=phone,
            phone=phone,
            lang="ar",
            reported_at=T0 + timedelta(days=1, hours=5),
            still_off=True,
        )
        assert again.incident.reopened_from_id == second.id
        assert again.incident.start == T0 + timedelta(days=1, hours=5)
        assert [i.id for _, i, _ in compensation_cases_for_phone(session, phone)] == [
            second.id,
            first.id,
        ]
        # A start stated from before that restoration: the reopened case covers the hours the
        # restored one paid for, so the restored one is left out, never paid twice.
        record_stated_start(again.report, T0 + timedelta(days=1))
        session.flush()
        assert [i.id for _, i, _ in compensation_cases_for_phone(session, phone)] == [first.id]


class Crash(BaseException):
    """The process dies right after the transport accepted the message."""


class CrashingSender(OutboundSender):
    def __init__(self, crash_on: int) -> None:
        self.sent: list[Outbound] = []
        self.crash_on = crash_on

    def send(self, message: Outbound) -> SendResult:
        self.sent.append(message)
        if len(self.sent) == self.crash_on:
            raise Crash
        return SendResult(ok=True)


def test_a_crash_between_send_and_mark_is_not_resent_unless_asked(database_url) -> None:
    incident_id = seed_incident(database_url, reporters=5)
    with session_scope(database_url) as session:
        restore_incident(session, incident_id, at=T0 + timedelta(hours=1))
    crashing = CrashingSender(crash_on=3)
    with pytest.raises(Crash):
        notify_incident_event(database_url, incident_id, "restored", crashing)
    status = notify_status(database_url, incident_id)
    assert (status.sent, status.unconfirmed, status.pending) == (2, 1, 2)
    after_restart = CollectingSender()
    assert notify_pending(fresh_factory(database_url), after_restart) == 2
    assert notify_pending(fresh_factory(database_url), after_restart) == 0
    reached = {m.address for m in crashing.sent} | {m.address for m in after_restart.sent}
    assert len(reached) == 5 and len(crashing.sent) + len(after_restart.sent) == 5
    resent = CollectingSender()
    assert notify_pending(database_url, resent, resend_unconfirmed=True) == 1
    assert resent.sent[0].address == crashing.sent[2].address
    assert notify_status(database_url, incident_id).sent == 5


class FlakySender(OutboundSender):
    def __init__(self, failing: set[str], permanent: bool) -> None:
        self.failing, self.permanent = failing, permanent
        self.sent: list[Outbound] = []

    def send(self, message: Outbound) -> SendResult:
        if message.address in self.failing:
            return SendResult(ok=False, permanent=self.permanent, error="refused")
        self.sent.append(message)
        return SendResult(ok=True)


def test_failed_sends_are_retried_unless_permanent(database_url) -> None:
    incident_id = seed_incident(database_url, reporters=3)
    with session_scope(database_url) as session:
        restore_incident(session, incident_id, at=T0 + timedelta(hours=1))
    assert (
        notify_incident_event(
            database_url, incident_id, "restored", FlakySender({"+966500000000"}, permanent=False)
        )
        == 2
    )
    assert notify_status(database_url, incident_id).pending == 1
    assert notify_pending(database_url, FlakySender({"+966500000001"}, permanent=True)) == 1
    assert notify_status(database_url, incident_id).sent == 3

    other = seed_incident(database_url, reporters=2, district="العليا")
    with session_scope(database_url) as session:
        restore_incident(session, other, at=T0 + timedelta(hours=1))
    assert (
        notify_incident_event(
            database_url, other, "restored", FlakySender({"+966500000000"}, permanent=True)
        )
        == 1
    )
    assert notify_status(database_url, other).failed == 1
    assert notify_pending(database_url, CollectingSender()) == 0


def test_two_notifiers_at_once_still_send_once_each(database_url) -> None:
    incident_id = seed_incident(database_url, reporters=30)
    with session_scope(database_url) as session:
        restore_incident(session, incident_id, at=T0 + timedelta(hours=1))
    senders = [CollectingSender(), CollectingSender()]
    barrier = threading.Barrier(2)

    def notifier(sender: CollectingSender) -> None:
        barrier.wait()
        notify_incident_event(fresh_factory(database_url), incident_id, "restored", sender)

    threads = [threading.Thread(target=notifier, args=(s,)) for s in senders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    addresses = [m.address for s in senders for m in s.sent]
    assert len(addresses) == 30 == len(set(addresses))


class SlowSender(CollectingSender):
    """A transport that takes a while per message, as Twilio does under load."""

    def __init__(self, log: list[Outbound], seconds: float = 0.05) -> None:
        super().__init__()
        self.log, self.seconds = log, seconds

    def send(self, message: Outbound) -> SendResult:
        import time

        time.sleep(self.seconds)
        self.log.append(message)  # list.append is atomic: one arrival order for all senders
        return super().send(message)


def test_rapid_estimates_then_restore_reach_each_reporter_in_order_and_never_after_restoration(
    database_url,
) -> None:
    incident_id = seed_incident(database_url, reporters=6)
    arrived: list[Outbound] = []
    threads: list[threading.Thread] = []

    def notify_in_background(event: str) -> None:
        thread = threading.Thread(
            target=notify_incident_event,
            args=(fresh_factory(database_url), incident_id, event, SlowSender(arrived)),
        )
        thread.start()
        threads.append(thread)

    import time

    for hours in (11, 14, 12, 13):  # the operator corrects the estimate four times in a row
        with session_scope(database_url) as session:
            update_incident(session, incident_id, eta=T0 + timedelta(hours=hours))
        notify_in_background("estimate")
        time.sleep(0.12)  # while the notices of the last one are still going out
    with session_scope(database_url) as session:
        restore_incident(session, incident_id, at=T0 + timedelta(hours=5))
    notify_in_background("restored")
    for thread in threads:
        thread.join()

    by_reporter: dict[str, list[str]] = {}
    for message in arrived:
        by_reporter.setdefault(message.address, []).append(message.text)
    assert len(by_reporter) == 6
    versions = {}
    with session_scope(database_url) as session:
        for note in session.scalars(
            select(OutageNotification).where(OutageNotification.status == "sent")
        ):
            versions[note.text] = note.event
    for address, texts in by_reporter.items():
        events = [versions[text] for text in texts]
        assert events[-1] == "restored", (address, events)  # nothing after "power is back"
        estimates = [int(e.split(":")[1]) for e in events[:-1]]
        assert estimates == sorted(estimates), (address, events)  # never an older estimate later


def _planned_with_operator_start(session, start: datetime, *said: dict) -> list[OutageReport]:
    """A planned outage in الروضة, Jeddah, announced too late: one report for each of `said`
    (its fields), then the operator's start and notice, restored at 18:20."""
    reports = []
    for n, fields in enumerate(said):
        offered = fields.pop("offered_start", None)
        outcome = report_outage(
            session,
            channel="terminal",
            sender=f"+96650000{n:04d}",
            phone=f"+96650000{n:04d}",
            lang="ar",
            reported_at=datetime(2026, 11, 24, 16, n, tzinfo=RIYADH),
            city="جدة",
            district="الروضة",
            **fields,
        )
        if offered is not None:
            record_offered_start(outcome.report, offered)
        reports.append(outcome.report)
    update_incident(
        session,
        reports[0].incident_id,
        planned=True,
        notice_at=datetime(2026, 11, 23, 20, 0, tzinfo=RIYADH),
        started_at=start,
    )
    restore_incident(
        session, reports[0].incident_id, at=datetime(2026, 11, 24, 18, 20, tzinfo=RIYADH)
    )
    return reports


def test_a_planned_outage_counts_from_the_operators_start_when_noticed_later(
    database_url, capsys
) -> None:
    """The area lost power at 09:00 (the operator's start): a reporter who said 10:00 is owed
    from 09:00, told so; one who said nothing is too; one who said "about 8" (not confirmed)
    is owed what 09:00 earns and asked for their hour; "about 9:30" cannot earn more."""
    nine = datetime(2026, 11, 24, 9, 0, tzinfo=RIYADH)
    owed = cli_amount(
        capsys,
        "--standard",
        "planned_outage_restoration",
        "--start",
        "2026-11-24T09:00",
        "--end",
        "2026-11-24T18:20",
    )["amount_sar"]
    assert owed == 350
    with session_scope(database_url) as session:
        later, silent, vaguer, vague_later = _planned_with_operator_start(
            session,
            nine,
            {"stated_start": datetime(2026, 11, 24, 10, 0, tzinfo=RIYADH)},
            {},
            {"offered_start": datetime(2026, 11, 24, 8, 0, tzinfo=RIYADH)},
            {"offered_start": datetime(2026, 11, 24, 9, 30, tzinfo=RIYADH)},
        )
        incident = session.get(Incident, later.incident_id)
        every = (later, silent, vaguer, vague_later)
        notices = {r.id: restoration_notice(r, incident) for r in every}
        for report in every:
            assert compensation_for_report(report, incident).amount_sar == owed
            assert riyals(owed, "ar") in notices[report.id]
            assert riyals(100, "ar") in notices[report.id]  # the late notice
        assert "9 ساعات و20 دقيقة" in notices[later.id]
        assert "محسوبة من 24 نوفمبر 2026 9:00 ص" in notices[later.id]
        assert "قبل الوقت الذي ذكرته" in notices[later.id]
        assert "على الأقل" in notices[vaguer.id] and "الساعة كم بالضبط" in notices[vaguer.id]
        assert "يحق لك" not in notices[vaguer.id]  # no account: paid to its holder
        for report in (silent, vague_later):
            assert "الساعة كم" not in notices[report.id] and "على الأقل" not in notices[report.id]
            assert "قبل الوقت الذي ذكرته" not in notices[report.id]


def test_an_emergency_counts_from_the_earlier_of_the_operators_start_and_the_stated_one(
    database_url,
) -> None:
    with session_scope(database_url) as session:
        early, late = (
            report_outage(
                session,
                channel="whatsapp",
                sender=f"+9665000001{n}",
                phone=f"+9665000001{n}",
                lang="ar",
                reported_at=T0 + timedelta(hours=1),
                city="الرياض",
                district="الروضة",
                stated_start=T0 + timedelta(minutes=minutes),
            ).report
            for n, minutes in ((1, -30), (2, 30))
        )
        incident = update_incident(session, early.incident_id, started_at=T0)
        assert early.start_in(incident) == T0 - timedelta(minutes=30)  # theirs is earlier
        assert late.start_in(incident) == T0  # the area's: they noticed later
        assert not early.counted_from_record(incident) and late.counted_from_record(incident)
        restore_incident(session, incident.id, at=T0 + timedelta(hours=5, minutes=20))
        # 5 h 20 min from 08:00 (2 h 20 min late: 150), 5 h 50 min from 07:30 (150 too)
        assert compensation_for_report(late, incident).amount_sar == 150
        assert "5 ساعات و20 دقيقة" in restoration_notice(late, incident)
        assert "5 ساعات و50 دقيقة" in restoration_notice(early, incident)
