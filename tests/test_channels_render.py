"""bot.channels.render: menus per channel and the SMS limits."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.channels.render import (
    EMOJI,
    asks_for_detail,
    cut,
    render_text,
    sms_segments,
)
from bot.dialogue.messages import Choice, Reply

MENU = (Choice("1", "الفاتورة"), Choice("2", "بلاغ انقطاع"), Choice("3", "التعويض"))


def test_whatsapp_lists_the_choices_under_the_text():
    text = render_text(Reply("كيف نخدمك؟", MENU), "whatsapp")
    assert text == "كيف نخدمك؟\n\n1. الفاتورة\n2. بلاغ انقطاع\n3. التعويض"


def test_telegram_text_leaves_the_choices_to_the_keyboard():
    assert render_text(Reply("كيف نخدمك؟", MENU), "telegram") == "كيف نخدمك؟"


def test_sms_has_a_compact_menu_and_no_emoji():
    text = render_text(Reply("⚡ أهلاً بك 👋🏽\n\nكيف نخدمك؟", MENU), "sms")
    assert text == "أهلاً بك\nكيف نخدمك؟\n1 الفاتورة، 2 بلاغ انقطاع، 3 التعويض"


def test_english_sms_menu_uses_a_latin_comma():
    menu = (Choice("1", "Bill"), Choice("2", "Report an outage"))
    assert (
        render_text(Reply("How can we help?", menu), "sms")
        == "How can we help?\n1 Bill, 2 Report an outage"
    )


def test_a_long_sms_is_cut_between_words_with_an_ellipsis_and_keeps_its_menu():
    words = "انقطعت الكهرباء في حي النسيم منذ الساعة الثامنة صباحاً " * 8
    text = render_text(Reply(words, MENU), "sms")
    assert len(text) <= 201 and sms_segments(text) <= 3
    body, menu, more = text.rsplit("\n", 2)
    assert menu == "1 الفاتورة، 2 بلاغ انقطاع، 3 التعويض"
    assert more == "للباقي أرسل «تفاصيل»."  # what was cut is one word away
    assert body.endswith("…")
    assert words.startswith(body[:-1])
    assert words[len(body) - 1] == " "  # the cut fell between two words


def test_detail_lifts_the_sms_limit():
    words = "الاستهلاك ٤٢٠ كيلوواط ساعة " * 20
    assert "…" not in render_text(Reply(words), "sms", detail=True)
    assert len(render_text(Reply(words), "sms", detail=True)) > 201


def test_plain_english_sms_may_use_three_gsm_segments():
    text = "Your bill is ready. " * 20  # 400 GSM-7 characters: three segments, no cut
    assert render_text(Reply(text.strip()), "sms") == text.strip()


def test_cut_prefers_a_line_break_late_in_the_text():
    text = "a" * 150 + "\n" + "b" * 100
    assert cut(text, 201) == "a" * 150 + "…"


def test_detail_words():
    assert asks_for_detail("تفاصيل") and asks_for_detail(" Details ")
    assert not asks_for_detail("فاتورتي") and not asks_for_detail("تفاصيل الفاتورة لو سمحت يا صديق")


labels = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=30)
replies = st.builds(
    Reply,
    text=st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=600),
    choices=st.lists(labels, max_size=4).map(
        lambda ls: tuple(Choice(str(i), label) for i, label in enumerate(ls, 1))
    ),
)


@settings(max_examples=150, deadline=None)
@given(replies)
def test_any_sms_fits_three_segments_and_carries_no_emoji(reply):
    text = render_text(reply, "sms")
    assert sms_segments(text) <= 3
    assert EMOJI.search(text) is None


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=400), st.integers(min_value=10, max_value=300))
def test_cut_never_exceeds_its_limit_and_only_shortens(text, limit):
    result = cut(text, limit)
    assert len(result.encode("utf-16-le")) // 2 <= limit
    if result != text:
        assert result.endswith("…") and text.startswith(result[:-1])


def test_long_replies_go_as_several_messages_within_each_channels_limit():
    from bot.channels.render import MAX_PARTS, MESSAGE_LIMITS, split_message

    lines = [f"{n}. ••••{n:04d} حي النسيم، الرياض — عقار رقم {n}" for n in range(1, 121)]
    text = "\n".join(lines)  # a subscriber with 120 accounts: about 5,000 characters
    for channel in ("whatsapp", "telegram"):
        parts = split_message(text, channel)
        assert all(len(part.encode("utf-16-le")) // 2 <= MESSAGE_LIMITS[channel] for part in parts)
        assert 1 < len(parts) <= MAX_PARTS if channel == "whatsapp" else len(parts) == 2
        assert "".join(parts).replace("\n", "") == text.replace("\n", "")  # nothing lost
    assert split_message("قصيرة", "whatsapp") == ["قصيرة"]
    assert len(split_message("x" * 100_000, "whatsapp")) == MAX_PARTS
