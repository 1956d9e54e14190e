"""Issue 17: where an engine turn's CPU goes, by sampling its Python stack (no cProfile).

    .venv/bin/python bench/sample_turn.py [--turns 5000] [--kind outage|bill] [--top 60]

bench_turn's set-up and texts (each chunk's understanding run first, as bench_turn's baseline
does), then `--turns` first messages of one kind while the kernel interrupts the thread on its
CPU clock (ITIMER_PROF) and the Python stack is recorded at each interrupt. cProfile adds a
fixed cost to every Python call (a turn makes ~1,500), which inflates small functions and
shrinks C work (SQLite, `re`) beside them; a sample costs the turn nothing between interrupts.
The kernel's tick (~4 ms here) sets how often a sample is taken, whatever the interval asked:
a few thousand turns give a few thousand samples. Prints each function's share of the samples
inclusive (somewhere on the stack) and own (the innermost Python frame: C work is counted in
the function that called it).
"""

from __future__ import annotations

import argparse
import collections
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_turn import ROUNDS, TEXTS, inbound, warm_engine  # noqa: E402

from bot.understanding import understand  # noqa: E402

_ROOTS = ("/site-packages/", "/lib/python3.")


def _name(frame: FrameType) -> str:
    path = frame.f_code.co_filename
    for root in (str(Path(__file__).resolve().parent.parent) + "/", *_ROOTS):
        if root in path:
            path = path.split(root, 1)[1]
            break
    return f"{path}:{frame.f_code.co_name}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=5000)
    parser.add_argument("--kind", choices=sorted(TEXTS), default="outage")
    parser.add_argument("--top", type=int, default=60)
    args = parser.parse_args()
    at = datetime.now(UTC)
    engine, phones = warm_engine(args.turns, at)
    messages = [
        inbound(args.kind, next(phones), at + timedelta(seconds=i), i) for i in range(args.turns)
    ]
    stacks: collections.Counter[tuple[str, ...]] = collections.Counter()

    def sampled(_signal: int, frame: FrameType | None) -> None:
        names = []
        while frame is not None and frame.f_code.co_filename != __file__:  # (not this script)
            names.append(_name(frame))
            frame = frame.f_back
        stacks[tuple(names)] += 1

    size = max(args.turns // ROUNDS, 1)
    signal.signal(signal.SIGPROF, sampled)
    for start in range(0, args.turns, size):
        chunk = messages[start : start + size]
        for message in chunk:
            understand(message.text or "", now=message.received_at)
        signal.setitimer(signal.ITIMER_PROF, 0.0001, 0.0001)
        for message in chunk:
            engine.respond(message)
        signal.setitimer(signal.ITIMER_PROF, 0, 0)
    total = sum(stacks.values()) or 1
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    for stack, count in stacks.items():
        inclusive.update(dict.fromkeys(set(stack), count))
        if stack:
            own[stack[0]] += count
    print(f"{total} samples of {args.turns} first messages ({args.kind})")
    for title, counts in (("inclusive", inclusive), ("own", own)):
        print(title)
        for name, count in counts.most_common(args.top):
            print(f"  {100 * count / total:5.1f}%  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
