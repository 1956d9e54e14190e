"""`sadeeq compensation`: the compensation owed for one case, as one JSON object."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime

from bot.standards.engine import TIME_MEANING, Case, compensation_for
from bot.standards.rules import NETWORKS, CaseError

EPILOG = (
    "what --start and --end mean:\n"
    + "\n".join(
        f"  {sid:<27} start = {start}" + (f", end = {end}" if end else "")
        for sid, (start, end) in TIME_MEANING.items()
    )
    + (
        "\n  planned_outage_notice: --notice-at = when notice was given (omit it if none was given)"
        "\n  unlawful_disconnection: --start or --end, the disconnection"
        "\ntimes are ISO 8601 (2026-01-11T08:00), Riyadh time when no offset is given"
    )
)


def iso_time(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"cannot read {text!r} as an ISO 8601 time (for example 2026-01-11T08:00)"
        ) from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EPILOG
    parser.add_argument(
        "--standard", required=True, metavar="ID", help="one of: " + ", ".join(TIME_MEANING)
    )
    parser.add_argument("--start", type=iso_time, metavar="T", help="when the case began")
    parser.add_argument("--end", type=iso_time, metavar="T", help="when the case ended")
    parser.add_argument(
        "--notice-at",
        type=iso_time,
        metavar="T",
        help="planned_outage_notice: when notice was given",
    )
    parser.add_argument(
        "--network", choices=NETWORKS, default="lv", help="connection: voltage network (default lv)"
    )
    parser.add_argument(
        "--customer-class",
        choices=("residential", "non_residential"),
        default="residential",
        help="amounts of the 2018 rule set",
    )
    parser.add_argument(
        "--force-majeure", action="store_true", help="the case was recorded as force majeure"
    )


def run(args: argparse.Namespace) -> int:
    case = Case(
        args.standard,
        start=args.start,
        end=args.end,
        notice_at=args.notice_at,
        network=args.network,
        force_majeure=args.force_majeure,
        customer_class=args.customer_class,
    )
    try:
        result = compensation_for(case)
    except CaseError as error:
        print(f"sadeeq compensation: error: {error}", file=sys.stderr)
        return 2
    print(json.dumps(result.to_json(), ensure_ascii=False))
    return 0
