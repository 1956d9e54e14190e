"""Throughput and latency of `understand` on one core, against bare normalization.

    .venv/bin/python bench/bench_understanding.py [--rounds N]

Messages are the labelled set (tests/data/labelled_messages.tsv). Two figures for
`understand`: "warm" (the per-word similarity cache has seen these words, as in a running
bot where subscribers reuse a small vocabulary) and "cold" (the cache is emptied before every
message, so each message pays for all its fuzzy word lookups). The baseline is
`bot.text.normalize` over the same messages in the same run; the ratio says how many
normalizations one understanding costs.

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
from bot.text import normalize  # noqa: E402
from bot.understanding import understand  # noqa: E402
from bot.understanding.matcher import phrase_index  # noqa: E402

NOW = datetime(2026, 11, 24, 16, 0, tzinfo=RIYADH)


def messages() -> list[str]:
    path = ROOT / "tests" / "data" / "labelled_messages.tsv"
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]
    return [row[1] for row in rows[1:]]


def timed(fn, texts: list[str], rounds: int, before=None) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of each call."""
    wall, cpu = [], []
    for _ in range(rounds):
        for text in texts:
            if before:
                before()
            started, started_cpu = time.perf_counter(), time.thread_time()
            fn(text)
            cpu.append(time.thread_time() - started_cpu)
            wall.append(time.perf_counter() - started)
    return wall, cpu


def summary(name: str, timings: tuple[list[float], list[float]]) -> dict[str, float]:
    wall, cpu = timings
    qw, qc = statistics.quantiles(wall, n=100), statistics.quantiles(cpu, n=100)
    figures = {"per_s": len(cpu) / sum(cpu), "wall_per_s": len(wall) / sum(wall),
               "p50_ms": qc[49] * 1e3, "p99_ms": qc[98] * 1e3, "wall_p99_ms": qw[98] * 1e3}
    print(f"{name:<26} CPU {figures['per_s']:>9,.0f} msg/s  p50 {figures['p50_ms']:.3f} ms  "
          f"p99 {figures['p99_ms']:.3f} ms | wall {figures['wall_per_s']:>9,.0f} msg/s  "
          f"p99 {figures['wall_p99_ms']:.3f} ms")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    texts = messages()
    index = phrase_index()
    for text in texts:  # build the index and load every data file before timing
        understand(text, NOW)
    print(f"{len(texts)} messages x {args.rounds} rounds, python {platform.python_version()}, "
          f"{os.cpu_count()} cores (pinned to 1), load average {os.getloadavg()[0]:.2f}, "
          f"{datetime.now(RIYADH):%Y-%m-%d}")
    base = summary("baseline: normalize", timed(normalize, texts, args.rounds))
    warm = summary("understand (warm cache)", timed(lambda t: understand(t, NOW), texts, args.rounds))
    cold = summary("understand (cold cache)", timed(lambda t: understand(t, NOW), texts,
                                                    max(1, args.rounds // 4),
                                                    before=index.similar.cache_clear))
    print(f"ratio understand/normalize CPU per message: warm {base['per_s'] / warm['per_s']:.1f}x, "
          f"cold {base['per_s'] / cold['per_s']:.1f}x")
    ok = warm["per_s"] >= 5000 and warm["p99_ms"] < 2 and cold["p99_ms"] < 2
    print(f"goal on CPU time (>= 5,000 msg/s warm, p99 < 2 ms warm and cold): "
          f"{'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
