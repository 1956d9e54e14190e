"""Shared state: counters, flags and locks, in process and in Redis; the policies on top (rate
limit, account guard, sender lock); and Redis going away."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.config import Settings
from bot.coordination import Admission, account_guard, coordination
from bot.coordination.account_guard import AccountGuard
from bot.coordination.in_process import InProcessState
from bot.coordination.rate_limit import RateLimiter
from bot.coordination.redis_state import RedisState
from bot.dialogue.messages import Inbound

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


class Clock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["in_process", "redis"])
def state(request):
    if request.param == "in_process":
        return InProcessState()
    url = request.getfixturevalue("redis_url")
    return RedisState(url, namespace=f"test:{uuid.uuid4().hex}")


def test_count_adds_one_per_call_and_keys_are_apart(state) -> None:
    assert [state.count("a", 60) for _ in range(3)] == [1, 2, 3]
    assert state.count("b", 60) == 1


def test_uncount_takes_one_back_never_below_zero_nor_a_new_key(state) -> None:
    assert [state.count("a", 60) for _ in range(2)] == [1, 2]
    state.uncount("a")
    assert state.count("a", 60) == 2
    for _ in range(5):
        state.uncount("a")
    assert state.count("a", 60) == 1
    state.uncount("never")  # no counter: nothing is made
    assert state.count("never", 60) == 1


def test_in_process_counts_and_flags_expire() -> None:
    clock = Clock()
    state = InProcessState(clock=clock)
    assert state.count("k", 10) == 1
    state.flag("f", 10)
    clock.now += 9.9
    assert state.count("k", 10) == 2 and state.is_flagged("f")
    clock.now += 0.2
    assert state.count("k", 10) == 1 and not state.is_flagged("f")


def test_redis_counts_and_flags_expire(redis_url: str) -> None:
    state = RedisState(redis_url, namespace=f"test:{uuid.uuid4().hex}")
    state.count("k", 1)
    state.flag("f", 1)
    assert state.is_flagged("f")
    time.sleep(1.1)
    assert state.count("k", 1) == 1 and not state.is_flagged("f")


def test_flags(state) -> None:
    assert not state.is_flagged("x")
    state.flag("x", 60)
    assert state.is_flagged("x") and not state.is_flagged("y")


def test_rate_limit_answers_n_then_one_slow_down_then_silence(state) -> None:
    clock = Clock()
    limiter = RateLimiter(state, per_minute=5, clock=clock)
    seen = [limiter.admit("whatsapp", "+966501234567") for _ in range(9)]
    assert seen == [Admission.ANSWER] * 5 + [Admission.SLOW_DOWN] + [Admission.SILENCE] * 3
    assert limiter.admit("whatsapp", "+966509999999") is Admission.ANSWER  # another sender
    assert limiter.admit("sms", "+966501234567") is Admission.ANSWER  # another channel
    clock.now += 60  # the next minute starts afresh
    assert limiter.admit("whatsapp", "+966501234567") is Admission.ANSWER


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "c"]), max_size=40), st.integers(0, 6))
def test_rate_limit_matches_its_rule_for_any_interleaving(senders: list[str], limit: int) -> None:
    limiter = RateLimiter(InProcessState(), per_minute=limit, clock=Clock())
    so_far: Counter[str] = Counter()
    for sender in senders:
        so_far[sender] += 1
        expected = (
            Admission.ANSWER
            if limit == 0 or so_far[sender] <= limit
            else Admission.SLOW_DOWN
            if so_far[sender] == limit + 1
            else Admission.SILENCE
        )
        assert limiter.admit("whatsapp", sender) is expected


def test_rate_limit_is_shared_by_two_workers_through_redis(redis_url: str) -> None:
    namespace = f"test:{uuid.uuid4().hex}"
    workers = [
        RateLimiter(RedisState(redis_url, namespace), per_minute=10, clock=lambda: 0.0)
        for _ in range(2)
    ]  # one window, however long the run takes
    seen = Counter(workers[i % 2].admit("sms", "+966501234567") for i in range(30))
    assert seen == {Admission.ANSWER: 10, Admission.SLOW_DOWN: 1, Admission.SILENCE: 19}


def test_account_guard_blocks_after_the_allowed_misses(state) -> None:
    guard = AccountGuard(state, misses_allowed=5)
    for _ in range(4):
        guard.record_miss("+966501234567")
    assert not guard.is_blocked("+966501234567")
    guard.record_miss("+966501234567")
    assert guard.is_blocked("+966501234567")
    assert not guard.is_blocked("+966509999999")


def test_account_guard_block_ends_after_its_time() -> None:
    clock = Clock()
    guard = AccountGuard(InProcessState(clock=clock), misses_allowed=2, block_seconds=3600)
    guard.record_miss("s")
    guard.record_miss("s")
    clock.now += 3599
    assert guard.is_blocked("s")
    clock.now += 2
    assert not guard.is_blocked("s")


def test_misses_spread_over_more_than_the_window_do_not_block() -> None:
    clock = Clock()
    guard = AccountGuard(InProcessState(clock=clock), misses_allowed=3, window_seconds=3600)
    for _ in range(2):
        guard.record_miss("s")
    clock.now += 3601
    guard.record_miss("s")
    assert not guard.is_blocked("s")


def _exclusive(make_lock, threads: int = 6, rounds: int = 20) -> tuple[int, list[str]]:
    """Threads that each enter the lock `rounds` times; returns the most inside at once."""
    inside, most, problems = [0], [0], []
    guard = threading.Lock()

    def work() -> None:
        for _ in range(rounds):
            with make_lock() as held:
                if not held:
                    problems.append("not acquired")
                with guard:
                    inside[0] += 1
                    most[0] = max(most[0], inside[0])
                time.sleep(0.0005)
                with guard:
                    inside[0] -= 1

    pool = [threading.Thread(target=work) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return most[0], problems


def test_a_lock_lets_one_holder_in_at_a_time(state) -> None:
    most, problems = _exclusive(lambda: state.lock("sender", 10, 10))
    assert most == 1 and problems == []


def test_a_redis_lock_holds_across_workers(redis_url: str) -> None:
    namespace = f"test:{uuid.uuid4().hex}"
    workers = [RedisState(redis_url, namespace) for _ in range(3)]
    turn = iter(range(10**6))
    most, problems = _exclusive(lambda: workers[next(turn) % 3].lock("sender", 10, 10))
    assert most == 1 and problems == []


def test_a_lock_not_had_in_time_says_so(state) -> None:
    with state.lock("k", 10, 1) as first:
        assert first
        result: list[bool] = []

        def other() -> None:
            with state.lock("k", 10, 0.2) as held:
                result.append(held)

        t = threading.Thread(target=other)
        t.start()
        t.join()
    assert result == [False]
    with state.lock("k", 10, 0.2) as again:  # and it is free again afterwards
        assert again


def test_a_redis_lock_of_a_dead_holder_ends_with_its_lease(redis_url: str) -> None:
    namespace = f"test:{uuid.uuid4().hex}"
    dead = RedisState(redis_url, namespace)
    dead.client.lock(f"{namespace}:k", timeout=0.3).acquire()  # taken and never released
    started = time.monotonic()
    with RedisState(redis_url, namespace).lock("k", 10, 5) as held:
        assert held
    assert time.monotonic() - started < 2


def test_in_process_locks_are_forgotten_when_free() -> None:
    state = InProcessState()
    for n in range(100):
        with state.lock(f"k{n}", 10, 1):
            pass
    assert state._locks == {}


def test_redis_down_falls_back_quickly_and_warns_once(caplog: pytest.LogCaptureFixture) -> None:
    state = RedisState(DEAD_REDIS, namespace="test")
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="bot.coordination.redis_state"):
        assert [state.count("k", 60) for _ in range(3)] == [1, 2, 3]
        state.flag("f", 60)
        assert state.is_flagged("f")
        with state.lock("k", 10, 1) as held:
            assert held
    assert time.monotonic() - started < 2  # one short timeout at most, then left alone
    warnings = [r for r in caplog.records if "Redis unreachable" in r.getMessage()]
    assert len(warnings) == 1


def test_redis_failing_mid_way_keeps_flags_raised_before(redis_url: str, monkeypatch) -> None:
    state = RedisState(redis_url, namespace=f"test:{uuid.uuid4().hex}")
    state.flag("blocked", 60)
    # The same state, its Redis now gone: the connection pool points at a dead port.
    state.client = RedisState(DEAD_REDIS, "x").client
    assert state.is_flagged("blocked")


def _message(text: str, channel: str = "whatsapp", sender: str = "+966501234567") -> Inbound:
    from datetime import UTC, datetime

    return Inbound(channel=channel, sender=sender, text=text, received_at=datetime.now(UTC))


def test_the_gate_says_slow_down_once_in_the_senders_language(tmp_path) -> None:
    base = Settings(database_url=f"sqlite:///{tmp_path / 'a.sqlite'}", rate_limit_per_minute=1)
    gate = coordination(base)
    assert not gate.admit(_message("hello")).refused
    english = gate.admit(_message("hello again"))
    assert english.admission is Admission.SLOW_DOWN and "too quickly" in english.replies[0].text
    assert gate.admit(_message("hi")).replies == []
    arabic = coordination(
        Settings(database_url=f"sqlite:///{tmp_path / 'b.sqlite'}", rate_limit_per_minute=1)
    )
    arabic.admit(_message("مرحبا"))
    reply = arabic.admit(_message("مرحبا")).replies[0].text
    assert "too quickly" not in reply and any("\u0600" <= ch <= "\u06ff" for ch in reply)


def test_the_terminal_is_never_rate_limited(tmp_path) -> None:
    gate = coordination(
        Settings(database_url=f"sqlite:///{tmp_path / 'a.sqlite'}", rate_limit_per_minute=1)
    )
    assert not any(gate.admit(_message("x", channel="terminal")).refused for _ in range(5))


def test_settings_choose_one_state_per_database(tmp_path) -> None:
    one = Settings(database_url=f"sqlite:///{tmp_path / 'a.sqlite'}")
    other = Settings(database_url=f"sqlite:///{tmp_path / 'b.sqlite'}")
    account_guard(one).state.flag("blocked:s", 60)
    assert account_guard(one).is_blocked("s")
    assert not account_guard(other).is_blocked("s")


def test_in_process_memory_stays_bounded_by_the_live_keys() -> None:
    clock = Clock()
    state = InProcessState(clock=clock)
    for n in range(25_000):
        state.count(f"k{n}", 60)
        state.flag(f"f{n}", 60)
        clock.now += 0.01  # 60 s of keys alive at a time: 6,000 of them
    assert len(state._counters) <= 20_000 and len(state._flags) <= 20_000


def _engine_pair(database_url: str, redis_url: str | None):
    """Two engines on one database, as two workers would be (sharing Redis when given)."""
    from dataclasses import replace

    from bot.dialogue.engine import Engine

    settings = replace(
        Settings.from_env(), database_url=database_url, redis_url=redis_url, billing_url=None
    )
    return Engine(settings), Engine(settings)


@contextmanager
def _turn_in_progress(engine, sender: str):
    """What a turn of `sender` holds while it runs: the coordinator's sender lock, or on a
    database that locks senders itself, the contact row (read `FOR UPDATE` in a transaction)."""
    from bot.dialogue import contact_rows
    from bot.storage.db import engine_for

    if not engine.coordination.locked_by_database:
        with engine.coordination.sender_lock("whatsapp", sender):
            yield
        return
    engine.handle(_message("مرحبا", sender=sender))  # the row exists
    with engine_for(engine.settings.database_url).connect() as conn, conn.begin():
        assert not contact_rows.load(conn, "whatsapp", sender).is_new
        yield


@pytest.mark.parametrize("shared", ["in_process", "redis"])
def test_a_second_message_from_one_sender_waits_for_the_first(
    shared, database_url, request
) -> None:
    redis_url = request.getfixturevalue("redis_url") if shared == "redis" else None
    one, two = _engine_pair(database_url, redis_url)
    done: list[str] = []
    with _turn_in_progress(one, "+966501234567"):
        waiting = threading.Thread(
            target=lambda: done.append(
                two.handle(_message("مرحبا", sender="+966501234567"))[0].text
            )
        )
        waiting.start()
        assert two.handle(_message("مرحبا", sender="+966509999999"))  # others are not held up
        waiting.join(0.5)
        assert waiting.is_alive() and done == []
    waiting.join(10)
    assert len(done) == 1


def test_a_sender_lock_not_had_in_time_lets_the_turn_go_on(
    database_url, monkeypatch, caplog
) -> None:
    from bot.coordination import coordinator, locks_senders

    if locks_senders(database_url):
        pytest.skip("the contact row is the sender lock here: no lock of the coordinator's")
    monkeypatch.setattr(coordinator, "LOCK_WAIT_SECONDS", 0.2)
    one, two = _engine_pair(database_url, None)
    with (
        one.coordination.sender_lock("whatsapp", "+966501234567"),
        caplog.at_level(logging.WARNING, logger="bot.coordination.coordinator"),
    ):
        assert two.handle(_message("مرحبا", sender="+966501234567"))  # the row lock takes over
    assert any(
        "not had" in r.getMessage() and "+966501234567" not in r.getMessage()
        for r in caplog.records
    )


def test_only_postgresql_locks_senders_by_their_contact_row() -> None:
    from bot.coordination import locks_senders

    assert locks_senders("postgresql+psycopg://u@h/db")
    assert not locks_senders("sqlite:////tmp/x.sqlite")
    postgres = Settings(database_url="postgresql+psycopg://u@h/db")
    assert coordination(postgres).locked_by_database
    assert not coordination(Settings(database_url="sqlite:////tmp/x.sqlite")).locked_by_database


@pytest.mark.parametrize("per_minute", [0, 5])
def test_a_turn_on_postgresql_asks_redis_for_no_lock(
    database_url, redis_url: str, monkeypatch, per_minute: int
) -> None:
    """The contact row is the sender lock: Redis is asked only for the rate-limit count (one
    round trip, none with the limit off), never for a lock or its release."""
    from bot.coordination import locks_senders

    if not locks_senders(database_url):
        pytest.skip("PostgreSQL only")
    one, _ = _engine_pair(database_url, redis_url)
    one.coordination.rate_limiter.per_minute = per_minute
    state = one.coordination.state
    calls = _round_trips(state, monkeypatch)
    real_count = state.count
    monkeypatch.setattr(state, "count", lambda *a: calls.append("count") or real_count(*a))
    assert one.handle(_message("مرحبا", sender="+966501111111"))
    assert one.handle(_message("شكرا", sender="+966501111111"))
    assert calls == ["count", "count"] if per_minute else not calls, calls


def test_first_messages_of_a_new_sender_at_once_are_answered_one_after_the_other(
    database_url,
) -> None:
    """No row to lock yet: both turns insert it, the second insert waits for the first commit
    and fails, and that turn runs again after the first (on any database)."""
    from bot.dialogue import contact_rows
    from bot.storage.db import engine_for

    one, two = _engine_pair(database_url, None)
    sender = "+966502222222"
    with ThreadPoolExecutor(2) as pool:
        turns = [(one, "مرحبا"), (two, "السلام عليكم")]
        answers = list(pool.map(lambda t: t[0].handle(_message(t[1], sender=sender)), turns))
    assert all(answers)
    with engine_for(database_url).connect() as conn:
        contact = contact_rows.load(conn, "whatsapp", sender).contact
    said = [e["text"] for e in contact.recent_messages if e["by"] == "subscriber"]
    assert sorted(said) == sorted(["مرحبا", "السلام عليكم"]), contact.recent_messages


def test_redis_keys_never_carry_a_phone_number(redis_url: str) -> None:
    from datetime import UTC, datetime

    from bot.coordination.coordinator import Coordinator

    namespace = f"test:{uuid.uuid4().hex}"
    state = RedisState(redis_url, namespace, key_secret="deployment-secret")
    coordinator = Coordinator(state, RateLimiter(state, per_minute=5))
    phone = "+966501234567"
    message = Inbound(
        channel="whatsapp",
        sender=phone,
        text="مرحبا",
        received_at=datetime.now(UTC),
        message_id="SMkey",
        phone=phone,
    )
    coordinator.admit(message)
    with coordinator.sender_lock("whatsapp", phone):
        keys = [key.decode() for key in state.client.scan_iter(f"{namespace}:*")]
    assert len(keys) >= 2
    assert not any("501234567" in key for key in keys)
    assert all(len(key.split(":")[-1]) == 32 for key in keys)
    for key in state.client.scan_iter(f"{namespace}:*"):
        state.client.delete(key)


def _redis_coordinator(redis_url: str, namespace: str, per_minute: int = 100):
    from bot.coordination.coordinator import Coordinator

    state = RedisState(redis_url, namespace)
    return Coordinator(state, RateLimiter(state, per_minute=per_minute)), state


def _round_trips(state: RedisState, monkeypatch) -> list[str]:
    """Every command sent, through the client or on the sender lock's own connections."""
    calls: list[str] = []
    real, real_wire = state.client.execute_command, state._wire.call

    def counted(*args, **kwargs):
        calls.append(str(args[0]))
        return real(*args, **kwargs)

    def counted_on_wire(*args):
        calls.append(str(args[0]))
        return real_wire(*args)

    monkeypatch.setattr(state.client, "execute_command", counted)
    monkeypatch.setattr(state._wire, "call", counted_on_wire)
    return calls


