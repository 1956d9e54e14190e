"""Text no encoding makes sense of (a lone surrogate: bytes a terminal could not decode, JSON's
"\\ud800" alone in a Telegram update; a NUL) is made storable where every channel builds its
`Inbound`, and a message of nothing else is answered politely, never with a crash."""

from __future__ import annotations

import dataclasses
import itertools
import subprocess
import sys
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.config import RIYADH, Settings
from bot.dialogue.engine import Engine
from bot.dialogue.messages import Inbound, Location
from bot.text.normalize import storable

AT = datetime(2026, 12, 1, 9, 0, tzinfo=RIYADH)


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("\udcff\udcfe", "\ufffd\ufffd"),  # b"\xff\xfe" read with surrogateescape
        ("مرحبا\ud800", "مرحبا\ufffd"),
        ("\ud83d\ude00 hi", "\U0001f600 hi"),  # a pair written as two code points is joined
        ("a\x00b", "a b"),
        ("كم فاتورتي", "كم فاتورتي"),
    ],
)
def test_storable(text: str, stored: str) -> None:
    assert storable(text) == stored
    storable(text).encode("utf-8")


def test_every_inbound_is_storable() -> None:
    message = Inbound(
        channel="telegram",
        sender="tg:1",
        text="\udcff",
        received_at=AT,
        message_id="1\ud800",
        location=Location(24.7, 46.7, "حي\udcff"),
    )
    assert (message.text, message.message_id) == ("\ufffd", "1\ufffd")
    assert message.location is not None and message.location.address == "حي\ufffd"


def _engine(database_url: str) -> Engine:
    return Engine(dataclasses.replace(Settings.from_env(), database_url=database_url, lang="ar"))


def test_unreadable_bytes_are_answered_politely(database_url: str) -> None:
    message = Inbound("terminal", "+966500000092", "\udcff\udcfe", AT, "t-1", "+966500000092")
    (reply,) = _engine(database_url).handle(message)
    assert "ما قدرت أقرأها" in reply.text


def test_the_terminal_chat_survives_undecodable_bytes(database_url: str) -> None:
    """The blind tester's crash: `printf '\\xff\\xfe\\n' | sadeeq chat --new`."""
    chat = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--phone", "+966500000092", "--new"],
        input=b"\xff\xfe\n",
        capture_output=True,
        env={"SADEEQ_DATABASE_URL": database_url, "PYTHONPATH": ":".join(sys.path)},
        timeout=120,
    )
    assert chat.returncode == 0, chat.stderr.decode(errors="replace")
    assert "ما قدرت أقرأها" in chat.stdout.decode()


_ids = itertools.count()
# Any text at all, lone surrogates and NULs included (st.text() leaves surrogates out even
# from an alphabet that has them, so the characters are joined here).
ANY_TEXT = st.lists(
    st.one_of(
        st.characters(codec=None, exclude_categories=()),
        st.sampled_from(["\ud800", "\udcff", "\udfff", "\ud83d", "\x00", "\ufffd", "٣", "ك"]),
    ),
    max_size=60,
).map("".join)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ANY_TEXT)
def test_any_text_through_the_engine(database_url: str, text: str) -> None:
    n = next(_ids)
    phone = f"+9665009{n:05d}"  # a new sender each time: no rate limit in the way
    replies = _engine(database_url).handle(Inbound("whatsapp", phone, text, AT, f"h-{n}", phone))
    assert replies  # every message is answered, the unreadable ones too
    for reply in replies:
        reply.text.encode("utf-8")
