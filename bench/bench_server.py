"""Throughput and latency of `sadeeq serve` for signed WhatsApp messages, against a bare
Starlette endpoint returning fixed TwiML, both real uvicorn processes measured in the same run.

    .venv/bin/python bench/bench_server.py [--requests 5000] [--concurrency 50]

Each server is its own process (one worker, loopback, access log off); the load
comes from one httpx.AsyncClient with `--concurrency` simultaneous senders, every request a
distinct, correctly signed MessageSid from one of 200 demo subscribers saying "مرحبا" or "1".
A third server, the same app with a fixed-reply engine, separates the channel layer's cost
from the conversation's. Prints requests/s and p50/p99 latency for each, and the ratio
sadeeq/bare (goal >= 0.5).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route
from twilio.request_validator import RequestValidator

from bot.channels.server import create_app
from bot.config import Settings
from bot.dialogue.messages import Inbound, Reply

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "bench-auth-token"
PUBLIC_URL = "http://127.0.0.1"
PATH = "/twilio/whatsapp"
FIXED_TWIML = (
    '<?xml version="1.0" encoding="UTF-8"?><Response><Message>'
    "أهلاً بك في صديق الكهرباء</Message></Response>"
)
WARMUP = 200


async def _fixed_twiml(_request) -> Response:
    return Response(FIXED_TWIML, media_type="application/xml")


# The baseline: what any Starlette app on this uvicorn costs, with no work behind the route.
bare_app = Starlette(routes=[Route(PATH, _fixed_twiml, methods=["POST"])])


class FixedReplyEngine:
    """No conversation at all: isolates what the channel layer itself costs."""

    def handle(self, _message: Inbound) -> list[Reply]:
        return [Reply("أهلاً بك في صديق الكهرباء")]


def channels_only_app() -> Starlette:
    """`sadeeq serve`'s app (signature, parsing, once-only deliveries, TwiML) minus the engine."""
    return create_app(Settings.from_env(), engine=FixedReplyEngine())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(
    command: list[str], env: dict[str, str], port: int, cpus: set[int] | None = None
) -> subprocess.Popen:
    """The server's log goes to a file (`server_log(process)`): an unread pipe would fill up
    and freeze a server that logs a lot. `cpus`: the cores the server may run on (taskset)."""
    with tempfile.NamedTemporaryFile(
        "w", prefix="sadeeq-bench-", suffix=".log", delete=False
    ) as log:
        process = subprocess.Popen(
            command,
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=log,
            text=True,
            preexec_fn=(lambda: os.sched_setaffinity(0, cpus)) if cpus else None,
        )
    process.log_path = log.name  # type: ignore[attr-defined]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.post(f"http://127.0.0.1:{port}/", timeout=0.5)
            return process
        except httpx.TransportError:
            if process.poll() is not None:
                raise SystemExit(f"server exited: {server_log(process)}") from None
            time.sleep(0.1)
    process.kill()
    raise SystemExit("server did not start in 30 s")


def server_log(process: subprocess.Popen) -> str:
    with open(process.log_path, encoding="utf-8", errors="replace") as fh:  # type: ignore[attr-defined]
        return fh.read()


def signed_requests(count: int, offset: int, server: int) -> list[tuple[dict[str, str], str]]:
    """Fresh MessageSids for each server, so that none of them answers a stored repeat."""
    validator = RequestValidator(TOKEN)
    out = []
    for i in range(offset, offset + count):
        params = {
            "MessageSid": f"SMbench{server}x{i:010d}",
            "AccountSid": "AC" + "0" * 32,
            "From": f"whatsapp:+9665000{1000 + i % 200:05d}",
            "To": "whatsapp:+966920000000",
            "Body": "مرحبا" if i % 2 == 0 else "1",
            "NumMedia": "0",
        }
        out.append((params, validator.compute_signature(PUBLIC_URL + PATH, params)))
    return out


