"""Issue 6: a burst of 10,000 signed WhatsApp outage reports from 10,000 numbers through a real
`sadeeq serve`, every one acknowledged with a reference number and counted in the database.

    .venv/bin/python bench/bench_outage_burst.py [--reports 10000] [--concurrency 64,8] [--no-pin]

The server runs alone in its own process (`python -m bot serve`: one worker, loopback) on a fresh
SQLite database in a temporary directory, seeded by `sadeeq setup` with `--reports` generated
subscribers (one account each, `--months 1`: bills play no part in an outage report). Each of
those numbers sends one report, in a shuffled order:
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

The load generator is built to cost next to nothing, so that the figures are the server's: every
request is signed and encoded to its HTTP/1.1 bytes before the clock starts, and sent by a lean
client over raw asyncio sockets (`Sender`: keep-alive connections, no per-request task or parser;
about 0.04 ms of CPU a request against ~3.5-5 ms for the httpx client it replaces, which on two
shared cores made both servers look alike). It runs on the first core and the server on the
second (`--no-pin`: both anywhere). Latency is per request, from writing it to the last byte of
its answer. `--concurrency` is the number of requests in flight (closed loop: each connection
sends its next request when the previous answer is whole), as many as a provider has open
webhook calls at once: 64 is a burst's worth; a server that answers one request at a time queues
the rest, so p99 at 64 is about 64 answers' time, and the second figure (8) shows the latency of
one answer with little queueing. Each concurrency is a full burst, bare then sadeeq, on a fresh
copy of the seeded database.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_server import PATH, PUBLIC_URL, TOKEN, free_port, server_log, start  # noqa: E402
from bot.billing.demo import FIXED_SUBSCRIBERS, demo_phone_numbers  # noqa: E402
from bot.channels.server import EVENT_LOOP, HTTP_PARSER  # noqa: E402

# The baselines run on the parser and loop `sadeeq serve` names, not on uvicorn's "auto".
SAME_UVICORN = ["--http", HTTP_PARSER, "--loop", EVENT_LOOP]

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
    server_waited: float = 0.0  # seconds its threads were ready to run but had no core
    client_cpu: float = 0.0  # and this process (the load generator)


def process_waited(pid: int) -> float:
    """Seconds the process's threads spent runnable but waiting for a core (Linux schedstat):
    on a machine shared with other jobs, what the server lost to them."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return total / 1e9


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


def encode_requests(requests: list[tuple[dict[str, str], str]], port: int) -> list[bytes]:
    """Each signed request as the bytes of one HTTP/1.1 POST, worked out before any clock starts
    (the form encoding httpx used: `application/x-www-form-urlencoded`, quote_plus)."""
    out = []
    for params, signature in requests:
        body = urlencode(params).encode()
        head = (
            f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"X-Twilio-Signature: {signature}\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        out.append(head.encode() + body)
    return out


class Sender(asyncio.Protocol):
    """One keep-alive connection that sends the next request as soon as the previous answer is
    whole: no task, future or parser object per request, so the client's CPU a request is a few
    tens of microseconds. A request's latency runs from its write to the last byte of its answer.
    An answer counts when it is a 200 whose body holds `expected`; a connection the server
    closes fails the request in flight, and the driver opens another for the rest."""

    def __init__(self, load: Load) -> None:
        self.load = load
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None
        self.request = b""
        self.started = 0.0
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.send_next()

    def send_next(self) -> None:
        request = next(self.load.queue, None)
        assert self.transport is not None
        if request is None:
            self.load.exhausted = True
            self.request = b""
            self.transport.close()
            return
        self.request = request
        self.started = time.perf_counter()
        self.transport.write(request)

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer
        buffer += data
        end = buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        head = bytes(buffer[:end]).lower()
        at = head.find(b"\r\ncontent-length:")
        if at < 0:
            self.load.fail(self.request, f"no content-length: {bytes(buffer[:200])!r}")
            assert self.transport is not None
            self.transport.close()
            return
        stop = head.find(b"\r\n", at + 17)
        length = int(head[at + 17 : stop if stop >= 0 else len(head)])
        if len(buffer) < end + 4 + length:
            return
        latency = time.perf_counter() - self.started
        body = bytes(buffer[end + 4 : end + 4 + length])
        del buffer[: end + 4 + length]
        self.load.answered(self.request, head, body, latency)
        self.send_next()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.request:
            self.load.fail(self.request, f"connection closed: {exc!r}")
            self.request = b""
        if not self.closed.done():
            self.closed.set_result(None)


@dataclass
class Load:
    queue: Iterator[bytes]
    expected: bytes
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    acknowledged: int = 0
    exhausted: bool = False

    def answered(self, request: bytes, head: bytes, body: bytes, latency: float) -> None:
        self.latencies.append(latency)
        if head.startswith(b"http/1.1 200 ") and self.expected in body:
            self.acknowledged += 1
        else:
            self.fail(request, f"{head[:40]!r} {body[:200]!r}")

    def fail(self, request: bytes, why: str) -> None:
        sender = request[request.find(b"From=") :].split(b"&", 1)[0]
        self.failures.append(f"{sender.decode(errors='replace')}: {why}")


async def send_all(
    port: int, requests: list[tuple[dict[str, str], str]], concurrency: int, expected: str
) -> Burst:
    """POST every request over `concurrency` keep-alive connections, each sending its next request
    when the previous answer is whole (a closed-loop sender, as a webhook caller with that many
    requests in flight). The requests are encoded before the clock starts."""
    load = Load(iter(encode_requests(requests, port)), expected.encode())
    loop = asyncio.get_running_loop()

    async def connection() -> None:
        while not load.exhausted:  # a connection the server closed is replaced
            _, sender = await loop.create_connection(lambda: Sender(load), "127.0.0.1", port)
            await sender.closed

    cpu, started = time.process_time(), time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(concurrency)))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return Burst(seconds, load.latencies, load.acknowledged, load.failures, client_cpu=cpu)


