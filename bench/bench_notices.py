"""Monthly bill notices at scale: notices prepared per second against the embedded billing data.

    .venv/bin/python bench/bench_notices.py --subscribers 100000      # about 2 minutes
    .venv/bin/python bench/bench_notices.py --subscribers 1000000     # the full million

Figures, all in one run on one fresh SQLite file:
  A  single process: plan + claim + one bills query per batch + compose + ledger, no rate limit,
     messages handed to a collecting sender (what the 28th costs us before the provider);
  B  baseline: the same loop on a sample, bills fetched per account through the billing adapter;
  Q  two rq worker processes (`sadeeq notices worker --burst`) sharing the ledger;
  T  a sample sent for real over HTTP to the local fake Twilio REST API (tests/support).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import delete, insert  # noqa: E402

from bot.billing.demo import demo_subscribers, seed_demo  # noqa: E402
from bot.billing.embedded import EmbeddedBilling  # noqa: E402
from bot.channels.outbound import CollectingSender  # noqa: E402
from bot.notices import ledger  # noqa: E402
from bot.notices.bills import AdapterBillSource, EmbeddedBillSource  # noqa: E402
from bot.notices.broadcast import Broadcast  # noqa: E402
from bot.notices.models import NoticeSend, NoticeSubscription  # noqa: E402
from bot.storage.db import engine_for  # noqa: E402

MONTH, ISSUED = "2026-11", date(2026, 11, 28)
REDIS_URL = "redis://127.0.0.1:6379/14"  # the default of --redis


def reset(engine) -> None:
    with engine.begin() as conn:
        conn.execute(delete(NoticeSend.__table__))


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--baseline", type=int, default=3_000)
    parser.add_argument("--twilio-sample", type=int, default=2_000)
    parser.add_argument("--redis", default=REDIS_URL, help="for Q, the queued run")
    parser.add_argument("--skip-queue", action="store_true", help="no Q (it takes as long as A)")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-notices-"))
    url = f"sqlite:///{workdir / 'notices.sqlite'}"
    engine = engine_for(url)
    seconds, _ = timed(lambda: seed_demo(url, subscribers=args.subscribers, months=1, today=ISSUED))
    now = datetime.now(UTC)
    rows = [
        dict(
            account=s.account,
            channel=("sms", "whatsapp")[i % 2],
            address=s.phone,
            phone=s.phone,
            lang=("ar", "en")[i % 2],
            consent_text="bill alerts",
            subscribed_at=now,
            unsubscribed_at=None,
        )
        for i, s in enumerate(demo_subscribers(args.subscribers))
    ]
    with engine.begin() as conn:
        conn.execute(insert(NoticeSubscription.__table__), rows)
    total = len(rows)
    print(f"seeded {args.subscribers} subscribers ({total} subscriptions) in {seconds:.1f} s")

    bulk = EmbeddedBillSource(url, today=ISSUED)
    cpu_a = time.process_time()
    seconds_a, counts = timed(lambda: Broadcast(engine, MONTH, bulk, CollectingSender()).run())
    cpu_a = time.process_time() - cpu_a
    assert counts["sent"] == total, counts
    rate_a = total / seconds_a
    # On a shared machine the wall time depends on the others' load; the CPU time does not.
    print(
        f"A single process, bulk bills: {total} notices in {seconds_a:.1f} s = {rate_a:,.0f}/s "
        f"(CPU {cpu_a:.1f} s = {total / cpu_a:,.0f}/s; load average {os.getloadavg()[0]:.1f})"
    )

    reset(engine)
    ledger.plan_month(engine, MONTH)
    low, _ = ledger.id_bounds(engine, MONTH)
    per_account = AdapterBillSource(EmbeddedBilling(url, today=lambda: ISSUED))
    sample = Broadcast(
        engine, MONTH, per_account, CollectingSender(), id_range=(low, low + args.baseline)
    )
    seconds_b, _ = timed(lambda: sample.run(plan=False))
    rate_b = args.baseline / seconds_b
    print(
        f"B baseline, bills per account through the adapter: {args.baseline} in "
        f"{seconds_b:.1f} s = {rate_b:,.0f}/s; A/B = {rate_a / rate_b:.1f}x"
    )

    rate_q = None if args.skip_queue else run_queue(url, engine, total, args.redis)
    if rate_q:
        print(f"Q two rq workers: {rate_q:,.0f}/s; Q/A = {rate_q / rate_a:.2f}x")

    rate_t = run_fake_twilio(url, engine, args.twilio_sample)
    print(
        f"T sent over HTTP to the fake Twilio API: {rate_t:,.0f}/s (sample "
        f"{args.twilio_sample}); T/A = {rate_t / rate_a:.3f}x"
    )


def run_queue(url: str, engine, total: int, redis_url: str) -> float | None:
    from redis import Redis

    from bot.config import Settings
    from bot.notices import queue

    redis = Redis.from_url(redis_url)
    try:
        redis.ping()
    except Exception:
        print("Q skipped: no Redis at", redis_url)
        return None
    reset(engine)
    env = {
        **os.environ,
        "SADEEQ_DATABASE_URL": url,
        "SADEEQ_REDIS_URL": redis_url,
        "PYTHONPATH": str(ROOT),
    }
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TELEGRAM_BOT_TOKEN"):
        env.pop(name, None)
    settings = Settings(database_url=url, redis_url=redis_url)
    start = time.perf_counter()
    jobs = queue.enqueue_month(settings, MONTH, rate=None, range_size=5_000)
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "bot", "notices", "worker", "--burst"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(2)
    ]
    for worker in workers:
        worker.wait(timeout=3600)
    seconds = time.perf_counter() - start
    counts = ledger.counts(engine, MONTH)
    for job in jobs:
        job.delete()
    queue.notices_queue(redis).delete(delete_jobs=True)
    assert counts["sent"] == total, counts
    return total / seconds


def run_fake_twilio(url: str, engine, sample: int) -> float:
    from bot.channels.twilio_sender import TwilioSender
    from tests.support.fake_twilio import FakeTwilio

    reset(engine)
    ledger.plan_month(engine, MONTH)
    low, _ = ledger.id_bounds(engine, MONTH)
    with FakeTwilio() as twilio:
        sender = TwilioSender(
            "AC" + "0" * 32,
            "token",
            database_url=url,
            sms_from="+15005550006",
            whatsapp_from="+15005550006",
            api_base=twilio.url,
        )
        run = Broadcast(
            engine,
            MONTH,
            EmbeddedBillSource(url, today=ISSUED),
            sender,
            id_range=(low, low + sample),
        )
        seconds, counts = timed(lambda: run.run(plan=False))
        assert len(twilio.sent) == sample, (len(twilio.sent), counts)
    return sample / seconds


if __name__ == "__main__":
    main()
