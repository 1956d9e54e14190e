"""The standards engine at and around every boundary, for both rule sets.

Expected figures are written out from domain.md (not read back from the TOML), so a wrong
number in the data fails here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.config import RIYADH
from bot.standards import (
    STANDARD_IDS,
    Case,
    CaseError,
    blackout_share,
    calendar,
    compensation_for,
    riyals,
    rule_for,
    standard_name,
)

MIN = timedelta(minutes=1)
H = timedelta(hours=1)
SERA_DAY = datetime(2026, 1, 11, 8, 0)  # a Sunday, no holiday within weeks
ECRA_DAY = datetime(2019, 1, 6, 8, 0)  # a Sunday under the 2018 rules


def owed(standard: str, start: datetime, end: datetime | None = None, **kw) -> int:
    return compensation_for(Case(standard, start=start, end=end, **kw)).amount_sar


# -- hour standards: (standard, start, deadline hours, X, Y, unit hours) ---------------------
HOUR_RULES = [
    ("reconnection_after_payment", SERA_DAY, 2, 100, 100, 1),
    ("planned_outage_restoration", SERA_DAY, 6, 200, 50, 1),
    ("emergency_outage", SERA_DAY, 3, 50, 50, 1),
    ("reconnection_after_payment", ECRA_DAY, 3, 75, 75, 3),
    ("planned_outage_restoration", ECRA_DAY, 24, 75, 75, 12),
    ("emergency_outage", ECRA_DAY, 24, 75, 75, 12),
]


@pytest.mark.parametrize(("standard", "start", "hours", "x", "y", "unit"), HOUR_RULES)
def test_hour_standard_boundaries(standard, start, hours, x, y, unit) -> None:
    deadline = start + hours * H
    assert owed(standard, start, deadline - MIN) == 0
    assert owed(standard, start, deadline) == 0  # exactly on the deadline: on time
    assert owed(standard, start, deadline + MIN) == x
    assert owed(standard, start, deadline + unit * H) == x
    assert owed(standard, start, deadline + unit * H + MIN) == x + y
    assert owed(standard, start, deadline + 5 * unit * H) == x + 4 * y


def test_contract_example() -> None:
    comp = compensation_for(
        Case("emergency_outage", datetime(2026, 1, 11, 8), datetime(2026, 1, 11, 13, 20))
    )
    assert comp.to_json() == {
        "standard": "emergency_outage",
        "rule_set": "SERA-2025",
        "deadline": "2026-01-11T11:00:00+03:00",
        "late_minutes": 140,
        "eligible": True,
        "amount_sar": 150,
        "breakdown": [
            {"label": "first hour late", "sar": 50},
            {"label": "2 additional hours or part", "sar": 100},
        ],
        "pay_by": "2026-01-25",
        "reason": None,
    }


def test_domain_examples() -> None:
    assert owed("emergency_outage", SERA_DAY, SERA_DAY + 3 * H + 10 * MIN) == 50
    assert owed("emergency_outage", SERA_DAY, SERA_DAY + 5 * H + 20 * MIN) == 150


def test_outage_over_a_weekend_counts_clock_hours() -> None:
    start = datetime(2026, 1, 15, 22, 0)  # Thursday night
    comp = compensation_for(Case("emergency_outage", start, datetime(2026, 1, 17, 2, 0)))
    assert comp.late_minutes == 25 * 60
    assert comp.amount_sar == 50 + 50 * 24
    assert comp.pay_by == date(2026, 1, 29)  # ended Saturday: Sun 18 .. Thu 29


def test_pay_by_skips_eid_al_fitr() -> None:
    start = datetime(2026, 3, 18, 8, 0)  # the Wednesday before Eid al-Fitr 1447
    comp = compensation_for(Case("emergency_outage", start, start + 4 * H))
    assert comp.pay_by == date(2026, 4, 7)


def test_ecra_outage_amount_by_customer_class() -> None:
    end = ECRA_DAY + 24 * H + MIN
    assert owed("emergency_outage", ECRA_DAY, end) == 75
    assert owed("emergency_outage", ECRA_DAY, end, customer_class="non_residential") == 150
    assert owed("emergency_outage", ECRA_DAY, end + 12 * H, customer_class="non_residential") == 225


def test_total_blackout_is_flat_once_late() -> None:
    assert owed("total_blackout", SERA_DAY, SERA_DAY + 6 * H) == 0
    assert owed("total_blackout", SERA_DAY, SERA_DAY + 6 * H + MIN) == 1000
    assert owed("total_blackout", SERA_DAY, SERA_DAY + 40 * H) == 1000


@pytest.mark.parametrize(
    ("consumers", "share"),
    [(1, 1000), (200_000, 1000), (200_001, 999), (400_000, 500), (3_000_000, 66)],
)
def test_blackout_share_applies_the_event_cap(consumers: int, share: int) -> None:
    assert blackout_share(consumers) == share
    assert share * consumers <= 200_000_000


def test_blackout_share_rejects_no_consumers() -> None:
    with pytest.raises(ValueError):
        blackout_share(0)


# -- business-day standards -------------------------------------------------------------------
# (standard, network, start, deadline day, X, Y, unit days)
DAY_RULES = [
    ("meter_registration", "lv", SERA_DAY, date(2026, 1, 14), 100, 20, 1),
    ("billing_complaint", "lv", SERA_DAY, date(2026, 1, 18), 100, 50, 1),
    ("connection", "lv", SERA_DAY, date(2026, 2, 8), 400, 20, 1),
    ("connection", "mv", SERA_DAY, date(2026, 3, 9), 400, 20, 1),  # Founding Day on the way
    ("connection", "hv", SERA_DAY, date(2026, 4, 12), 400, 20, 1),  # and Eid al-Fitr
    ("meter_registration", "lv", ECRA_DAY, date(2019, 1, 13), 75, 20, 5),
    ("billing_complaint", "lv", ECRA_DAY, date(2019, 1, 27), 75, 0, 1),
    ("connection", "lv", ECRA_DAY, date(2019, 3, 3), 200, 0, 1),
]


def nth_business_day_after(day: date, n: int) -> date:
    return calendar().add_business_days(day, n)


@pytest.mark.parametrize(("standard", "network", "start", "deadline", "x", "y", "unit"), DAY_RULES)
def test_business_day_boundaries(standard, network, start, deadline, x, y, unit) -> None:
    def at(day: date, hour: int = 12) -> datetime:
        return datetime(day.year, day.month, day.day, hour)

    comp = compensation_for(Case(standard, start, at(deadline, 23), network=network))
    assert comp.deadline is not None and comp.deadline.date() == deadline
    assert (comp.amount_sar, comp.late_business_days, comp.reason) == (0, 0, "on_time")
    one_late = nth_business_day_after(deadline, 1)
    comp = compensation_for(Case(standard, start, at(one_late, 8), network=network))
    assert (comp.amount_sar, comp.late_business_days) == (x, 1)
    assert owed(standard, start, at(nth_business_day_after(deadline, unit)), network=network) == x
    assert (
        owed(standard, start, at(nth_business_day_after(deadline, unit + 1)), network=network)
        == x + y
    )


def test_business_days_start_the_day_after_the_request() -> None:
    friday = datetime(2026, 1, 16, 9)  # a request on the weekend is counted from Sunday
    comp = compensation_for(Case("meter_registration", friday, datetime(2026, 1, 20, 9)))
    assert comp.deadline.date() == date(2026, 1, 20)
    assert comp.amount_sar == 0


def test_weekend_completion_after_the_deadline_counts_as_next_business_day() -> None:
    # Deadline Wednesday 14 Jan: Thursday is 1 late; Friday, Saturday and Sunday are all 2.
    late = {
        day: compensation_for(
            Case("meter_registration", SERA_DAY, datetime(2026, 1, day, 10))
        ).late_business_days
        for day in (15, 16, 17, 18)
    }
    assert late == {15: 1, 16: 2, 17: 2, 18: 2}


def test_request_spanning_eid_al_fitr() -> None:
    request = datetime(2026, 3, 15, 10)  # Sunday; deadline Wednesday 18 March, then Eid
    during_eid = compensation_for(Case("meter_registration", request, datetime(2026, 3, 22, 10)))
    after_eid = compensation_for(Case("meter_registration", request, datetime(2026, 3, 25, 10)))
    assert during_eid.late_business_days == after_eid.late_business_days == 1
    assert after_eid.amount_sar == 100
    assert after_eid.pay_by == date(2026, 4, 8)  # 26 Mar, 29 Mar-2 Apr, 5-8 Apr
    assert during_eid.pay_by == date(2026, 4, 7)


# -- notice, unlawful disconnection, exclusions ----------------------------------------------


@pytest.mark.parametrize(("start", "amount"), [(SERA_DAY, 100), (ECRA_DAY, 75)])
def test_planned_outage_notice(start: datetime, amount: int) -> None:
    due = start - 48 * H
    assert owed("planned_outage_notice", start, notice_at=due) == 0
    assert owed("planned_outage_notice", start, notice_at=due - H) == 0
    assert owed("planned_outage_notice", start, notice_at=due + MIN) == amount
    comp = compensation_for(Case("planned_outage_notice", start))
    assert comp.amount_sar == amount and comp.late_minutes is None
    assert comp.pay_by == nth_business_day_after(start.date(), 10)


def test_unlawful_disconnection_is_always_owed_500() -> None:
    for kw in ({"start": SERA_DAY}, {"end": SERA_DAY}):
        comp = compensation_for(Case("unlawful_disconnection", **kw))
        assert (comp.amount_sar, comp.deadline, comp.pay_by) == (500, None, date(2026, 1, 25))


def test_a_case_without_a_deadline_says_when_it_happened() -> None:
    # Not the standard's name alone on a line ("الفصل غير النظامي.").
    comp = compensation_for(Case("unlawful_disconnection", datetime(2026, 11, 30, 15, 0)))
    assert comp.explain("ar").splitlines()[0] == (
        "الفصل غير النظامي يوم 30 نوفمبر 2026 الساعة 3:00 م."
    )
    assert comp.explain("en").splitlines()[0] == (
        "Unlawful disconnection on November 30, 2026 at 3:00\u202fPM."
    )


def test_standards_missing_from_2018_are_not_covered() -> None:
    for standard in ("unlawful_disconnection", "total_blackout"):
        comp = compensation_for(Case(standard, ECRA_DAY, ECRA_DAY + 30 * H))
        assert (comp.rule_set, comp.eligible, comp.amount_sar, comp.reason) == (
            "ECRA-2018",
            False,
            0,
            "not_covered",
        )


def test_force_majeure_owes_nothing() -> None:
    comp = compensation_for(
        Case("emergency_outage", SERA_DAY, SERA_DAY + 9 * H, force_majeure=True)
    )
    assert (comp.eligible, comp.amount_sar, comp.reason, comp.breakdown) == (
        False,
        0,
        "force_majeure",
        (),
    )
    assert comp.late_minutes == 360
    assert "force majeure" in comp.explain("en")
    assert "قوةً قاهرة" in comp.explain("ar")


def test_rule_set_is_chosen_by_the_day_the_case_began() -> None:
    assert rule_for("emergency_outage", datetime(2025, 6, 30, 23, 59)).rule_set == "ECRA-2018"
    assert rule_for("emergency_outage", datetime(2025, 7, 1, 0, 0)).rule_set == "SERA-2025"
    # 22:00 UTC on 30 June is already 1 July in Riyadh
    utc = datetime(2025, 6, 30, 22, 0, tzinfo=UTC)
    assert rule_for("emergency_outage", utc).rule_set == "SERA-2025"


def test_aware_times_are_read_in_riyadh() -> None:
    utc_start = datetime(2026, 1, 11, 5, 0, tzinfo=UTC)  # 08:00 in Riyadh
    naive = compensation_for(Case("emergency_outage", SERA_DAY, SERA_DAY + 5 * H))
    aware = compensation_for(Case("emergency_outage", utc_start, utc_start + 5 * H))
    assert naive.to_json() == aware.to_json()


@pytest.mark.parametrize(
    ("case", "message"),
    [
        (Case("nope", SERA_DAY, SERA_DAY), "unknown standard 'nope'"),
        (Case("emergency_outage", SERA_DAY, SERA_DAY - MIN), "before start"),
        (Case("emergency_outage", SERA_DAY), "needs an end time"),
        (Case("emergency_outage", end=SERA_DAY), "needs a start time"),
        (Case("unlawful_disconnection"), "needs a start time"),
        (Case("connection", SERA_DAY, SERA_DAY, network="xv"), "unknown network"),
        (Case("emergency_outage", SERA_DAY, SERA_DAY, customer_class="vip"), "customer class"),
        (Case("emergency_outage", datetime(2017, 1, 1), datetime(2017, 1, 2)), "no rule set"),
    ],
)
def test_bad_cases_raise_a_clear_case_error(case: Case, message: str) -> None:
    with pytest.raises(CaseError, match=message):
        compensation_for(case)


# -- words ------------------------------------------------------------------------------------


def test_summary_sentences() -> None:
    rule = rule_for("emergency_outage", SERA_DAY)
    assert rule.summary("en") == (
        "If power is not back within 3 hours you are owed 50 SAR, "
        "plus 50 SAR for each further hour or part."
    )
    assert rule.summary("ar") == (
        "إذا لم تعد الكهرباء خلال 3 ساعات يحق لك تعويض 50 ريالاً، "
        "و50 ريالاً عن كل ساعة إضافية أو جزء منها."
    )
    assert "خلال ساعتين" in rule_for("reconnection_after_payment", SERA_DAY).summary("ar")


@pytest.mark.parametrize(
    ("n", "ar"),
    [
        (0, "0 ريال"),
        (1, "ريال واحد"),
        (2, "ريالان"),
        (3, "3 ريالات"),
        (10, "10 ريالات"),
        (11, "11 ريالاً"),
        (150, "150 ريالاً"),
        (100, "100 ريال"),
        (500, "500 ريال"),
    ],
)
def test_riyals_plural(n: int, ar: str) -> None:
    assert riyals(n, "ar") == ar


def test_every_standard_has_names_and_summaries_in_both_languages() -> None:
    for standard in STANDARD_IDS:
        assert standard_name(standard, "ar") != standard_name(standard, "en")
        rule = rule_for(standard, SERA_DAY)
        assert rule.summary("ar") != rule.summary("en")
    assert standard_name("emergency_outage", "ar") == "الانقطاع الطارئ"


def test_a_restoration_deadline_is_said_as_when_the_power_should_have_been_back() -> None:
    # With the message's clock: the day's name, not "كان آخر موعد 11 يناير 2026 11:00 ص".
    start = SERA_DAY.replace(hour=8, tzinfo=RIYADH)
    comp = compensation_for(Case("emergency_outage", start, start + 5 * H))
    later_that_day = start + 10 * H
    assert comp.explain("ar", now=later_that_day).splitlines()[0] == (
        "الانقطاع الطارئ: كان المفروض ترجع الكهرباء اليوم الساعة 11:00 ص."
    )
    assert "yesterday at 11:00" in comp.explain("en", now=later_that_day + 24 * H)


def test_a_pay_by_date_said_already_is_not_said_again() -> None:
    start = SERA_DAY.replace(hour=8)
    comp = compensation_for(Case("planned_outage_restoration", start, start + 8 * H))
    ar = comp.explain("ar", pay_by_said=True)
    assert "يُصرف في نفس الموعد" in ar and "19944" not in ar and "بحلول" not in ar
    en = comp.explain("en", pay_by_said=True)
    assert en.splitlines()[-1] == "You are owed 250 SAR, paid by the same date."


def test_explanation_of_an_owed_case() -> None:
    comp = compensation_for(Case("emergency_outage", SERA_DAY, SERA_DAY + 5 * H + 20 * MIN))
    en = comp.explain("en").splitlines()
    assert 2 <= len(en) <= 4
    assert "2 hours and 20 minutes" in en[1] and "150 SAR" in en[2]
    assert "19944" in en[-1] and "January 25, 2026" in en[-2]
    assert comp.explain("en").count("January 25, 2026") == 1  # the pay-by date said once
    ar = comp.explain("ar")
    assert "150 ريالاً" in ar and "19944" in ar and "الانقطاع الطارئ" in ar
