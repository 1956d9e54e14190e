"""Scale-out benchmark: messages per second of `sadeeq serve`, two workers on PostgreSQL + Redis
against one worker on SQLite (the baseline), under the same load: signed WhatsApp messages from
50 concurrent senders, each waiting for its answer before sending the next, a bounded count.

    .venv/bin/python bench/bench_scaleout.py                        # both set-ups, the ratio
    .venv/bin/python bench/bench_scaleout.py --senders 50 --per-sender 40 --repeat 3
    .venv/bin/python bench/bench_scaleout.py hostile --messages 100000

`hostile` plays seeded hostile messages (tests/test_abuse.py's generator) through the engine
on an SQLite file and reports messages/s, crashes (must be 0) and the largest reply per channel.
The load generator runs on the same machine as the workers (2 shared cores): it takes its share,
unless `--preload` (every request written into the workers' sockets before the clock starts).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import aiohttp
import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool
from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.billing.demo import seed_demo  # noqa: E402
from bot.storage.db import create_schema, dispose_engine  # noqa: E402

TOKEN = "bench-token"
PUBLIC_URL = "https://sadeeq.example.sa"
PATH = "/twilio/whatsapp"
# What a subscriber says, in turn: a greeting, a bill, a menu pick, an outage with a location,
# its status, thanks. Every one goes through the database; some through the billing data too.
SCRIPT = [
    {"Body": "السلام عليكم"},
    {"Body": "كم فاتورتي"},
    {"Body": "1"},
    {
        "Body": "الكهرباء طافية",
        "Latitude": "24.7136",
        "Longitude": "46.6753",
        "Address": "حي العليا",
    },
    {"Body": "وش صار على البلاغ"},
    {"Body": "شكرا"},
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of the given processes (those still running)."""
    total, tick = 0.0, os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            continue
    return total


def voluntary_switches(pids: list[int]) -> int:
    """Voluntary context switches of every thread of the given processes (those running)."""
    total = 0
    for pid in pids:
        for status in Path(f"/proc/{pid}/task").glob("*/status"):
            try:
                found = re.search(r"^voluntary_ctxt_switches:\s+(\d+)", status.read_text(), re.M)
            except OSError:
                continue
            total += int(found.group(1)) if found else 0
    return total


@contextmanager
def workers(
    count: int, env: dict[str, str], logs: Path, cpus: set[int] | None = None
) -> Iterator[list[str]]:
    procs, urls = [], []
    try:
        for n in range(count):
            port = free_port()
            with (logs / f"worker{n}.log").open("wb") as out:
                procs.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "bot", "serve", "--port", str(port)],
                        # --worker-cpus: the workers kept off the load generator's core(s).
                        preexec_fn=(lambda: os.sched_setaffinity(0, cpus)) if cpus else None,
                        cwd=ROOT,
                        env={**os.environ, **env},
                        stdout=out,
                        stderr=subprocess.STDOUT,
                    )
                )
            urls.append(f"http://127.0.0.1:{port}")
        for url in urls:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit(f"worker at {url} did not start; see {logs}")
                time.sleep(0.1)
        workers.pids = [proc.pid for proc in procs]  # type: ignore[attr-defined]
        yield urls
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()


def message_params(tag: str, who: int, n: int) -> dict[str, str]:
    """The form of sender `who`'s `n`-th message (the first 20 senders are demo subscribers)."""
    phone = f"+9665000{who:05d}" if who >= 20 else f"+96650000{who + 1:04d}"
    return {
        "MessageSid": f"SM{tag}{who:04d}{n:04d}",
        "AccountSid": "AC123",
        "From": f"whatsapp:{phone}",
        "To": "whatsapp:+966920000000",
        "NumMedia": "0",
        **SCRIPT[n % len(SCRIPT)],
    }


async def load(urls: list[str], senders: int, per_sender: int, tag: str) -> dict:
    """Each sender talks to one worker (round robin, as a load balancer would spread them).
    Requests are signed before the clock starts and sent with aiohttp, the lightest client at
    hand: on two shared cores the load generator's own CPU is part of what is measured."""
    validator = RequestValidator(TOKEN)
    plans: list[list[tuple[str, dict[str, str], str]]] = []
    for who in range(senders):
        plan = []
        for n in range(per_sender):
            params = message_params(tag, who, n)
            plan.append(
                (
                    urls[who % len(urls)] + PATH,
                    params,
                    validator.compute_signature(PUBLIC_URL + PATH, params),
                )
            )
        plans.append(plan)
    latencies: list[float] = []
    statuses: dict[int, int] = {}

    async def sender(session: aiohttp.ClientSession, plan) -> None:
        for url, params, signature in plan:
            started = time.perf_counter()
            async with session.post(
                url, data=params, headers={"X-Twilio-Signature": signature}
            ) as response:
                await response.read()
            latencies.append(time.perf_counter() - started)
            statuses[response.status] = statuses.get(response.status, 0) + 1

    connector = aiohttp.TCPConnector(limit=senders)
    async with aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=60)
    ) as session:
        cpu, started = time.process_time(), time.perf_counter()
        await asyncio.gather(*(sender(session, plan) for plan in plans))
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    latencies.sort()
    return {
        "messages": len(latencies),
        "seconds": elapsed,
        "per_second": len(latencies) / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "statuses": statuses,
        "client_cpu_ms": 1000 * cpu / len(latencies),
    }


