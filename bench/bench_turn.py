"""Issue 17: the CPU cost of one engine turn, in process, on an SQLite file.

    .venv/bin/python bench/bench_turn.py [--turns 2000] [--profile outage|bill]

Two hot turns, each a subscriber's first message (a contact row made, the message understood,
routed, answered, committed), every one from a different generated demo subscriber (one account
each, so a bill lookup answers with the bill at once):
- outage report: "الكهرباء طافية" and the like (joins the open incident of the district);
- bill lookup: "كم فاتورتي" and the like (accounts of the number, the latest bill, the bill card).
The texts (bench/turn_texts.toml, a few hundred, taken in turn) vary, so that what is kept per
text (find_place, find_standard: the last 64) misses as a new message's text would.
Baseline in the same run: `bot.understanding.understand` on the same texts, the part of a turn
every message pays for. CPU is the thread's own (time.thread_time), median and p90 per turn;
the kinds are interleaved in rounds so that other jobs on the machine fall on all alike.
`--profile KIND` runs one kind under cProfile instead and prints the top of the profile.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import tempfile
import time
import tomllib
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.billing.demo import FIXED_SUBSCRIBERS, demo_phone_numbers, seed_demo  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.dialogue.engine import Engine  # noqa: E402
from bot.dialogue.messages import Inbound  # noqa: E402
from bot.storage.db import create_schema  # noqa: E402
from bot.understanding import understand  # noqa: E402

TEXTS: dict[str, list[str]] = tomllib.loads((ROOT / "bench" / "turn_texts.toml").read_text())
EXPECTED = {"outage": "OUT-", "bill": "ر.س"}
ROUNDS = 5
WARMUP = 50


def inbound(kind: str, phone: str, at: datetime, i: int) -> Inbound:
    return Inbound(
        channel="whatsapp",
        sender=phone,
        phone=phone,
        text=TEXTS[kind][i % len(TEXTS[kind])],
        received_at=at,
        message_id=f"SM{kind}{i:08d}",
    )


def timed_turns(engine: Engine, messages: list[Inbound], kind: str) -> list[float]:
    cpu = []
    for message in messages:
        started = time.thread_time()
        replies = engine.respond(message).replies
        cpu.append(time.thread_time() - started)
        if not replies or EXPECTED[kind] not in replies[0].text:
            raise SystemExit(f"unexpected answer to {kind} from {message.sender}: {replies!r}")
    return cpu


def timed_understanding(messages: list[Inbound]) -> list[float]:
    cpu = []
    for message in messages:
        started = time.thread_time()
        understand(message.text, now=message.received_at)
        cpu.append(time.thread_time() - started)
    return cpu


def line(name: str, cpu: list[float], baseline: list[float] | None = None) -> str:
    median, p90 = statistics.median(cpu), statistics.quantiles(cpu, n=10)[8]
    text = f"{name:<28} n={len(cpu):>5}  median {median * 1000:6.3f} ms  p90 {p90 * 1000:6.3f} ms"
    if baseline:
        text += f"  ratio to understanding {median / statistics.median(baseline):5.1f}x"
    return text


def warm_engine(subscribers: int, at: datetime) -> tuple[Engine, Iterator[str]]:
    """An engine on a new SQLite file with `subscribers` generated ones, warmed up at `at`
    (imports, caches, the first incidents), and the phones not used yet."""
    total = subscribers + WARMUP
    kinds = sorted(TEXTS)
    folder = Path(tempfile.mkdtemp(prefix="bench_turn_"))
    url = f"sqlite:///{folder / 'turn.sqlite'}"
    create_schema(url)
    seed_demo(url, subscribers=total + FIXED_SUBSCRIBERS, months=1)
    settings = replace(
        Settings.from_env(),
        database_url=url,
        billing_url=None,
        redis_url=None,
        rate_limit_per_minute=0,
    )
    engine = Engine(settings)
    phones = iter(demo_phone_numbers(total))
    for i in range(WARMUP):
        kind = kinds[i % len(kinds)]
        engine.respond(inbound(kind, next(phones), at, 10**7 + i))
    return engine, phones


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=2000, help="turns of each kind")
    parser.add_argument("--profile", choices=sorted(TEXTS), help="profile one kind instead")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    kinds = sorted(TEXTS)
    at = datetime.now(UTC)
    engine, phones = warm_engine(args.turns * len(kinds), at)
    messages = {
        kind: [inbound(kind, next(phones), at + timedelta(seconds=i), i) for i in range(args.turns)]
        for kind in kinds
    }
    if args.profile:
        # On the thread's CPU clock: what other processes on the machine take is not counted.
        profiler = cProfile.Profile(time.thread_time)
        profiler.enable()
        for message in messages[args.profile]:
            engine.respond(message)
        profiler.disable()
        stats = pstats.Stats(profiler)
        # Where the time goes in our own code (cumulative), then the hottest functions anywhere.
        stats.sort_stats("cumulative").print_stats(r"/(bot|handlers)/", args.top)
        stats.strip_dirs().sort_stats("tottime").print_stats(args.top)
        return 0

    cpu: dict[str, list[float]] = {kind: [] for kind in kinds}
    baseline: dict[str, list[float]] = {kind: [] for kind in kinds}
    size = args.turns // ROUNDS
    for r in range(ROUNDS):
        for kind in kinds:
            chunk = messages[kind][r * size : (r + 1) * size]
            baseline[kind] += timed_understanding(chunk)
            cpu[kind] += timed_turns(engine, chunk, kind)
    print(f"python {sys.version.split()[0]}, SQLite file, {args.turns} first messages of each kind")
    for kind in kinds:
        print(line(f"baseline: understand ({kind})", baseline[kind]))
        print(line(f"engine turn ({kind})", cpu[kind], baseline[kind]))
    goal = 0.0006
    met = all(statistics.median(cpu[kind]) <= goal for kind in kinds)
    print(f"goal (median CPU <= {goal * 1000:.1f} ms for both): {'met' if met else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
