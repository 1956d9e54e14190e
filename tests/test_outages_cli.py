"""`sadeeq outages list|show|update|restore|notify` as an operator runs it."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot.cli import main as sadeeq
from bot.config import RIYADH
from bot.outages import report_outage
from bot.outages.models import OutageReport
from bot.outages.notify import notify_status
from bot.outages.service import cancel_report
from bot.storage.db import session_scope
from tests.support.fake_twilio import FakeTwilio

T0 = datetime(2026, 1, 11, 8, 0, tzinfo=RIYADH)


@pytest.fixture
def twilio(monkeypatch):
    """Twilio's stand-in, configured as the transport of WhatsApp and SMS."""
    with FakeTwilio() as fake:
        monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC" + "7" * 32)
        monkeypatch.setenv("TWILIO_AUTH_TOKEN", "cli-test-token")
        monkeypatch.setenv("TWILIO_SMS_FROM", "+15005550006")
        monkeypatch.setenv("TWILIO_API_BASE", fake.url)
        yield fake


@pytest.fixture
def incident_url(database_url: str, monkeypatch, twilio) -> str:
    monkeypatch.setenv("SADEEQ_DATABASE_URL", database_url)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    with session_scope(database_url) as session:
        for n in range(4):
            report_outage(
                session,
                channel="whatsapp",
                sender=f"+9665{n:08d}",
                phone=f"+9665{n:08d}",
                lang="ar",
                reported_at=T0 + timedelta(minutes=n),
                city="الرياض",
                district="النسيم",
            )
        report_outage(
            session,
            channel="sms",
            sender="+966511111111",
            phone="+966511111111",
            lang="en",
            reported_at=T0,
            city="جدة",
            district="الصفا",
        )
    return database_url


def run(capsys, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    try:
        code = sadeeq(["outages", *args])
    except SystemExit as exc:  # argparse errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_list_show_update_restore(incident_url: str, capsys) -> None:
    code, out, _ = run(capsys, "list")
    assert code == 0 and len(out.splitlines()) == 2
    assert "INC-000001" in out and "4 reporters" in out

    code, out, _ = run(capsys, "show", "inc-1", "--json")
    shown = json.loads(out)
    assert shown["reporters"] == 4 and shown["started_at"] == "2026-01-11T08:00:00+03:00"

    code, out, _ = run(
        capsys,
        "update",
        "INC-000001",
        "--eta",
        "2026-01-11T12:30",
        "--cause",
        "عطل في محول",
        "--force-majeure",
    )
    assert code == 0 and "notified 4 reporters" in out
    shown = json.loads(run(capsys, "show", "1", "--json")[1])
    assert shown["estimated_restoration_at"] == "2026-01-11T12:30:00+03:00"
    assert shown["force_majeure"] is True and shown["cause"] == "عطل في محول"

    code, out, _ = run(capsys, "update", "1", "--no-force-majeure")
    assert code == 0 and "notified" not in out  # no new estimate, nobody is messaged
    assert json.loads(run(capsys, "show", "1", "--json")[1])["force_majeure"] is False

    code, out, _ = run(capsys, "restore", "1", "--at", "2026-01-11T13:00+03:00")
    assert code == 0 and "notified 4 reporters" in out
    code, out, _ = run(capsys, "restore", "1")  # a rerun resumes, sends nothing twice
    assert code == 0 and "notified 0 reporters" in out
    assert notify_status(incident_url, 1).sent == 8

    assert len(run(capsys, "list")[1].splitlines()) == 1
    assert len(run(capsys, "list", "--all", "--json")[1].splitlines()) == 2
    assert run(capsys, "notify")[1].strip() == "sent 0 notices"


@pytest.mark.parametrize(
    "args, message",
    [
        (("show", "INC-404"), "no incident"),
        (("update", "1", "--eta", "tomorrow"), "not an ISO 8601 time"),
        (("update", "1", "--eta", "2026-01-11T07:00"), "before the outage started"),
        (("update", "1", "--notice-at", "2026-01-09T08:00"), "planned"),
        (("restore", "1", "--at", "2026-01-10T08:00"), "before the outage started"),
        (("frobnicate",), "invalid choice"),
        (("show",), "required"),
    ],
)
def test_bad_input_exits_2_with_one_line(incident_url, capsys, args, message) -> None:
    code, _, err = run(capsys, *args)
    assert code == 2
    lines = [
        line for line in err.splitlines() if line.strip() and "collected, not sent" not in line
    ]
    assert len(lines) == 1 and message in lines[0], err


@pytest.mark.parametrize(
    "args", [("restore", "1"), ("update", "1", "--eta", "2026-01-11T12:30"), ("notify",)]
)
def test_without_a_transport_nothing_changes_nothing_is_recorded_sent_and_it_says_so(
    incident_url: str, capsys, monkeypatch, twilio, args
) -> None:
    if args[0] == "notify":  # leave notices pending, the way a failed send does
        twilio.fail_next(503)
        twilio.fail_next(503)
        twilio.fail_next(503)
        twilio.fail_next(503)
        assert run(capsys, "restore", "1")[0] == 0
        assert notify_status(incident_url, 1).pending == 4
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"):
        monkeypatch.delenv(name)
    before = run(capsys, "show", "1", "--json")[1]
    code, out, err = run(capsys, *args)
    assert code != 0
    assert err.count("\n") == 1 and "no transport for whatsapp" in err
    assert "TWILIO_ACCOUNT_SID" in err and "--dry-run" in err
    assert run(capsys, "show", "1", "--json")[1] == before  # nothing changed
    assert notify_status(incident_url, 1).sent == 0
    sent_before = len(twilio.sent)

    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC" + "7" * 32)  # a later run with credentials
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "cli-test-token")
    assert run(capsys, *args)[0] == 0
    assert len(twilio.sent) - sent_before == 4 and notify_status(incident_url, 1).sent >= 4


