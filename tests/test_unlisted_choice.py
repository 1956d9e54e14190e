"""An unlisted choice (a lone option offered in the reply's own words): never shown by a
channel, still stored with the reply, so its number and words are taken next."""

from __future__ import annotations

from bot.channels.render import render_text
from bot.channels.telegram_channel import keyboard_for
from bot.dialogue.messages import Choice, Reply, reply_from_json, reply_to_json

AGENT = Choice("6", "التحدث مع موظف", aliases=("ايه",), unlisted=True)
TEXT = "تقدر تعترض على الفاتورة: أرسل «موظف» للتحدث مع موظف."


def test_no_channel_shows_an_unlisted_choice():
    reply = Reply(TEXT, (AGENT,))
    for channel in ("whatsapp", "sms", "terminal", "telegram"):
        assert render_text(reply, channel) == TEXT
    assert keyboard_for(reply) is None


def test_listed_choices_beside_it_are_shown():
    reply = Reply("أي حساب؟", (Choice("1", "••••5678"), Choice("2", "••••4321"), AGENT))
    assert render_text(reply, "whatsapp") == "أي حساب؟\n\n1. ••••5678\n2. ••••4321"


def test_stored_reply_keeps_the_choice_unlisted():
    again = reply_from_json(reply_to_json(Reply(TEXT, (AGENT,))))
    assert again.choices == (AGENT,)
    assert again.shown_choices == ()


def test_a_reply_stored_before_the_flag_reads_as_listed():
    stored = {"text": TEXT, "lang": "ar", "choices": [["6", "التحدث مع موظف", False, [], False]]}
    assert reply_from_json(stored).shown_choices == (Choice("6", "التحدث مع موظف"),)
