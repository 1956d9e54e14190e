"""Cases judged per second by the standards engine, against the bare arithmetic.

    .venv/bin/python bench/bench_standards.py [N]      (default N = 1,000,000)

One core, one process. The baseline is the amount formula alone on the same random cases
(plain Python: deadline, lateness, X + Y * (units - 1); no calendar, no objects), so the ratio
says what the engine's checks, time zones, business calendar and result objects cost.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import datetime, timedelta

from bot.standards import STANDARD_IDS, Case, calendar, compensation_for


def random_cases(n: int, seed: int = 7) -> list[Case]:
    rng = random.Random(seed)
    first = datetime(2018, 1, 1).timestamp()
    span = datetime(2030, 12, 31).timestamp() - first
    cases = []
    for _ in range(n):
        start = datetime.fromtimestamp(first + rng.random() * span).replace(microsecond=0)
        end = start + timedelta(minutes=rng.randrange(0, 90 * 24 * 60))
        standard = rng.choice(STANDARD_IDS)
        notice = start - timedelta(hours=rng.randrange(0, 96)) if rng.random() < 0.7 else None
        cases.append(
            Case(standard, start, end, notice_at=notice, network=rng.choice(("lv", "mv", "hv")))
        )
    return cases


def arithmetic_only(cases: list[Case]) -> int:
    """The minimum: emergency-outage style formula on every case, hours only."""
    total = 0
    for case in cases:
        late = (case.end - case.start).total_seconds() - 3 * 3600
        if late > 0:
            total += 50 + 50 * (-(-int(late) // 3600) - 1)
    return total


def engine(cases: list[Case]) -> int:
    return sum(compensation_for(case).amount_sar for case in cases)


def timed(fn, cases: list[Case]) -> float:
    began = time.perf_counter()
    fn(cases)
    return time.perf_counter() - began


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    cases = random_cases(n)
    calendar().add_business_days(datetime(2031, 6, 1).date(), 1)  # load 2017-2032 up front
    base = timed(arithmetic_only, cases)
    full = timed(engine, cases)
    print(f"cases: {n:,} (all nine standards, 2018-2030, both rule sets)")
    print(f"baseline arithmetic only: {n / base:,.0f} cases/s ({base:.2f} s)")
    print(f"engine compensation_for:  {n / full:,.0f} cases/s ({full:.2f} s)")
    print(f"ratio engine/baseline:    {base / full:.3f} (engine is {full / base:.1f}x slower)")


if __name__ == "__main__":
    main()