def run_server(
    command: list[str],
    env: dict[str, str],
    requests: list[tuple[dict[str, str], str]],
    concurrency: int,
    expected: str,
    cpus: set[int] | None = None,
) -> Burst:
    """`command` with "{port}" where a free port goes; the warm-up, then the timed burst."""
    port = free_port()
    command = [part.replace("{port}", str(port)) for part in command]
    process = start(command, env, port, cpus)
    try:
        asyncio.run(send_all(port, warmup_requests(WARMUP), concurrency, "<Message>"))
        server_cpu, server_waited = process_cpu(process.pid), process_waited(process.pid)
        burst = asyncio.run(send_all(port, requests, concurrency, expected))
        burst.server_cpu = process_cpu(process.pid) - server_cpu
        burst.server_waited = process_waited(process.pid) - server_waited
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
        f"load generator {burst.client_cpu / count * 1000:.2f} ms; the server ran "
        f"{burst.server_cpu / burst.seconds:.0%} of the burst and waited for a core "
        f"{burst.server_waited / burst.seconds:.0%}; load average {os.getloadavg()[0]:.1f}",
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
        # This tree first; anything already on the path after it (an A/B of an extra package).
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
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


def _concurrencies(text: str) -> list[int]:
    return [int(part) for part in text.split(",")]


