"""Issue 17: what one message costs a worker, counted rather than timed (the machine is shared
and its load moves CPU times by ±30%): database round trips, Redis commands, voluntary context
switches and, with `--callgrind`, the instructions the worker process executes.

    .venv/bin/python bench/count_worker.py [--postgres URL --redis URL] [--callgrind] [--trace]

The scale-out script (bench/bench_scaleout.py's greeting, bill, menu pick, outage with a
location, status, thanks) from `--senders` senders, through `Answerer.answer_soon` on an event
loop, every sender waiting for its answer before sending the next: a webhook worker without
the HTTP (on PostgreSQL the turns run in threads, as the server runs them). SQLite first, then
PostgreSQL + Redis, each on a fresh database seeded with the demo data, each warmed up first.

- round trips: psycopg's waits on the server (one a statement sent alone, one a pipeline);
- Redis commands: the server's own counters;
- voluntary context switches: the process's (every thread), from getrusage;
- instructions (`--callgrind`): the counted part run again inside valgrind, all threads
  (PYTHONHASHSEED=0; the batch's own, from the counts zeroed before it to their dump after).
`--trace`: each step of the script once, alone, with where each round trip came from.
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import os
import re
import resource
import subprocess
import sys
import tempfile
import traceback
import uuid
from collections import Counter
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
import redis  # noqa: E402

from bench.profile_worker import messages, scratch_schema  # noqa: E402
from bot.billing.demo import seed_demo  # noqa: E402
from bot.channels.answering import Answerer  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.dialogue.engine import Engine  # noqa: E402
from bot.storage.db import create_schema, dispose_engine  # noqa: E402

# Counting from the start, the counts of every thread zeroed before the batch and dumped after
# it: callgrind's collection switch (`CALLGRIND_TOGGLE_COLLECT`) is a thread's own, and the
# turns run on threads started during the warm-up.
HELPER = """#include <valgrind/callgrind.h>
void zero(void) { CALLGRIND_ZERO_STATS; }
void dump(void) { CALLGRIND_DUMP_STATS_AT("batch"); }
"""


class Waits:
    """psycopg's waits on the server, counted (and, tracing, where each came from)."""

    def __init__(self, trace: bool = False) -> None:
        self.count = 0
        self.origins: list[str] = []
        self.trace = trace
        self._wait = psycopg.Connection.wait
        counter = self

        def wait(connection, gen, *args, **kwargs):
            return counter._wait(connection, counter._counted(gen), *args, **kwargs)

        psycopg.Connection.wait = wait  # type: ignore[method-assign]

    def _counted(self, gen):
        """`gen` as it is, counted when it waits at all (psycopg's commit and rollback of an
        idle connection go through `wait` without a word to the server)."""
        try:
            waiting = next(gen)
        except StopIteration as done:
            return done.value
        self.count += 1
        if self.trace:
            self.origins.append(_origin())
        while True:
            ready = yield waiting
            try:
                waiting = gen.send(ready)
            except StopIteration as done:
                return done.value

    def stop(self) -> None:
        psycopg.Connection.wait = self._wait  # type: ignore[method-assign]


def _origin() -> str:
    """The project's frames that led to a round trip, innermost last."""
    frames = [
        f"{Path(frame.filename).stem}.{frame.name}"
        for frame in traceback.extract_stack()[:-2]
        if ("/bot/" in frame.filename or "/handlers/" in frame.filename)
        and "/bot/storage/" not in frame.filename
        and "/bot/channels/" not in frame.filename
    ]
    return " > ".join(frames[-3:])


def answerer_for(url: str, redis_url: str | None) -> Answerer:
    settings = replace(
        Settings.from_env(),
        database_url=url,
        redis_url=redis_url,
        billing_url=None,
        rate_limit_per_minute=0,
    )
    return Answerer(Engine(settings), settings)


async def converse(answerer: Answerer, batch, senders: int) -> None:
    """Each sender's messages in order, the senders at once."""
    by_sender: dict[str, list] = {}
    for message in batch:
        by_sender.setdefault(message.sender, []).append(message)

    async def sender(mine) -> None:
        for message in mine:
            await answerer.answer_soon(message, lambda reply: reply.text)

    queues = list(by_sender.values())
    await asyncio.gather(*(sender(q) for q in queues[:senders]))


def prepared(url: str, senders: int) -> None:
    create_schema(url)
    seed_demo(url, subscribers=senders, months=2)
    dispose_engine(url)


