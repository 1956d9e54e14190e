"""A household with someone on medical equipment: a registration asked is answered with what the
bot can do; "قطعو الكهربا" with no reason of the company's is the power gone off (urgent report)."""

from __future__ import annotations

import pytest

from bot.understanding import Understanding
from handlers import medical_need


@pytest.mark.parametrize(
    "text",
    [
        "الوالدة تستخدم جهاز غسيل كلوي تبي اسجلها",
        "ابي اسجل الوالد عندكم حالة طبية، على جهاز اكسجين",
    ],
)
def test_a_registration_is_asked(text: str) -> None:
    assert medical_need.asks_to_register(text)


@pytest.mark.parametrize(
    "text",
    [
        "الكهرباء طافية والوالدة على جهاز غسيل كلوي تبي اسجلها",
        "ابي تسجيل بلاغ انقطاع الوالد على اكسجين",
        "تبي اسجلها",  # no medical equipment named
    ],
)
def test_no_registration_when_the_power_is_off_or_no_machine(text: str) -> None:
    assert not medical_need.asks_to_register(text)


def _cut(confidence: float = 0.9) -> Understanding:
    return Understanding("compensation", confidence, {"standard": medical_need.DISCONNECTION})


def test_they_cut_with_no_reason_is_the_outage() -> None:
    assert medical_need.is_outage(_cut(), text="قطعو الكهربا عندنا مريض على جهاز تنفس")


@pytest.mark.parametrize(
    "text",
    [
        "قطعوا الكهرباء عشان الفاتورة وعندنا مريض على جهاز تنفس",
        "الشركة فصلت العداد والوالد على اكسجين",
    ],
)
def test_a_cut_with_the_companys_reason_is_the_disconnection(text: str) -> None:
    assert not medical_need.is_outage(_cut(), text=text)
