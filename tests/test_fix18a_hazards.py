"""fix18a: the places safety reports keep (the conversations are in
tests/conversations/fix18a.chat): a city we did not list kept, the account's premise taken."""

from __future__ import annotations

import pytest

from bot.dialogue.engine import Engine
from bot.hazards.vocabulary import hazard_kinds_named
from handlers.hazard_report import outage_beside
from tests.test_fix13e_hazards import Chat, _report, engine  # noqa: F401 (the fixture)


@pytest.mark.parametrize(
    "answer", ["العزيزية، الطائف", "حي العزيزية في الطائف", "العزيزية بالطائف"]
)
def test_a_district_in_taif_keeps_its_city(engine: Engine, answer: str) -> None:  # noqa: F811
    chat = Chat(engine, "+966500001013")
    chat.send("عداد مكسور ومفتوح عند بيت الجيران")
    chat.send(answer)
    report = _report(engine.settings.database_url, chat.sent)
    assert "العزيزية" in report.place and "الطائف" in report.place


def test_our_building_is_the_premise_on_the_account(engine: Engine) -> None:  # noqa: F811
    chat = Chat(engine, "+966500000002")
    chat.send("الطبلون اللي عند باب العمارة مفتوح")
    chat.send("عمارتنا")
    report = _report(engine.settings.database_url, chat.sent)
    assert "عمارة 18" in report.place and "الروضة" in report.place and "جدة" in report.place


@pytest.mark.parametrize(
    ("text", "beside"),
    [
        ("الكهرباء طافية من ساعتين والسلك اللي بين العمود والبيت مقطوع وطايح على الحوش", True),
        ("no power in my flat and sparks from the meter box downstairs", True),
        ("سلك الكهرباء مقطوع وطايح في الشارع", False),
        ("كيبل الكهرباء مقطوع", False),
        ("فيه شرار يطلع من العداد", False),
    ],
)
def test_an_outage_beside_the_danger(text: str, beside: bool) -> None:
    assert outage_beside(text) is beside


def test_the_equipment_named_besides_the_kind() -> None:
    assert hazard_kinds_named("فيه شرار يطلع من العداد") == {"sparks_fire", "meter"}
    assert hazard_kinds_named("smoke from the street transformer") == {
        "sparks_fire",
        "open_cabinet",
    }
