"""Control words and menu choice numbers: whole message only, any digit script."""

from __future__ import annotations

import pytest

from bot.understanding import choice_number, control_word, detect_lang


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("الغاء", "cancel"),
        ("إلغاء", "cancel"),
        ("كنسل", "cancel"),
        ("Cancel", "cancel"),
        ("خروج", "cancel"),
        ("القائمة", "menu"),
        ("قائمه", "menu"),
        ("منيو", "menu"),
        ("main menu", "menu"),
        ("0", "menu"),
        ("٠", "menu"),
        ("رجوع", "back"),
        ("back", "back"),
        ("نعم", "yes"),
        ("ايوه", "yes"),
        ("اي", "yes"),
        ("إيه", "yes"),
        ("تمام", "yes"),
        ("yes", "yes"),
        ("Y", "yes"),
        ("ok", "yes"),
        ("yeah sure", "yes"),
        ("Sure, go ahead", "yes"),
        ("ok do it", "yes"),
        ("نعم لو سمحت", "yes"),
        ("ايوه سجل", "yes"),
        ("لا", "no"),
        ("لأ", "no"),
        ("no", "no"),
        ("N", "no"),
        ("english", "lang_en"),
        ("انجليزي", "lang_en"),
        ("انقلش", "lang_en"),
        ("E", "lang_en"),
        ("عربي", "lang_ar"),
        ("Arabic", "lang_ar"),
        ("ع", "lang_ar"),
        ("تفاصيل", "detail"),
        ("التفاصيل", "detail"),
        ("details", "detail"),
        (" نعم! ", "yes"),
        ("\u200fالغاء\u200f", "cancel"),
    ],
)
def test_control_words(text: str, word: str) -> None:
    assert control_word(text) == word


@pytest.mark.parametrize(
    "text",
    [
        "لا ما رجعت الكهرباء",
        "yes my power is off",
        "cancel my subscription please",
        "الغاء البلاغ اللي رفعته امس لأن الكهرباء رجعت",
        "",
        "1",
        "hello",
        "x" * 10_000,
    ],
)
def test_not_control_words(text: str) -> None:
    assert control_word(text) is None


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1", 1),
        ("١", 1),
        ("۱", 1),
        (" 2 ", 2),
        ("2.", 2),
        ("رقم ٢", 2),
        ("الخيار 3", 3),
        ("خيار ٤", 4),
        ("option 5", 5),
        ("one", 1),
        ("Two", 2),
        ("واحد", 1),
        ("اثنين", 2),
        ("ثلاثة", 3),
        ("الثاني", 2),
        ("12", 12),
        # Dialects' ordinals (a blind subscriber test: "التاني" was not understood).
        ("التاني", 2),
        ("تاني", 2),
        ("التالت", 3),
        ("el tani", 2),
        ("second", 2),
    ],
)
def test_choice_numbers(text: str, number: int) -> None:
    assert choice_number(text) == number


@pytest.mark.parametrize(
    "text",
    [
        "0",
        "100",
        "30012345678",
        "كم فاتورتي",
        "2 ساعات",
        "",
        "١ ٢",
        "رقم",
        "x" * 5000,
    ],
)
def test_not_choice_numbers(text: str) -> None:
    assert choice_number(text) is None


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("كم فاتورتي", "ar"),
        ("my bill مرتفعة", "ar"),
        ("el kahraba 6afya", "ar"),
        ("fatoorti kam", "ar"),
        ("salam", "ar"),
        ("ta3weed", "ar"),
        ("how much is my bill", "en"),
        ("power is off since 8am", "en"),
        ("hi", "en"),
        ("4g", "en"),
        ("30012345678", "ar"),
    ],
)
def test_detect_lang(text: str, lang: str) -> None:
    assert detect_lang(text) == lang


def test_a_dialect_ordinal_is_never_a_number_of_days() -> None:
    """ "رجعت تاني يوم" is "it came back the next day", not a case of two days."""
    from bot.understanding.slots import find_duration_minutes

    assert find_duration_minutes("رجعت تاني يوم") is None
