"""One reader of an outage's kind in words (money1): `kind_told`, `_kind_denied` and
`_switched_kind` read the same words the same way, a fault inflected or with its article
("العطل", "تعطلت") and a fixed phrase ("غير مجدول") alike, and a kind said denied ("مو عطل") is
never that kind."""

from __future__ import annotations

import pytest

from handlers.compensation import EMERGENCY, PLANNED, _kind_denied, _switched_kind, kind_told
from handlers.compensation_facts import Facts


@pytest.mark.parametrize(
    ("text", "denied"),
    [
        ("مو عطل", True),
        ("مو العطل", True),
        ("ما كان عطل", True),
        ("وما كان مجدول", True),
        ("not planned", True),
        ("it was not a fault", False),  # "a" between: not said denied (asked, not taken)
        ("كان عطل", False),
        ("كان انقطاع غير مجدول", False),  # "غير مجدول" is a fault's phrase, not planned denied
    ],
)
def test_kind_denied(text: str, denied: bool) -> None:
    assert _kind_denied(text) is denied


@pytest.mark.parametrize(
    ("text", "counted", "switched"),
    [
        ("لا غلطت كان انقطاع مبرمج مو عطل", EMERGENCY, PLANNED),
        ("لا غلطت كان عطل مو مبرمج", PLANNED, EMERGENCY),
        # A fault with its article or inflected is a fault, as `kind_told` reads it.
        ("لا غلطت، كان العطل من المحول", PLANNED, EMERGENCY),
        ("لا غلطت، تعطلت الكهرباء فجأة", PLANNED, EMERGENCY),
        # "غير مجدول" is unscheduled: never switched to planned work.
        ("لا غلطت، كان انقطاع غير مجدول", EMERGENCY, None),
        ("لا غلطت، كان انقطاع غير مجدول", PLANNED, EMERGENCY),
        ("لا غلطت، ما كان مجدول", EMERGENCY, None),
        ("كان مبرمج", EMERGENCY, None),  # no correction said: a new message
    ],
)
def test_switched_kind(text: str, counted: str, switched: str | None) -> None:
    assert _switched_kind(text, Facts(standard=counted)) == switched


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("كان انقطاع مبرمج مو عطل", PLANNED),
        ("كان عطل مو مبرمج", EMERGENCY),
        ("مو عطل", None),
        ("ما كان مجدول", None),
        ("كان غير مجدول", None),  # a planned word inside a fault's phrase: asked
        ("it was unplanned", EMERGENCY),
        ("صيانة مجدولة", PLANNED),
        ("عطل", EMERGENCY),
    ],
)
def test_kind_told(text: str, kind: str | None) -> None:
    assert kind_told(text) == kind
