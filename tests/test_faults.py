"""Faults: the worker killed mid-burst, the database going away, the billing API hanging, Redis
going away. Real `sadeeq serve` processes (uvicorn) where the fault is about a process."""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool
from twilio.request_validator import RequestValidator

from bot.config import PROJECT_ROOT, Settings
from bot.coordination import redis_state
from bot.coordination.redis_state import RedisState
from bot.dialogue.engine import Engine
from bot.dialogue.messages import Inbound
from bot.outages.models import OutageReport
from bot.storage.db import create_schema, dispose_engine, engine_for
from tests.conftest import TEST_DATABASE_URL
from tests.support.background import Background
from tests.support.billing_server import BillingServer

TOKEN = "fault-test-token"
PUBLIC_URL = "https://sadeeq.example.sa"
START_SECONDS = 60  # a cold start imports a lot; the machine is shared


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Worker:
    """`python -m bot serve` in its own process, as an operator would run it."""

    def __init__(self, database_url: str, log: Path, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "SADEEQ_DATABASE_URL": database_url,
            "TWILIO_AUTH_TOKEN": TOKEN,
            "SADEEQ_PUBLIC_URL": PUBLIC_URL,
            "SADEEQ_LANG": "ar",
            **env,
        }
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self) -> Worker:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "serve", "--port", str(self.port)],
                cwd=PROJECT_ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"serve exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code in (200, 503):
                    return self
            except httpx.TransportError:
                time.sleep(0.1)
        raise AssertionError(
            f"serve did not start in {START_SECONDS} s: {self.log.read_text()[-2000:]}"
        )

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


@contextmanager
def running(worker: Worker) -> Iterator[Worker]:
    try:
        yield worker.start()
    finally:
        worker.stop()


def location_report(sender: str, sid: str) -> dict[str, str]:
    """A shared location with the words: one message, one outage report (a bare location is
    first asked about: outage or hazard)."""
    return {
        "MessageSid": sid,
        "SmsSid": sid,
        "AccountSid": "AC123",
        "From": f"whatsapp:{sender}",
        "To": "whatsapp:+966920000000",
        "Body": "الكهرباء طافية",
        "NumMedia": "0",
        "Latitude": "24.7136",
        "Longitude": "46.6753",
        "Address": "حي العليا، الرياض",
    }


def post_signed(base_url: str, params: dict[str, str], timeout: float = 30) -> httpx.Response:
    path = "/twilio/whatsapp"
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC_URL + path, params)
    return httpx.post(
        base_url + path, data=params, headers={"X-Twilio-Signature": signature}, timeout=timeout
    )


def answered(response: httpx.Response) -> bool:
    return response.status_code == 200 and ET.fromstring(response.text).find("Message") is not None


def reporters(database_url: str) -> list[str]:
    with engine_for(database_url).connect() as conn:
        return list(conn.execute(select(OutageReport.sender)).scalars())


@pytest.mark.slow
def test_a_worker_killed_mid_burst_loses_no_acknowledged_report(
    database_url: str, tmp_path: Path
) -> None:
    senders = [f"+9665{n:08d}" for n in range(120)]
    messages = {
        sender: location_report(sender, f"SMkill{n:04d}") for n, sender in enumerate(senders)
    }
    worker = Worker(database_url, tmp_path / "serve.log").start()
    acknowledged: list[str] = []
    refused: list[str] = []
    lock = threading.Lock()

    def deliver(sender: str) -> None:
        try:
            response = post_signed(worker.url, messages[sender], timeout=20)
        except httpx.TransportError:
            response = None
        with lock:
            (acknowledged if response is not None and answered(response) else refused).append(
                sender
            )
            if len(acknowledged) == 40:
                worker.kill()  # SIGKILL: no shutdown, whatever is in flight is cut off

    try:
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(deliver, senders))
    finally:
        worker.kill()
    assert 40 <= len(acknowledged) < len(senders), "the kill came too late to test anything"
    dispose_engine(database_url)

    # Every answered message is in the database of the restarted worker.
    with running(Worker(database_url, tmp_path / "serve2.log")) as restarted:
        stored = reporters(database_url)
        assert sorted(set(acknowledged) - set(stored)) == []
        # Twilio delivers the unanswered ones again: each is answered, none is counted twice.
        with ThreadPoolExecutor(8) as pool:
            retries = dict(
                zip(
                    refused,
                    pool.map(lambda s: post_signed(restarted.url, messages[s]), refused),
                    strict=True,
                )
            )
    cut_off = [s for s, r in retries.items() if r.status_code == 503]
    assert all(answered(r) for s, r in retries.items() if s not in cut_off)
    # A message in flight at the kill was claimed by the dead process: its retry is answered at
    # once, not after the claim's lease.
    assert cut_off == []
    stored = reporters(database_url)
    assert len(stored) == len(set(stored))
    assert set(senders) - set(cut_off) <= set(stored)


