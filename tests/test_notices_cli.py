"""`sadeeq notices send` and `sadeeq notices report` as an operator runs them: through the CLI
entry, on a real database, with Twilio's local stand-in as the transport of SMS and WhatsApp."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import insert

from bot.billing.demo import demo_subscribers, seed_demo
from bot.cli import main as sadeeq
from bot.notices import ledger
from bot.notices.models import NoticeSubscription
from bot.notices.rate import TokenBucket
from bot.storage.db import engine_for
from tests.support.fake_twilio import FakeTwilio

MONTH = "2026-11"
ISSUED = date(2026, 11, 28)
NOW = datetime(2026, 11, 28, 6, 0, tzinfo=UTC)
SMS_FROM = "+15005550006"
WHATSAPP_FROM = "+15005550007"
STRANGER = "+966599999999"  # subscribed to an account linked to another number
TEMPLATE = "HX" + "b" * 32  # the approved WhatsApp bill template (outside the 24-hour window)


@pytest.fixture
def twilio(monkeypatch):
    """Twilio's stand-in as the only transport: no Telegram, no billing API."""
    with FakeTwilio() as fake:
        monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC" + "5" * 32)
        monkeypatch.setenv("TWILIO_AUTH_TOKEN", "notices-cli-token")
        monkeypatch.setenv("TWILIO_SMS_FROM", SMS_FROM)
        monkeypatch.setenv("TWILIO_WHATSAPP_FROM", WHATSAPP_FROM)
        monkeypatch.setenv("TWILIO_API_BASE", fake.url)
        monkeypatch.setenv("SADEEQ_WHATSAPP_BILL_TEMPLATE", TEMPLATE)
        for name in ("TELEGRAM_BOT_TOKEN", "SADEEQ_BILLING_URL", "TWILIO_MESSAGING_SERVICE_SID"):
            monkeypatch.delenv(name, raising=False)
        yield fake


@pytest.fixture
def subscribed(database_url, monkeypatch) -> dict[str, str]:
    """Seven accounts (six numbers) with this month's bill, subscribed on SMS or WhatsApp; the
    fourth opted out before the month; plus one subscription from a number the account is not
    linked to. Returns the Twilio `To` of each notice that must go out (six), by account."""
    monkeypatch.setenv("SADEEQ_DATABASE_URL", database_url)
    seed_demo(database_url, subscribers=6, months=1, today=ISSUED)
    rows, expected = [], {}
    people = list(demo_subscribers(6))
    assert len(people) == 7
    for i, person in enumerate(people):
        channel = ("sms", "whatsapp")[i % 2]
        gone = i == 3
        rows.append(
            dict(
                account=person.account,
                channel=channel,
                address=person.phone,
                phone=person.phone,
                lang=("ar", "en")[i % 2],
                consent_text="اشتراك الفاتورة",
                subscribed_at=NOW,
                unsubscribed_at=NOW if gone else None,
            )
        )
        if not gone:
            expected[person.account] = (
                f"whatsapp:{person.phone}" if channel == "whatsapp" else person.phone
            )
    rows.append(
        dict(
            account=people[0].account,
            channel="sms",
            address=STRANGER,
            phone=STRANGER,
            lang="ar",
            consent_text="bill alerts",
            subscribed_at=NOW,
            unsubscribed_at=None,
        )
    )
    with engine_for(database_url).begin() as conn:
        conn.execute(insert(NoticeSubscription.__table__), rows)
    return expected


