"""`sadeeq corpus export [--out DIR]`: the not-understood messages operators labelled in the
console, written as training-corpus lines (`DIR/<lang>/corpus/<intent>.txt`) for a person to
review and copy into `locales/<lang>/corpus/` before `sadeeq intents train`."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.config import Settings
from bot.not_understood import export
from bot.storage.db import session_scope


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    out = actions.add_parser("export", help="write the labelled messages as corpus files")
    out.add_argument(
        "--out", type=Path, default=Path("var/corpus"), help="folder (default var/corpus)"
    )


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    with session_scope(settings.database_url) as session:
        written = export(session, args.out)
    for path, lines in written.items():
        print(f"{path}  {lines} lines")
    if not written:
        print("no labelled messages yet")
    return 0