async def load(
    port: int, requests: list[tuple[dict[str, str], str]], concurrency: int
) -> tuple[float, list[float], int]:
    latencies: list[float] = []
    failures = 0
    queue = iter(requests)
    # Idle connections are dropped before uvicorn's own 5 s keep-alive ends: reusing one just as
    # the server closes it fails a request the server never saw.
    limits = httpx.Limits(
        max_connections=concurrency, max_keepalive_connections=concurrency, keepalive_expiry=2.0
    )
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=30
    ) as client:

        async def sender() -> None:
            nonlocal failures
            for params, signature in queue:
                started = time.perf_counter()
                try:
                    response = await client.post(
                        PATH, data=params, headers={"X-Twilio-Signature": signature}
                    )
                    ok = response.status_code == 200 and "<Message>" in response.text
                except httpx.TransportError:  # counted, not retried: a failure is a failure
                    ok = False
                latencies.append(time.perf_counter() - started)
                failures += not ok

        started = time.perf_counter()
        await asyncio.gather(*(sender() for _ in range(concurrency)))
        return time.perf_counter() - started, latencies, failures


def report(name: str, elapsed: float, latencies: list[float], failures: int) -> float:
    cuts = statistics.quantiles(latencies, n=100)
    rps = len(latencies) / elapsed
    print(
        f"{name:<30} {rps:8.0f} req/s   p50 {cuts[49] * 1000:7.1f} ms   "
        f"p99 {cuts[98] * 1000:7.1f} ms   failures {failures}",
        flush=True,
    )
    return rps


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5, help="batches per server, interleaved")
    args = parser.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory() as workdir:
        env = {
            **os.environ,
            "SADEEQ_DATABASE_URL": f"sqlite:///{workdir}/bench.sqlite",
            "TWILIO_AUTH_TOKEN": TOKEN,
            "SADEEQ_PUBLIC_URL": PUBLIC_URL,
            "PYTHONPATH": str(ROOT),
        }
        env.pop("TELEGRAM_BOT_TOKEN", None)
        subprocess.run(
            [python, "-m", "bot", "setup"], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL
        )
        print(
            f"{args.requests} signed WhatsApp messages per server in {args.rounds} interleaved "
            f"rounds, {args.concurrency} concurrent senders, {os.cpu_count()} cores",
            flush=True,
        )
        uvicorn_app = [python, "-m", "uvicorn", "--no-access-log", "--log-level", "warning"]
        commands = {
            "bare Starlette (fixed TwiML)": [*uvicorn_app, "bench.bench_server:bare_app"],
            "channels, fixed-reply engine": [
                *uvicorn_app,
                "--factory",
                "bench.bench_server:channels_only_app",
            ],
            "sadeeq serve": [python, "-m", "bot", "serve"],
        }
        ports = {name: free_port() for name in commands}
        servers = [
            start([*command, "--port", str(ports[name])], env, ports[name])
            for name, command in commands.items()
        ]
        totals = {name: [0.0, [], 0] for name in commands}
        try:
            for index, name in enumerate(commands):
                asyncio.run(load(ports[name], signed_requests(WARMUP, 0, index), args.concurrency))
            # Rounds in turn, so that load from other jobs on the machine falls on all alike.
            batch = args.requests // args.rounds
            for round_ in range(args.rounds):
                for index, name in enumerate(commands):
                    requests = signed_requests(batch, WARMUP + round_ * batch, index)
                    elapsed, latencies, failures = asyncio.run(
                        load(ports[name], requests, args.concurrency)
                    )
                    totals[name][0] += elapsed
                    totals[name][1] += latencies
                    totals[name][2] += failures
        finally:
            for server in servers:
                server.terminate()
                server.wait(10)
        rps = {name: report(name, *totals[name]) for name in commands}
    bare = rps["bare Starlette (fixed TwiML)"]
    print(f"ratio channels-only/bare throughput: {rps['channels, fixed-reply engine'] / bare:.2f}")
    print(f"ratio sadeeq/bare throughput: {rps['sadeeq serve'] / bare:.2f} (goal >= 0.5)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