def preloaded(urls: list[str], senders: int, per_sender: int, tag: str, pids: list[int]) -> dict:
    """The same messages, with the load generator off the CPU while they are answered: with the
    workers stopped (SIGSTOP), each sender's connection is opened and all its requests are
    written into it back to back (HTTP/1.1 pipelining: uvicorn answers them one after the other,
    in order, as a sender that waits for each answer would get them); the kernel holds them.
    The clock starts when the workers are let go (SIGCONT); this process then only wakes every
    20 ms to take what has arrived (one non-blocking read a connection), so its CPU during the
    timed part is a few percent of one core. Latencies mean nothing here (every message waits
    from the start): only throughput and CPU are reported."""
    validator = RequestValidator(TOKEN)
    plans: list[tuple[tuple[str, int], bytes]] = []
    for who in range(senders):
        url = urlsplit(urls[who % len(urls)])
        requests = []
        for n in range(per_sender):
            params = message_params(tag, who, n)
            body = urlencode(params).encode()
            signature = validator.compute_signature(PUBLIC_URL + PATH, params)
            requests.append(
                (
                    f"POST {PATH} HTTP/1.1\r\nHost: {url.netloc}\r\n"
                    "Content-Type: application/x-www-form-urlencoded\r\n"
                    f"X-Twilio-Signature: {signature}\r\nContent-Length: {len(body)}\r\n\r\n"
                ).encode()
                + body
            )
        plans.append(((url.hostname or "127.0.0.1", url.port or 80), b"".join(requests)))
    for pid in pids:
        os.kill(pid, signal.SIGSTOP)
    connections: list[socket.socket] = []
    try:
        for address, data in plans:
            # The kernel completes the connection (the listening socket's backlog) and holds
            # the requests in its receive buffer; a timeout, not a hang, if they do not fit.
            conn = socket.create_connection(address, timeout=10)
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
            conn.sendall(data)
            conn.setblocking(False)
            connections.append(conn)
    finally:
        cpu, started = time.process_time(), time.perf_counter()
        for pid in pids:
            os.kill(pid, signal.SIGCONT)
    received = [bytearray() for _ in connections]
    answered = [0] * len(connections)
    waiting, finished = set(range(len(connections))), started
    deadline = started + 600
    marker = b"HTTP/1.1 "  # the start of each response (the TwiML bodies never have it)
    while waiting and time.perf_counter() < deadline:
        time.sleep(0.02)
        for index in list(waiting):
            data, before = received[index], len(received[index])
            try:
                while chunk := connections[index].recv(1 << 20):
                    data += chunk
            except BlockingIOError:
                pass
            # Only what arrived since the last look (and a marker it may have cut in two).
            answered[index] += data.count(marker, max(0, before - len(marker) + 1))
            if answered[index] >= per_sender:
                waiting.discard(index)
                finished = time.perf_counter()
    elapsed, cpu = finished - started, time.process_time() - cpu
    for conn in connections:
        conn.close()
    statuses: dict[int, int] = {}
    for data in received:
        for status in re.findall(rb"HTTP/1.1 (\d{3}) ", bytes(data)):
            statuses[int(status)] = statuses.get(int(status), 0) + 1
    messages = sum(answered)
    return {
        "messages": messages,
        "seconds": elapsed,
        "per_second": messages / elapsed,
        "p50_ms": float("nan"),
        "p99_ms": float("nan"),
        "statuses": statuses,
        "client_cpu_ms": 1000 * cpu / max(messages, 1),
    }


class Backends:
    """CPU of the PostgreSQL backends serving one set-up's workers, and of no other: the
    workers' connections carry the set-up's `application_name`, and each backend's CPU is read
    from /proc (PostgreSQL on this machine). Backends that start during a run count whole;
    one that ends during a run (none in a steady pool) is missed. Before, every postgres
    process on the machine was counted, other helpers' included."""

    def __init__(self, admin_url: str | None, application_name: str) -> None:
        self.admin = create_engine(admin_url, poolclass=NullPool) if admin_url else None
        self.application_name = application_name
        self.seen: dict[int, float] = {}

    def cpu_seconds(self) -> float:
        if self.admin is None:
            return 0.0
        with self.admin.connect() as conn:
            pids = conn.execute(
                text("SELECT pid FROM pg_stat_activity WHERE application_name = :name"),
                {"name": self.application_name},
            ).scalars()
            return sum(cpu_seconds([pid]) for pid in pids)

    def close(self) -> None:
        if self.admin is not None:
            self.admin.dispose()


