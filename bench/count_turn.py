"""Issue 17: instructions one engine turn executes (callgrind), a figure the machine's load
does not move, for comparing two trees where bench_turn's CPU times are too noisy.

    .venv/bin/python bench/count_turn.py [--turns 200] [--kind outage|bill]

bench_turn's set-up (a new SQLite file, generated subscribers, the warm-up, its varied texts),
then `--turns` first messages of each kind, each kind's loop the only code callgrind counts
(its collection switched on and off around the loop by a client request from a small C
helper built here with `cc`). Prints the instructions a turn (Ir) for each kind. Needs
valgrind and a C compiler; the hash seed is fixed so two runs of one tree agree.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import re
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_turn import TEXTS, inbound, warm_engine  # noqa: E402

HELPER = """#include <valgrind/callgrind.h>
void toggle(void) { CALLGRIND_TOGGLE_COLLECT; }
void dump(const char *name) { CALLGRIND_DUMP_STATS_AT(name); }
"""
# A fixed time of the turns: what a message's times are read against must not vary by run.
AT = datetime(2026, 12, 2, 7, 0, tzinfo=UTC)


def helper(folder: Path) -> ctypes.CDLL:
    source, library = folder / "toggle.c", folder / "toggle.so"
    source.write_text(HELPER)
    subprocess.run(["cc", "-shared", "-fPIC", "-O1", "-o", library, source], check=True)
    return ctypes.CDLL(str(library))


def counted(kinds: list[str], turns: int, folder: Path) -> None:
    """Runs inside valgrind: each kind's turns between two toggles, one dump a kind."""
    library = helper(folder)
    engine, phones = warm_engine(turns * len(kinds), AT)
    for kind in kinds:
        messages = [inbound(kind, next(phones), AT + timedelta(seconds=i), i) for i in range(turns)]
        library.toggle()
        for message in messages:
            engine.respond(message)
        library.toggle()
        library.dump(kind.encode())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=200, help="turns of each kind")
    parser.add_argument("--kind", choices=sorted(TEXTS), help="one kind only")
    parser.add_argument("--inside", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    kinds = [args.kind] if args.kind else sorted(TEXTS)
    if args.inside:
        counted(kinds, args.turns, args.inside)
        return 0
    folder = Path(tempfile.mkdtemp(prefix="count_turn_"))
    command = [
        "valgrind",
        "--tool=callgrind",
        "--collect-atstart=no",
        f"--callgrind-out-file={folder}/callgrind.out.%p",
        sys.executable,
        __file__,
        f"--turns={args.turns}",
        f"--inside={folder}",
        *(["--kind", args.kind] if args.kind else []),
    ]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    subprocess.run(command, check=True, env=env, stderr=subprocess.DEVNULL)
    counts = dict(instructions(dump) for dump in folder.glob("callgrind.out.*"))
    for kind in kinds:
        print(f"{kind:<8} {counts[kind] / args.turns:>12,.0f} instructions a turn ({folder})")
    return 0


def instructions(dump: Path) -> tuple[str, int]:
    """The name a dump was taken at and the instructions counted in it."""
    text = dump.read_text(errors="replace")
    name = re.search(r"^desc: Trigger: Client Request: (.*)$", text, re.M)
    total = re.search(r"^(?:summary|totals): (\d+)", text, re.M)
    return (name.group(1) if name else dump.name, int(total.group(1)) if total else 0)


if __name__ == "__main__":
    raise SystemExit(main())
