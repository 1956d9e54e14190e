"""fix13e: safety hazards as a subscriber tester met them (the conversations are in
tests/conversations/fix13e.chat)."""

from __future__ import annotations

import dataclasses
import re
import time
from datetime import datetime

import pytest

from bot.config import RIYADH, Settings
from bot.dialogue.engine import Engine
from bot.dialogue.router import _read_part
from bot.hazards.models import HazardReport
from bot.hazards.service import find_report
from bot.hazards.vocabulary import (
    asks_what_to_do,
    is_danger,
    is_electrocuted,
    is_fire,
    is_indoor,
    kind_in,
)
from bot.storage.db import session_scope
from bot.text.coordinates import coordinates_in
from tests.test_hazards import Chat as _Chat


class Chat(_Chat):
    """A subscriber talking to the real engine, every reply kept (`sent`)."""

    def __init__(self, engine: Engine, phone: str) -> None:
        super().__init__(engine, phone)
        self.now = datetime(2026, 12, 2, 15, 10, tzinfo=RIYADH)
        self.sent: list[str] = []

    def send(self, text: str = "", **kwargs) -> list[str]:
        replies = super().send(text, **kwargs)
        self.sent += replies
        return replies


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
    # A guard against a scan that grows with the square of the paste (seconds), not a speed
    # measure (bench/ has those): this thread's CPU, so a loaded machine's waits do not count.
    text = STORY * 55  # about 5,000 characters, all scanned
    is_danger(text)
    started = time.thread_time()
    assert not is_danger(text)
    assert time.thread_time() - started < 0.5


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


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("location: 24.66, 46.73", (24.66, 46.73)),
        ("موقعي 24.66,46.73", (24.66, 46.73)),
        ("my location is 24.66 46.73", (24.66, 46.73)),
        ("https://maps.google.com/?q=21.5433,39.1728", (21.5433, 39.1728)),
        ("https://www.google.com/maps/@24.7136,46.6753,17z", (24.7136, 46.6753)),
        ("24.7136, 46.6753", (24.7136, 46.6753)),
        # Unlabelled, two places are an amount, not a position; a short link carries none.
        ("المبلغ 24.66, 46.73", None),
        ("https://maps.app.goo.gl/Xk3P9aBcDe12", None),
    ],
)
def test_coordinates_labelled_linked_or_typed(text: str, where: tuple | None) -> None:
    assert coordinates_in(text) == where


@pytest.fixture
def engine(seeded_database_url: str) -> Engine:
    return Engine(
        dataclasses.replace(
            Settings.from_env(), database_url=seeded_database_url, billing_url=None, lang="ar"
        )
    )


def _report(database_url: str, replies: list[str]) -> HazardReport:
    (ref,) = {m for reply in replies for m in re.findall(r"HAZ-\d{6}", reply)}
    with session_scope(database_url) as session:
        report = find_report(session, ref)
        session.expunge(report)
        return report


def test_the_city_answered_with_the_street_keeps_both(engine: Engine) -> None:
    chat = Chat(engine, "+966513140011")
    replies = chat.send("فيه طبلون كهربا مفتوح جنب مدرسة البنات بحي النسيم")
    assert "في أي مدينة" in replies[-1]
    replies = chat.send("الرياض حي النسيم شارع سعد بن عبادة قدام المدرسة")
    assert "أضفنا المكان" in replies[0]
    report = _report(engine.settings.database_url, chat.sent)
    assert "الرياض" in report.place and "سعد بن عبادة" in report.place


def test_a_district_put_right_replaces_the_one_denied(engine: Engine) -> None:
    chat = Chat(engine, "+966513140012")
    chat.send("في شرار طالع من عمود الكهربا")
    chat.send("حي النزهة")
    replies = chat.send("لا غلطت، حي النخيل مو النزهة")
    assert "صحّحنا المكان" in replies[0] and "النخيل" in replies[0]
    report = _report(engine.settings.database_url, chat.sent)
    assert "النخيل" in report.place and "النزهة" not in report.place


@pytest.mark.parametrize(
    "where", ["https://maps.google.com/?q=21.5433,39.1728", "location: 21.54, 39.17"]
)
def test_a_location_after_a_place_in_words_is_added(engine: Engine, where: str) -> None:
    chat = Chat(engine, "+966513140013")
    chat.send("في سلك كهربا طايح بالشارع ويطلع شرار في حي الروضة بجدة")
    replies = chat.send(where)
    assert "أضفنا المكان" in replies[0]
    report = _report(engine.settings.database_url, chat.sent)
    assert round(report.latitude, 2) == 21.54 and report.place


def test_a_short_link_is_kept_as_the_place_and_the_district_asked(engine: Engine) -> None:
    chat = Chat(engine, "+966513140014")
    chat.send("open electric cabinet near mosque")
    replies = chat.send("https://maps.app.goo.gl/Xk3P9aBcDe12")
    assert "district and city" in replies[-1] or "الحي والمدينة" in replies[-1]
    replies = chat.send("Al Malaz, Riyadh")
    report = _report(engine.settings.database_url, chat.sent)
    assert "maps.app.goo.gl/Xk3P9aBcDe12" in report.place and "Riyadh" in report.place


def test_a_safety_report_asked_to_be_cancelled_keeps_the_reason_for_the_team(
    engine: Engine,
) -> None:
    chat = Chat(engine, "+966513140015")
    chat.send("فيه عمود كهربا مايل بقوة على الشارع حي الفيصلية الدمام")
    replies = chat.send("اسف طلع عمود انارة بلدية مو كهربا، الغ البلاغ")
    report = _report(engine.settings.database_url, chat.sent)
    assert report.reference in replies[0]
    assert "عمود انارة بلدية" in report.text


@pytest.mark.parametrize(
    ("text", "electrocuted", "fire", "indoor"),
    [
        ("ولدي لمسه الكهربا من الفيش وهو يبكي", True, False, True),
        ("الفيش في غرفة النوم يطلع شرار وريحة احتراق", False, False, True),
        ("المحول اللي جنب بيتنا ولع فيه نار ودخان اسود", False, True, False),
        ("the transformer is on fire", False, True, False),
        ("sparks from the socket in the kitchen", False, False, True),
        # Touching a socket is no injury; sparks alone are no fire.
        ("لمست الفيش", False, False, True),
        ("فيه شرار من العمود", False, False, False),
    ],
)
def test_safety_words_hurt_fire_and_home(
    text: str, electrocuted: bool, fire: bool, indoor: bool
) -> None:
    assert is_electrocuted(text) is electrocuted
    assert is_fire(text) is fire
    assert is_indoor(text) is indoor


@pytest.mark.parametrize(
    "text", ["وش اسوي الحين", "what should i do", "ايش المفروض اسوي", "what do i do now"]
)
def test_what_to_do_is_asked(text: str) -> None:
    assert asks_what_to_do(text)
