"""`sadeeq notices`: the monthly e-bill broadcast, its report, its queue worker and schedule.

    sadeeq notices send [--month 2026-11] [--rate 30]     # one process, progress bar, report
    sadeeq notices send --month 2026-11 --queue [--follow]  # batches on rq (SADEEQ_REDIS_URL)
    sadeeq notices worker [--burst]                       # an rq worker for those batches
    sadeeq notices report --month 2026-11
    sadeeq notices schedule [--hour 9]                    # waits for each 28th, then sends

A rerun of `send` is always safe: it continues where a stopped run ended and sends nothing
twice. Notices a crash caught mid-send are reported as interrupted and are resent only with
`--resend-interrupted`.

Cron instead of `schedule` (the month defaults to the current month in Riyadh):

    CRON_TZ=Asia/Riyadh
    0 9 28 * * cd /srv/sadeeq && .venv/bin/sadeeq notices send --no-progress >> var/notices.log 2>&1

Setting: SADEEQ_WHATSAPP_BILL_TEMPLATE, the content SID of the approved WhatsApp template
(variables 1 account, 2 total due, 3 due date) used outside the 24-hour window.
"""

from __future__ import annotations

import argparse
import re
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from tqdm import tqdm

from bot.config import Settings
from bot.notices import ledger
from bot.notices.models import FAILED, PENDING, SENDING, SENT
from bot.notices.schedule import month_of, next_run, seconds_until
from bot.storage.base import utcnow
from bot.storage.db import create_schema, engine_for

DEFAULT_RATE = 30.0


