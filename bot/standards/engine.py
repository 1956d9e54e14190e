"""Compensation owed for one case under the guaranteed standards.

What `start` and `end` mean for each standard (times are Riyadh time when naive):
- meter_registration, connection, billing_complaint (business days): start = the request,
  end = its completion. The deadline is the end of the N-th business day counted from the
  business day after the request; connection takes N from the voltage network (lv/mv/hv).
- reconnection_after_payment: start = the payment, end = service restored.
- planned_outage_restoration, emergency_outage, total_blackout: start = outage start,
  end = power restored.
- planned_outage_notice: start = the planned outage start, notice_at = when notice was given
  (none given: owed). The deadline is start - 48 h; end is not used.
- unlawful_disconnection: start (or end) = the disconnection. There is no deadline: a case
  recorded as unlawful is always owed the flat amount.

How lateness is counted (domain.md, "How to count"; the numbers are in rules/*.toml):
- hours: late = end - deadline; each unit of lateness begun counts (3 h 1 min late with a
  1 h unit is 4 units).
- business days: late = the business days after the deadline day up to the completion day
  (done on the deadline day: on time; on the next business day: 1). Our reading: work done
  on a weekend or holiday after the deadline counts as delivered on the next business day,
  since the provider's working time resumes only then: with a Wednesday deadline, done on
  Thursday is 1 late, done on Friday or Sunday is 2 late.
- amount = X + Y * (units begun - 1); nothing when late <= 0.
- pay_by = the 10th business day after the day the case ended (the completion or restoration;
  for notice the outage start; for unlawful disconnection the disconnection).
- force majeure: not eligible, reason "force_majeure". The rule set is the one in force on
  the day the case began.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.config import RIYADH
from bot.standards.business_days import calendar
from bot.standards.rules import (
    CUSTOMER_CLASSES,
    NETWORKS,
    STANDARD_IDS,
    CaseError,
    Rule,
    rule_for,
    rule_set_on,
)

REASON_ON_TIME = "on_time"
REASON_FORCE_MAJEURE = "force_majeure"
REASON_NOT_COVERED = "not_covered"  # the rule set in force had no such standard

_HOUR = 3600
_END_OF_DAY = time(23, 59, 59)

# What start/end mean, per standard; used in error messages and the CLI help.
TIME_MEANING: dict[str, tuple[str, str | None]] = {
    "meter_registration": ("the request", "the completion"),
    "connection": ("the request (after payment)", "the connection"),
    "reconnection_after_payment": ("the payment", "the reconnection"),
    "unlawful_disconnection": ("the disconnection", None),
    "billing_complaint": ("the complaint", "the detailed reply"),
    "planned_outage_notice": ("the planned outage start", None),
    "planned_outage_restoration": ("the outage start", "the restoration"),
    "emergency_outage": ("the outage start", "the restoration"),
    "total_blackout": ("the blackout start", "the restoration"),
}


@dataclass(frozen=True, slots=True)
class Case:
    standard: str
    start: datetime | None = None
    end: datetime | None = None
    notice_at: datetime | None = None
    network: str = "lv"
    force_majeure: bool = False
    customer_class: str = "residential"


@dataclass(frozen=True, slots=True)
class BreakdownLine:
    """One line of an amount: `kind` is first / additional / flat / no_notice / unlawful."""

    sar: int
    kind: str
    clock: str
    count: int = 1  # units in this line
    unit: int = 1  # clock units per unit

    def label(self, lang: str) -> str:
        from bot.standards.wording import breakdown_label

        return breakdown_label(self, lang)


@dataclass(frozen=True, slots=True)
class Compensation:
    standard: str
    rule_set: str
    deadline: datetime | None
    late_minutes: int | None
    late_business_days: int | None
    eligible: bool
    amount_sar: int
    breakdown: tuple[BreakdownLine, ...]
    pay_by: date | None
    reason: str | None
    rule: Rule | None = None
    case: Case | None = None

    def to_json(self) -> dict:
        """The contract's `compensation` object (labels in English)."""
        out: dict = {
            "standard": self.standard,
            "rule_set": self.rule_set,
            "deadline": self.deadline.isoformat() if self.deadline else None,
        }
        if self.rule is not None and self.rule.clock == "business_days":
            out["late_business_days"] = self.late_business_days
        else:
            out["late_minutes"] = self.late_minutes
        out["eligible"] = self.eligible
        out["amount_sar"] = self.amount_sar
        out["breakdown"] = [{"label": line.label("en"), "sar": line.sar} for line in self.breakdown]
        out["pay_by"] = self.pay_by.isoformat() if self.pay_by else None
        out["reason"] = self.reason
        return out

    def explain(
        self,
        lang: str,
        holder: bool = False,
        now: datetime | None = None,
        pay_by_said: bool = False,
    ) -> str:
        """2-4 short lines for the subscriber, in "ar" or "en". `holder`: said to someone who
        may not hold the account it is paid to (a report linked to no account). `now`: the
        message's clock, for a deadline said by its day's name; `pay_by_said`: see
        `bot.standards.wording.explain`."""
        from bot.standards.wording import explain

        return explain(self, lang, holder, now, pay_by_said)


