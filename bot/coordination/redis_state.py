"""Shared state in Redis, for several workers; the in-process state stands in while Redis is down.

Every call has short socket timeouts and no retries: a dead Redis costs one timeout, then it is
left alone for `RETRY_SECONDS` (one warning in the log), and the workers carry on each with its
own counters and locks, the database's row lock keeping the contact rows consistent.

Keys name senders (phone numbers) only through a keyed hash: whoever reads Redis learns no
number. "lock:whatsapp:+9665…" is stored as "<namespace>:lock:<hash>".
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import cast

import redis
from redis.backoff import NoBackoff
from redis.commands.core import Script
from redis.exceptions import NoScriptError, RedisError
from redis.retry import Retry

from bot.coordination.in_process import InProcessState

log = logging.getLogger(__name__)

SOCKET_TIMEOUT_SECONDS = 0.5
RETRY_SECONDS = 5.0  # how long a failed Redis is left alone before it is tried again
LOCK_POLL_SECONDS = 0.01

# A message's rate-limit count and its sender's lock in one round trip: count it in its window;
# if it is to be answered, take the lock when it is free. Returns {count, 1 if taken}.
_COUNT_THEN_LOCK = """
local seen = redis.call('incr', KEYS[1])
if seen == 1 then redis.call('expire', KEYS[1], ARGV[1]) end
if seen > tonumber(ARGV[2]) then return {seen, 0} end
if redis.call('set', KEYS[2], ARGV[3], 'nx', 'px', ARGV[4]) then return {seen, 1} end
return {seen, 0}
"""
# One count taken back (a redelivered message): never below zero, never a new key.
_UNCOUNT = """
local seen = tonumber(redis.call('get', KEYS[1]))
if seen and seen > 0 then return redis.call('decr', KEYS[1]) end
return 0
"""
# A lock is let go only by its holder (the token it was taken with): one whose lease ran out
# may already belong to someone else.
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


class _Wire:
    """The sender lock's calls (two a message) on one Redis connection per thread, without the
    client's pool: a pooled redis-py call costs about four times a bare one (60 against 16 us
    of CPU for a SET on this machine). Replies come back raw (bytes, ints, lists)."""

    def __init__(self, client: redis.Redis) -> None:
        self.pool = client.connection_pool
        self.local = threading.local()

    def call(self, *args: object) -> object:
        connection = getattr(self.local, "connection", None)
        if connection is None:
            connection = self.local.connection = self.pool.make_connection()
        try:
            connection.send_command(*args)
            return connection.read_response()
        except RedisError:
            # A timeout may leave a reply half read: the next call starts on a new connection.
            self.local.connection = None
            connection.disconnect()
            raise

    def script(self, script: Script, keys: list[str], args: list[object]) -> object:
        try:
            return self.call("EVALSHA", script.sha, len(keys), *keys, *args)
        except NoScriptError:  # a Redis restarted or flushed since: EVAL loads it again
            return self.call("EVAL", script.script, len(keys), *keys, *args)


class RedisState:
    def __init__(
        self, url: str, namespace: str, fallback: InProcessState | None = None, key_secret: str = ""
    ) -> None:
        self.client = redis.Redis.from_url(
            url,
            socket_timeout=SOCKET_TIMEOUT_SECONDS,
            socket_connect_timeout=SOCKET_TIMEOUT_SECONDS,
            retry=Retry(NoBackoff(), 0),
            retry_on_timeout=False,
            health_check_interval=30,
        )
        self.namespace = namespace
        # A keyed hash: Saudi mobiles are few enough that a plain hash is reversed by trying them.
        self._hash_key = hashlib.sha256(f"sadeeq-keys:{key_secret}".encode()).digest()
        self.fallback = fallback or InProcessState()
        self._down_until = 0.0
        self._status = threading.Lock()
        self._count_then_lock = self.client.register_script(_COUNT_THEN_LOCK)
        self._release = self.client.register_script(_RELEASE)
        self._wire = _Wire(self.client)

    @property
    def available(self) -> bool:
        return time.monotonic() >= self._down_until

    def count(self, key: str, ttl_seconds: int) -> int:
        if self.available:
            try:
                pipe = self.client.pipeline(transaction=True)
                pipe.set(self._key(key), 0, ex=ttl_seconds, nx=True)
                pipe.incr(self._key(key))
                result = int(pipe.execute()[-1])
                self._up()
                return result
            except RedisError as exc:
                self._down(exc)
        return self.fallback.count(key, ttl_seconds)

    def uncount(self, key: str) -> None:
        if self.available:
            try:
                self.client.eval(_UNCOUNT, 1, self._key(key))
                self._up()
                return
            except RedisError as exc:
                self._down(exc)
        self.fallback.uncount(key)

    def flag(self, key: str, ttl_seconds: int) -> None:
        if self.available:
            try:
                self.client.set(self._key(key), 1, ex=ttl_seconds)
                self._up()
            except RedisError as exc:
                self._down(exc)
        # Kept in this process too, so a flag raised before Redis fails still holds here after.
        self.fallback.flag(key, ttl_seconds)

    def is_flagged(self, key: str) -> bool:
        if self.available:
            try:
                found = bool(self.client.exists(self._key(key)))
                self._up()
                return found or self.fallback.is_flagged(key)
            except RedisError as exc:
                self._down(exc)
        return self.fallback.is_flagged(key)

    def count_then_lock(
        self, key: str, ttl_seconds: int, limit: int, lock_key: str, lease_seconds: float
    ) -> tuple[int, str | None]:
        """`count`, and when the count is within `limit`, the lock `lock_key` if it is free
        right now: the count and the held lock's token (None: not taken), one round trip.
        The token goes to `lock(..., token=)`, which then holds it without asking again."""
        if self.available:
            token = uuid.uuid4().hex
            try:
                reply = self._wire.script(
                    self._count_then_lock,
                    [self._key(key), self._key(lock_key)],
                    [ttl_seconds, limit, token, int(lease_seconds * 1000)],
                )
                seen, taken = cast(list[int], reply)
                self._up()
                return int(seen), token if taken else None
            except RedisError as exc:
                self._down(exc)
        return self.fallback.count(key, ttl_seconds), None

    @contextmanager
    def lock(
        self, key: str, lease_seconds: float, wait_seconds: float, token: str | None = None
    ) -> Iterator[bool]:
        """`token`: the lock is already held with it (`count_then_lock`)."""
        name = self._key(key)
        if token is None and self.available:
            try:
                token = self._acquire(name, lease_seconds, wait_seconds)
                self._up()
            except RedisError as exc:
                self._down(exc)
            else:
                if token is None:
                    yield False
                    return
        if token is None:
            with self.fallback.lock(key, lease_seconds, wait_seconds) as acquired:
                yield acquired
            return
        try:
            yield True
        finally:
            try:
                if not self._wire.script(self._release, [name], [token]):
                    log.warning("a sender lock outlived its %.0f s lease", lease_seconds)
            except RedisError as exc:
                self._down(exc)  # the lease frees it once Redis is back

    def _acquire(self, name: str, lease_seconds: float, wait_seconds: float) -> str | None:
        token, lease_ms = uuid.uuid4().hex, int(lease_seconds * 1000)
        deadline = time.monotonic() + wait_seconds
        while not self._wire.call("SET", name, token, "NX", "PX", lease_ms):
            if time.monotonic() + LOCK_POLL_SECONDS > deadline:
                return None
            time.sleep(LOCK_POLL_SECONDS)
        return token

    def _key(self, key: str) -> str:
        kind, separator, rest = key.partition(":")
        if not separator:
            return f"{self.namespace}:{key}"
        digest = hashlib.blake2b(rest.encode(), key=self._hash_key, digest_size=16).hexdigest()
        return f"{self.namespace}:{kind}:{digest}"

    def _down(self, exc: Exception) -> None:
        with self._status:
            first = self._down_until == 0.0
            self._down_until = time.monotonic() + RETRY_SECONDS
        if first:
            log.warning(
                "Redis unreachable (%s): each worker counts and locks for itself until it returns",
                exc.__class__.__name__,
            )

    def _up(self) -> None:
        if self._down_until:  # read without the lock: the common case costs nothing
            with self._status:
                was_down, self._down_until = self._down_until != 0.0, 0.0
            if was_down:
                log.warning("Redis is back: shared counters and locks again")
