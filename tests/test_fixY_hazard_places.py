"""fixY: where a safety report is, as a subscriber tester told it: the place alone, never the
words after it (a time, what the children do there), and the district a long message names
beside the danger it tells."""

from __future__ import annotations

import pytest

from bot.dialogue.engine import Engine
from bot.hazards.vocabulary import place_in, place_only
from tests.test_fix13e_hazards import Chat, _report, engine  # noqa: F401 (the fixture)


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("فيه كيبل مكشوف بحي النسيم قدام مدرسة، والعيال يمرون من عنده", "بحي النسيم قدام مدرسة"),
        (
            "exposed cable in front of the school on Tahlia street in Olaya since yesterday evening",
            "in front of the school on Tahlia street in Olaya",
        ),
        (
            "the cabinet is open near the mosque in Al Malaz since yesterday",
            "near the mosque in Al Malaz",
        ),
        ("فيه سلك طايح قدام مدرسة النور بحي الملز من امس", "قدام مدرسة النور بحي الملز"),
        ("العداد مفتوح عند مسجد التقوى حي الروضة وهو خطير على العيال", "عند مسجد التقوى حي الروضة"),
        # A place going on past a comma is kept whole.
        ("الطبلون مفتوح عند مدرسة النور، حي الملز، الرياض", "عند مدرسة النور، حي الملز، الرياض"),
    ],
)
def test_the_place_in_words_is_the_place_only(text: str, place: str) -> None:
    assert place_in(text) == place


@pytest.mark.parametrize(
    ("answer", "place"),
    [
        ("قدام مدرسة النور بحي الملز من امس، والعيال يلعبون عنده", "قدام مدرسة النور بحي الملز"),
        (
            "near the mosque in Al Malaz, Riyadh since yesterday evening",
            "near the mosque in Al Malaz, Riyadh",
        ),
        ("Al Malaz, Riyadh, near King Fahd stadium", "Al Malaz, Riyadh, near King Fahd stadium"),
    ],
)
def test_an_answer_to_where_is_the_place_only(answer: str, place: str) -> None:
    assert place_only(answer) == place


def test_the_report_keeps_the_place_only(engine: Engine) -> None:  # noqa: F811
    chat = Chat(engine, "+966500000004")
    chat.send("فيه كيبل مكشوف بحي النسيم قدام مدرسة، والعيال يمرون من عنده")
    chat.send("1")  # النسيم: which city? Riyadh
    report = _report(engine.settings.database_url, chat.sent)
    assert report.place == "بحي النسيم قدام مدرسة، الرياض"


def test_the_answer_to_where_keeps_the_place_only(engine: Engine) -> None:  # noqa: F811
    chat = Chat(engine, "+966500000004")
    chat.send("an exposed cable")
    chat.send("near the mosque in Al Malaz, Riyadh since yesterday evening")
    report = _report(engine.settings.database_url, chat.sent)
    assert report.place == "near the mosque in Al Malaz, Riyadh"


STORY = (
    "السلام عليكم ورحمة الله، انا ساكن في شقة بالملز من سنتين والكهرباء عندنا دايم فيها مشاكل، "
    "الشهر اللي فات انقطعت مرتين والفاتورة جت عالية واجد وما ادري ليش، واليوم من العصر صار فيه "
    "ريحة غريبة بالمطبخ وبعدين لاحظت شرار من الطبلون اللي بالممر عندنا في البيت"
)


@pytest.mark.parametrize("phone", ["+966500000001", "+966500000004"])
def test_a_district_named_beside_the_danger_in_a_long_message_is_its_place(
    engine: Engine,  # noqa: F811
    phone: str,
) -> None:
    chat = Chat(engine, phone)
    replies = chat.send(STORY)
    assert "933" in replies[0] or "933" in replies[1]
    assert not any("حي" in reply and "؟" in reply for reply in replies), replies
    assert not any("وين المكان" in reply for reply in replies), replies
    report = _report(engine.settings.database_url, chat.sent)
    assert report.place == "الملز، الرياض"
