"""A worker's CPU per message, in process, on SQLite and on PostgreSQL + Redis: what
bench_scaleout.py measures through HTTP, without the HTTP and the load generator, so that the
difference between the two databases shows, and can be profiled.

    .venv/bin/python bench/profile_worker.py --postgres URL --redis URL [--profile]

Each set-up: a fresh database seeded with the demo data, then the scale-out script (greeting,
bill, menu pick, outage with a location, status, thanks) from 50 senders, one message at a time
through `Answerer.answer` (the claim row, the engine turn with the rate limit and the sender
lock, the stored answer), as a webhook request runs it. CPU time of this one thread.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import redis  # noqa: E402
from sqlalchemy import create_engine, event, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402

from bench.bench_scaleout import SCRIPT  # noqa: E402
from bot.billing.demo import seed_demo  # noqa: E402
from bot.channels.answering import Answerer  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.dialogue.engine import Engine  # noqa: E402
from bot.dialogue.messages import Inbound, Location  # noqa: E402
from bot.storage.db import create_schema, dispose_engine, engine_for  # noqa: E402


def messages(senders: int, per_sender: int, tag: str) -> list[Inbound]:
    out = []
    for n in range(per_sender):
        for who in range(senders):
            phone = f"+9665000{who:05d}" if who >= 20 else f"+96650000{who + 1:04d}"
            step = SCRIPT[n % len(SCRIPT)]
            location = None
            if "Latitude" in step:
                location = Location(
                    float(step["Latitude"]), float(step["Longitude"]), step.get("Address")
                )
            out.append(
                Inbound(
                    channel="whatsapp",
                    sender=phone,
                    text=step["Body"],
                    received_at=datetime.now(UTC),
                    message_id=f"SM{tag}{who:04d}{n:04d}",
                    phone=phone,
                    location=location,
                )
            )
    return out


class RoundTrips:
    """What a message asks of the database and Redis, counted from here on: statements,
    transactions begun and committed (SQLAlchemy's events, so the counts are the same however
    busy the machine is), and Redis commands (the server's own counters)."""

    def __init__(self, url: str, redis_url: str | None) -> None:
        self.counts = {"statements": 0, "begins": 0, "commits": 0, "rollbacks": 0}
        self.engine = engine_for(url)
        self.listeners = []
        for name, key in (
            ("before_cursor_execute", "statements"),
            ("begin", "begins"),
            ("commit", "commits"),
            ("rollback", "rollbacks"),
        ):
            listener = self._counter(key)
            event.listen(self.engine, name, listener)
            self.listeners.append((name, listener))
        self.redis = redis.Redis.from_url(redis_url) if redis_url else None
        self.redis_before = self._redis_calls()

    def stop(self) -> None:
        """Listening sends every statement through `Connection.execute` (bot/storage/prepared.py
        steps aside for listeners): the timed run must not listen."""
        for name, listener in self.listeners:
            event.remove(self.engine, name, listener)
        # SQLAlchemy never clears the flag itself; nothing else listens to these events here.
        self.engine._has_events = False

    def _counter(self, key: str):
        def count(*_args, **_kwargs) -> None:
            self.counts[key] += 1

        return count

    def _redis_calls(self) -> int:
        if self.redis is None:
            return 0
        stats = self.redis.info("commandstats")
        return sum(int(v["calls"]) for k, v in stats.items() if k != "cmdstat_info")

    def per_message(self, n: int) -> str:
        shown = ", ".join(f"{key} {value / n:.2f}" for key, value in self.counts.items())
        if self.redis is not None:
            shown += f", Redis commands {(self._redis_calls() - self.redis_before) / n:.2f}"
        return shown


def run(name: str, url: str, redis_url: str | None, args) -> float:
    create_schema(url)
    seed_demo(url, subscribers=args.senders, months=2)
    dispose_engine(url)
    settings = replace(
        Settings.from_env(),
        database_url=url,
        redis_url=redis_url,
        billing_url=None,
        rate_limit_per_minute=args.rate_limit,
    )
    answerer = Answerer(Engine(settings), settings)
    for message in messages(10, 2, f"warm{name}"):
        answerer.answer(message, lambda reply: reply.text)
    # The counts from a run of their own (one round of the script), before the timed one.
    counted = messages(args.senders, len(SCRIPT), f"count{name}" + uuid.uuid4().hex[:6])
    trips = RoundTrips(url, redis_url)
    for message in counted:
        answerer.answer(message, lambda reply: reply.text)
    trips.stop()
    shown = trips.per_message(len(counted))
    batch = messages(args.senders, args.per_sender, name + uuid.uuid4().hex[:6])
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    cpu = time.process_time()
    if profiler:
        profiler.enable()
    for message in batch:
        answerer.answer(message, lambda reply: reply.text)
    if profiler:
        profiler.disable()
    cpu_ms = 1000 * (time.process_time() - cpu) / len(batch)
    print(f"{name:<28} {len(batch)} messages, CPU {cpu_ms:.2f} ms a message", flush=True)
    print(f"{'':<28} a message (a run of its own, counted): {shown}", flush=True)
    if profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("tottime").print_stats(args.top)
        if args.cumulative:
            stats.sort_stats("cumulative").print_stats(args.cumulative)
        if args.callers:
            stats.print_callers(args.callers)
        print(out.getvalue())
    return cpu_ms


@contextmanager
def scratch_schema(postgres: str, prefix: str) -> Iterator[str]:
    """A PostgreSQL schema of its own for one run: the URL that reaches it; dropped after."""
    admin = create_engine(postgres, poolclass=NullPool)
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = (
        make_url(postgres)
        .update_query_dict({"options": f"-csearch_path={schema}"})
        .render_as_string(hide_password=False)
    )
    try:
        yield url
    finally:
        dispose_engine(url)
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--senders", type=int, default=50)
    parser.add_argument("--per-sender", type=int, default=12)
    parser.add_argument("--rate-limit", type=int, default=0, help="messages a minute; 0: off")
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--cumulative", help="also print, by cumulative time, functions matching")
    parser.add_argument("--callers", help="also print the callers of functions matching this")
    args = parser.parse_args()
    folder = Path(f"/tmp/profile_worker_{uuid.uuid4().hex[:8]}")
    folder.mkdir()
    with scratch_schema(args.postgres, "prof") as pg:
        base = run("SQLite, no Redis", f"sqlite:///{folder / 'w.sqlite'}", None, args)
        scaled = run("PostgreSQL + Redis", pg, args.redis, args)
        print(f"ratio PostgreSQL + Redis / SQLite: {scaled / base:.2f}x")


if __name__ == "__main__":
    main()
