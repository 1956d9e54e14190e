"""A real voice note (no words) gets the voice-note answer: we read text only, please write it
(it was answered as any attachment; typed «رسالة صوتية» was read as bill alerts:
tests/conversations/fixer2.chat)."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from bot.config import RIYADH, Settings
from bot.dialogue.engine import Engine
from bot.dialogue.messages import Inbound, Media
from bot.i18n import texts

VOICE = (
    "Sorry, I cannot listen to voice notes: I read written messages only. Please write your "
    "request and I will help you right away."
)


def test_a_voice_note_with_no_words(seeded_database_url: str) -> None:
    settings = dataclasses.replace(
        Settings.from_env(), database_url=seeded_database_url, billing_url=None, lang="ar"
    )
    engine = Engine(settings)
    for n, (channel, sender, provider) in enumerate(
        [("whatsapp", "+966500000003", "twilio"), ("telegram", "tg:77", "telegram")]
    ):
        replies = engine.handle(
            Inbound(
                channel=channel,
                sender=sender,
                phone=sender if channel == "whatsapp" else None,
                text="",
                received_at=datetime(2026, 11, 24, 10, n, tzinfo=RIYADH),
                message_id=f"voice-{n}",
                has_media=True,
                audio=(Media(provider, "https://example.test/v.ogg", "audio/ogg"),),
            )
        )
        assert [r.text for r in replies] == [texts("ar")._(VOICE)]
        assert "المكتوب" in replies[0].text