def counted(name: str, url: str, redis_url: str | None, args, library=None) -> None:
    """Warm up, then the counted batch; inside valgrind (`library`) only the batch is counted."""
    answerer = answerer_for(url, redis_url)
    asyncio.run(converse(answerer, messages(10, 2, "warm" + uuid.uuid4().hex[:6]), 10))
    batch = messages(args.senders, args.per_sender, name[:2] + uuid.uuid4().hex[:6])
    if library is not None:
        library.zero()
        asyncio.run(converse(answerer, batch, args.senders))
        library.dump()
        return
    store = redis.Redis.from_url(redis_url) if redis_url else None
    redis_before = _redis_calls(store)
    waits = Waits()
    switches = resource.getrusage(resource.RUSAGE_SELF).ru_nvcsw
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    asyncio.run(converse(answerer, batch, args.senders))
    used = resource.getrusage(resource.RUSAGE_SELF)
    waits.stop()
    n = len(batch)
    print(
        f"{name:<20} {n} messages: round trips {waits.count / n:.2f}, Redis commands "
        f"{(_redis_calls(store) - redis_before) / n:.2f}, voluntary context switches "
        f"{(used.ru_nvcsw - switches) / n:.2f}, CPU "
        f"{1000 * (used.ru_utime + used.ru_stime - cpu.ru_utime - cpu.ru_stime) / n:.2f} ms",
        flush=True,
    )


def traced(name: str, url: str, redis_url: str | None) -> None:
    """One sender's script, a message at a time, with each round trip's origin."""
    answerer = answerer_for(url, redis_url)
    asyncio.run(converse(answerer, messages(10, 2, "warm" + uuid.uuid4().hex[:6]), 10))
    print(name)
    for message in messages(1, 6, "tr" + uuid.uuid4().hex[:6]):
        waits = Waits(trace=True)
        asyncio.run(converse(answerer, [message], 1))
        waits.stop()
        print(f"  {message.text!r}: {waits.count} round trips")
        for origin, times in Counter(waits.origins).items():
            print(f"    {times} x {origin}")


def _redis_calls(store) -> int:
    if store is None:
        return 0
    stats = store.info("commandstats")
    return sum(int(v["calls"]) for k, v in stats.items() if k != "cmdstat_info")


def under_callgrind(name: str, url: str, redis_url: str | None, args, folder: Path) -> None:
    command = [
        "valgrind",
        "--tool=callgrind",
        f"--callgrind-out-file={folder}/callgrind.out.%p",
        sys.executable,
        __file__,
        f"--inside={url}",
        f"--redis={redis_url or ''}",
        f"--senders={args.senders}",
        f"--per-sender={args.per_sender}",
    ]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    subprocess.run(command, check=True, env=env, stderr=subprocess.DEVNULL)
    total = 0
    for dump in folder.glob("callgrind.out.*"):
        text = dump.read_text(errors="replace")
        found = re.search(r"^(?:summary|totals): (\d+)", text, re.M)
        if found and re.search(r"^desc: Trigger: Client Request: batch$", text, re.M):
            total += int(found.group(1))
        dump.unlink()
    n = args.senders * args.per_sender
    print(f"{name:<20} {n} messages: {total / n:,.0f} instructions a message", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--senders", type=int, default=50)
    parser.add_argument("--per-sender", type=int, default=12)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--callgrind", action="store_true")
    parser.add_argument("--trace", action="store_true")
    parser.add_argument("--only", choices=["sqlite", "pg"], help="one set-up only")
    parser.add_argument("--inside", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:
        folder = Path(tempfile.mkdtemp(prefix="count_worker_"))
        source, library = folder / "toggle.c", folder / "toggle.so"
        source.write_text(HELPER)
        subprocess.run(["cc", "-shared", "-fPIC", "-O1", "-o", library, source], check=True)
        counted("inside", args.inside, args.redis or None, args, ctypes.CDLL(str(library)))
        return
    folder = Path(tempfile.mkdtemp(prefix="count_worker_"))
    setups = [("SQLite, no Redis", "sqlite"), ("PostgreSQL + Redis", "pg")]
    with scratch_schema(args.postgres, "count") as pg:
        for name, kind in setups:
            if args.only and kind != args.only:
                continue
            url = f"sqlite:///{folder / 'w.sqlite'}" if kind == "sqlite" else pg
            redis_url = args.redis if kind == "pg" else None
            prepared(url, args.senders)
            if args.trace:
                traced(name, url, redis_url)
            elif args.callgrind:
                under_callgrind(name, url, redis_url, args, folder)
            else:
                counted(name, url, redis_url, args)
            dispose_engine(url)


if __name__ == "__main__":
    main()
