"""Round trips to PostgreSQL counted in a test: psycopg's waits that wait at all (its commit of an
idle connection goes through `wait` without a word to the server)."""

from __future__ import annotations

import pytest


def count_round_trips(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """From now until `monkeypatch` is undone, one item a round trip (clear it to count anew)."""
    import psycopg  # only the PostgreSQL tests ask, and they run where psycopg is installed

    counted: list[int] = []
    real = psycopg.Connection.wait

    def counting(gen):
        try:
            waiting = next(gen)
        except StopIteration as done:
            return done.value
        counted.append(1)
        while True:
            ready = yield waiting
            try:
                waiting = gen.send(ready)
            except StopIteration as done:
                return done.value

    def wait(self, gen, *args, **kwargs):
        return real(self, counting(gen), *args, **kwargs)

    monkeypatch.setattr(psycopg.Connection, "wait", wait)
    return counted
