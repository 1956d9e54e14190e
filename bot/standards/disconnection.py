"""Whether a disconnection for non-payment was at a prohibited time (disconnection.toml).

The cases only the subscriber knows (an open complaint, critical medical needs, ...) are asked
by the conversation; this module answers what the clock and the calendar alone decide.
"""

from __future__ import annotations

import tomllib
from datetime import datetime, time
from functools import cache
from pathlib import Path

from hijridate import Gregorian

from bot.config import RIYADH
from bot.standards.business_days import calendar

RULES = Path(__file__).with_name("disconnection.toml")


@cache
def rules() -> dict:
    with RULES.open("rb") as fh:
        return tomllib.load(fh)


def arrears_allow_cut(riyals: float, unpaid_months: int) -> bool:
    """A disconnection for non-payment is allowed only when the arrears exceed the minimum
    amount or the minimum months of bills are unpaid (domain.md)."""
    spec = rules()
    return riyals > spec["min_arrears_sar"] or unpaid_months >= spec["min_unpaid_months"]


def asked_cases(residential: bool = True) -> tuple[str, ...]:
    """The cases asked of the subscriber; for premises that are not a home, without those that
    hold for homes only."""
    homes_only = set(rules()["asked_residential"])
    return tuple(c for c in rules()["asked"] if residential or c not in homes_only)


def prohibited_hour(clock: time) -> str | None:
    """Why a disconnection at this hour is prohibited whatever its day ("after_noon",
    "outside_working_hours"), for a cut whose day was not told: the day's own cases (a weekend,
    a holiday, Ramadan) are not judged on a day nobody said."""
    spec = rules()
    if clock >= time.fromisoformat(spec["not_from"]):
        return "after_noon"
    if clock < time.fromisoformat(spec["not_before"]):
        return "outside_working_hours"
    return None


def residential_only(case: str) -> bool:
    """The case (a prohibited time or an asked case) makes a disconnection unlawful for a home
    only: whether it applies depends on the premises' class."""
    return case == "ramadan" or case in rules()["asked_residential"]


def prohibited_time(at: datetime, residential: bool = True) -> str | None:
    """Why a disconnection at `at` is prohibited by its time alone, or None when the time is
    allowed: "after_noon", "outside_working_hours" or "ramadan"."""
    local = at.astimezone(RIYADH)
    spec = rules()
    if residential:
        hijri = Gregorian(local.year, local.month, local.day).to_hijri()
        if hijri.month in spec["hijri_months_residential"]:
            return "ramadan"
    if spec["business_days_only"] and not calendar().is_business_day(local.date()):
        return "outside_working_hours"
    if local.time() >= time.fromisoformat(spec["not_from"]):
        return "after_noon"
    if local.time() < time.fromisoformat(spec["not_before"]):
        return "outside_working_hours"
    return None
