"""The broadcast spread over many machines through rq (Redis).

`enqueue_month` plans the month's ledger, then puts one job per range of `notice_sends` ids on
the "notices" queue; each `sadeeq notices worker` (rq's own Worker) runs `send_range`, which is
the same broadcast loop limited to its range. Claims in the database still decide who sends
what, so a job run twice, or two workers on one range, send nothing twice. The rate limit is
shared by all workers through one Redis counter per second.
"""

from __future__ import annotations

import os
from dataclasses import replace

from redis import Redis
from rq import Queue, SimpleWorker, Worker
from rq.job import Job

from bot.config import Settings
from bot.notices import ledger
from bot.notices.bills import bill_source
from bot.notices.broadcast import Broadcast
from bot.notices.compose import whatsapp_template
from bot.notices.rate import RedisWindowLimiter
from bot.storage.db import engine_for

QUEUE_NAME = "notices"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
JOB_TIMEOUT = 6 * 3600  # a range at a low --rate can take hours


def redis_for(settings: Settings) -> Redis:
    return Redis.from_url(settings.redis_url or DEFAULT_REDIS_URL)


def notices_queue(redis: Redis, name: str = QUEUE_NAME) -> Queue:
    return Queue(name, connection=redis, default_timeout=JOB_TIMEOUT)


def enqueue_month(
    settings: Settings,
    month: str,
    *,
    rate: float | None,
    range_size: int = 1000,
    queue_name: str = QUEUE_NAME,
) -> list[Job]:
    engine = engine_for(settings.database_url)
    ledger.plan_month(engine, month)
    bounds = ledger.id_bounds(engine, month)
    if bounds is None:
        return []
    queue = notices_queue(redis_for(settings), queue_name)
    low, high = bounds
    return [
        queue.enqueue(
            send_range,
            settings.database_url,
            month,
            start,
            min(start + range_size, high + 1),
            rate,
            settings.redis_url,
            description=f"notices {month} ids {start}..",
        )
        for start in range(low, high + 1, range_size)
    ]


def send_range(
    database_url: str, month: str, low: int, high: int, rate: float | None, redis_url: str | None
) -> dict[str, int]:
    """One queued job: the broadcast of ids [low, high) of `month`, settings from the worker's
    environment (its Twilio credentials, billing source) but the enqueuer's database."""
    from bot.channels.outbound import outbound_sender

    settings = replace(Settings.from_env(), database_url=database_url, redis_url=redis_url)
    limiter = RedisWindowLimiter(redis_for(settings), f"sadeeq:notices:rate:{month}", rate)
    broadcast = Broadcast(
        engine=engine_for(database_url),
        month=month,
        bills=bill_source(settings),
        sender=outbound_sender(settings),
        limiter=limiter,
        template=whatsapp_template(),
        id_range=(low, high),
    )
    return broadcast.run(plan=False)


def run_worker(
    settings: Settings, *, burst: bool = False, simple: bool = False, queue_name: str = QUEUE_NAME
) -> bool:
    """rq's Worker (a fork per job) or SimpleWorker (jobs in this process: tests, macOS)."""
    worker_class = SimpleWorker if simple else Worker
    redis = redis_for(settings)
    worker = worker_class(
        [notices_queue(redis, queue_name)],
        connection=redis,
        name=f"notices-{os.uname().nodename}-{os.getpid()}",
    )
    return worker.work(burst=burst)
