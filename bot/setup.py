"""`sadeeq setup`: create or upgrade the database, then add the demo billing data.

Safe to run again: existing tables and rows are left alone.
"""

from __future__ import annotations

import argparse
import sys

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.config import Settings
from bot.storage.db import create_schema


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-demo", action="store_true", help="do not add the demo subscribers")
    parser.add_argument(
        "--subscribers",
        type=_positive,
        default=200,
        metavar="N",
        help="demo subscribers with accounts, fixed identities included (200)",
    )
    parser.add_argument(
        "--months", type=_positive, default=12, metavar="M", help="bills per demo account (12)"
    )


def run(args: argparse.Namespace) -> int:
    url = Settings.from_env().database_url
    shown = make_url(url).render_as_string(hide_password=True)
    try:
        create_schema(url)
        if args.no_demo:
            print(f"Database ready at {shown} (demo data skipped).")
            return 0
        from bot.billing.demo import SeedReport, seed_demo

        added = seed_demo(url, subscribers=args.subscribers, months=args.months)
    except (SQLAlchemyError, OSError) as exc:
        print(
            f"sadeeq setup: error: database {shown}: {exc.__class__.__name__}: "
            f"{str(exc).splitlines()[0]}",
            file=sys.stderr,
        )
        return 1
    if added == SeedReport(0, 0, 0):
        print(f"Database ready at {shown}; demo data already there.")
    else:
        print(
            f"Database ready at {shown}; demo data added: {added.accounts_added} accounts, "
            f"{added.bills_added} bills, {added.requests_added} service requests."
        )
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text}")
    return value
