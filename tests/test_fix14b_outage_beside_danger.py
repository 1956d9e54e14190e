"""fix14b: an outage told beside danger in a long message is not lost; the outage report named
in a cancel while a safety report is being made is that report."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.config import RIYADH
from bot.dialogue.router import _read_part
from bot.understanding import understand
from handlers import second_request
from handlers.hazard_report import _names_outage

NOW = datetime(2026, 12, 2, 15, 10, tzinfo=RIYADH)
OUTAGE = "الكهرباء طافية عندنا في حي الملز بالرياض من الساعة ثمانية الصبح"
STORY = (
    "والعيال في البيت والجو حار مرة وحاولنا نتصل على الرقم الموحد أكثر من مرة وما أحد رد علينا "
    "والثلاجة فيها أكل كثير وبيخرب والجيران كلهم نفس الشي وما ندري متى ترجع"
)
DANGER = "وفيه سلك مكشوف عند العداد"


def test_a_long_outage_message_with_danger_reads_the_danger_and_tells_the_outage() -> None:
    text = f"{OUTAGE} {STORY} {DANGER}"
    assert len(text.split()) > 40
    read = _read_part(text)
    assert read.endswith(DANGER)  # what is read first: the danger
    assert "الملز" not in read  # ...so the outage's place and start are in the whole message only
    two = second_request.plan(text, understand(text, now=NOW), NOW)
    assert two is not None
    assert (two.first, two.second) == ("hazard_report", "outage_report")


@pytest.mark.parametrize(
    "text",
    [
        "الغي بلاغ الانقطاع، الكهرباء ما طفت",
        "كنسل بلاغ الإنقطاع",
        "الغ OUT-000003",
        "cancel the outage report, my power is fine",
        "cancel my power cut report",
    ],
)
def test_the_outage_report_named(text: str) -> None:
    assert _names_outage(text)


@pytest.mark.parametrize(
    "text",
    ["الغي البلاغ", "الغاء بلاغي", "cancel my report", "الغي بلاغ الانقطاع HAZ-000004"],
)
def test_no_outage_report_named(text: str) -> None:
    assert not _names_outage(text)
