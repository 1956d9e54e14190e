"""fix18: a subscriber tester's faults that the conversation scripts cannot show (the rest are
in tests/conversations/fix18_tester.chat): the kind and the place a safety report keeps."""

from __future__ import annotations

import pytest

from bot.dialogue.engine import Engine
from bot.hazards.vocabulary import kind_in, place_in
from tests.test_fix13e_hazards import Chat, _report, engine  # noqa: F401 (the fixture)

DIGGING = "فيه عمال يحفرون جنب كيابل الكهربا في شارع التحلية بحي العليا الرياض"


def test_workers_digging_beside_cables_is_digging_in_the_street_told(
    engine: Engine,  # noqa: F811
) -> None:
    chat = Chat(engine, "+966500000003")
    chat.send(DIGGING)
    report = _report(engine.settings.database_url, chat.sent)
    assert report.kind == "digging"
    assert report.place is not None and report.place.startswith("في شارع التحلية")
    assert "كيابل" not in report.place


@pytest.mark.parametrize(
    ("text", "kind", "place"),
    [
        ("شركة تحفر جنب الكيابل عند مسجد التقوى", "digging", "عند مسجد التقوى"),
        # near cables and nothing else: kept, rather than no place at all
        ("فيه حفريات جنب كيابل الكهربا", "digging", "جنب كيابل الكهربا"),
        # any other landmark after a place word stays the place
        ("كيبل مكشوف جنب مدرسة النور في حي الملز", "cable", "جنب مدرسة النور في حي الملز"),
    ],
)
def test_cables_a_hazard_is_near_are_no_place(text: str, kind: str, place: str) -> None:
    assert kind_in(text) == kind
    assert place_in(text) == place
