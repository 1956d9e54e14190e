"""Someone touched danger the message names ("فيه سلك مكشوف وولدي لمسه"): hurt, 997 first."""

from __future__ import annotations

import pytest

from bot.hazards.vocabulary import is_danger, is_electrocuted, is_hurt


@pytest.mark.parametrize(
    "text",
    [
        "ابي موظف ضروري، فيه سلك مكشوف قدام البيت وولدي لمسه",
        "السلك طايح بالشارع وواحد لامسه",
        "my son touched the fallen cable",
        "ولدي انصعق",  # the electrocuted list as before
    ],
)
def test_a_touch_of_named_danger_is_someone_hurt(text: str) -> None:
    assert is_electrocuted(text) and is_hurt(text) and is_danger(text)


@pytest.mark.parametrize(
    "text",
    [
        "لمست العداد",  # a touch with no danger named
        "فيه سلك مكشوف لا تلمسه",  # a warning, nobody touched it
        "فيه سلك مكشوف قدام البيت",
    ],
)
def test_no_touch_of_danger_is_no_injury(text: str) -> None:
    assert not is_electrocuted(text) and not is_hurt(text)