def _month(value: str) -> str:
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
        raise argparse.ArgumentTypeError(f"month must look like 2026-11, not {value!r}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest="action", required=True)
    send = commands.add_parser("send", help="send this month's bill notices")
    send.add_argument("--month", type=_month, help="YYYY-MM (default: this month in Riyadh)")
    send.add_argument(
        "--rate",
        type=float,
        default=DEFAULT_RATE,
        help=f"messages per second, all workers together (default {DEFAULT_RATE:g})",
    )
    send.add_argument("--batch", type=int, default=200, help="notices claimed at a time")
    send.add_argument(
        "--lease",
        type=float,
        default=600,
        help="seconds after which a dead worker's claims are taken back",
    )
    send.add_argument(
        "--resend-interrupted",
        action="store_true",
        help="send again the notices a crash left in doubt (may duplicate them)",
    )
    send.add_argument("--queue", action="store_true", help="enqueue batches on rq instead")
    send.add_argument("--follow", action="store_true", help="with --queue: watch the progress")
    send.add_argument("--no-progress", action="store_true", help="no progress bar")
    send.add_argument(
        "--dry-run",
        action="store_true",
        help="say how many notices would go out; send nothing and record nothing",
    )
    report = commands.add_parser("report", help="what a month's broadcast did")
    report.add_argument("--month", type=_month, help="YYYY-MM (default: this month in Riyadh)")
    worker = commands.add_parser("worker", help="an rq worker for queued notice batches")
    worker.add_argument("--burst", action="store_true", help="stop when the queue is empty")
    schedule = commands.add_parser("schedule", help="send on every 28th, Riyadh time")
    schedule.add_argument("--hour", type=int, default=9, help="hour of the day, Riyadh (default 9)")
    schedule.add_argument("--rate", type=float, default=DEFAULT_RATE)
    schedule.add_argument("--once", action="store_true", help="run the next send, then exit")


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    create_schema(settings.database_url)
    if args.action == "worker":
        from bot.channels.outbound import transport_problem
        from bot.notices.queue import run_worker

        # A worker without a transport would only turn queued notices into failures.
        if problem := transport_problem(
            settings, ledger.subscribed_channels(engine_for(settings.database_url))
        ):
            print(f"sadeeq notices: error: {problem}", file=sys.stderr)
            return 2

        run_worker(settings, burst=args.burst)
        return 0
    if args.action == "schedule":
        return _schedule(settings, args)
    month = args.month or month_of(utcnow())
    if args.action == "report":
        print(report_text(settings, month))
        return 0
    if args.dry_run:
        return dry_run(settings, month)
    return send(
        settings,
        month,
        rate=args.rate,
        batch=args.batch,
        lease=args.lease,
        resend=args.resend_interrupted,
        queue=args.queue,
        follow=args.follow,
        progress=not args.no_progress,
    )


def dry_run(settings: Settings, month: str) -> int:
    # Counted, not planned: a rehearsal leaves the ledger as it found it, so `notices report`
    # afterwards shows what was really done (a tester saw "1 planned" after "nothing was sent").
    due = ledger.due_by_channel(engine_for(settings.database_url), month)
    by_channel = ", ".join(f"{channel} {n}" for channel, n in sorted(due.items())) or "none"
    print(
        f"dry run: {sum(due.values())} notices of {month} would be sent ({by_channel}); "
        "nothing was sent or recorded"
    )
    return 0


def _transport_problem(settings: Settings, month: str) -> str | None:
    from bot.channels.outbound import transport_problem

    # Counted without planning: a run refused for want of a transport records nothing.
    return transport_problem(
        settings, ledger.due_by_channel(engine_for(settings.database_url), month)
    )


def send(
    settings: Settings,
    month: str,
    *,
    rate: float | None,
    batch: int = 200,
    lease: float = 600,
    resend: bool = False,
    queue: bool = False,
    follow: bool = False,
    progress: bool = True,
) -> int:
    engine = engine_for(settings.database_url)
    if problem := _transport_problem(settings, month):
        print(f"sadeeq notices: error: {problem}", file=sys.stderr)
        return 2
    if resend:
        print(f"{ledger.resend_interrupted(engine, month)} interrupted notices will be resent")
    if queue:
        from bot.notices.queue import enqueue_month

        jobs = enqueue_month(settings, month, rate=rate)
        print(f"{len(jobs)} batches of {month} enqueued on rq; run `sadeeq notices worker`")
        if follow:
            _follow(settings, month)
        return 0
    from bot.channels.outbound import outbound_sender
    from bot.notices.bills import bill_source
    from bot.notices.broadcast import Broadcast
    from bot.notices.compose import whatsapp_template
    from bot.notices.rate import TokenBucket

    ledger.plan_month(engine, month)
    bar = _progress_bar(settings, month, enabled=progress)
    broadcast = Broadcast(
        engine=engine,
        month=month,
        bills=bill_source(settings),
        sender=outbound_sender(settings),
        limiter=TokenBucket(rate),
        template=whatsapp_template(),
        batch_size=batch,
        lease=timedelta(seconds=lease),
        on_settled=bar.settled,
    )
    try:
        with stop_on_sigterm():
            broadcast.run(plan=False)
    except KeyboardInterrupt:
        bar.close()
        print("stopped; run the same command again to continue", file=sys.stderr)
        return 130
    bar.close()
    print(report_text(settings, month))
    return 0


@contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """SIGTERM (systemctl stop, docker stop) stops the run as Ctrl-C does: what went out is
    recorded and the notices marked in flight but never sent are handed back, instead of the
    whole group being left for recovery to report as interrupted."""

    def stop(_signum, _frame) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class _Bar:
    """tqdm over the month's notices: sent, failed and left beside the bar, ETA from tqdm."""

    def __init__(self, total: int, done: dict[str, int], enabled: bool) -> None:
        self.counts = dict(done)
        self.bar = tqdm(
            total=total,
            initial=done[SENT] + done[FAILED],
            unit="notice",
            disable=not enabled,
            dynamic_ncols=True,
            smoothing=0.05,
        )
        self.total = total
        self._postfix()

    def settled(self, state: str) -> None:
        self.counts[state] += 1
        self.bar.update(1)
        if self.bar.n % 10 == 0:
            self._postfix()

    def _postfix(self) -> None:
        left = self.total - self.counts[SENT] - self.counts[FAILED]
        self.bar.set_postfix(
            sent=self.counts[SENT], failed=self.counts[FAILED], left=left, refresh=False
        )

    def close(self) -> None:
        self._postfix()
        self.bar.close()


def _progress_bar(settings: Settings, month: str, enabled: bool) -> _Bar:
    done = ledger.counts(engine_for(settings.database_url), month)
    return _Bar(sum(done.values()), done, enabled)


def _follow(settings: Settings, month: str) -> None:
    engine = engine_for(settings.database_url)
    bar = _progress_bar(settings, month, enabled=True)
    while True:
        now = ledger.counts(engine, month)
        bar.bar.update(now[SENT] + now[FAILED] - bar.bar.n)
        bar.counts = now
        bar._postfix()
        if now[PENDING] + now[SENDING] == 0:
            break
        time.sleep(2)
    bar.close()
    print(report_text(settings, month))


def report_text(settings: Settings, month: str) -> str:
    engine = engine_for(settings.database_url)
    found = ledger.counts(engine, month)
    total = sum(found.values())
    lines = [
        f"notices {month}: {total} planned, {found[SENT]} sent, {found[FAILED]} failed, "
        f"{found[PENDING] + found[SENDING]} left"
    ]
    lines += [f"  failed {n}: {error}" for error, n in ledger.failures(engine, month).items()]
    # Twilio's status callbacks: of those sent, which arrived and which did not (and why).
    lost = ledger.undelivered(engine, month)
    if found[SENT]:
        lines.append(
            f"  of the sent: {ledger.delivered(engine, month)} delivered, "
            f"{sum(lost.values())} not delivered"
        )
    lines += [f"  not delivered {n}: {why} (error code)" for why, n in lost.items()]
    return "\n".join(lines)


def _schedule(settings: Settings, args: argparse.Namespace) -> int:
    while True:
        moment = next_run(datetime.now().astimezone(), args.hour)
        print(f"next bill notices at {moment.isoformat()} (Asia/Riyadh)", flush=True)
        time.sleep(seconds_until(moment, datetime.now().astimezone()))
        send(settings, month_of(moment), rate=args.rate, progress=False)
        if args.once:
            return 0
