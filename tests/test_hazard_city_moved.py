"""A hazard's city corrected alone keeps the district recorded (handlers.hazard_report)."""

from __future__ import annotations

from bot.outages.places import find_place
from handlers.hazard_report import _city_moved


def test_the_recorded_district_moves_to_the_city_said() -> None:
    assert _city_moved("حي الحمراء الدمام", find_place("هو بالخبر")) == "الحمراء، الخبر"


def test_nothing_to_move_without_a_city_said_or_a_place_recorded() -> None:
    assert _city_moved("حي الحمراء الدمام", find_place("غلطت")) is None
    assert _city_moved(None, find_place("هو بالخبر")) is None
