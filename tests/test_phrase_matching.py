"""How a phrase list is found in a message: anywhere, as whole words, or at a word's start."""

from __future__ import annotations

import pytest

from bot.phrases import mentions, mentions_at_word_start, mentions_words


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("ليش كذا؟", True),
        ("وليه هيك كثير", True),
        ("كيف حسبتها", True),  # a phrase may run on into its word
        ("why so much?", True),
        ("البلاغ وش صار عليه", False),  # "عليه" holds "ليه" but asks no why
        ("كم عليه", False),
    ],
)
def test_ask_why_begins_a_word(text: str, found: bool) -> None:
    assert mentions_at_word_start(text, "ask_why") is found


def test_the_three_ways_differ_on_a_phrase_inside_a_word() -> None:
    assert mentions("وش صار عليه", "ask_why")  # anywhere: a part of a word counts
    assert not mentions_at_word_start("وش صار عليه", "ask_why")
    assert mentions_at_word_start("كيف حسبتها", "ask_why")
    assert not mentions_words("كيف حسبتها", "ask_why")  # whole words only
