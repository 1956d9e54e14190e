"""`sadeeq chat`: talk to the bot in the terminal as the subscriber whose number is --phone.

With a terminal it is interactive; with piped standard input it reads one message a line and
prints the bot's replies, each reply followed by a blank line, then exits at end of input.
Notices the bot sends the number (an outage's estimate or restoration, a hazard made safe) are
shown as they come: before each message and after its replies, and every few seconds while an
interactive chat waits for you (they wait in `terminal_messages` while no chat is open).
Interactively each reply is shown as "صديق › …", the form of the README's example, which
tests/readme_example.py replays through `exchange`.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import sys
import threading
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta

from bot.billing.demo import DEMO_PHONE
from bot.channels.render import render_text
from bot.channels.terminal_outbox import take_unshown
from bot.config import RIYADH, Settings
from bot.dialogue.engine import Engine
from bot.dialogue.messages import Inbound, Reply
from bot.storage.db import create_schema


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--phone",
        default=DEMO_PHONE,
        help=f"the subscriber's number, E.164 (default: the demo subscriber {DEMO_PHONE})",
    )
    parser.add_argument(
        "--lang", choices=("ar", "en"), help="reply language until you write in another"
    )
    parser.add_argument(
        "--now",
        type=_moment,
        metavar="ISO",
        help="the conversation's clock starts at this moment (Riyadh time when no "
        "offset is given) and runs on from there",
    )
    parser.add_argument(
        "--new", action="store_true", help="forget any open flow of this number first"
    )


def _moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {value!r}") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=RIYADH)


def _forget_flow(database_url: str, phone: str) -> None:
    from bot.storage.db import session_scope
    from bot.storage.models import Contact

    with session_scope(database_url) as session:
        contact = session.get(Contact, ("terminal", phone))
        if contact is not None:
            contact.flow, contact.state = None, {}


def _start_in(database_url: str, phone: str, lang: str) -> None:
    """`--lang`: the chat starts in that language, as if asked ("English"), even for a number
    whose conversation had another (a new number starts in it by the settings' default)."""
    from bot.storage.db import session_scope
    from bot.storage.models import Contact

    with session_scope(database_url) as session:
        contact = session.get(Contact, ("terminal", phone))
        if contact is not None and contact.lang is not None:
            contact.lang = lang


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    if args.lang:
        settings = dataclasses.replace(settings, lang=args.lang)
    create_schema(settings.database_url)
    if args.new:
        _forget_flow(settings.database_url, args.phone)
    if args.lang:
        _start_in(settings.database_url, args.phone, args.lang)
    engine = Engine(settings)
    began = datetime.now(RIYADH)
    # With --now the clock starts there and runs on at the real pace.
    offset = (args.now - began) if args.now is not None else None
    interactive = sys.stdin.isatty()
    if interactive:
        print("صديق الكهرباء — اكتب رسالتك (Ctrl+D للخروج). Type your message (Ctrl+D to quit).\n")
    notices = _Notices(settings.database_url, args.phone)
    notices.show()
    if interactive:
        notices.watch()
    try:
        _converse(engine, args.phone, offset, _lines(interactive, notices), notices, interactive)
    except KeyboardInterrupt:  # Ctrl-C while a message was being answered: no traceback
        print()
        return 130
    finally:
        notices.stop()
    return 0


def _converse(
    engine: Engine,
    phone: str,
    offset: timedelta | None,
    lines: Iterator[str],
    notices: _Notices,
    interactive: bool,
) -> None:
    session_id = uuid.uuid4().hex[:8]
    for count, line in enumerate(lines, 1):
        notices.show()
        at = datetime.now(RIYADH) + offset if offset is not None else datetime.now(RIYADH)
        replies = exchange(engine, phone, line.rstrip("\n"), at, f"terminal-{session_id}-{count}")
        with notices.printing:
            for reply in replies:
                print(as_said(reply) if interactive else render_text(reply, "terminal"))
                print()
            sys.stdout.flush()
        notices.show()


def exchange(engine: Engine, phone: str, text: str, at: datetime, message_id: str) -> list[Reply]:
    """One message typed in the terminal, as the subscriber with `phone`; the bot's replies."""
    message = Inbound(
        channel="terminal",
        sender=phone,
        phone=phone,
        text=text,
        received_at=at,
        message_id=message_id,
    )
    return engine.handle(message)


YOU = "أنت › "
BOT = "صديق › "


def as_said(reply: Reply) -> str:
    """A reply under the bot's name, its further lines indented under the first."""
    lines = render_text(reply, "terminal").split("\n")
    indent = " " * len(BOT)
    return "\n".join([BOT + lines[0], *(indent + line if line else "" for line in lines[1:])])


WATCH_SECONDS = 2.0


class _Notices:
    """Shows the notices waiting for this number; `watch` also checks while input is awaited."""

    def __init__(self, database_url: str, phone: str) -> None:
        self.database_url, self.phone = database_url, phone
        self.printing = threading.Lock()  # a notice never lands inside a reply
        self.prompting = threading.Event()  # the prompt is waiting for a line
        self._stopped = threading.Event()

    def show(self, waiting: bool = False) -> None:
        texts = take_unshown(self.database_url, self.phone)
        if not texts:
            return
        with self.printing:
            if waiting:  # below the prompt that was waiting
                print()
            for text in texts:
                print(text)
                print()
            if waiting:  # and the prompt again, for the line being typed
                print(YOU, end="")
            sys.stdout.flush()

    def watch(self) -> None:
        threading.Thread(target=self._poll, name="terminal-notices", daemon=True).start()

    def _poll(self) -> None:
        while not self._stopped.wait(WATCH_SECONDS):
            if not self.prompting.is_set():  # a message being answered shows them after
                continue
            with contextlib.suppress(Exception):  # a busy database: try again next time
                self.show(waiting=True)

    def stop(self) -> None:
        self._stopped.set()


def _lines(interactive: bool, notices: _Notices) -> Iterator[str]:
    if not interactive:
        yield from sys.stdin
        return
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (line editing for the prompt)
    while True:
        try:
            notices.prompting.set()
            try:
                line = input(YOU)
            finally:
                notices.prompting.clear()
            yield line
        except EOFError:
            print()
            return
        except KeyboardInterrupt:
            print()
            return