def burst_at(
    concurrency: int,
    template: Path,
    workdir: Path,
    requests: list[tuple[dict[str, str], str]],
    cpus: tuple[set[int], set[int]] | None,
    budget: float,
    reports_expected: int,
    channels_only: bool = False,
) -> tuple[float, list[str]]:
    """Bare route, the channels-only app if asked, then `sadeeq serve` (each on a fresh copy of
    the seeded database) at one concurrency: (sadeeq/bare throughput, problems)."""
    python = sys.executable
    database = workdir / f"burst-{concurrency}.sqlite"
    shutil.copyfile(template, database)
    env = server_env(database)
    server_cpus = cpus[1] if cpus else None
    bare_burst = run_server(
        [
            *[python, "-m", "uvicorn", "bench.bench_server:bare_app", "--port", "{port}"],
            *["--no-access-log", "--log-level", "warning", *SAME_UVICORN],
        ],
        env,
        requests,
        concurrency,
        "<Message>",
        server_cpus,
    )
    bare = show(f"bare Starlette, {concurrency} senders", bare_burst)
    channels_burst = None
    if channels_only:
        # On a copy of its own: it claims the same MessageSids as the real server will.
        channels_database = workdir / f"channels-{concurrency}.sqlite"
        shutil.copyfile(template, channels_database)
        channels_burst = run_server(
            [
                *[python, "-m", "uvicorn", "--factory", "bench.bench_server:channels_only_app"],
                *["--port", "{port}", "--no-access-log", "--log-level", "warning", *SAME_UVICORN],
            ],
            server_env(channels_database),
            requests,
            concurrency,
            "<Message>",
            server_cpus,
        )
        channels = show(f"channels only, {concurrency} senders", channels_burst)
    ours_burst = run_server(
        [python, "-m", "bot", "serve", "--port", "{port}"],
        env,
        requests,
        concurrency,
        REFERENCE,
        server_cpus,
    )
    ours = show(f"sadeeq serve, {concurrency} senders", ours_burst)
    reports, senders, incidents = database_counts(database)
    ratio = ours["rps"] / bare["rps"]
    print(f"database: {reports} outage reports from {senders} numbers, {incidents} incidents")
    print(
        f"ratio sadeeq/bare throughput at {concurrency} senders: {ratio:.3f}; "
        f"burst time {ours['seconds']:.1f} s (budget {budget:.0f} s)",
        flush=True,
    )
    problems = []
    if channels_burst is not None:
        print(
            f"ratio channels-only/bare: {channels['rps'] / bare['rps']:.3f}; "
            f"sadeeq/channels-only: {ours['rps'] / channels['rps']:.3f}",
            flush=True,
        )
        if channels_burst.failures:
            problems.append(f"the channels-only server failed {len(channels_burst.failures)}")
    if ours_burst.failures:
        problems.append(f"{len(ours_burst.failures)} reports not acknowledged with {REFERENCE}")
    if bare_burst.failures:
        problems.append(f"the baseline failed {len(bare_burst.failures)} requests")
    if reports != ours_burst.acknowledged or senders != reports_expected:
        problems.append(
            f"{reports} rows from {senders} numbers for {ours_burst.acknowledged} "
            f"acknowledged reports from {reports_expected} numbers"
        )
    # 29 demo districts plus the four location points, with room for a location report that
    # opened its own incident in a neighbouring grid cell in the same instant as its neighbour.
    most_incidents = 29 + 2 * len(LOCATION_POINTS)
    if incidents > most_incidents:
        problems.append(
            f"{incidents} incidents: reports were not joined by area (at most {most_incidents})"
        )
    if ours["seconds"] > budget:
        problems.append(f"the burst took {ours['seconds']:.1f} s, over the {budget:.0f} s budget")
    return ratio, [f"{concurrency} senders: {problem}" for problem in problems]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument(
        "--concurrency",
        type=_concurrencies,
        default=[64, 8],
        help="requests in flight, comma-separated: a full burst (bare, then sadeeq on a fresh "
        "copy of the database) at each (default 64,8)",
    )
    parser.add_argument("--budget", type=float, default=60.0, help="seconds the burst may take")
    parser.add_argument(
        "--channels-only",
        action="store_true",
        help="also the channels-only app (bench_server.py's: signature, parsing, once-only "
        "delivery rows and TwiML, with a fixed-reply engine): what the webhook path costs "
        "without the conversation",
    )
    parser.add_argument(
        "--no-pin",
        action="store_true",
        help="let the load generator and the server share every core (default: the load "
        "generator on the first core, the server on the second)",
    )
    args = parser.parse_args()
    cpus = None
    available = sorted(os.sched_getaffinity(0))
    if not args.no_pin and len(available) >= 2:
        cpus = ({available[0]}, {available[1]})
        os.sched_setaffinity(0, cpus[0])
    phones = demo_phone_numbers(args.reports)
    requests = burst_requests(phones)
    located = sum(1 for params, _ in requests if "Latitude" in params)
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        template = workdir / "seeded.sqlite"
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "bot",
                "setup",
                "--subscribers",
                str(args.reports + FIXED_SUBSCRIBERS),
                "--months",
                "1",
            ],
            env=server_env(template),
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        pinning = (
            f"load generator on core {min(cpus[0])}, server on core {min(cpus[1])}"
            if cpus
            else "load generator and server unpinned"
        )
        print(
            f"seeded {args.reports} generated subscribers in {time.perf_counter() - started:.1f} s; "
            f"{args.reports} reports ({args.reports - located} by text, {located} by location); "
            f"{os.cpu_count()} cores, {pinning}",
            flush=True,
        )
        for concurrency in args.concurrency:
            _, found = burst_at(
                *(concurrency, template, workdir, requests, cpus, args.budget, args.reports),
                channels_only=args.channels_only,
            )
            problems += found
    for problem in problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