def run_setup(
    name: str,
    count: int,
    database_url: str,
    redis_url: str | None,
    args: argparse.Namespace,
    logs: Path,
) -> dict:
    create_schema(database_url)
    seed_demo(database_url, subscribers=args.senders, months=2)
    dispose_engine(database_url)
    env = {
        "SADEEQ_DATABASE_URL": database_url,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "SADEEQ_PUBLIC_URL": PUBLIC_URL,
        "SADEEQ_RATE_LIMIT_PER_MINUTE": "0",
        "SADEEQ_REDIS_URL": redis_url or "",
    }
    backends = Backends(
        args.postgres if database_url.startswith("postgresql") else None,
        make_url(database_url).query.get("application_name", ""),  # type: ignore[arg-type]
    )
    with workers(count, env, logs, args.worker_cpus) as urls:
        asyncio.run(load(urls, min(args.senders, 10), 2, f"warm{name}"))  # imports, pools, caches
        runs = []
        for n in range(args.repeat):
            pids = workers.pids  # type: ignore[attr-defined]
            before = cpu_seconds(pids), backends.cpu_seconds(), voluntary_switches(pids)
            tag = f"{name}{n}"
            if args.preload:
                figures = preloaded(urls, args.senders, args.per_sender, tag, pids)
            else:
                figures = asyncio.run(load(urls, args.senders, args.per_sender, tag))
            after = cpu_seconds(pids), backends.cpu_seconds(), voluntary_switches(pids)
            figures["worker_cpu_ms"] = 1000 * (after[0] - before[0]) / figures["messages"]
            figures["postgres_cpu_ms"] = 1000 * (after[1] - before[1]) / figures["messages"]
            figures["switches"] = (after[2] - before[2]) / figures["messages"]
            runs.append(figures)
    backends.close()
    # The machine is shared: the median run by throughput stands for the set-up.
    runs.sort(key=lambda figures: figures["per_second"])
    median = runs[len(runs) // 2]
    median["runs"] = [round(r["per_second"]) for r in runs]
    return median


def throughput(args: argparse.Namespace) -> None:
    logs = Path(tempfile.mkdtemp(prefix="bench_scaleout_"))
    admin = create_engine(args.postgres, poolclass=NullPool)
    schemas: list[str] = []

    def fresh_postgres() -> str:
        schemas.append(f"bench_{uuid.uuid4().hex[:10]}")
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schemas[-1]}"'))
        return (
            make_url(args.postgres)
            .update_query_dict(
                # The name tells this set-up's backends from everyone else's (`Backends`).
                {"options": f"-csearch_path={schemas[-1]}", "application_name": schemas[-1]}
            )
            .render_as_string(hide_password=False)
        )

    try:
        print(
            f"load: {args.senders} senders x {args.per_sender} messages, signed WhatsApp; "
            f"logs in {logs}",
            flush=True,
        )
        shown: dict[str, dict] = {}
        for setup in args.setups:
            if setup == "sqlite":
                url, redis_url, count = f"sqlite:///{logs / 'bench.sqlite'}", None, 1
                label = "baseline: 1 worker, SQLite, no Redis"
            else:
                url, redis_url, count = fresh_postgres(), args.redis, 1 if setup == "pg1" else 2
                label = f"{count} worker{'s' if count > 1 else ''}, PostgreSQL + Redis"
            shown[setup] = run_setup(setup, count, url, redis_url, args, logs)
            _show(label, shown[setup])
        base, single, scaled = shown.get("sqlite"), shown.get("pg1"), shown.get("pg2")
        if base and single:
            print(
                f"ratio worker CPU a message, 1 worker PG+Redis / 1 worker SQLite: "
                f"{single['worker_cpu_ms'] / base['worker_cpu_ms']:.2f}x"
            )
        if not (scaled and base and single):
            return
        print(
            f"ratio 2 workers PG+Redis / 1 worker SQLite: throughput "
            f"{scaled['per_second'] / base['per_second']:.2f}x, p99 {scaled['p99_ms'] / base['p99_ms']:.2f}x"
        )
        print(
            f"ratio 2 workers / 1 worker, both PG+Redis: throughput "
            f"{scaled['per_second'] / single['per_second']:.2f}x, p99 {scaled['p99_ms'] / single['p99_ms']:.2f}x"
        )
    finally:
        with admin.begin() as conn:
            for schema in schemas:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _show(label: str, figures: dict) -> None:
    print(
        f"{label:<40} {figures['messages']:>6} msgs in {figures['seconds']:6.2f} s = "
        f"{figures['per_second']:7.1f} msg/s  p50 {figures['p50_ms']:7.1f} ms  "
        f"p99 {figures['p99_ms']:7.1f} ms  statuses {figures['statuses']}  "
        f"(msg/s of the runs: {figures.get('runs')})",
        flush=True,
    )
    print(
        f"{'':<40} CPU per message: workers {figures['worker_cpu_ms']:.2f} ms, its PostgreSQL backends "
        f"{figures['postgres_cpu_ms']:.2f} ms, load generator {figures['client_cpu_ms']:.2f} ms; "
        f"workers' voluntary context switches {figures['switches']:.1f}",
        flush=True,
    )


