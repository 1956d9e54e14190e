"""The threads that run a server's engine turns off the event loop.

A turn that may wait on the network (PostgreSQL, Redis, a billing API) runs in a thread.
Starlette's `run_in_threadpool` (anyio's worker threads) pays on every call for a capacity
limiter, a cancel scope, a copy of the context and a queue handshake of its own; here a
turn is put on one queue, taken by a thread kept for the purpose, and its result handed
back to the loop with one `call_soon_threadsafe`. Threads are started when every one is
busy (the callers' in-flight limit bounds how many) and kept for the next turns.

A turn is never abandoned: its caller, cancelled while it runs, waits for its end (its commit
may be on its way) before the cancellation goes on, as with anyio's threads, so that the
caller's in-flight limit still counts it. The turn runs in its thread's own context: the
context variables it needs are set inside it (`reading_through`, `as_of`).
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Callable
from typing import Any, TypeVar

Result = TypeVar("Result")


class TurnThreads:
    def __init__(self, name: str) -> None:
        self._name = name
        self._jobs: queue.SimpleQueue[tuple] = queue.SimpleQueue()
        self._idle = 0
        self._started = 0
        self._lock = threading.Lock()

    async def run(self, function: Callable[..., Result], *args: Any, **kwargs: Any) -> Result:
        """`function(*args, **kwargs)` in one of the threads; its result or its exception."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[Result] = loop.create_future()
        with self._lock:
            if self._idle:
                self._idle -= 1
            else:
                self._started += 1
                threading.Thread(
                    target=self._serve, name=f"{self._name}-{self._started}", daemon=True
                ).start()
        self._jobs.put((function, args, kwargs, loop, done))
        try:
            return await asyncio.shield(done)
        except asyncio.CancelledError:
            while not done.done():
                try:
                    await asyncio.shield(done)
                except asyncio.CancelledError:
                    continue
                except BaseException:
                    break
            raise

    def _serve(self) -> None:
        jobs = self._jobs
        while True:
            function, args, kwargs, loop, done = jobs.get()
            try:
                outcome, failed = function(*args, **kwargs), None
            except BaseException as error:  # handed to the caller, as anyio's threads do
                outcome, failed = None, error
            with self._lock:
                self._idle += 1
            with contextlib.suppress(RuntimeError):  # (the caller's loop closed: nobody waits)
                loop.call_soon_threadsafe(_settle, done, outcome, failed)
            del function, args, kwargs, loop, done, outcome, failed


def _settle(done: asyncio.Future, outcome: Any, failed: BaseException | None) -> None:
    if done.cancelled():
        return
    if failed is None:
        done.set_result(outcome)
    else:
        done.set_exception(failed)


# One set for the process: a test process makes many servers; each one's turns are bounded
# by its own in-flight limit, and threads left idle by one are used by the next.
turn_threads = TurnThreads("turn")