def test_a_script_redis_does_not_know_is_sent_whole(redis_url: str) -> None:
    """After a Redis restart the lock's scripts are unknown to it (NOSCRIPT): sent in full.
    A script of its own, so that no other user of this Redis loses its scripts."""
    state = RedisState(redis_url, namespace=f"test:{uuid.uuid4().hex}")
    never_loaded = state.client.register_script(f"-- {uuid.uuid4().hex}\nreturn ARGV[1] + 1")
    assert state._wire.script(never_loaded, [], [6]) == 7
    assert state._wire.script(never_loaded, [], [1]) == 2  # and known from then on


def test_a_lock_connection_that_failed_is_replaced(redis_url: str) -> None:
    state = RedisState(redis_url, namespace=f"test:{uuid.uuid4().hex}")
    with state.lock("k", 10, 1) as held:
        assert held
    state._wire.local.connection.disconnect()
    state._wire.local.connection._sock = _Broken()  # the next send fails on the socket
    with state.lock("k", 10, 1) as held:
        assert held and not state.available  # Redis marked down: this process's own lock
    state._down_until = 0.0  # tried again now rather than in RETRY_SECONDS
    with (
        state.lock("k", 10, 1) as held,
        RedisState(redis_url, state.namespace).lock("k", 10, 0) as elsewhere,
    ):
        assert held and not elsewhere  # a new connection, the lock shared again


