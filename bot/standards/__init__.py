"""The guaranteed standards of the electricity regulator: rules as data, one engine.

    from bot.standards import Case, compensation_for
    compensation_for(Case("emergency_outage", start=..., end=...)).to_json()

The rules are in `rules/*.toml` (one file per rule set, chosen by the date of the case); the
counting is in `engine.py` (its docstring says what start/end mean for each standard); the
calendar of business days is `business_days.py`; what is said to a subscriber is `wording.py`.
"""

from bot.standards.business_days import BusinessCalendar, calendar
from bot.standards.engine import (
    BreakdownLine,
    Case,
    Compensation,
    blackout_share,
    compensation_for,
)
from bot.standards.rules import STANDARD_IDS, CaseError, Rule, rule_for
from bot.standards.wording import riyals, standard_name

__all__ = [
    "STANDARD_IDS",
    "BreakdownLine",
    "BusinessCalendar",
    "Case",
    "CaseError",
    "Compensation",
    "Rule",
    "blackout_share",
    "calendar",
    "compensation_for",
    "riyals",
    "rule_for",
    "standard_name",
]
