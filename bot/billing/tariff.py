"""What a month of electricity costs, and when bills are issued and due.

The numbers live in `tariff.toml` beside this file (data, not code); this module only knows
how to apply them.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from importlib.resources import files
from typing import Any

CENT = Decimal("0.01")


def to_money(value: Decimal) -> Decimal:
    """Riyals with two decimal places, halves rounded up (as printed on a bill)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Tier:
    up_to_kwh: int | None  # None: no upper limit
    sar_per_kwh: Decimal


@dataclass(frozen=True)
class Tariff:
    vat_rate: Decimal
    tiers: dict[str, tuple[Tier, ...]]  # by customer class
    fee_by_breaker: tuple[tuple[int, Decimal], ...]  # (up to amps, SAR), ascending
    fee_above: Decimal
    issue_day: int
    due_days: int


@dataclass(frozen=True)
class BillBreakdown:
    consumption_sar: Decimal
    fee_sar: Decimal
    vat_sar: Decimal
    total_sar: Decimal


@cache
def tariff() -> Tariff:
    raw: dict[str, Any] = tomllib.loads(
        files("bot.billing").joinpath("tariff.toml").read_text(encoding="utf-8")
    )
    tiers = {
        name: tuple(Tier(t.get("up_to_kwh"), Decimal(t["sar_per_kwh"])) for t in spec["tiers"])
        for name, spec in raw["classes"].items()
    }
    fees = tuple((f["up_to_amps"], Decimal(f["sar"])) for f in raw["meter_fee"]["by_breaker"])
    return Tariff(
        vat_rate=Decimal(raw["vat_rate"]),
        tiers=tiers,
        fee_by_breaker=tuple(sorted(fees)),
        fee_above=Decimal(raw["meter_fee"]["above"]),
        issue_day=raw["calendar"]["issue_day"],
        due_days=raw["calendar"]["due_days"],
    )


def customer_classes() -> tuple[str, ...]:
    return tuple(tariff().tiers)


def consumption_charge(kwh: int, customer_class: str) -> Decimal:
    if kwh < 0:
        raise ValueError(f"consumption cannot be negative: {kwh}")
    tiers = tariff().tiers.get(customer_class)
    if tiers is None:
        raise ValueError(f"unknown customer class {customer_class!r}")
    charge, billed = Decimal(0), 0
    for tier in tiers:
        top = kwh if tier.up_to_kwh is None else min(kwh, tier.up_to_kwh)
        if top > billed:
            charge += (top - billed) * tier.sar_per_kwh
            billed = top
    return charge


def meter_fee(breaker_amps: int) -> Decimal:
    if breaker_amps <= 0:
        raise ValueError(f"breaker rating must be positive: {breaker_amps}")
    for up_to_amps, sar in tariff().fee_by_breaker:
        if breaker_amps <= up_to_amps:
            return sar
    return tariff().fee_above


def bill_breakdown(kwh: int, customer_class: str, breaker_amps: int) -> BillBreakdown:
    consumption = consumption_charge(kwh, customer_class)
    fee = to_money(meter_fee(breaker_amps))
    vat = to_money((consumption + fee) * tariff().vat_rate)
    return BillBreakdown(to_money(consumption), fee, vat, to_money(consumption + fee + vat))


def bill_amount(kwh: int, customer_class: str, breaker_amps: int) -> Decimal:
    """A month's charges with VAT (on consumption and fee), in SAR with 2 decimals."""
    return bill_breakdown(kwh, customer_class, breaker_amps).total_sar


# --- the billing calendar -------------------------------------------------------------------


def latest_issue_date(today: date) -> date:
    """The latest issue day on or before `today`."""
    day = tariff().issue_day
    if today.day >= day:
        return today.replace(day=day)
    return _month_before(today).replace(day=day)


def issue_dates(today: date, months: int) -> list[date]:
    """The last `months` issue dates up to `today`, oldest first."""
    dates = [latest_issue_date(today)]
    while len(dates) < months:
        dates.append(_month_before(dates[-1]).replace(day=tariff().issue_day))
    return dates[::-1]


def billing_period(issue_date: date) -> tuple[date, date]:
    """The calendar month before the issue month, first and last day."""
    end = issue_date.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def due_date(issue_date: date) -> date:
    return issue_date + timedelta(days=tariff().due_days)


def _month_before(day: date) -> date:
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def tier_limit_kwh() -> int | None:
    """The monthly kWh above which the price per kWh rises, when every class with tiers shares
    one (6000 today); None when the classes differ or none has tiers."""
    limits = {
        tier.up_to_kwh
        for tiers in tariff().tiers.values()
        for tier in tiers
        if tier.up_to_kwh is not None
    }
    return limits.pop() if len(limits) == 1 else None
