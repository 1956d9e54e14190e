"""The consonant skeleton: one word in Arabic script and in Arabizi reads the same."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.text import normalize
from bot.text.skeleton import skeleton


@pytest.mark.parametrize(
    ("arabic", "arabizi"),
    [
        ("الكهرباء", "el kahraba"),
        ("طافية", "6afya"),
        ("فاتورة", "fatoora"),
        ("تعويض", "ta3weedh"),
        ("متى بترجع", "mata btirja3"),
        ("اسلاك مكشوفة", "aslak makshofa"),
        ("خربان", "5arban"),
    ],
)
def test_one_word_in_two_scripts_has_one_skeleton(arabic: str, arabizi: str) -> None:
    read = [skeleton(w) for w in normalize(arabic).split()]
    written = [skeleton(w) for w in normalize(arabizi).split() if w != "el"]
    assert read == written


def test_different_words_keep_different_skeletons() -> None:
    assert skeleton(normalize("فاتورة")) != skeleton(normalize("كهرباء"))
    assert skeleton("bill") != skeleton("power")


@given(st.text(max_size=60))
def test_any_word_gives_a_short_skeleton(word: str) -> None:
    found = skeleton(normalize(word))
    assert isinstance(found, str) and len(found) <= len(normalize(word))
