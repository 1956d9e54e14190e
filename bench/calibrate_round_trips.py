"""What one more blocking call costs the PostgreSQL + Redis worker, in CPU a message, in process:
the price of a round trip where it is paid (a busy worker, not a tight loop).

    .venv/bin/python bench/calibrate_round_trips.py --postgres URL --redis URL [--rounds 8]

One PostgreSQL + Redis worker (`Answerer.answer`, the scale-out script from 50 senders, as
bench/profile_worker.py), batches of 300 messages alternating, in one process, between: nothing
added; three more psycopg statements on the turn's connection (`SELECT %s::int`, its kept
cursor); three more redis-py calls (PING on a bare connection, as the sender lock's); three more
PINGs on a plain socket (the round trip without redis-py's code). Each batch's CPU a message,
less the same round's batch with nothing added, over three: what one such call costs. Batches
alternate so that the machine's load moves them alike; read the medians.

A change that removes a round trip but runs as much Python as it saves (the same client code
later, or new code in its place) saves only the wait's share: compare its figure with these.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import time
import uuid
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import redis  # noqa: E402

from bench.profile_worker import messages, scratch_schema  # noqa: E402
from bot.billing.demo import seed_demo  # noqa: E402
from bot.channels.answering import Answerer  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.dialogue import engine as engine_module  # noqa: E402
from bot.dialogue.engine import Engine  # noqa: E402
from bot.storage.db import create_schema, dispose_engine  # noqa: E402
from bot.storage.prepared import _kept_cursor  # noqa: E402

NOTHING = "nothing added"
KINDS = (NOTHING, "psycopg statement", "redis-py call", "socket round trip")
EXTRA = 3


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--rounds", type=int, default=8)
    args = parser.parse_args()
    with scratch_schema(args.postgres, "calib") as url:
        _calibrate(url, args)


def _calibrate(url: str, args: argparse.Namespace) -> None:
    bare = redis.Redis.from_url(args.redis).connection_pool.make_connection()
    where = urlsplit(args.redis)
    plain = socket.create_connection((where.hostname or "127.0.0.1", where.port or 6379))
    kind = [NOTHING]
    real_save = engine_module.contact_rows.save

    def save(conn, *rest, **named):  # the turn's last statement, on its connection
        if kind[0] == "psycopg statement":
            cursor = _kept_cursor(conn)
            for _ in range(EXTRA):
                cursor.execute("SELECT %s::int", (1,))
                cursor.fetchone()
        elif kind[0] == "redis-py call":
            for _ in range(EXTRA):
                bare.send_command("PING")
                bare.read_response()
        elif kind[0] == "socket round trip":
            for _ in range(EXTRA):
                plain.sendall(b"PING\r\n")
                plain.recv(64)
        return real_save(conn, *rest, **named)

    engine_module.contact_rows.save = save
    try:
        create_schema(url)
        seed_demo(url, subscribers=50, months=2)
        dispose_engine(url)
        settings = replace(
            Settings.from_env(),
            database_url=url,
            redis_url=args.redis,
            billing_url=None,
            rate_limit_per_minute=0,
        )
        answerer = Answerer(Engine(settings), settings)
        for message in messages(10, 6, "warm"):
            answerer.answer(message, lambda reply: reply.text)
        cpu: dict[str, list[float]] = {name: [] for name in KINDS}
        for n in range(args.rounds):
            for name in KINDS if n % 2 == 0 else KINDS[::-1]:
                kind[0] = name
                batch = messages(50, 6, f"{n}{name[:3]}{uuid.uuid4().hex[:6]}")
                started = time.process_time()
                for message in batch:
                    answerer.answer(message, lambda reply: reply.text)
                cpu[name].append(1000 * (time.process_time() - started) / len(batch))
        for name in KINDS:
            line = f"{name:<20} CPU a message: median {statistics.median(cpu[name]):.2f} ms"
            if name != NOTHING:
                each = [
                    1000 * (b - a) / EXTRA for a, b in zip(cpu[NOTHING], cpu[name], strict=True)
                ]
                line += f"; one more call: median {statistics.median(each):.0f} us"
                line += f" (rounds: {' '.join(f'{x:.0f}' for x in each)})"
            print(line, flush=True)
    finally:
        engine_module.contact_rows.save = real_save


if __name__ == "__main__":
    main()
