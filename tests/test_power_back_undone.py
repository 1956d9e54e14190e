"""A reporter's own "it's back" taken away ("غلطان ما رجعت"), or followed by "off again"."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.config import RIYADH
from bot.outages.models import Incident, OutageReport
from bot.outages.service import off_again, undo_power_back

T0 = datetime(2026, 12, 2, 10, 0, tzinfo=RIYADH)


def _report(**kw) -> OutageReport:
    return OutageReport(stated_start=T0, **kw)


def _incident() -> Incident:
    return Incident(started_at=T0, start_set_by_operator=False)


def test_undo_clears_what_the_reporter_said() -> None:
    report = _report(power_back_at=T0 + timedelta(hours=1), stated_end=T0 + timedelta(hours=1))
    assert undo_power_back(report)
    assert report.power_back_at is None and report.stated_end is None
    assert not undo_power_back(report)  # nothing said: nothing to undo


def test_off_again_counts_from_now_and_returns_the_ended_outage() -> None:
    back = T0 + timedelta(hours=3)
    report = _report(stated_end=back, power_back_at=back)
    now = T0 + timedelta(hours=4)
    began, ended = off_again(report, _incident(), now)
    assert (began, ended) == (T0, back)
    assert report.stated_end is None and report.power_back_at is None
    assert report.stated_start == now
