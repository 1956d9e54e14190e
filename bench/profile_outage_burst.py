"""The outage burst against `sadeeq serve` alone (no bare baseline), optionally with py-spy
attached to the server: where a request's CPU goes in the real server under load.

    .venv/bin/python bench/profile_outage_burst.py [--reports 3000] [--py-spy PATH --out FILE]

py-spy is not a dependency: install it in a scratch venv (`python -m venv /tmp/spy &&
/tmp/spy/bin/pip install py-spy`) and pass `--py-spy /tmp/spy/bin/py-spy`. It samples with
`--gil` (only the thread holding the GIL: Python's CPU, not its waits) into a collapsed-stack
file; `--wall` samples every thread that is not idle instead (waits for the GIL included).
Prints the burst's figures as bench_outage_burst.py does, including the server's CPU a request.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_outage_burst import (  # noqa: E402
    WARMUP,
    burst_requests,
    process_cpu,
    process_waited,
    send_all,
    server_env,
    show,
    warmup_requests,
)
from bench.bench_server import free_port, start  # noqa: E402
from bot.billing.demo import FIXED_SUBSCRIBERS, demo_phone_numbers  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--py-spy", help="path of a py-spy executable: profile the server")
    parser.add_argument("--out", default="server-profile.txt", help="py-spy's collapsed stacks")
    parser.add_argument("--wall", action="store_true", help="sample waiting threads too")
    parser.add_argument(
        "--no-pin",
        action="store_true",
        help="no taskset (default: this process on the first "
        "core, the server on the second, py-spy wherever the kernel puts it)",
    )
    args = parser.parse_args()
    available = sorted(os.sched_getaffinity(0))
    server_cpus = None
    if not args.no_pin and len(available) >= 2:
        server_cpus = {available[1]}
        os.sched_setaffinity(0, {available[0]})
    requests = burst_requests(demo_phone_numbers(args.reports))
    with tempfile.TemporaryDirectory() as workdir:
        env = server_env(Path(workdir) / "burst.sqlite")
        subscribers = str(args.reports + FIXED_SUBSCRIBERS)
        subprocess.run(
            [sys.executable, "-m", "bot", "setup", "--subscribers", subscribers, "--months", "1"],
            env=env,
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        port = free_port()
        command = [sys.executable, "-m", "bot", "serve", "--port", str(port)]
        server = start(command, env, port, server_cpus)
        spy = None
        try:
            asyncio.run(send_all(port, warmup_requests(WARMUP), args.concurrency, "<Message>"))
            if args.py_spy:
                command = [args.py_spy, "record", "--pid", str(server.pid), "--rate", "250"]
                command += ["--format", "raw", "--output", args.out, "--nonblocking"]
                spy = subprocess.Popen([*command, *([] if args.wall else ["--gil"])])
                time.sleep(1)  # attached
            server_cpu, server_waited = process_cpu(server.pid), process_waited(server.pid)
            burst = asyncio.run(send_all(port, requests, args.concurrency, "OUT-"))
            burst.server_cpu = process_cpu(server.pid) - server_cpu
            burst.server_waited = process_waited(server.pid) - server_waited
        finally:
            if spy is not None:
                spy.send_signal(2)  # py-spy writes its file on Ctrl-C
                spy.wait(60)
            server.terminate()
            server.wait(10)
    show("sadeeq serve (outage burst)", burst)
    return 1 if burst.failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
