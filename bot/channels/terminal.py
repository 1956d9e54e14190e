"""`sadeeq chat`: talk to the bot in the terminal as the subscriber whose number is --phone.

With a terminal it is interactive; with piped standard input it reads one message a line and
prints the bot's replies, each reply followed by a blank line, then exits at end of input.
Interactively each reply is shown as "صديق › …", the form of the README's example, which
tests/readme_example.py replays through `exchange`.

Notices the bot sends this number (an outage's new estimate, its restoration) are shown too:
those sent since the number last wrote when the chat opens, then each one as it is sent, under
the next reply or before the next prompt (a terminal has no push: `sadeeq outages restore` in
another shell records them, the chat reads them).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import sys
import uuid
from datetime import datetime

from bot.billing.demo import DEMO_PHONE
from bot.channels.render import render_text
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


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    if args.lang:
        settings = dataclasses.replace(settings, lang=args.lang)
    create_schema(settings.database_url)
    if args.new:
        _forget_flow(settings.database_url, args.phone)
    engine = Engine(settings)
    began = datetime.now(RIYADH)
    # With --now the clock starts there and runs on at the real pace.
    offset = (args.now - began) if args.now is not None else None
    interactive = sys.stdin.isatty()
    if interactive:
        print("صديق الكهرباء — اكتب رسالتك (Ctrl+D للخروج). Type your message (Ctrl+D to quit).\n")
    session_id = uuid.uuid4().hex[:8]
    notices = NoticeReader(settings.database_url, args.phone)
    show = (lambda text: BOT + text.replace("\n", "\n" + " " * len(BOT))) if interactive else str
    for count, line in enumerate(_lines(interactive, notices, show), 1):
        at = datetime.now(RIYADH) + offset if offset is not None else datetime.now(RIYADH)
        replies = exchange(
            engine, args.phone, line.rstrip("\n"), at, f"terminal-{session_id}-{count}"
        )
        for reply in replies:
            print(as_said(reply) if interactive else render_text(reply, "terminal"))
            print()
        _print_notices(notices, show)
        sys.stdout.flush()
    return 0


class NoticeReader:
    """The notices sent to a terminal number, each read once by this chat."""

    def __init__(self, url: str, phone: str) -> None:
        self.url, self.phone = url, phone
        self.shown: set[tuple[str, int]] = set()
        self.since = self._last_written()

    def _last_written(self) -> datetime | None:
        from bot.storage.base import aware
        from bot.storage.db import session_scope
        from bot.storage.models import Contact

        with session_scope(self.url) as session:
            contact = session.get(Contact, ("terminal", self.phone))
            return aware(contact.last_inbound_at) if contact is not None else None

    def new(self) -> list[str]:
        from sqlalchemy import select

        from bot.hazards.models import HazardNotification, HazardReport
        from bot.outages.models import OutageNotification, OutageReport
        from bot.storage.db import session_scope

        found: list[tuple[datetime, str, int, str]] = []
        with session_scope(self.url) as session:
            for kind, note, report in (
                ("outage", OutageNotification, OutageReport),
                ("hazard", HazardNotification, HazardReport),
            ):
                query = (
                    select(note.sent_at, note.id, note.text)
                    .join(report, report.id == note.report_id)
                    .where(
                        report.channel == "terminal",
                        report.sender == self.phone,
                        note.status == "sent",
                        note.text.is_not(None),
                    )
                )
                if self.since is not None:
                    query = query.where(note.sent_at > self.since)
                found += [(at, kind, id_, text) for at, id_, text in session.execute(query)]
        fresh = [row for row in sorted(found) if (row[1], row[2]) not in self.shown]
        self.shown |= {(kind, id_) for _at, kind, id_, _text in fresh}
        return [text for *_rest, text in fresh]


def _print_notices(notices: NoticeReader, show) -> None:
    for text in notices.new():
        print(show(text))
        print()


YOU = "أنت › "
BOT = "صديق › "


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


def as_said(reply: Reply) -> str:
    """A reply under the bot's name, its further lines indented under the first."""
    lines = render_text(reply, "terminal").split("\n")
    indent = " " * len(BOT)
    return "\n".join([BOT + lines[0], *(indent + line if line else "" for line in lines[1:])])


def _lines(interactive: bool, notices: NoticeReader, show):
    if not interactive:
        yield from sys.stdin
        return
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (line editing for the prompt)
    while True:
        _print_notices(notices, show)  # what was sent while the subscriber was typing
        try:
            yield input(YOU)
        except EOFError:
            print()
            return
        except KeyboardInterrupt:
            print()
            return
