"""When the monthly broadcast runs: e-bills are issued on the 28th, Riyadh time."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from bot.config import RIYADH

ISSUE_DAY = 28


def next_run(now: datetime, hour: int, day: int = ISSUE_DAY) -> datetime:
    """The next `day` of a month at `hour`:00 in Asia/Riyadh strictly after `now`."""
    local = now.astimezone(RIYADH)
    year, month = local.year, local.month
    while True:
        candidate = datetime.combine(
            local.replace(year=year, month=month, day=day).date(), time(hour), tzinfo=RIYADH
        )
        if candidate > local:
            return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def month_of(moment: datetime) -> str:
    local = moment.astimezone(RIYADH)
    return f"{local.year:04d}-{local.month:02d}"


def seconds_until(moment: datetime, now: datetime) -> float:
    return max((moment - now) / timedelta(seconds=1), 0.0)
