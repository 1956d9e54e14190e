"""A whole city said as the place of an outage ("الرياض كلها طافية", "كل الرياض")."""

from __future__ import annotations

import pytest

from bot.outages.area import Place, area_key
from bot.outages.places import shown_place, whole_city_district, whole_city_named


@pytest.mark.parametrize(
    "text",
    ["الحي ما يهم، الرياض كلها طافية", "كل الرياض", "الرياض كلها طافية", "all of Riyadh"],
)
def test_a_whole_city_is_named(text: str) -> None:
    assert whole_city_named(text) == "الرياض"


@pytest.mark.parametrize(
    "text", ["الرياض", "في حي الصفا جدة", "الحي كله طافي في الرياض", "العليا، الرياض"]
)
def test_a_city_or_a_district_is_no_whole_city(text: str) -> None:
    assert whole_city_named(text) is None


def test_every_whole_city_report_of_a_city_is_one_area() -> None:
    place = Place("الرياض", whole_city_district(), None, None, None, None)
    keys = {area_key(place, channel="whatsapp", sender=s) for s in ("+9665001", "+9665002")}
    assert len(keys) == 1


def test_shown_in_either_language() -> None:
    parts = (None, whole_city_district(), "الرياض")
    assert shown_place(parts, "ar") == "المدينة كلها، الرياض"
    assert shown_place(parts, "en") == "The whole city, Riyadh"
