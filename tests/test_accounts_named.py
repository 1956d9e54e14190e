"""An account named inside a message: by its last four digits, or its premise's district."""

from __future__ import annotations

from bot.billing import Account
from handlers.common import accounts_by_premise, accounts_named_in

OLAYA = Account(account="30012345678", name="", city="الرياض", district="العليا", premise="")
MALAZ = Account(account="30087654321", name="", city="الرياض", district="الملز", premise="")
BOTH = [OLAYA, MALAZ]


def test_last_digits_or_district_inside_a_sentence() -> None:
    assert accounts_named_in("فاتورة الحساب 4321", BOTH) == [MALAZ]
    assert accounts_named_in("فاتورة الحساب ٤٣٢١ لو سمحت", BOTH) == [MALAZ]
    assert accounts_named_in("كم فاتورة المحل اللي في الملز", BOTH) == [MALAZ]
    assert accounts_named_in("the bill of Al Olaya please", BOTH) == [OLAYA]


def test_digits_inside_a_longer_number_or_no_place_name_nothing() -> None:
    assert accounts_named_in("فاتورة 543210", BOTH) == []
    assert accounts_named_in("فاتورتي في الرياض", BOTH) == []
    assert accounts_named_in("فاتورتي", BOTH) == []


def test_a_district_with_a_letter_joined_before_its_article() -> None:
    # The outage report's own substring rule (outage_report._named_in) took these; one rule now.
    assert accounts_named_in("مقطوعة عندنا بالملز", BOTH) == [MALAZ]
    assert accounts_named_in("طافية والعليا بعد", BOTH) == [OLAYA]
    assert accounts_named_in("طافية في المملزة", BOTH) == []


def test_a_district_after_lam_joined_to_its_article() -> None:
    # "للعليا" is "ل" + "العليا", its alef dropped.
    assert accounts_named_in("فاتورة شهر سبتمبر للعليا", BOTH) == [OLAYA]
    assert accounts_named_in("وللملز كم", BOTH) == [MALAZ]


VILLA = Account(account="30012345678", name="", city="", district="", premise="فيلا 12، شارع")
SHOP = Account(account="30087654321", name="", city="", district="", premise="محل 4، شارع")


def test_a_short_answer_naming_the_kind_of_premises() -> None:
    assert accounts_by_premise("حق البيت", [VILLA, SHOP]) == [VILLA]
    assert accounts_by_premise("المحل", [VILLA, SHOP]) == [SHOP]
    assert accounts_by_premise("the shop", [VILLA, SHOP]) == [SHOP]
    assert accounts_by_premise("البيت او المحل", [VILLA, SHOP]) == []  # both kinds: not one
    assert accounts_by_premise("الكهرباء طافية عندي في البيت من الصبح", [VILLA, SHOP]) == []


def test_a_short_answer_naming_the_premises_word() -> None:
    """fix15c: "الفيلا" picks the account at "فيلا …" by the word itself, not any home."""
    flat = Account("30011112222", "", "", "", "شقة 5، عمارة 18")
    assert accounts_by_premise("الفيلا", [VILLA, flat, SHOP]) == [VILLA]
    assert accounts_by_premise("حق الشقة", [VILLA, flat, SHOP]) == [flat]
    assert accounts_by_premise("بالمحل", [VILLA, flat, SHOP]) == [SHOP]
    assert accounts_by_premise("شارع", [VILLA, flat, SHOP]) == []  # not the premises' word
