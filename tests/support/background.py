"""Clean-up that only costs time, run beside the next tests and waited for at the end.

Dropping a PostgreSQL database forces a checkpoint (every dirty page of the server written
out): minutes on a loaded machine, which the test that made the database need not wait for."""

from __future__ import annotations

import threading
from collections.abc import Callable


class Background:
    def __init__(self) -> None:
        self._started: list[threading.Thread] = []
        self._failed: list[str] = []

    def run(self, name: str, work: Callable[[], None]) -> None:
        def guarded() -> None:
            try:
                work()
            except Exception as error:
                self._failed.append(f"{name}: {error}")

        thread = threading.Thread(target=guarded, name=name, daemon=True)
        thread.start()
        self._started.append(thread)

    def wait(self) -> None:
        """Every clean-up finished; one that failed is an error here, not a quiet leftover."""
        for thread in self._started:
            thread.join()
        if self._failed:
            raise RuntimeError("clean-up failed: " + "; ".join(self._failed))