def test_a_dry_run_prints_the_notices_and_changes_and_sends_nothing(
    incident_url, capsys, twilio, monkeypatch
) -> None:
    monkeypatch.delenv("TWILIO_AUTH_TOKEN")  # a rehearsal needs no transport
    before = run(capsys, "show", "1", "--json")[1]
    code, out, _ = run(capsys, "restore", "1", "--at", "2026-01-11T13:00+03:00", "--dry-run")
    assert code == 0
    assert out.count("[dry run] whatsapp +9665") == 4
    assert "4 notices would be sent; nothing was changed or sent" in out
    assert run(capsys, "show", "1", "--json")[1] == before
    assert twilio.sent == [] and notify_status(incident_url, 1).sent == 0
    code, out, _ = run(capsys, "update", "1", "--eta", "2026-01-11T12:30", "--dry-run")
    assert code == 0 and out.count("[dry run]") == 4 and twilio.sent == []
    assert json.loads(run(capsys, "show", "1", "--json")[1])["estimated_restoration_at"] is None


def test_an_oversized_cause_is_refused_with_one_line(incident_url: str, capsys, twilio) -> None:
    code, _, err = run(capsys, "update", "1", "--eta", "2026-01-11T12:30", "--cause", "x" * 500_000)
    assert code == 2 and err.count("\n") == 1 and "at most 300" in err
    assert twilio.sent == []


def test_a_time_out_of_range_is_one_line_not_a_traceback(incident_url: str, capsys) -> None:
    code, _, err = run(capsys, "update", "1", "--eta", "0001-01-01T00:00")
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err


def test_a_cancelled_report_is_neither_counted_nor_in_the_dry_run(
    incident_url: str, capsys, monkeypatch
) -> None:
    """A blind subscriber test: `restore --dry-run` listed a withdrawn report the real run
    does not send to, and the next reporter heard it counted as "another report"."""
    with session_scope(incident_url) as session:
        report = session.scalars(select(OutageReport).order_by(OutageReport.id)).first()
        assert report is not None
        cancel_report(session, report, T0 + timedelta(minutes=30))
    monkeypatch.delenv("TWILIO_AUTH_TOKEN")
    code, out, _ = run(capsys, "restore", "1", "--at", "2026-01-11T13:00+03:00", "--dry-run")
    assert code == 0 and out.count("[dry run] whatsapp +9665") == 3
    assert "+966500000000" not in out
    shown = json.loads(run(capsys, "show", "1", "--json")[1])
    assert shown["reporters"] == 3


@pytest.mark.parametrize("extra", [(), ("--no-notify",), ("--dry-run",)])
def test_restoring_a_withdrawn_incident_without_at_is_one_line(
    incident_url: str, capsys, extra: tuple[str, ...]
) -> None:
    """A cold review: `restore` with no --at on a withdrawn incident (its only report
    cancelled) read the missing restoration time and crashed on its tzinfo."""
    with session_scope(incident_url) as session:
        report = session.scalars(select(OutageReport).where(OutageReport.city == "جدة")).one()
        withdrawn = cancel_report(session, report, T0 + timedelta(minutes=30))
        assert withdrawn is not None
        reference = withdrawn.reference
    code, _, err = run(capsys, "restore", reference, *extra)
    assert code == 2 and err.count("\n") == 1 and "withdrawn" in err, err


def test_restore_names_the_reports_filed_after_its_time(incident_url: str, capsys) -> None:
    """A report filed after the restoration time is left open, and the operator is told so."""
    with session_scope(incident_url) as session:
        report_outage(
            session,
            channel="whatsapp",
            sender="+966500000099",
            phone="+966500000099",
            lang="ar",
            reported_at=T0 + timedelta(hours=6),
            city="الرياض",
            district="النسيم",
        )
    code, out, _ = run(capsys, "restore", "1", "--at", "2026-01-11T13:00+03:00")
    assert code == 0 and "notified 4 reporters" in out
    assert "left open (filed after 2026-01-11T13:00:00+03:00): OUT-000006 in INC-000003" in out


def test_a_dry_run_says_what_restore_would_do(incident_url: str, capsys, monkeypatch) -> None:
    """`restore --dry-run` printed the incident as "restored" (it was not) and kept quiet about
    the reports filed after its time, which the real run leaves open."""
    with session_scope(incident_url) as session:
        report_outage(
            session,
            channel="whatsapp",
            sender="+966500000099",
            phone="+966500000099",
            lang="ar",
            reported_at=T0 + timedelta(hours=6),
            city="الرياض",
            district="النسيم",
        )
    monkeypatch.delenv("TWILIO_AUTH_TOKEN")
    before = run(capsys, "show", "1", "--json")[1]
    code, out, _ = run(capsys, "restore", "1", "--at", "2026-01-11T13:00+03:00", "--dry-run")
    assert code == 0
    assert out.startswith("INC-000001  would be restored")
    assert "would leave open (filed after 2026-01-11T13:00:00+03:00): OUT-000006\n" in out
    assert "nothing was changed or sent" in out
    assert run(capsys, "show", "1", "--json")[1] == before
