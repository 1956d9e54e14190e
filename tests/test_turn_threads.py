"""The server's turn threads (bot/channels/turn_threads.py): a result or an exception comes back
to the loop; threads are kept for the next turns; a caller cancelled while its turn runs waits
for the turn's end."""

from __future__ import annotations

import asyncio
import threading

import pytest

from bot.channels.turn_threads import TurnThreads


def test_results_and_exceptions_come_back_to_the_caller() -> None:
    threads = TurnThreads("test-results")

    def fail() -> None:
        raise ValueError("no")

    async def main() -> tuple[int, str]:
        outcome = await threads.run(lambda a, b=0: a + b, 2, b=3)
        with pytest.raises(ValueError, match="no"):
            await threads.run(fail)
        return outcome, await threads.run(lambda: threading.current_thread().name)

    total, name = asyncio.run(main())
    assert total == 5
    assert name.startswith("test-results-")


def test_threads_are_kept_and_started_only_when_all_are_busy() -> None:
    threads = TurnThreads("test-kept")
    both_inside = threading.Barrier(2, timeout=5)

    async def main() -> set[str]:
        names = set()
        for _ in range(5):  # one at a time: one thread does them all
            names.add(await threads.run(lambda: threading.current_thread().name))
        assert len(names) == 1

        def together() -> str:
            both_inside.wait()  # two at once need two threads
            return threading.current_thread().name

        names.update(await asyncio.gather(threads.run(together), threads.run(together)))
        return names

    assert len(asyncio.run(main())) == 2


def test_a_cancelled_caller_waits_for_its_turn_to_end() -> None:
    threads = TurnThreads("test-cancel")
    started, release = threading.Event(), threading.Event()
    ended: list[str] = []

    def turn() -> str:
        started.set()
        release.wait(5)
        ended.append("turn")
        return "answered"

    async def main() -> None:
        task = asyncio.create_task(threads.run(turn))
        await asyncio.get_running_loop().run_in_executor(None, started.wait, 5)
        task.cancel()
        await asyncio.sleep(0.05)
        assert not task.done()  # still waiting for the turn, though cancelled
        release.set()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert ended == ["turn"]

    asyncio.run(main())
