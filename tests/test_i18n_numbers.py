"""Numbers and money as the bot writes them are Babel's text, character for character.

`bot.i18n` writes a plain pattern's numbers itself (`_Plain`: the symbols looked up once);
Babel's own `format_decimal` and `NumberPattern.apply` are the reference here, for every
reply language, every value type a reply formats, and the edges (rounding, signs, zeros,
large values, values Babel alone handles)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st

from bot.i18n import LANGS, Texts

decimals = st.decimals(
    min_value=Decimal("-1e12"), max_value=Decimal("1e12"), allow_nan=False, places=None
)
values = st.one_of(
    st.integers(-(10**15), 10**15),
    decimals,
    st.decimals(min_value=0, max_value=Decimal("1e9"), places=2),  # bills' money, in halalas
    st.floats(-1e12, 1e12, allow_nan=False),
)

EDGES = [
    0,
    -0.0,
    Decimal("-0"),
    Decimal("-0.00"),
    Decimal("0.005"),
    Decimal("0.015"),
    Decimal("2.675"),
    Decimal("1E+3"),
    Decimal("12.000"),
    Decimal("0.0005"),
    Decimal("1234567.8949"),
    Decimal("-721.745"),
    1,
    999,
    1000,
    -1000,
    10**14,
    2.5,
    0.1 + 0.2,
    Decimal("Infinity"),
]


def _money_babel(tr: Texts, amount: object) -> str:
    pattern = tr._whole_riyals if isinstance(amount, int) else tr._halalas
    return pattern.apply(amount, tr.locale, currency=None)  # the filled pattern, as before


def _fresh(lang: str) -> Texts:
    return Texts(lang)  # no kept texts: every value is formatted, none is looked up


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("value", EDGES, ids=repr)
def test_edges_read_as_babel_writes_them(lang: str, value: object) -> None:
    tr = _fresh(lang)
    assert tr.number(value) == format_decimal(value, locale=tr.locale)  # type: ignore[arg-type]
    assert tr.money(value) == _money_babel(tr, value)  # type: ignore[arg-type]


@pytest.mark.parametrize("lang", LANGS)
@given(value=values)
def test_numbers_read_as_babel_writes_them(lang: str, value: int | float | Decimal) -> None:
    tr = _fresh(lang)
    assert tr.number(value) == format_decimal(value, locale=tr.locale)


@pytest.mark.parametrize("lang", LANGS)
@given(value=values)
def test_money_reads_as_babel_writes_it(lang: str, value: int | float | Decimal) -> None:
    tr = _fresh(lang)
    assert tr.money(value) == _money_babel(tr, value)
