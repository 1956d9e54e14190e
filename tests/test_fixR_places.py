"""fixR: a premises' line shown as `shown_place` shows places (one script, one comma), never
built by hand with an Arabic comma and the district untranslated in an English reply."""

from types import SimpleNamespace
from typing import Any

from bot.billing import Account
from bot.outages.places import display_name
from handlers.common import premise_shown


def test_an_english_premise_is_shown_with_its_district_in_english() -> None:
    turn: Any = SimpleNamespace(lang="en")
    account = Account(account="1", name="x", city="الرياض", district="العليا", premise="Villa 12")
    assert display_name("العليا", "en") != "العليا"  # the case needs an English spelling
    assert premise_shown(turn, account) == f"Villa 12, {display_name('العليا', 'en')}"


def test_an_arabic_premise_is_shown_as_stored() -> None:
    turn: Any = SimpleNamespace(lang="en")
    account = Account(account="1", name="x", city="الرياض", district="العليا", premise="فيلا 12")
    assert premise_shown(turn, account) == "فيلا 12، العليا"
