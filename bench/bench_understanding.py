"""Throughput and latency of `understand` on one core, against bare normalization.

    .venv/bin/python bench/bench_understanding.py [--rounds N]

Messages are the test sets (tests/data/*.tsv). `understand` is timed as the running bot calls
it: keywords, slots and the trained intent model (`bot.understanding.model`). "first call" is
one round, each message seen for the first time by the process after the start-up reading of
the bot's tables (`bot.understanding.prepare`, which reads no message), so no cache has seen
it; the words met (the model's feature rows, the standards finder's rule groups) are
forgotten before it and kept again during it, so a word of a later message may have been met in an
earlier one of the round, as in a bot just restarted. The model's own words (its "w:"
features, the words of at least two training messages) have their rows worked out when the
model is loaded, from its file alone; the line after "first call" says how many of the round's
new words they were. "repeated" runs every message many rounds. The baseline is the
normalization of each message (`bot.text.words(bot.text.fold(text))`, what `normalize` does
without its cache of short strings) in the same run; the ratio says how many normalizations
one understanding costs. The model's scoring alone is shown too.

The machine is shared: wall-clock percentiles include time spent waiting for the core while
other jobs run, so the CPU time of each call (`time.thread_time`) is reported beside them;
the goal is judged on CPU time, and the load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import RIYADH  # noqa: E402
from bot.text import fold, normalize, words  # noqa: E402
from bot.understanding import forget_words, prepare, understand  # noqa: E402
from bot.understanding.features import message_words  # noqa: E402
from bot.understanding.model import intent_model  # noqa: E402

NOW = datetime(2026, 11, 24, 16, 0, tzinfo=RIYADH)


def messages() -> dict[str, list[str]]:
    """Each test set's messages: the labelled set is short typical messages; the blind and
    safety sets have many long ones (a greeting or a story before the request)."""
    sets = {}
    for path in sorted((ROOT / "tests" / "data").glob("*.tsv")):
        rows = [
            line.split("\t")
            for line in path.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")
        ]
        sets[path.name] = [row[1] for row in rows[1:]]
    return sets


def timed(fn, texts: list[str], rounds: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of each call."""
    wall, cpu = [], []
    for _ in range(rounds):
        for text in texts:
            started, started_cpu = time.perf_counter(), time.thread_time()
            fn(text)
            cpu.append(time.thread_time() - started_cpu)
            wall.append(time.perf_counter() - started)
    return wall, cpu


def summary(name: str, timings: tuple[list[float], list[float]]) -> dict[str, float]:
    wall, cpu = timings
    qw, qc = statistics.quantiles(wall, n=100), statistics.quantiles(cpu, n=100)
    figures = {
        "per_s": len(cpu) / sum(cpu),
        "wall_per_s": len(wall) / sum(wall),
        "p50_ms": qc[49] * 1e3,
        "p99_ms": qc[98] * 1e3,
        "wall_p99_ms": qw[98] * 1e3,
    }
    print(
        f"{name:<26} CPU {figures['per_s']:>9,.0f} msg/s  p50 {figures['p50_ms']:.3f} ms  "
        f"p99 {figures['p99_ms']:.3f} ms | wall {figures['wall_per_s']:>9,.0f} msg/s  "
        f"p99 {figures['wall_p99_ms']:.3f} ms"
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    sets = messages()
    prepare()  # what the running bot reads at start-up (bot.startup): model, phrases, slot words
    model = intent_model()
    print(
        f"python {platform.python_version()}, {os.cpu_count()} cores (pinned to 1), load average "
        f"{os.getloadavg()[0]:.2f}, {datetime.now(RIYADH):%Y-%m-%d}, {args.rounds} rounds"
    )
    for name, texts in sets.items():
        length = sum(len(t.split()) for t in texts) / len(texts)
        print(f"\n{name}: {len(texts)} messages, {length:.1f} words on average")
        forget_words()  # as after a restart: no word of this set met yet
        cold = summary("understand (first call)", timed(lambda t: understand(t, NOW), texts, 1))
        met = [w for t in texts for w in message_words(normalize(t[:1000]))]
        first_met = set(met)
        own = sum(1 for w in first_met if "w:" + w in model.index)
        print(
            f"  (words in that round: {len(first_met):,} met for the first time, {own:,} of "
            f"them the model's own words (worked out at start-up); "
            f"{len(met) - len(first_met):,} met before in the round)"
        )
        base = summary(
            "baseline: normalization", timed(lambda t: words(fold(t)), texts, args.rounds)
        )
        warm = summary(
            "understand (repeated)", timed(lambda t: understand(t, NOW), texts, args.rounds)
        )
        summary(
            "model scoring alone",
            timed(lambda t: model.probabilities(normalize(t)), texts, args.rounds),
        )
        print(
            f"ratio understand/normalization CPU per message: repeated "
            f"{base['per_s'] / warm['per_s']:.1f}x, first call "
            f"{base['per_s'] / cold['per_s']:.1f}x"
        )
        ok = min(warm["per_s"], cold["per_s"]) >= 5000 and max(warm["p99_ms"], cold["p99_ms"]) < 2
        print(
            f"goal on CPU time (>= 5,000 msg/s and p99 < 2 ms, first call and repeated): "
            f"{'met' if ok else 'NOT met'}"
        )


if __name__ == "__main__":
    main()