def local_time(value: datetime | None) -> datetime | None:
    """A case's time in Riyadh: a naive one is read as Riyadh time."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=RIYADH)
    return value.astimezone(RIYADH)


def _seconds(delta: timedelta) -> int:
    """Whole seconds, rounded up: a fraction of a second late is late."""
    return delta.days * 86400 + delta.seconds + (1 if delta.microseconds else 0)


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def _check(case: Case) -> tuple[datetime | None, datetime | None, datetime | None]:
    if case.standard not in STANDARD_IDS:
        raise CaseError(
            f"unknown standard {case.standard!r}; expected one of: {', '.join(STANDARD_IDS)}"
        )
    if case.network not in NETWORKS:
        raise CaseError(f"unknown network {case.network!r}; expected one of: {', '.join(NETWORKS)}")
    if case.customer_class not in CUSTOMER_CLASSES:
        raise CaseError(
            f"unknown customer class {case.customer_class!r}; "
            f"expected one of: {', '.join(CUSTOMER_CLASSES)}"
        )
    start, end, notice_at = local_time(case.start), local_time(case.end), local_time(case.notice_at)
    start_means, end_means = TIME_MEANING[case.standard]
    if start is not None and end is not None and end < start:
        raise CaseError(f"end ({end.isoformat()}) is before start ({start.isoformat()})")
    if case.standard == "unlawful_disconnection":
        if start is None and end is None:
            raise CaseError(f"{case.standard} needs a start time ({start_means})")
        return start or end, None, None
    if start is None:
        raise CaseError(f"{case.standard} needs a start time ({start_means})")
    if end_means is not None and end is None:
        raise CaseError(f"{case.standard} needs an end time ({end_means})")
    return start, end, notice_at


def compensation_for(case: Case) -> Compensation:
    """Judge one case. Raises CaseError (a ValueError) with a clear message on bad input."""
    start, end, notice_at = _check(case)
    assert start is not None
    try:
        rule = rule_for(case.standard, start)
    except CaseError:
        rule_set = rule_set_on(start.date())  # re-raises when no rule set was in force at all
        return Compensation(
            case.standard,
            rule_set.id,
            None,
            None,
            None,
            False,
            0,
            (),
            None,
            REASON_NOT_COVERED,
            None,
            case,
        )

    cal = calendar()
    late_minutes: int | None = None
    late_days: int | None = None
    deadline: datetime | None
    if rule.clock == "hours":
        assert end is not None
        deadline = start + timedelta(hours=rule.deadline or 0)
        late = _seconds(end - deadline)
        late_minutes = max(0, _ceil_div(late, 60))
        units = _ceil_div(late, rule.unit * _HOUR) if late > 0 else 0
        ended = end.date()
    elif rule.clock == "business_days":
        assert end is not None
        deadline_day = cal.add_business_days(start.date(), rule.deadline_units(case.network) or 0)
        deadline = datetime.combine(deadline_day, _END_OF_DAY, RIYADH)
        late_days = max(0, cal.business_days_between(deadline_day, cal.on_or_after(end.date())))
        units = _ceil_div(late_days, rule.unit)
        ended = end.date()
    elif rule.clock == "hours_before":
        deadline = start - timedelta(hours=rule.deadline or 0)
        if notice_at is None:
            units = 1
        else:
            late = _seconds(notice_at - deadline)
            late_minutes = max(0, _ceil_div(late, 60))
            units = 1 if late > 0 else 0
        ended = start.date()
    else:  # "none": owed whenever recorded
        deadline = None
        units = 1
        ended = start.date()

    if case.force_majeure or units <= 0:
        reason = REASON_FORCE_MAJEURE if case.force_majeure else REASON_ON_TIME
        return Compensation(
            case.standard,
            rule.rule_set,
            deadline,
            late_minutes,
            late_days,
            False,
            0,
            (),
            None,
            reason,
            rule,
            case,
        )
    breakdown = _breakdown(rule, units, case, notice_at)
    pay_by = cal.add_business_days(ended, rule.pay_within_business_days)
    return Compensation(
        case.standard,
        rule.rule_set,
        deadline,
        late_minutes,
        late_days,
        True,
        sum(line.sar for line in breakdown),
        breakdown,
        pay_by,
        None,
        rule,
        case,
    )


def _breakdown(
    rule: Rule, units: int, case: Case, notice_at: datetime | None
) -> tuple[BreakdownLine, ...]:
    first = rule.first_amount(case.customer_class)
    if rule.clock == "none":
        return (BreakdownLine(first, "unlawful", rule.clock),)
    if rule.clock == "hours_before":
        kind = "no_notice" if notice_at is None else "late_notice"
        return (BreakdownLine(first, kind, rule.clock),)
    if rule.is_flat:
        return (BreakdownLine(first, "flat", rule.clock),)
    lines = [BreakdownLine(first, "first", rule.clock, 1, rule.unit)]
    if units > 1:
        lines.append(
            BreakdownLine(
                rule.additional_sar * (units - 1), "additional", rule.clock, units - 1, rule.unit
            )
        )
    return tuple(lines)


def blackout_share(consumers: int, at: datetime | None = None) -> int:
    """Riyals owed to each consumer of one city-wide blackout event, once it is late.

    Each consumer is owed the flat amount (1000 SAR), but all claims of one event together
    are capped (200 million SAR); above the cap the total is shared equally, rounded down to
    a whole riyal so the sum never passes the cap.
    """
    if consumers <= 0:
        raise ValueError("consumers must be a positive number")
    rule = rule_for("total_blackout", at)
    per_consumer = rule.first_amount()
    if rule.event_cap_sar is None:
        return per_consumer
    return min(per_consumer, rule.event_cap_sar // consumers)
