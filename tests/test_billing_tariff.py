"""The tariff of domain.md, applied: tiers, VAT on consumption and fee, breaker fees, dates."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.billing.tariff import (
    bill_amount,
    bill_breakdown,
    billing_period,
    customer_classes,
    due_date,
    issue_dates,
    latest_issue_date,
    meter_fee,
)


def test_residential_first_tier_with_vat_on_consumption_and_fee() -> None:
    # 1000 kWh × 0.18 = 180, fee (60 A) 10 → 190 + 15% = 218.50
    assert bill_amount(1000, "residential", 60) == Decimal("218.50")


def test_tier_boundary_at_6000_kwh() -> None:
    # 6000 × 0.18 = 1080; one more kWh costs 0.30
    assert bill_breakdown(6000, "residential", 100).consumption_sar == Decimal("1080.00")
    assert bill_breakdown(6001, "residential", 100).consumption_sar == Decimal("1080.30")
    assert bill_breakdown(7000, "commercial", 100).consumption_sar == Decimal("1500.00")
    assert bill_breakdown(6500, "agricultural", 100).consumption_sar == Decimal("1060.00")


@pytest.mark.parametrize(
    ("customer_class", "rate"),
    [("private_health_education", "0.21"), ("industrial", "0.18"), ("governmental", "0.32")],
)
def test_flat_classes_have_no_second_tier(customer_class: str, rate: str) -> None:
    assert bill_breakdown(10_000, customer_class, 60).consumption_sar == 10_000 * Decimal(rate)


@pytest.mark.parametrize(
    ("amps", "fee"),
    [
        (60, 10),
        (30, 10),
        (61, 15),
        (100, 15),
        (200, 21),
        (300, 22),
        (400, 25),
        (401, 30),
        (800, 30),
    ],
)
def test_meter_fee_by_breaker_size(amps: int, fee: int) -> None:
    assert meter_fee(amps) == fee


def test_zero_consumption_pays_the_fee_and_its_vat() -> None:
    assert bill_amount(0, "residential", 400) == Decimal("28.75")  # 25 + 15%


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(ValueError):
        bill_amount(-1, "residential", 60)
    with pytest.raises(ValueError):
        bill_amount(10, "household", 60)
    with pytest.raises(ValueError):
        bill_amount(10, "residential", 0)


@given(st.integers(0, 200_000), st.sampled_from(customer_classes()), st.integers(1, 2000))
def test_breakdown_adds_up_to_two_decimals(kwh: int, customer_class: str, amps: int) -> None:
    parts = bill_breakdown(kwh, customer_class, amps)
    assert parts.total_sar == parts.consumption_sar + parts.fee_sar + parts.vat_sar
    assert parts.total_sar.as_tuple().exponent == -2
    assert abs(
        parts.vat_sar - (parts.consumption_sar + parts.fee_sar) * Decimal("0.15")
    ) <= Decimal("0.005")


@given(st.integers(0, 100_000), st.sampled_from(customer_classes()))
def test_more_consumption_never_costs_less(kwh: int, customer_class: str) -> None:
    assert bill_amount(kwh + 1, customer_class, 100) > bill_amount(kwh, customer_class, 100)


def test_issue_dates_are_the_28ths_up_to_today() -> None:
    assert latest_issue_date(date(2026, 3, 28)) == date(2026, 3, 28)
    assert latest_issue_date(date(2026, 3, 27)) == date(2026, 2, 28)
    assert latest_issue_date(date(2026, 1, 5)) == date(2025, 12, 28)
    dates = issue_dates(date(2026, 3, 5), 12)
    assert len(dates) == 12
    assert dates[0] == date(2025, 3, 28) and dates[-1] == date(2026, 2, 28)


def test_period_is_the_calendar_month_before_issue_and_due_30_days_later() -> None:
    assert billing_period(date(2026, 3, 28)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert billing_period(date(2026, 1, 28)) == (date(2025, 12, 1), date(2025, 12, 31))
    assert due_date(date(2026, 1, 28)) == date(2026, 2, 27)


@given(st.dates(date(2000, 1, 1), date(2100, 1, 1)), st.integers(1, 24))
def test_periods_follow_each_other_without_gap(today: date, months: int) -> None:
    dates = issue_dates(today, months)
    assert len(dates) == months and dates[-1] <= today
    for earlier, later in zip(dates, dates[1:], strict=False):
        assert (billing_period(later)[0] - billing_period(earlier)[1]).days == 1
