"""The monthly broadcast end to end on a real SQLite database: exactly one notice each,
across crashes, reruns, retries and two workers at once."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import insert, select, update

from bot.billing.demo import demo_subscribers, seed_demo
from bot.channels.contacts import OPTED_OUT
from bot.channels.outbound import CollectingSender, Outbound, OutboundSender, SendResult
from bot.notices import ledger
from bot.notices.bills import NOT_LINKED, EmbeddedBillSource
from bot.notices.broadcast import Broadcast, RetryPolicy
from bot.notices.models import NoticeSend, NoticeSubscription
from bot.storage.db import engine_for

MONTH = "2026-11"
ISSUED = date(2026, 11, 28)
NOW = datetime(2026, 11, 28, 6, 0, tzinfo=UTC)


class Crash(BaseException):
    """The process dying: not an error the broadcast may catch and carry on from."""


class CrashingSender(CollectingSender):
    """Delivers `survive` notices, then the process "dies" on the next call."""

    def __init__(self, survive: int) -> None:
        super().__init__()
        self.survive = survive

    def send(self, message: Outbound) -> SendResult:
        if len(self.sent) >= self.survive:
            raise Crash
        return super().send(message)


class LockedCollectingSender(CollectingSender):
    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()

    def send(self, message: Outbound) -> SendResult:
        with self.lock:
            return super().send(message)


def populate(url: str, subscribers: int, opted_out_every: int = 0) -> dict[str, set[str]]:
    """Seed bills, subscribe every account to its own phone, opt out some and add one
    subscription whose account belongs to another phone. Returns the expected addresses."""
    seed_demo(url, subscribers=subscribers, months=1, today=ISSUED)
    rows, expected, opted_out = [], set(), set()
    for i, s in enumerate(demo_subscribers(subscribers)):
        gone = bool(opted_out_every) and i % opted_out_every == 1
        rows.append(
            dict(
                account=s.account,
                channel=("sms", "whatsapp", "telegram")[i % 3],
                address=s.phone if i % 3 != 2 else f"tg:{i}",
                phone=s.phone,
                lang=("ar", "en")[i % 2],
                consent_text="bill alerts",
                subscribed_at=NOW,
                unsubscribed_at=NOW if gone else None,
            )
        )
        (opted_out if gone else expected).add(s.account)
    # Linked to +966500000001 in billing, but subscribed from another number.
    rows.append(
        dict(
            account="30012345678",
            channel="sms",
            address="+966599999999",
            phone="+966599999999",
            lang="ar",
            consent_text="x",
            subscribed_at=NOW,
            unsubscribed_at=None,
        )
    )
    with engine_for(url).begin() as conn:
        conn.execute(insert(NoticeSubscription.__table__), rows)
    return {"expected": expected, "opted_out": opted_out}


def broadcast(url: str, sender: OutboundSender, **kwargs) -> Broadcast:
    kwargs.setdefault("bills", EmbeddedBillSource(url, today=ISSUED))
    return Broadcast(engine=engine_for(url), month=MONTH, sender=sender, **kwargs)


def sent_accounts(url: str, senders: list[CollectingSender]) -> Counter:
    """Count notices per account from what the senders actually carried."""
    accounts_at: dict[tuple[str, str], list[str]] = {}
    with engine_for(url).connect() as conn:
        for r in conn.execute(select(NoticeSubscription.__table__)):
            accounts_at.setdefault((r.channel, r.address), []).append(r.account)
    counts: Counter = Counter()
    for sender in senders:
        for message in sender.sent:
            targets = accounts_at[(message.channel, message.address)]
            account = next(a for a in targets if a in message.text)
            counts[account] += 1
    return counts


def test_ten_thousand_subscribers_crash_rerun_exactly_one_each(database_url):
    people = populate(database_url, 10_000, opted_out_every=97)
    engine = engine_for(database_url)
    first = CrashingSender(survive=4_000)
    with pytest.raises(Crash):
        broadcast(database_url, first).run()
    assert len(first.sent) == 4_000

    # The rerun takes back the dead run's claims at once (lease 0): what never started is
    # sent now; the one notice caught mid-send is reported, not sent a second time.
    second = CollectingSender()
    broadcast(database_url, second, lease=timedelta(0)).run()
    counts = sent_accounts(database_url, [first, second])
    assert max(counts.values()) == 1
    failures = ledger.failures(engine, MONTH)
    assert failures.pop(ledger.INTERRUPTED) == 1
    assert len(counts) == len(people["expected"]) - 1

    # The operator chooses to resend it (here it never left: the crash came first).
    assert ledger.resend_interrupted(engine, MONTH) == 1
    third = CollectingSender()
    final = broadcast(database_url, third).run()
    counts = sent_accounts(database_url, [first, second, third])
    assert set(counts) == people["expected"] and set(counts.values()) == {1}
    assert not people["opted_out"] & set(counts)
    assert final["pending"] == final["sending"] == 0
    assert final["sent"] == len(people["expected"])
    # Opted out before the month was planned: no ledger row at all.
    assert ledger.failures(engine, MONTH) == {NOT_LINKED: 1}
    assert sum(final.values()) == len(people["expected"]) + 1

    # A rerun after the month is done sends nothing more.
    fourth = CollectingSender()
    broadcast(database_url, fourth).run()
    assert fourth.sent == []


def test_two_workers_at_once_never_double_send(database_url):
    people = populate(database_url, 3_000)
    sender = LockedCollectingSender()
    ledger.plan_month(engine_for(database_url), MONTH)
    workers = [broadcast(database_url, sender, batch_size=25) for _ in range(2)]
    threads = [threading.Thread(target=w.run, kwargs={"plan": False}) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    counts = sent_accounts(database_url, [sender])
    assert set(counts) == people["expected"] and set(counts.values()) == {1}
    with engine_for(database_url).connect() as conn:
        assert set(conn.scalars(select(NoticeSend.attempts).where(NoticeSend.state == "sent"))) == {
            1
        }


class FakeClock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class FlakySender(CollectingSender):
    """Temporary failures for the first `flaky` calls per address; some numbers are invalid;
    one number is down for good."""

    def __init__(self, flaky: int, invalid: set[str], down: set[str]) -> None:
        super().__init__()
        self.flaky, self.invalid, self.down = flaky, invalid, down
        self.calls: Counter = Counter()

    def send(self, message: Outbound) -> SendResult:
        self.calls[message.address] += 1
        if message.address in self.invalid:
            return SendResult(ok=False, permanent=True, error="21211 invalid number")
        if message.address in self.down or self.calls[message.address] <= self.flaky:
            return SendResult(ok=False, error="503 try later")
        return super().send(message)


def test_retries_with_backoff_and_permanent_failures_recorded(database_url):
    populate(database_url, 30)
    phones = [s.phone for s in demo_subscribers(30)]
    invalid, down = {phones[3]}, {phones[6]}
    clock = FakeClock()
    sender = FlakySender(flaky=2, invalid=invalid, down=down)
    policy = RetryPolicy(max_attempts=4, base_seconds=10, cap_seconds=60)
    result = broadcast(database_url, sender, retry=policy, now=clock, sleep=clock.sleep).run()
    assert result["pending"] == result["sending"] == 0
    assert sender.calls[phones[3]] == 1  # permanent: never retried
    assert sender.calls[phones[6]] == 4  # bounded attempts
    assert sender.calls[phones[9]] == 3  # two temporary failures, then sent
    # Backoff: 10 s then ~20 s (±20% jitter) passed on the fake clock before the third try.
    assert timedelta(seconds=24) <= clock.now - NOW <= timedelta(seconds=120)
    engine = engine_for(database_url)
    failures = ledger.failures(engine, MONTH)
    assert failures["21211 invalid number"] == 1
    assert failures["gave up after 4 attempts: 503 try later"] == 1
    with engine.connect() as conn:
        attempts = dict(
            conn.execute(
                select(NoticeSubscription.address, NoticeSend.attempts)
                .join(NoticeSend, NoticeSend.subscription_id == NoticeSubscription.id)
                .where(NoticeSubscription.channel == "sms")
            ).all()
        )
    assert attempts[phones[9]] == 3


def test_subscription_ended_after_planning_gets_nothing(database_url):
    populate(database_url, 10)
    engine = engine_for(database_url)
    ledger.plan_month(engine, MONTH)
    with engine.begin() as conn:
        conn.execute(update(NoticeSubscription.__table__).values(unsubscribed_at=NOW))
    sender = CollectingSender()
    counts = broadcast(database_url, sender).run()
    assert sender.sent == [] and counts["sent"] == 0
    assert ledger.failures(engine, MONTH) == {OPTED_OUT: counts["failed"]}


class StopWhileLookingUp(EmbeddedBillSource):
    """The subscriber of `account` stops the bill alerts while the batch's bills are looked up:
    after the notice was planned and claimed, before anything went to the provider."""

    def __init__(self, url: str, account: str) -> None:
        super().__init__(url, today=ISSUED)
        self.url, self.account = url, account

    def bills_for_accounts(self, targets, month):
        with engine_for(self.url).begin() as conn:
            conn.execute(
                update(NoticeSubscription.__table__)
                .where(NoticeSubscription.account == self.account)
                .values(unsubscribed_at=NOW)
            )
        return super().bills_for_accounts(targets, month)


def test_an_opt_out_after_the_claim_is_read_again_right_before_sending(database_url):
    people = populate(database_url, 6)
    gone = sorted(people["expected"])[0]
    sender = CollectingSender()
    settled: list[str] = []
    counts = broadcast(
        database_url,
        sender,
        bills=StopWhileLookingUp(database_url, gone),
        on_settled=settled.append,
    ).run()
    assert not any(gone in message.text for message in sender.sent)
    assert len(sender.sent) == len(people["expected"]) - 1
    assert ledger.failures(engine_for(database_url), MONTH)[OPTED_OUT] == 1
    assert counts["failed"] == settled.count("failed") and counts["sent"] == settled.count("sent")


def test_claims_of_a_live_worker_are_not_taken(database_url):
    populate(database_url, 10)
    engine = engine_for(database_url)
    ledger.plan_month(engine, MONTH)
    mine = ledger.claim(engine, MONTH, "worker-a", 1000, NOW)
    assert len(mine) == 12  # 11 accounts + the subscription from an unlinked number
    assert ledger.claim(engine, MONTH, "worker-b", 1000, NOW) == []
    # Within the lease, another run leaves them alone; a worker cannot start another's row.
    assert ledger.recover_stale(engine, MONTH, NOW, timedelta(minutes=10)) == 0
    assert not ledger.start_send(engine, "worker-b", mine[0].send_id, NOW)
    assert ledger.start_send(engine, "worker-a", mine[0].send_id, NOW)


def test_a_process_killed_outright_leaves_only_its_last_group_in_doubt(database_url, monkeypatch):
    """No Ctrl-C, no exception handler: the process is gone with a group marked in flight.
    That group is reported interrupted (some of it went out, some not: nobody can tell), the
    rest is sent by the rerun, and nothing is sent twice."""
    people = populate(database_url, 300)
    engine = engine_for(database_url)
    dead = threading.Event()

    class KilledSender(CollectingSender):
        def send(self, message: Outbound) -> SendResult:
            if len(self.sent) == 120:
                dead.set()
                raise Crash
            return super().send(message)

    # A killed process records nothing on its way out.
    for name in ("settle", "release"):
        real = getattr(ledger, name)
        monkeypatch.setattr(
            ledger, name, lambda *a, _real=real, **k: None if dead.is_set() else _real(*a, **k)
        )
    first = KilledSender()
    with pytest.raises(Crash):
        broadcast(database_url, first, in_flight_group=50).run()
    monkeypatch.undo()

    second = CollectingSender()
    broadcast(database_url, second, lease=timedelta(0)).run()
    counts = sent_accounts(database_url, [first, second])
    assert max(counts.values()) == 1
    # Notices 100-149 of the first batch were in flight: 20 of them had gone out, 30 not.
    assert ledger.failures(engine, MONTH) == {ledger.INTERRUPTED: 50, NOT_LINKED: 1}
    assert len(counts) == len(people["expected"]) - 30
    with engine.connect() as conn:
        assert set(conn.scalars(select(NoticeSend.attempts).where(NoticeSend.state == "sent"))) == {
            1
        }


def test_a_stopped_run_gives_back_its_marked_group_uncounted(database_url):
    """Ctrl-C in the middle of a group: what went out is recorded, the one mid-send is in
    doubt, the rest of the group goes back to pending with no attempt counted."""
    populate(database_url, 100)
    engine = engine_for(database_url)
    first = CrashingSender(survive=10)
    with pytest.raises(Crash):
        broadcast(database_url, first, in_flight_group=50).run()
    counts = ledger.counts(engine, MONTH)
    assert counts["sent"] == 10 and counts["sending"] == 1
    with engine.connect() as conn:
        pending = list(
            conn.scalars(select(NoticeSend.attempts).where(NoticeSend.state == "pending"))
        )
    assert pending and set(pending) == {0}


def test_sigterm_stops_a_run_as_ctrl_c_does(database_url):
    """`systemctl stop` in the middle of a group: recorded and handed back like Ctrl-C, so
    only the notice mid-send is left in doubt, not its whole group."""
    import os
    import signal

    from bot.notices.cli import stop_on_sigterm

    populate(database_url, 100)
    engine = engine_for(database_url)

    class StoppedSender(CollectingSender):
        def send(self, message: Outbound) -> SendResult:
            if len(self.sent) == 10:
                os.kill(os.getpid(), signal.SIGTERM)
            return super().send(message)

    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt), stop_on_sigterm():
        broadcast(database_url, StoppedSender(), in_flight_group=50).run()
    assert signal.getsignal(signal.SIGTERM) == before
    counts = ledger.counts(engine, MONTH)
    assert counts["sent"] == 10 and counts["sending"] == 1  # the 11th: caught mid-send
    with engine.connect() as conn:
        pending = list(
            conn.scalars(select(NoticeSend.attempts).where(NoticeSend.state == "pending"))
        )
    assert pending and set(pending) == {0}  # the rest of its group handed back
