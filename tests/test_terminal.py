"""`sadeeq chat`, the terminal channel, through the CLI entry: piped and interactive input,
--lang, --now, --new, empty lines, end of input, Ctrl-C, and notices sent to the chat's number
(shown while the chat is open, or when it is next opened)."""

from __future__ import annotations

import io
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.billing.demo import DEMO_PHONE, UNKNOWN_PHONE
from bot.billing.embedded import EmbeddedBilling
from bot.channels import terminal
from bot.channels.outbound import outbound_sender
from bot.cli import main as sadeeq
from bot.config import RIYADH, Settings
from bot.i18n import texts
from bot.outages.models import OutageNotification, OutageReport
from bot.outages.notify import notify_incident_event
from bot.outages.service import restore_incident
from bot.storage.db import engine_for, session_scope
from bot.storage.models import TerminalMessage

ACCOUNT = "30012345678"  # the demo number's first account (••••5678)
PROMPT = "أنت › "


@pytest.fixture
def chat_url(seeded_database_url: str, monkeypatch) -> str:
    monkeypatch.setenv("SADEEQ_DATABASE_URL", seeded_database_url)
    for name in ("SADEEQ_LANG", "SADEEQ_BILLING_URL", "SADEEQ_REDIS_URL", "TELEGRAM_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(terminal, "WATCH_SECONDS", 0.05)
    return seeded_database_url


class Piped:
    """Standard input from a pipe. `between[i]` runs just before line i is read: an operator
    acting while the chat is open."""

    def __init__(self, text: str, between: dict[int, Callable[[], None]] | None = None):
        self.lines = io.StringIO(text).readlines()
        self.between = between or {}

    def isatty(self) -> bool:
        return False

    def __iter__(self):
        for i, line in enumerate(self.lines):
            if i in self.between:
                self.between[i]()
            yield line


class Keyboard:
    """An interactive terminal: `answers` are typed at the prompts in turn; an exception
    among them (EOFError for Ctrl-D, KeyboardInterrupt for Ctrl-C) is raised instead, and a
    callable runs and its result is typed."""

    def __init__(self, monkeypatch, answers: list) -> None:
        self.answers = list(answers)
        self.prompts: list[str] = []
        monkeypatch.setattr(sys, "stdin", self)
        monkeypatch.setattr("builtins.input", self.input)

    def isatty(self) -> bool:
        return True

    def input(self, prompt: str = "") -> str:
        self.prompts.append(prompt)
        answer = self.answers.pop(0) if self.answers else EOFError()
        if callable(answer) and not isinstance(answer, type):
            answer = answer()
        if isinstance(answer, BaseException):
            raise answer
        return answer


def chat(capsys, monkeypatch, text: str | Piped, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", text if isinstance(text, Piped) else Piped(text))
    capsys.readouterr()
    try:
        code = sadeeq(["chat", *args])
    except SystemExit as exc:  # argparse's errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def demo_bill_line(url: str, lang: str) -> str:
    """The amount due as the bill says it, from the billing data (never from the test)."""
    bill = EmbeddedBilling(url).latest_bill(ACCOUNT)
    assert bill is not None
    return texts(lang).money(bill.total_due_sar)


def test_piped_input_gives_the_demo_numbers_bill_in_arabic(chat_url, capsys, monkeypatch):
    code, out, err = chat(capsys, monkeypatch, "فاتورتي\n1\n")
    assert code == 0 and err == ""
    asked, answered = out.split("\n\n", 1)
    assert asked.startswith("أي حساب تقصد؟")
    assert "••••5678" in answered and "••••4321" in answered
    assert f"عليك {demo_bill_line(chat_url, 'ar')}" in out
    assert "فاتورة الحساب ••••5678" in out
    assert ACCOUNT not in out  # account numbers are masked
    assert out.endswith("\n\n")  # each reply followed by a blank line
    assert PROMPT not in out  # no prompt or banner when piped


def test_another_number_never_sees_the_demo_bill(chat_url, capsys, monkeypatch):
    code, out, _ = chat(capsys, monkeypatch, "فاتورتي\n1\n", "--phone", UNKNOWN_PHONE)
    assert code == 0
    assert demo_bill_line(chat_url, "ar") not in out and "5678" not in out


def test_lang_en_answers_in_english(chat_url, capsys, monkeypatch):
    code, out, _ = chat(capsys, monkeypatch, "1\n1\n", "--lang", "en")
    assert code == 0
    assert demo_bill_line(chat_url, "en") in out
    assert not any(
        "\u0600" <= ch <= "\u06ff" for ch in out.replace("العليا", "").replace("الملز", "")
    )


def test_now_sets_the_conversations_clock(chat_url, capsys, monkeypatch):
    code, out, _ = chat(
        capsys, monkeypatch, "الكهرباء طافية\n1\n", "--now", "2026-11-20T09:30", "--new"
    )
    assert code == 0 and "OUT-000001" in out
    with session_scope(chat_url) as session:
        report = session.scalars(select(OutageReport)).one()
        reported = report.reported_at.astimezone(RIYADH)
    assert (
        timedelta(0)
        <= reported - datetime(2026, 11, 20, 9, 30, tzinfo=RIYADH)
        < timedelta(minutes=1)
    )  # and the clock runs on from there


@pytest.mark.parametrize("value", ["yesterday", "2026-13-01", "20/11/2026"])
def test_a_bad_now_exits_2_with_one_line(chat_url, capsys, monkeypatch, value):
    code, out, err = chat(capsys, monkeypatch, "فاتورتي\n", "--now", value)
    assert code == 2 and out == ""
    assert err.splitlines() == [
        f"sadeeq chat: error: argument --now: not an ISO 8601 time: {value!r}"
    ]


def test_new_forgets_the_open_flow_of_the_number(chat_url, capsys, monkeypatch):
    chat(capsys, monkeypatch, "فاتورتي\n")  # "which account?" is left open
    _, answered, _ = chat(capsys, monkeypatch, "1\n")
    assert "فاتورة الحساب ••••5678" in answered  # the next chat answers it
    chat(capsys, monkeypatch, "فاتورتي\n")
    _, forgotten, _ = chat(capsys, monkeypatch, "1\n", "--new")
    assert "فاتورة الحساب ••••5678" not in forgotten  # "1" is the menu's first item now


def test_empty_lines_get_a_clear_answer_and_lose_nothing(chat_url, capsys, monkeypatch):
    code, out, _ = chat(capsys, monkeypatch, "\n   \nفاتورتي\n1\n")
    assert code == 0
    assert out.count("وصلتني رسالتك فاضية") == 2
    assert f"عليك {demo_bill_line(chat_url, 'ar')}" in out


def test_end_of_input_without_a_newline_and_empty_input(chat_url, capsys, monkeypatch):
    code, out, _ = chat(capsys, monkeypatch, "فاتورتي")
    assert code == 0 and out.startswith("أي حساب تقصد؟")
    code, out, err = chat(capsys, monkeypatch, "")
    assert (code, out, err) == (0, "", "")


@pytest.mark.parametrize("key", [EOFError, KeyboardInterrupt], ids=["ctrl-d", "ctrl-c"])
def test_interactive_chat_ends_cleanly_on_ctrl_d_and_ctrl_c(chat_url, capsys, monkeypatch, key):
    keyboard = Keyboard(monkeypatch, ["فاتورتي", key()])
    capsys.readouterr()
    assert sadeeq(["chat"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("صديق الكهرباء — اكتب رسالتك")
    assert "أي حساب تقصد؟" in out and out.endswith("\n") and err == ""
    assert keyboard.prompts == [PROMPT, PROMPT]
    time.sleep(0.2)  # the notices watcher stops with the chat
    assert not [t for t in threading.enumerate() if t.name == "terminal-notices"]


def _restore_and_notify(url: str) -> None:
    """The operator: `sadeeq outages restore` for the chat's outage report."""
    with session_scope(url) as session:
        report = session.scalars(select(OutageReport)).one()
        incident_id = report.incident_id
        restore_incident(session, incident_id, at=datetime.now(UTC))
    sender = outbound_sender(Settings.from_env())
    assert notify_incident_event(url, incident_id, "restored", sender) == 1


def _notice_text(url: str) -> str:
    with session_scope(url) as session:
        note = session.scalars(select(OutageNotification)).one()
        assert note.status == "sent"
        return note.text or ""


def test_a_notice_sent_while_the_chat_is_open_is_shown_there(chat_url, capsys, monkeypatch):
    piped = Piped("الكهرباء طافية\n1\nشكرا\n", between={2: lambda: _restore_and_notify(chat_url)})
    code, out, _ = chat(capsys, monkeypatch, piped, "--new")
    notice = _notice_text(chat_url)
    assert code == 0 and notice.startswith("عادت الكهرباء في منطقتكم (البلاغ OUT-000001)")
    assert out.count(notice) == 1
    # After the report's acknowledgement, before the answer to the next message.
    assert out.index("OUT-000001") < out.index(notice) < out.index("العفو")
    # Shown once: the next chat does not repeat it.
    _, again, _ = chat(capsys, monkeypatch, "شكرا\n")
    assert notice not in again


def test_a_notice_sent_with_no_chat_open_waits_for_the_next_chat(chat_url, capsys, monkeypatch):
    chat(capsys, monkeypatch, "الكهرباء طافية\n1\n", "--new")
    _restore_and_notify(chat_url)
    with engine_for(chat_url).connect() as conn:
        waiting = conn.execute(select(TerminalMessage.phone, TerminalMessage.shown_at)).all()
    assert waiting == [(DEMO_PHONE, None)]  # "sent" means it is in the chat's mailbox
    _, other, _ = chat(capsys, monkeypatch, "شكرا\n", "--phone", UNKNOWN_PHONE)
    notice = _notice_text(chat_url)
    assert notice not in other  # never another number's notice
    code, out, _ = chat(capsys, monkeypatch, "")  # opening the chat is enough
    assert code == 0 and out == f"{notice}\n\n"


def test_an_interactive_chat_shows_a_notice_while_it_waits_for_input(chat_url, capsys, monkeypatch):
    def restored_then_wait() -> BaseException:
        _restore_and_notify(chat_url)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # the prompt waits; the watcher shows the notice
            with engine_for(chat_url).connect() as conn:
                if conn.scalar(select(TerminalMessage.shown_at)) is not None:
                    break
            time.sleep(0.02)
        return EOFError()

    Keyboard(monkeypatch, ["الكهرباء طافية", "1", restored_then_wait])
    capsys.readouterr()
    assert sadeeq(["chat", "--new"]) == 0
    out, _ = capsys.readouterr()
    notice = _notice_text(chat_url)
    assert out.count(notice) == 1
    # Below the waiting prompt, then the prompt again for the line being typed.
    assert f"\n{notice}\n\n{PROMPT}" in out


def test_ctrl_c_while_a_message_is_answered_exits_130_without_a_traceback(
    chat_url, capsys, monkeypatch
):
    from bot.dialogue.engine import Engine

    answer = Engine.handle
    calls = []

    def interrupted_on_the_second(self, message):
        calls.append(message.text)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return answer(self, message)

    monkeypatch.setattr(Engine, "handle", interrupted_on_the_second)
    code, out, err = chat(capsys, monkeypatch, "فاتورتي\n1\nشكرا\n")
    assert (code, err) == (130, "")
    assert out.startswith("أي حساب تقصد؟") and out.endswith("\n")
    assert calls == ["فاتورتي", "1"]  # nothing read after the interruption


def test_lang_en_on_a_number_whose_chat_was_arabic(chat_url, capsys, monkeypatch):
    """`--lang en` for a number whose stored language is Arabic: "bill" and "hi" are answered in
    English (a tester got Arabic: the stored language outranked the flag)."""
    chat(capsys, monkeypatch, "English\nعربي\n", "--phone", UNKNOWN_PHONE)
    code, out, _ = chat(capsys, monkeypatch, "bill\nhi\n", "--phone", UNKNOWN_PHONE, "--lang", "en")
    assert code == 0
    assert "Hello" in out and "I found no electricity account" in out
    assert not any("\u0600" <= ch <= "\u06ff" for ch in out)
