"""`sadeeq operators add NAME`: an account for the operations console (/console).

The password is asked twice on a terminal, or read from the first line of standard input
(`printf '%s\\n' "$PASSWORD" | sadeeq operators add amal`), never from the command line, where
other users of the machine could see it. `sadeeq operators list` names the accounts.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from sqlalchemy import select

from bot.config import Settings
from bot.console.auth import OperatorError, add_operator
from bot.console.models import Operator
from bot.storage.db import session_scope


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="a new operator (the password is asked for)")
    add.add_argument("name", help="the sign-in name, one word")
    actions.add_parser("list", help="the operators' names")


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    from bot.storage.migrate import upgrade

    upgrade(settings.database_url)  # the first operator may come before the first `serve`
    if args.action == "list":
        with session_scope(settings.database_url) as session:
            for name in session.scalars(select(Operator.name).order_by(Operator.name)):
                print(name)
        return 0
    password = _password()
    if password is None:
        print("sadeeq operators: error: the passwords do not match", file=sys.stderr)
        return 2
    try:
        with session_scope(settings.database_url) as session:
            add_operator(session, args.name, password)
    except OperatorError as exc:
        print(f"sadeeq operators: error: {exc}", file=sys.stderr)
        return 2
    print(f"operator {args.name.strip()} added; sign in at /console")
    return 0


def _password() -> str | None:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("password: ")
    return first if getpass.getpass("again: ") == first else None