def hostile(args: argparse.Namespace) -> None:
    from dataclasses import replace

    from bot.channels.render import render_text, sms_segments
    from bot.config import Settings
    from bot.dialogue.engine import Engine
    from tests.test_abuse import hostile_messages

    folder = Path(tempfile.mkdtemp(prefix="bench_hostile_"))
    url = f"sqlite:///{folder / 'hostile.sqlite'}"
    create_schema(url)
    seed_demo(url, subscribers=50, months=1)
    settings = replace(
        Settings.from_env(),
        database_url=url,
        billing_url=None,
        redis_url=None,
        rate_limit_per_minute=0,
    )
    engine = Engine(settings)
    generated = time.perf_counter()
    messages = hostile_messages(args.messages, senders=args.hostile_senders)
    generated = time.perf_counter() - generated
    crashes, answered = 0, 0
    largest = {"whatsapp": 0, "telegram": 0, "sms_segments": 0}
    started = time.perf_counter()
    for message in messages:
        try:
            replies = engine.respond(message).replies
        except Exception as exc:  # counted and shown: the figure that must stay 0
            crashes += 1
            print(f"crash on {message.message_id}: {exc.__class__.__name__}: {exc}", flush=True)
            continue
        answered += bool(replies)
        for reply in replies:
            largest["whatsapp"] = max(largest["whatsapp"], len(render_text(reply, "whatsapp")))
            largest["telegram"] = max(largest["telegram"], len(render_text(reply, "telegram")))
            largest["sms_segments"] = max(
                largest["sms_segments"], sms_segments(render_text(reply, "sms"))
            )
    elapsed = time.perf_counter() - started
    # Baseline in the same run: the same texts through understanding alone (no router, no
    # database), the part of a turn every message pays for.
    from bot.understanding import understand

    baseline = time.perf_counter()
    for message in messages:
        understand(message.text[:2000], now=message.received_at)
    baseline = time.perf_counter() - baseline
    print(
        f"baseline: understanding alone {len(messages) / baseline:.0f} msg/s; engine / baseline "
        f"= {(len(messages) / elapsed) / (len(messages) / baseline):.2f}"
    )
    print(
        f"hostile: {len(messages)} messages from {args.hostile_senders} senders in {elapsed:.1f} s "
        f"= {len(messages) / elapsed:.0f} msg/s (generating them: {generated:.1f} s); "
        f"crashes {crashes}; answered {answered}; largest reply: WhatsApp {largest['whatsapp']} "
        f"chars (limit 1600), Telegram {largest['telegram']} (4096), SMS "
        f"{largest['sms_segments']} segments (3)"
    )


def _cpus(text: str) -> set[int]:
    """ "0,2-3" → {0, 2, 3}"""
    cpus: set[int] = set()
    for part in text.split(","):
        low, _, high = part.partition("-")
        cpus.update(range(int(low), int(high or low) + 1))
    return cpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", nargs="?", default="throughput", choices=["throughput", "hostile"])
    parser.add_argument("--senders", type=int, default=50)
    parser.add_argument("--per-sender", type=int, default=40)
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per set-up; the median is shown"
    )
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    parser.add_argument(
        "--worker-cpus", type=_cpus, help="CPUs for the workers, e.g. 0 or 0-2 (taskset style)"
    )
    parser.add_argument(
        "--client-cpus", type=_cpus, help="CPUs for the load generator (this process), e.g. 3"
    )
    parser.add_argument(
        "--preload",
        action="store_true",
        help="write every request into the workers' sockets before the clock starts (the load "
        "generator then needs next to no CPU while they are answered; no latencies)",
    )
    parser.add_argument(
        "--setups",
        type=lambda text: text.split(","),
        default=["sqlite", "pg1", "pg2"],
        help="which set-ups, in this order: sqlite, pg1, pg2 (comma separated; default all)",
    )
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--hostile-senders", type=int, default=1000)
    args = parser.parse_args()
    if args.client_cpus:
        os.sched_setaffinity(0, args.client_cpus)
    (hostile if args.mode == "hostile" else throughput)(args)


if __name__ == "__main__":
    main()
