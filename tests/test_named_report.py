"""A report named by its reference ("HAZ-000012 وش صار عليه") is the one asked about."""

from __future__ import annotations

import pytest

from handlers.outage_status import named_reference


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("HAZ-000012 وش صار عليه", ("haz", 12)),
        ("وش صار على بلاغ haz0034", ("haz", 34)),
        ("وش صار على بلاغ haz 000034", ("haz", 34)),  # a space before the six written digits
        ("OUT - 000045 وش صار", ("out", 45)),
        ("HZ-7", ("hz", 7)),
        ("OUT-000003", ("out", 3)),
        ("بلاغي INC000012", ("inc", 12)),
        ("OUT-٠٠٠٠٠٥ وينه", ("out", 5)),
    ],
)
def test_the_reference_named_and_its_number(text: str, named: tuple[str, int]) -> None:
    assert named_reference(text) == named


@pytest.mark.parametrize(
    "text",
    [
        "power still out",
        "power out 5 hours",
        "وش صار على بلاغي",
        # Only the written form is a reference: a dash, the prefix glued to 4 digits or more, or
        # a space before six.
        "any update? power out 120 minutes now",
        "out 0012",
        "inc12",
    ],
)
def test_no_reference_named(text: str) -> None:
    assert named_reference(text) is None
