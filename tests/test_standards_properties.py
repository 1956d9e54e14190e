"""Properties of the standards engine and the business calendar, over random cases."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import holidays
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.standards import Case, calendar, compensation_for, rule_for

TIMED = (
    "meter_registration",
    "connection",
    "reconnection_after_payment",
    "billing_complaint",
    "planned_outage_restoration",
    "emergency_outage",
    "total_blackout",
)

starts = st.datetimes(min_value=datetime(2018, 1, 1), max_value=datetime(2030, 12, 31))
durations = st.integers(min_value=0, max_value=200 * 24 * 60).map(lambda m: timedelta(minutes=m))
days = st.dates(min_value=date(2018, 1, 1), max_value=date(2030, 12, 31))
cases = st.builds(
    lambda standard, start, d, network, cls: Case(
        standard, start, start + d, network=network, customer_class=cls
    ),
    st.sampled_from(TIMED),
    starts,
    durations,
    st.sampled_from(("lv", "mv", "hv")),
    st.sampled_from(("residential", "non_residential")),
)
fast = settings(max_examples=150, deadline=None)


def _covered(case: Case) -> bool:
    return compensation_for(case).reason != "not_covered"


@fast
@given(cases, durations)
def test_amount_never_decreases_as_lateness_grows(case: Case, more: timedelta) -> None:
    later = Case(
        case.standard,
        case.start,
        case.end + more,
        network=case.network,
        customer_class=case.customer_class,
    )
    assert compensation_for(later).amount_sar >= compensation_for(case).amount_sar


@fast
@given(cases)
def test_amount_is_never_negative_and_matches_breakdown(case: Case) -> None:
    comp = compensation_for(case)
    assert comp.amount_sar >= 0
    assert comp.amount_sar == sum(line.sar for line in comp.breakdown)
    assert comp.eligible == (comp.amount_sar > 0)


@fast
@given(cases)
def test_on_time_cases_owe_nothing(case: Case) -> None:
    comp = compensation_for(case)
    if comp.deadline is not None and case.end.replace(tzinfo=comp.deadline.tzinfo) <= comp.deadline:
        assert (comp.amount_sar, comp.reason) == (0, "on_time")


@fast
@given(cases)
def test_pay_by_is_a_business_day_after_the_end(case: Case) -> None:
    comp = compensation_for(case)
    if comp.eligible:
        assert calendar().is_business_day(comp.pay_by)
        assert comp.pay_by > case.end.date()
        assert calendar().business_days_between(case.end.date(), comp.pay_by) == 10


@fast
@given(cases)
def test_force_majeure_always_owes_nothing(case: Case) -> None:
    flagged = Case(case.standard, case.start, case.end, network=case.network, force_majeure=True)
    comp = compensation_for(flagged)
    if _covered(flagged):
        assert (comp.eligible, comp.amount_sar, comp.reason) == (False, 0, "force_majeure")


def _is_business_day_slowly(day: date) -> bool:
    return day.weekday() not in (4, 5) and day not in holidays.SA(years=day.year)


@fast
@given(days)
def test_calendar_agrees_with_holidays_sa(day: date) -> None:
    assert calendar().is_business_day(day) == _is_business_day_slowly(day)


@fast
@given(days, st.integers(min_value=0, max_value=120))
def test_add_business_days_lands_on_the_nth_business_day(day: date, n: int) -> None:
    cal = calendar()
    result = cal.add_business_days(day, n)
    assert cal.business_days_between(day, result) == n
    if n:
        assert cal.is_business_day(result)
        step, seen = day, 0  # walk day by day, the slow way
        while seen < n:
            step += timedelta(days=1)
            seen += _is_business_day_slowly(step)
        assert result == step


@fast
@given(starts, durations)
def test_emergency_outage_formula(start: datetime, duration: timedelta) -> None:
    rule = rule_for("emergency_outage", start)
    comp = compensation_for(Case("emergency_outage", start, start + duration))
    late_minutes = int(duration.total_seconds() // 60) - rule.deadline * 60
    if late_minutes <= 0:
        assert comp.amount_sar == 0
    else:
        units = -(-late_minutes // (rule.unit * 60))
        assert comp.amount_sar == rule.first_amount() + rule.additional_sar * (units - 1)
