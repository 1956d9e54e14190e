"""`sadeeq chat`: talk to the bot in the terminal as the subscriber whose number is --phone.

With a terminal it is interactive; with piped standard input it reads one message a line and
prints the bot's replies, each reply followed by a blank line, then exits at end of input.
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
from bot.dialogue.messages import Inbound
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
    for count, line in enumerate(_lines(interactive), 1):
        message = Inbound(
            channel="terminal",
            sender=args.phone,
            phone=args.phone,
            text=line.rstrip("\n"),
            received_at=datetime.now(RIYADH) + offset
            if offset is not None
            else datetime.now(RIYADH),
            message_id=f"terminal-{session_id}-{count}",
        )
        for reply in engine.handle(message):
            print(render_text(reply, "terminal"))
            print()
        sys.stdout.flush()
    return 0


def _lines(interactive: bool):
    if not interactive:
        yield from sys.stdin
        return
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (line editing for the prompt)
    while True:
        try:
            yield input("أنت › ")
        except EOFError:
            print()
            return
        except KeyboardInterrupt:
            print()
            return
