"""Waiting for a fresh rate-limit window, for limits counted in other processes."""

from __future__ import annotations

import time

from bot.coordination.rate_limit import WINDOW_SECONDS


def wait_for_minute_with(seconds_left: float) -> None:
    """For limits counted in other processes (workers under test): start when the current minute
    has `seconds_left` to run, so the test's messages fall in one window."""
    into = time.time() % WINDOW_SECONDS
    if WINDOW_SECONDS - into < seconds_left:
        time.sleep(WINDOW_SECONDS - into + 0.1)
