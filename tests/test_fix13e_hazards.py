"""fix13e: safety hazards as a subscriber tester met them (the conversations are in
tests/conversations/fix13e.chat)."""

from __future__ import annotations

import time

import pytest

from bot.dialogue.router import _read_part
from bot.hazards.vocabulary import is_danger, kind_in

STORY = (
    "السلام عليكم يا اخوان انا ساكن في حي الشفا بالرياض من عشر سنين والكهربا عندنا دايم فيها مشاكل "
)
DANGER = "والمهم الحين فيه سلك كهربا مقطوع ونازل على الرصيف قدام بيتنا والعيال يطلعون المدرسة "


def test_danger_past_what_the_intent_reads_is_what_is_read() -> None:
    # 1,800 characters: under the 2,000 read, but the danger is past the intent's first 1,000.
    read = _read_part((STORY * 16 + DANGER + STORY * 2).strip())
    assert "سلك كهربا مقطوع ونازل" in read
    assert len(read) < 1000


def test_danger_in_a_long_story_leaning_to_an_outage_is_what_is_read() -> None:
    read = _read_part((STORY * 4 + DANGER).strip())
    assert read.endswith(DANGER.strip())
    assert len(read) < len(STORY * 4)


def test_a_long_message_with_no_danger_is_read_from_its_start() -> None:
    text = (STORY * 30).strip()
    assert _read_part(text) == text[:2000].strip()


def test_danger_cut_by_a_run_of_words_is_still_found() -> None:
    # 39 words, then the cable and its state: the danger straddles the first 40-word run.
    filler = " ".join(["كلام"] * 39)
    read = _read_part(f"{filler} سلك مقطوع {filler} {filler}")
    assert "سلك مقطوع" in read


def test_the_danger_scan_of_a_long_paste_is_cheap() -> None:
    text = STORY * 55  # about 5,000 characters, all scanned
    is_danger(text)
    started = time.perf_counter()
    assert not is_danger(text)
    assert time.perf_counter() - started < 0.1


@pytest.mark.parametrize(
    ("text", "kind", "danger"),
    [
        ("there is electric box open near my building, wires outside", "open_cabinet", True),
        ("the power box is open", "open_cabinet", True),
        ("wires sticking out of the wall", "cable", True),
        ("فيه عمود كهربا مايل بقوة على الشارع", "pole", True),
        ("the pole is leaning badly over the street", "pole", True),
        ("electric pole leaning a lot", "pole", True),
        # A slight lean, or a wire named with no state: a report, not danger now.
        ("عمود مايل شوي", "pole", False),
        ("the pole is leaning a bit", "pole", False),
        ("there is a wire near the school", "cable", False),
    ],
)
def test_english_and_arabic_reach_the_same_kinds_and_danger(
    text: str, kind: str, danger: bool
) -> None:
    assert kind_in(text) == kind
    assert is_danger(text) is danger