class _Broken:
    def sendall(self, *_args) -> None:
        raise OSError("connection reset")

    def __getattr__(self, _name):
        raise OSError("connection reset")


def test_admit_takes_the_sender_lock_in_the_same_round_trip(redis_url: str, monkeypatch) -> None:
    namespace = f"test:{uuid.uuid4().hex}"
    gate, state = _redis_coordinator(redis_url, namespace)
    other = RedisState(redis_url, namespace)
    calls = _round_trips(state, monkeypatch)
    message = _message("مرحبا")
    assert not gate.admit(message).refused
    with (
        gate.sender_lock(message.channel, message.sender),
        other.lock(f"lock:{message.channel}:{message.sender}", 10, 0) as held,
    ):
        assert not held  # the sender's lock is held across workers
    with other.lock(f"lock:{message.channel}:{message.sender}", 10, 0) as held:
        assert held  # and let go afterwards
    # The count and the lock, then the release: two round trips (they were three).
    assert len(calls) == 2 and all(c == "EVALSHA" for c in calls)


def test_a_lock_taken_by_admit_and_never_used_is_let_go_by_the_next_admit(redis_url: str) -> None:
    namespace = f"test:{uuid.uuid4().hex}"
    gate, _ = _redis_coordinator(redis_url, namespace)
    other = RedisState(redis_url, namespace)
    first, second = _message("a"), _message("b", sender="+966509999999")
    gate.admit(first)  # and no sender_lock: a caller that stopped in between
    gate.admit(second)
    with other.lock(f"lock:{first.channel}:{first.sender}", 10, 0) as held:
        assert held
    with (
        gate.sender_lock(second.channel, second.sender),
        other.lock(f"lock:{second.channel}:{second.sender}", 10, 0) as held,
    ):
        assert not held


def test_messages_of_one_sender_through_two_workers_one_at_a_time(redis_url: str) -> None:
    namespace = f"test:{uuid.uuid4().hex}"
    workers = [_redis_coordinator(redis_url, namespace, per_minute=10_000)[0] for _ in range(2)]
    message = _message("مرحبا")
    picks = iter(range(10_000))
    pick = threading.Lock()

    @contextmanager
    def turn():
        with pick:
            gate = workers[next(picks) % 2]
        assert not gate.admit(message).refused
        with gate.sender_lock(message.channel, message.sender):
            yield True

    most, problems = _exclusive(turn)
    assert most == 1 and not problems


def test_over_the_limit_no_lock_is_taken(redis_url: str) -> None:
    namespace = f"test:{uuid.uuid4().hex}"
    gate, _ = _redis_coordinator(redis_url, namespace, per_minute=1)
    other = RedisState(redis_url, namespace)
    message = _message("hello")
    assert not gate.admit(message).refused
    with gate.sender_lock(message.channel, message.sender):
        pass
    assert gate.admit(message).admission is Admission.SLOW_DOWN
    with other.lock(f"lock:{message.channel}:{message.sender}", 10, 0) as held:
        assert held
