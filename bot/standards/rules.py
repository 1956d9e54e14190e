"""The rule sets of the guaranteed standards, read from `rules/*.toml`.

The numbers live in the TOML files (one per rule set, each with the date it took effect);
this module only reads them and answers "which rule was in force for this standard at this
time". A rule set is chosen by the date the case began.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from bot.config import RIYADH

# The nine standards, in the order of domain.md.
STANDARD_IDS: tuple[str, ...] = (
    "meter_registration",
    "connection",
    "reconnection_after_payment",
    "unlawful_disconnection",
    "billing_complaint",
    "planned_outage_notice",
    "planned_outage_restoration",
    "emergency_outage",
    "total_blackout",
)
CLOCKS = ("hours", "business_days", "hours_before", "none")
NETWORKS = ("lv", "mv", "hv")
CUSTOMER_CLASSES = ("residential", "non_residential")
RULES_DIR = Path(__file__).resolve().parent / "rules"


class CaseError(ValueError):
    """A case the engine cannot judge (unknown standard, missing or inconsistent times)."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One standard as one rule set states it. Amounts in whole riyals."""

    standard: str
    rule_set: str
    clock: str  # one of CLOCKS
    deadline: int | None  # in clock units; None when it depends on the network, or no deadline
    deadline_by_network: Mapping[str, int] | None
    first_sar: Mapping[str, int]  # X, by customer class
    additional_sar: int  # Y; 0 for a flat amount
    unit: int  # clock units per unit of lateness
    event_cap_sar: int | None = None
    pay_within_business_days: int = 10
    _first_default: int = field(default=0, repr=False)

    @property
    def is_flat(self) -> bool:
        return self.additional_sar == 0

    def deadline_units(self, network: str = "lv") -> int | None:
        if self.deadline_by_network is not None:
            return self.deadline_by_network[network]
        return self.deadline

    def first_amount(self, customer_class: str = "residential") -> int:
        return self.first_sar.get(customer_class, self._first_default)

    def amount(self, units_begun: int, customer_class: str = "residential") -> int:
        """X for the first unit of lateness begun, plus Y for each further one; 0 if none."""
        if units_begun <= 0:
            return 0
        return self.first_amount(customer_class) + self.additional_sar * (units_begun - 1)

    def deadline_text(self, lang: str, network: str = "lv") -> str:
        from bot.standards.wording import deadline_text

        return deadline_text(self, lang, network)

    def summary(self, lang: str, network: str = "lv", customer_class: str = "residential") -> str:
        """One sentence: the deadline and what is owed when it is missed."""
        if any(rule_set.rules.get(self.standard) is self for rule_set in rule_sets()):
            return _summary(self.rule_set, self.standard, lang, network, customer_class)
        from bot.standards.wording import rule_summary  # a rule made elsewhere (tests)

        return rule_summary(self, lang, network, customer_class)


@dataclass(frozen=True, slots=True)
class RuleSet:
    id: str
    title: str
    effective_from: date
    rules: Mapping[str, Rule]


def _read_rule(rule_set: str, standard: str, raw: dict, pay_within: int) -> Rule:
    clock = raw["clock"]
    if clock not in CLOCKS:
        raise ValueError(f"{rule_set}/{standard}: unknown clock {clock!r}")
    first = raw["first_sar"]
    first_by_class = (
        dict(first) if isinstance(first, dict) else dict.fromkeys(CUSTOMER_CLASSES, first)
    )
    by_network = raw.get("deadline_by_network")
    return Rule(
        standard=standard,
        rule_set=rule_set,
        clock=clock,
        deadline=raw.get("deadline"),
        deadline_by_network=MappingProxyType(dict(by_network)) if by_network else None,
        first_sar=MappingProxyType(first_by_class),
        additional_sar=int(raw.get("additional_sar", 0)),
        unit=int(raw.get("unit", 1)),
        event_cap_sar=raw.get("event_cap_sar"),
        pay_within_business_days=pay_within,
        _first_default=first_by_class["residential"],
    )


def read_rule_set(path: Path) -> RuleSet:
    with path.open("rb") as fh:
        raw = tomllib.load(fh)
    unknown = set(raw["standards"]) - set(STANDARD_IDS)
    if unknown:
        raise ValueError(f"{path.name}: unknown standards {sorted(unknown)}")
    pay_within = int(raw.get("pay_within_business_days", 10))
    rules = {
        sid: _read_rule(raw["id"], sid, body, pay_within) for sid, body in raw["standards"].items()
    }
    return RuleSet(raw["id"], raw["title"], raw["effective_from"], MappingProxyType(rules))


@lru_cache(maxsize=1)
def rule_sets() -> tuple[RuleSet, ...]:
    """Every rule set, newest first."""
    found = [read_rule_set(path) for path in sorted(RULES_DIR.glob("*.toml"))]
    return tuple(sorted(found, key=lambda rs: rs.effective_from, reverse=True))


def rule_set_on(day: date) -> RuleSet:
    for rule_set in rule_sets():
        if rule_set.effective_from <= day:
            return rule_set
    oldest = rule_sets()[-1]
    raise CaseError(
        f"no rule set was in force on {day.isoformat()} "
        f"(the oldest, {oldest.id}, starts {oldest.effective_from.isoformat()})"
    )


@lru_cache(maxsize=512)
def _summary(rule_set: str, standard: str, lang: str, network: str, customer_class: str) -> str:
    # Rules are read once and never change, so each sentence is worded once per process
    # (every outage report's acknowledgement carries one).
    from bot.standards.wording import rule_summary

    rule = next(r.rules[standard] for r in rule_sets() if r.id == rule_set)
    return rule_summary(rule, lang, network, customer_class)


def rule_for(standard: str, at: datetime | None = None) -> Rule:
    """The rule in force for `standard` at `at` (default: now, Riyadh time).

    Raises CaseError for an unknown standard, or one the rule set in force did not have.
    """
    if standard not in STANDARD_IDS:
        raise CaseError(
            f"unknown standard {standard!r}; expected one of: {', '.join(STANDARD_IDS)}"
        )
    day = (
        at.astimezone(RIYADH) if at is not None and at.tzinfo else at or datetime.now(RIYADH)
    ).date()
    rule_set = rule_set_on(day)
    rule = rule_set.rules.get(standard)
    if rule is None:
        raise CaseError(
            f"{standard} is not a standard of {rule_set.id}, in force on {day.isoformat()}"
        )
    return rule