def run(capsys, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    try:
        code = sadeeq(["notices", *args])
    except SystemExit as exc:  # argparse's errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def sent_to(twilio: FakeTwilio) -> list[str]:
    return sorted(message["To"] for message in twilio.sent)


def test_send_reaches_each_subscribed_account_once_and_a_rerun_sends_nothing(
    twilio, subscribed, database_url, capsys
):
    code, out, err = run(capsys, "send", "--month", MONTH, "--no-progress")
    assert code == 0, err
    assert sent_to(twilio) == sorted(subscribed.values())
    assert STRANGER not in sent_to(twilio)  # never another number's bill
    for message in twilio.sent:
        account = next(a for a, to in subscribed.items() if to == message["To"])
        if message["To"].startswith("whatsapp:"):
            assert message["From"] == f"whatsapp:{WHATSAPP_FROM}"
            assert message["ContentSid"] == TEMPLATE and account in message["ContentVariables"]
        else:
            assert message["From"] == SMS_FROM and account in message["Body"]
    # The opted-out account is not planned; the unlinked one fails with its reason.
    assert out.splitlines()[0] == "notices 2026-11: 7 planned, 6 sent, 1 failed, 0 left"
    assert "  failed 1: not_linked" in out.splitlines()

    code, again, _ = run(capsys, "send", "--month", MONTH, "--no-progress")
    assert code == 0
    assert len(twilio.requests) == 6  # nothing went to Twilio a second time
    assert again.splitlines()[0] == out.splitlines()[0]

    code, report, _ = run(capsys, "report", "--month", MONTH)
    assert code == 0 and report.splitlines()[0] == out.splitlines()[0]
    assert "  of the sent: 0 delivered, 0 not delivered" in report.splitlines()


def test_dry_run_records_nothing_and_a_real_run_then_sends_all(
    twilio, subscribed, database_url, capsys
):
    """A tester read "nothing was sent" from the dry run and then "7 planned" in the report: the
    rehearsal had written the month's ledger. It now counts without writing."""
    code, out, _ = run(capsys, "send", "--month", MONTH, "--dry-run")
    assert code == 0
    assert out.strip() == (
        "dry run: 7 notices of 2026-11 would be sent (sms 5, whatsapp 2); "
        "nothing was sent or recorded"
    )
    assert twilio.requests == []
    found = ledger.counts(engine_for(database_url), MONTH)
    assert sum(found.values()) == 0

    code, report, _ = run(capsys, "report", "--month", MONTH)
    assert report.splitlines() == ["notices 2026-11: 0 planned, 0 sent, 0 failed, 0 left"]

    code, out, _ = run(capsys, "send", "--month", MONTH, "--no-progress")
    assert code == 0 and sent_to(twilio) == sorted(subscribed.values())


def test_send_refuses_without_a_transport_for_every_channel_and_sends_nothing(
    twilio, subscribed, database_url, capsys
):
    # One Telegram subscriber and no Telegram token: the whole run refuses, Twilio's too.
    person = next(iter(demo_subscribers(1)))
    with engine_for(database_url).begin() as conn:
        conn.execute(
            insert(NoticeSubscription.__table__).values(
                account=person.account,
                channel="telegram",
                address="tg:4242",
                phone=person.phone,
                lang="ar",
                consent_text="اشتراك",
                subscribed_at=NOW,
            )
        )
    code, out, err = run(capsys, "send", "--month", MONTH, "--no-progress")
    assert code == 2 and out == ""
    assert err.splitlines() == [
        "sadeeq notices: error: no transport for telegram: set TELEGRAM_BOT_TOKEN, "
        "or rehearse with --dry-run; nothing was sent"
    ]
    assert twilio.requests == []
    assert ledger.counts(engine_for(database_url), MONTH)["sent"] == 0


def test_report_counts_a_refused_number_as_failed_with_twilios_reason(
    twilio, subscribed, database_url, capsys
):
    twilio.fail_next(400, 21211)  # "invalid 'To' phone number": permanent, not retried
    code, out, _ = run(capsys, "send", "--month", MONTH, "--no-progress")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "notices 2026-11: 7 planned, 5 sent, 2 failed, 0 left"
    refused = [line for line in lines if "21211" in line]
    assert len(refused) == 1 and refused[0].startswith("  failed 1: twilio 21211")
    assert len(twilio.requests) == 6 and len(twilio.sent) == 5
    found = ledger.counts(engine_for(database_url), MONTH)
    assert (found["sent"], found["failed"], found["pending"]) == (5, 2, 0)


def test_a_stopped_send_reports_what_is_left_and_a_rerun_finishes_without_doubles(
    twilio, subscribed, database_url, capsys, monkeypatch
):
    real_acquire = TokenBucket.acquire
    calls = {"n": 0}

    def ctrl_c_on_the_third(self) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        real_acquire(self)

    monkeypatch.setattr(TokenBucket, "acquire", ctrl_c_on_the_third)
    code, out, err = run(capsys, "send", "--month", MONTH, "--no-progress")
    assert code == 130
    assert "stopped; run the same command again to continue" in err
    assert len(twilio.sent) == 2
    code, report, _ = run(capsys, "report", "--month", MONTH)
    # The unlinked one is settled before any send; what never started is handed back.
    assert report.splitlines()[0] == "notices 2026-11: 7 planned, 2 sent, 1 failed, 4 left"

    monkeypatch.setattr(TokenBucket, "acquire", real_acquire)
    code, out, _ = run(capsys, "send", "--month", MONTH, "--no-progress")
    assert code == 0
    assert sent_to(twilio) == sorted(subscribed.values())  # each exactly once
    assert len(twilio.requests) == 6
    assert out.splitlines()[0] == "notices 2026-11: 7 planned, 6 sent, 1 failed, 0 left"


@pytest.mark.parametrize("action", ["send", "report"])
@pytest.mark.parametrize("month", ["2026-13", "2026-1", "11-2026", "2026/11", "next"])
def test_a_bad_month_exits_2_with_one_line(twilio, subscribed, capsys, action, month):
    code, out, err = run(capsys, action, "--month", month)
    assert code == 2 and out == ""
    assert err.splitlines() == [
        f"sadeeq notices {action}: error: argument --month: "
        f"month must look like 2026-11, not {month!r}"
    ]
    assert twilio.requests == []


class Crash(BaseException):
    """The process dying mid-send: nothing the broadcast may catch."""


def test_a_notice_a_crash_left_in_doubt_is_resent_only_with_resend_interrupted(
    twilio, subscribed, database_url, capsys, monkeypatch
):
    from bot.channels.twilio_sender import TwilioSender

    real_send = TwilioSender.send
    calls: list[str] = []

    def dies_on_the_third(self, message):
        calls.append(message.address)
        if len(calls) == 3:
            raise Crash
        return real_send(self, message)

    monkeypatch.setattr(TwilioSender, "send", dies_on_the_third)
    with pytest.raises(Crash):
        sadeeq(["notices", "send", "--month", MONTH, "--no-progress"])
    monkeypatch.setattr(TwilioSender, "send", real_send)

    # The next run (its lease over) finishes the rest but never guesses about the third.
    code, out, _ = run(capsys, "send", "--month", MONTH, "--no-progress", "--lease", "0")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "notices 2026-11: 7 planned, 5 sent, 2 failed, 0 left"
    assert "  failed 1: interrupted while sending: delivery unknown, not resent" in lines
    assert len(twilio.sent) == 5  # the one in doubt is not sent again on its own

    code, out, _ = run(capsys, "send", "--month", MONTH, "--no-progress", "--resend-interrupted")
    assert code == 0
    assert out.splitlines()[:2] == [
        "1 interrupted notices will be resent",
        "notices 2026-11: 7 planned, 6 sent, 1 failed, 0 left",
    ]
    assert sent_to(twilio) == sorted(subscribed.values())
