"""Issue 6: a burst of 10,000 signed WhatsApp outage reports from 10,000 numbers through a real
`sadeeq serve`, every one acknowledged with a reference number and counted in the database.

    .venv/bin/python bench/bench_outage_burst.py [--reports 10000] [--concurrency 64]

The server runs alone in its own process (`python -m bot serve`: one worker, loopback) on a fresh
SQLite database in a temporary directory, seeded by `sadeeq setup` with `--reports` generated
subscribers (one account each, `--months 1`: bills play no part in an outage report). Each of
those numbers sends one report, in a shuffled order, from `--concurrency` simultaneous senders:
- most write a few words ("الكهرباء طافية", ...): the report is for their one premise, so it joins
  the open incident of their district (the demo data spreads subscribers over 29 districts of six
  cities, the handful of areas a feeder trip darkens);
- one in seven shares a WhatsApp location instead, within a few hundred metres of one of four
  points, so those reports join by location.
Every answer must be a 200 whose TwiML carries a reference number ("OUT-"); afterwards the rows of
`outage_reports` must equal the acknowledged count, one per number, and the incidents must be few.
The baseline is the same signed requests, in the same run, against a bare Starlette endpoint
returning fixed TwiML (bench_server.py's), on the same uvicorn. Exits 1 if any check fails or the
burst takes longer than `--budget` seconds (60).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_server import PATH, PUBLIC_URL, TOKEN, free_port, server_log, start  # noqa: E402
from bot.billing.demo import FIXED_SUBSCRIBERS, demo_phone_numbers  # noqa: E402

OUTAGE_WORDS = [
    "الكهرباء طافية",
    "انقطعت الكهرباء",
    "ما عندنا كهرباء",
    "الكهرباء مقطوعة عندنا",
    "النور طافي",
]
# Where the location sharers are: (latitude, longitude, address), in Riyadh, Jeddah and Dammam.
LOCATION_POINTS = [
    (24.6953, 46.6850, "العليا، الرياض"),
    (24.6601, 46.7290, "الملز، الرياض"),
    (21.5601, 39.1502, "الروضة، جدة"),
    (26.4330, 50.1030, "الفيصلية، الدمام"),
]
JITTER_DEGREES = 0.003  # about 300 m: well inside the 2 km at which reports join
LOCATION_EVERY = 7
WARMUP = 100  # greetings from numbers that are not subscribers, before the burst
REFERENCE = "OUT-"
KEEPALIVE_SECONDS = 2.0


@dataclass
class Burst:
    seconds: float
    latencies: list[float]
    acknowledged: int
    failures: list[str]
    server_cpu: float = 0.0  # seconds of CPU the server process used during the burst
    client_cpu: float = 0.0  # and this process (the load generator)


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def burst_requests(phones: list[str], seed: int = 6) -> list[tuple[dict[str, str], str]]:
    """One signed WhatsApp outage report per phone, shuffled so that districts interleave."""
    rng = random.Random(seed)
    validator = RequestValidator(TOKEN)
    out = []
    for i, phone in enumerate(phones):
        params = {
            "MessageSid": f"SMburst{i:010d}",
            "AccountSid": "AC" + "0" * 32,
            "From": f"whatsapp:{phone}",
            "To": "whatsapp:+966920000000",
            "NumMedia": "0",
        }
        if i % LOCATION_EVERY == 0:
            lat, lon, address = LOCATION_POINTS[rng.randrange(len(LOCATION_POINTS))]
            # With words: a bare location is first asked about (outage or hazard).
            params |= {
                "Body": "الكهرباء طافية",
                "Latitude": f"{lat + rng.uniform(-1, 1) * JITTER_DEGREES:.6f}",
                "Longitude": f"{lon + rng.uniform(-1, 1) * JITTER_DEGREES:.6f}",
                "Address": address,
            }
        else:
            params["Body"] = rng.choice(OUTAGE_WORDS)
        out.append((params, validator.compute_signature(PUBLIC_URL + PATH, params)))
    rng.shuffle(out)
    return out


def warmup_requests(count: int) -> list[tuple[dict[str, str], str]]:
    validator = RequestValidator(TOKEN)
    out = []
    for i in range(count):
        params = {
            "MessageSid": f"SMwarm{i:010d}",
            "From": f"whatsapp:+9665990{i:05d}",
            "Body": "مرحبا",
            "NumMedia": "0",
        }
        out.append((params, validator.compute_signature(PUBLIC_URL + PATH, params)))
    return out


async def send_all(
    port: int, requests: list[tuple[dict[str, str], str]], concurrency: int, expected: str
) -> Burst:
    """POST every request with `concurrency` senders; an answer counts when it is a 200 whose
    body contains `expected`."""
    latencies: list[float] = []
    failures: list[str] = []
    acknowledged = 0
    queue = iter(requests)
    # Idle connections are dropped before uvicorn's 5 s keep-alive timeout closes them: reusing one
    # just as the server closes it fails the request in the client, never reaching the server.
    limits = httpx.Limits(
        max_connections=concurrency,
        max_keepalive_connections=concurrency,
        keepalive_expiry=KEEPALIVE_SECONDS,
    )
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=60
    ) as client:

        async def sender() -> None:
            nonlocal acknowledged
            for params, signature in queue:
                started = time.perf_counter()
                try:
                    response = await client.post(
                        PATH, data=params, headers={"X-Twilio-Signature": signature}
                    )
                except httpx.HTTPError as exc:
                    failures.append(f"{params['From']}: {exc.__class__.__name__} {exc}")
                    continue
                latencies.append(time.perf_counter() - started)
                if response.status_code != 200 or expected not in response.text:
                    failures.append(
                        f"{params['From']}: {response.status_code} {response.text[:200]!r}"
                    )
                else:
                    acknowledged += 1

        started = time.perf_counter()
        await asyncio.gather(*(sender() for _ in range(concurrency)))
        seconds = time.perf_counter() - started
    return Burst(seconds, latencies, acknowledged, failures)


def run_server(
    command: list[str],
    env: dict[str, str],
    port: int,
    requests: list[tuple[dict[str, str], str]],
    concurrency: int,
    expected: str,
) -> Burst:
    process = start(command, env, port)
    try:
        asyncio.run(send_all(port, warmup_requests(WARMUP), concurrency, "<Message>"))
        server_cpu, client_cpu = process_cpu(process.pid), time.process_time()
        burst = asyncio.run(send_all(port, requests, concurrency, expected))
        burst.server_cpu = process_cpu(process.pid) - server_cpu
        burst.client_cpu = time.process_time() - client_cpu
    finally:
        process.terminate()
        process.wait(10)
    if burst.failures:  # the server's own account of what went wrong
        for line in server_log(process).splitlines()[-20:]:
            print(f"    server: {line}", file=sys.stderr)
    return burst


def show(name: str, burst: Burst) -> dict[str, float]:
    cuts = statistics.quantiles(burst.latencies, n=100)
    figures = {
        "seconds": burst.seconds,
        "rps": len(burst.latencies) / burst.seconds,
        "p50_ms": cuts[49] * 1000,
        "p99_ms": cuts[98] * 1000,
        "max_ms": max(burst.latencies) * 1000,
    }
    print(
        f"{name:<28} {figures['seconds']:6.1f} s  {figures['rps']:6.0f} req/s  "
        f"p50 {figures['p50_ms']:7.1f} ms  p99 {figures['p99_ms']:7.1f} ms  "
        f"max {figures['max_ms']:7.1f} ms  acknowledged {burst.acknowledged}  "
        f"failures {len(burst.failures)}",
        flush=True,
    )
    count = len(burst.latencies) or 1
    print(
        f"{'':<28} CPU per request: server {burst.server_cpu / count * 1000:.2f} ms, "
        f"load generator {burst.client_cpu / count * 1000:.2f} ms; load average "
        f"{os.getloadavg()[0]:.1f}",
        flush=True,
    )
    for failure in burst.failures[:5]:
        print(f"    {failure}", file=sys.stderr)
    return figures


def server_env(database: Path) -> dict[str, str]:
    """`sadeeq serve`'s environment for a burst: the SQLite file, the Twilio secrets the load
    generator signs with, and none of the optional backends (Telegram, Redis, a billing API)."""
    env = {
        **os.environ,
        "SADEEQ_DATABASE_URL": f"sqlite:///{database}",
        "TWILIO_AUTH_TOKEN": TOKEN,
        "SADEEQ_PUBLIC_URL": PUBLIC_URL,
        "PYTHONPATH": str(ROOT),
    }
    for name in ("TELEGRAM_BOT_TOKEN", "SADEEQ_REDIS_URL", "SADEEQ_BILLING_URL"):
        env.pop(name, None)
    return env


def database_counts(path: Path) -> tuple[int, int, int]:
    """(outage reports, distinct reporting numbers, incidents), read after the server stopped."""
    with sqlite3.connect(path) as conn:
        reports, senders = conn.execute(
            "SELECT count(*), count(DISTINCT sender) FROM outage_reports"
        ).fetchone()
        (incidents,) = conn.execute("SELECT count(*) FROM outage_incidents").fetchone()
    return reports, senders, incidents


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--budget", type=float, default=60.0, help="seconds the burst may take")
    args = parser.parse_args()
    python = sys.executable
    phones = demo_phone_numbers(args.reports)
    requests = burst_requests(phones)
    located = sum(1 for params, _ in requests if "Latitude" in params)
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as workdir:
        database = Path(workdir) / "burst.sqlite"
        env = server_env(database)
        started = time.perf_counter()
        subprocess.run(
            [
                python,
                "-m",
                "bot",
                "setup",
                "--subscribers",
                str(args.reports + FIXED_SUBSCRIBERS),
                "--months",
                "1",
            ],
            env=env,
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        print(
            f"seeded {args.reports} generated subscribers in {time.perf_counter() - started:.1f} s; "
            f"{args.reports} reports ({args.reports - located} by text, {located} by location), "
            f"{args.concurrency} concurrent senders, {os.cpu_count()} cores",
            flush=True,
        )

        port = free_port()
        bare_burst = run_server(
            [
                python,
                "-m",
                "uvicorn",
                "bench.bench_server:bare_app",
                "--port",
                str(port),
                "--no-access-log",
                "--log-level",
                "warning",
            ],
            env,
            port,
            requests,
            args.concurrency,
            "<Message>",
        )
        bare = show("bare Starlette (fixed TwiML)", bare_burst)
        port = free_port()
        ours_burst = run_server(
            [python, "-m", "bot", "serve", "--port", str(port)],
            env,
            port,
            requests,
            args.concurrency,
            REFERENCE,
        )
        ours = show("sadeeq serve (outage burst)", ours_burst)
        reports, senders, incidents = database_counts(database)

    print(f"database: {reports} outage reports from {senders} numbers, {incidents} incidents")
    print(
        f"ratio sadeeq/bare throughput: {ours['rps'] / bare['rps']:.3f}; "
        f"burst time {ours['seconds']:.1f} s (budget {args.budget:.0f} s)"
    )
    if ours_burst.failures:
        problems.append(f"{len(ours_burst.failures)} reports not acknowledged with {REFERENCE}")
    if bare_burst.failures:
        problems.append(f"the baseline failed {len(bare_burst.failures)} requests")
    if reports != ours_burst.acknowledged or senders != args.reports:
        problems.append(
            f"{reports} rows from {senders} numbers for {ours_burst.acknowledged} "
            f"acknowledged reports from {args.reports} numbers"
        )
    # 29 demo districts plus the four location points, with room for a location report that
    # opened its own incident in a neighbouring grid cell in the same instant as its neighbour.
    most_incidents = 29 + 2 * len(LOCATION_POINTS)
    if incidents > most_incidents:
        problems.append(
            f"{incidents} incidents: reports were not joined by area (at most {most_incidents})"
        )
    if ours["seconds"] > args.budget:
        problems.append(
            f"the burst took {ours['seconds']:.1f} s, over the {args.budget:.0f} s budget"
        )
    for problem in problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