@pytest.fixture
def own_postgres_database(background: Background) -> Iterator[tuple[str, str]]:
    """A PostgreSQL database of its own (the outage test takes a whole database away); dropped
    beside the next tests (its checkpoint can take minutes)."""
    if not TEST_DATABASE_URL:
        pytest.skip("needs SADEEQ_TEST_DATABASE_URL (PostgreSQL)")
    name = f"sadeeq_fault_{uuid.uuid4().hex[:10]}"
    admin = create_engine(TEST_DATABASE_URL, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    try:
        create_schema(url)
        dispose_engine(url)
        yield url, name
    finally:
        dispose_engine(url)
        background.run(f"drop database {name}", drop)


@pytest.mark.slow
def test_the_database_going_away_answers_503_then_recovers(
    own_postgres_database, tmp_path: Path
) -> None:
    url, name = own_postgres_database
    admin = create_engine(TEST_DATABASE_URL, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with running(Worker(url, tmp_path / "serve.log")) as worker:
        assert answered(post_signed(worker.url, location_report("+966500000101", "SMdb1")))
        with admin.connect() as conn:  # the database goes away: no new connections, old ones cut
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"
                ),
                {"name": name},
            )
        started = time.monotonic()
        during = post_signed(worker.url, location_report("+966500000102", "SMdb2"))
        assert during.status_code == 503 and during.headers.get("Retry-After")
        assert time.monotonic() - started < 15
        assert httpx.get(f"{worker.url}/readyz", timeout=15).status_code == 503
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        # Twilio's retry of the refused message, once the database is back, is handled.
        again = post_signed(worker.url, location_report("+966500000102", "SMdb2"))
        assert answered(again)
        assert httpx.get(f"{worker.url}/readyz", timeout=15).status_code == 200
    admin.dispose()
    assert sorted(reporters(url)) == ["+966500000101", "+966500000102"]


def inbound(text_: str, sender: str = "+966500000001", channel: str = "whatsapp") -> Inbound:
    return Inbound(
        channel=channel,
        sender=sender,
        text=text_,
        received_at=datetime.now(UTC),
        message_id=uuid.uuid4().hex,
        phone=sender if sender.startswith("+") else None,
    )


def test_the_billing_api_hanging_makes_the_chat_say_busy_and_carry_on(
    seeded_database_url: str,
) -> None:
    with BillingServer(seeded_database_url) as billing:
        billing.mode = "slow"
        settings = replace(
            Settings.from_env(),
            database_url=seeded_database_url,
            billing_url=billing.url,
            billing_timeout_seconds=0.3,
            lang="ar",
        )
        engine = Engine(settings)
        started = time.monotonic()
        reply = " ".join(r.text for r in engine.handle(inbound("كم فاتورتي")))
        assert "مشغول" in reply or "busy" in reply
        assert time.monotonic() - started < 5
        billing.mode = "ok"
        again = " ".join(r.text for r in engine.handle(inbound("كم فاتورتي")))
        assert "مشغول" not in again and "حساب" in again  # the bill, or which of the accounts


class RedisProxy:
    """A TCP proxy in front of the real Redis that the test can take down and bring back."""

    def __init__(self, target: str) -> None:
        url = make_url(target.replace("redis://", "postgresql://", 1))  # only host and port
        self.target = (url.host or "127.0.0.1", url.port or 6379)
        self.database = url.database or "0"
        self.port = free_port()
        self._open: list[socket.socket] = []
        self._listener: socket.socket | None = None
        self.up()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/{self.database}"

    def up(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def down(self) -> None:
        if self._listener is not None:
            with suppress(OSError):  # wakes the thread blocked in accept()
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None
        for sock in self._open:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self._open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            self._open += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass


def test_redis_going_away_falls_back_and_comes_back(
    redis_url: str,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.coordination.redis_state")
    monkeypatch.setattr(redis_state, "RETRY_SECONDS", 0.3)
    proxy = RedisProxy(redis_url)
    settings = replace(
        Settings.from_env(),
        database_url=database_url,
        redis_url=proxy.url,
        rate_limit_per_minute=1000,
    )
    engine = Engine(settings)
    state = engine.coordination.state
    assert isinstance(state, RedisState)
    try:
        assert engine.handle(inbound("مرحبا"))
        assert state.client.ping()
        proxy.down()
        started = time.monotonic()
        for n in range(5):  # every message still answered, none waits on the dead Redis
            assert engine.handle(inbound(f"مرحبا {n}"))
        assert time.monotonic() - started < 5
        assert any("Redis unreachable" in r.getMessage() for r in caplog.records)
        proxy.up()
        time.sleep(0.4)
        assert engine.handle(inbound("مرحبا مرة ثانية"))
        assert any("Redis is back" in r.getMessage() for r in caplog.records)
        assert state.available and state.count("probe", 10) == 1  # shared again
    finally:
        proxy.down()


def test_a_redis_that_accepts_but_never_answers_costs_one_short_timeout(database_url: str) -> None:
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)  # connections are accepted by the kernel and then nothing is ever said
    try:
        settings = replace(
            Settings.from_env(),
            database_url=database_url,
            redis_url=f"redis://127.0.0.1:{silent.getsockname()[1]}/0",
        )
        engine = Engine(settings)
        started = time.monotonic()
        for n in range(5):
            assert engine.handle(inbound(f"مرحبا {n}"))
        assert time.monotonic() - started < 4
    finally:
        silent.close()
