"""Known places read from a message (bot/outages/places.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.outages.places import (
    NamedPlace,
    find_place,
    known_cities,
    said_again,
    shown_place,
    spellings,
)


@pytest.mark.parametrize(
    ("text", "city", "district"),
    [
        ("الكهرباء طافية في حي النرجس بالرياض", "الرياض", "النرجس"),
        ("Al-Olaya, Riyadh", "الرياض", "العليا"),
        ("قلت لك النسيم الرياض", "الرياض", "النسيم"),
        ("مقطوعة بالملز", "الرياض", "الملز"),  # only in Riyadh
        ("حي الروضة، جدة", "جدة", "الروضة"),
        ("الكهرباء مقطوعة في الروضة بجدة", "جدة", "الروضة"),
        ("no power in Rawdah, Jeddah", "جدة", "الروضة"),
        # Districts a blind subscriber test named and the list did not know (it asked again).
        ("الكهربا طافية من الصبح، حي الملقا الرياض", "الرياض", "الملقا"),
        ("malqa riyadh", "الرياض", "الملقا"),
        ("عندنا انقطاع حي الورود الرياض", "الرياض", "الورود"),
        ("حي النزهة جدة", "جدة", "النزهة"),
        ("حي الفيحاء الرياض", "الرياض", "الفيحاء"),
        ("حي السلي جنب مسجد التقوى", "الرياض", "السلي"),
    ],
)
def test_a_known_district_and_city(text: str, city: str, district: str) -> None:
    named = find_place(text)
    assert (named.city, named.district, named.ambiguous) == (city, district, False)


def test_a_district_of_several_cities_is_ambiguous() -> None:
    named = find_place("الكهرباء مقطوعة عندنا في الروضة")
    assert (
        named.ambiguous
        and named.district == "الروضة"
        and set(named.cities)
        == {
            "الرياض",
            "جدة",
        }
    )
    assert find_place("الروضة", city="جدة").district == "الروضة"


def test_a_city_alone_gives_the_rest_only_when_short() -> None:
    assert find_place("الندى، الرياض").rest == "الندى"
    assert find_place("الكهرباء طافية عندنا من الصبح بالرياض الله يعافيكم").rest is None
    assert find_place("جدة").rest is None and find_place("جدة").district is None


def test_everyday_words_are_no_district() -> None:
    for text in (
        "الكهربا طافية من الصبح",
        "سلامتك",
        "روضة الأطفال",
        "في البلد كله",
        "power cut",
        "مع السلامة",
        "شركة الاتصالات فاتورتها غالية",
        "الربيع هذي السنة حلو",
        "وش الخبر",
    ):
        named = find_place(text)
        assert named.district is None and named.city is None, text


def test_a_district_is_known_by_its_other_spellings() -> None:
    assert {"Al Malaz", "Malaz"} <= set(spellings("الملز"))
    assert "Riyadh" in spellings("الرياض")


@given(st.text(max_size=200))
def test_any_text_reads_without_error_and_names_only_known_cities(text: str) -> None:
    named = find_place(text)
    assert named.city is None or named.city in known_cities()
    assert not named.ambiguous or len(named.cities) > 1


def test_a_district_we_do_not_list_named_after_hay_is_kept_as_written() -> None:
    """A blind subscriber test: "في حي النخيل بالرياض" was asked "where in Riyadh?" again."""
    assert find_place("حي الندى، الرياض") == NamedPlace("الرياض", "الندى", other_words=1)
    assert find_place("طافية في حي الملك فهد بالرياض").district == "الملك فهد"
    assert find_place("طافية في حي الندى").district is None  # not a district we know


def test_a_district_we_do_not_list_without_a_city_is_kept_for_its_city_to_be_asked() -> None:
    """ "طافية في حي الندى" was asked "where?" again, the district lost: kept as `unlisted`."""
    named = find_place("طافية في حي الندى")
    assert (named.city, named.unlisted) == (None, "الندى")
    assert not named.complete and not named.ambiguous
    assert find_place("no power in hay al nada").unlisted == "al nada"
    assert find_place("حي الندى، الرياض").unlisted is None  # with its city: the district
    assert find_place("الكهرباء طافية").unlisted is None


@pytest.mark.parametrize(
    "text",
    [
        "الكهرباء طافية في حي كامل",  # a whole neighbourhood
        "وحي كله ظلام",
        "الحي كلها طافية وحي بكامله",
        "طافية عندنا في حي عندنا",
        "الكهرباء طافية في حي الملك",  # the head of a name, its name not said
    ],
)
def test_a_word_that_is_no_name_after_hay_is_no_district(text: str) -> None:
    """A reviewer: any word after «حي» was kept as an unlisted district («كامل», «كله»)."""
    named = find_place(text)
    assert (named.unlisted, named.district) == (None, None)
    assert find_place("الكهرباء طافية في حي الملك فهد").unlisted == "الملك فهد"


@pytest.mark.parametrize(
    ("text", "city", "district"),
    [
        ("الكهربا طافيه في حي النخيل بالرياض", "الرياض", "النخيل"),
        ("مدينة الخبر، العقربية", "الخبر", "العقربية"),
        ("al khobar", "الخبر", None),
        ("طافية بالخبر", "الخبر", None),
        ("العقربية الخبر", "الخبر", "العقربية"),
        ("الخبر", "الخبر", None),
    ],
)
def test_khobar_and_al_nakheel_are_known(text: str, city: str, district: str | None) -> None:
    named = find_place(text)
    assert (named.city, named.district) == (city, district)


def test_a_place_is_shown_in_one_script() -> None:
    """An English "Place:" line showed "فيلا 7، شارع 22, الفيصلية": a Latin comma in Arabic."""
    assert shown_place(("فيلا 7، شارع 22", "الفيصلية"), "en") == "فيلا 7، شارع 22، الفيصلية"
    assert shown_place(("الملز", "الرياض"), "en") == "Al Malaz, Riyadh"
    assert shown_place(("الندى", "الرياض"), "en") == "الندى، الرياض"  # no English spelling
    assert shown_place(("al nada", "الرياض"), "en") == "al nada, Riyadh"
    assert shown_place(("الملز", None, "الرياض"), "ar") == "الملز، الرياض"


def test_a_place_said_again_is_the_words_both_answers_share() -> None:
    assert said_again("في رفحاء", "رفحاء يا اخي") == "رفحاء"
    assert said_again("في رفحاء", "مدري والله") is None
    assert said_again("حي كامل", "كامل") is None  # no name
