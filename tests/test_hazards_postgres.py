"""Near-duplicate hazard reports arriving at the same moment on PostgreSQL join one hazard
(run by the scale-out suite: SADEEQ_TEST_DATABASE_URL)."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
from sqlalchemy import func, select

from bot.config import RIYADH
from bot.hazards.models import Hazard, HazardReport
from bot.hazards.service import report_hazard
from bot.storage.db import session_scope

T0 = datetime(2026, 11, 24, 10, 0, tzinfo=RIYADH)
REPORTERS = 12


def test_simultaneous_reports_of_one_hazard_open_one_hazard(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("needs SADEEQ_TEST_DATABASE_URL (PostgreSQL)")
    start = threading.Barrier(REPORTERS)
    errors: list[BaseException] = []

    def reporter(n: int) -> None:
        try:
            start.wait()
            with session_scope(database_url) as session:
                report_hazard(
                    session,
                    channel="whatsapp",
                    sender=f"+9665000001{n:02d}",
                    phone=f"+9665000001{n:02d}",
                    lang="ar",
                    reported_at=T0,
                    kind="cable",
                    latitude=24.7136 + n * 0.00005,
                    longitude=46.6753,
                )
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=reporter, args=(n,)) for n in range(REPORTERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    with session_scope(database_url) as session:
        assert session.scalar(select(func.count()).select_from(Hazard)) == 1
        assert session.scalar(select(func.count()).select_from(HazardReport)) == REPORTERS
