"""`sadeeq handovers list`: subscribers who asked for a person, danger first, then the longest
waiting, each with the messages just before the request. Numbers are masked.
`sadeeq handovers close HO-000012 [--note TEXT]`: the request was dealt with."""

from __future__ import annotations

import argparse
import json
import sys

from sqlalchemy.exc import OperationalError

from bot.config import RIYADH, Settings
from bot.handovers.service import (
    HandoverClosed,
    HandoverNotFound,
    as_json,
    close_handover,
    handover_ref,
    list_handovers,
)
from bot.logs import mask_numbers
from bot.storage.base import utcnow
from bot.storage.db import session_scope


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="open hand-over requests, danger first")
    listing.add_argument("--all", action="store_true", help="closed requests too")
    listing.add_argument("--json", action="store_true", help="one JSON object a line")
    closing = actions.add_parser("close", help="a request was dealt with: it leaves the list")
    closing.add_argument("ref", metavar="REF", help="the request, as HO-000012 or 12")
    closing.add_argument("--note", help="what was done (kept with the request)")


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    try:
        if args.action == "close":
            return _close(settings, args.ref, args.note)
        with session_scope(settings.database_url) as session:
            rows = [as_json(h) for h in list_handovers(session, include_closed=args.all)]
    except OperationalError as exc:
        print(
            f"sadeeq handovers: error: database unavailable or not set up ({exc.orig}); "
            "run `sadeeq setup`",
            file=sys.stderr,
        )
        return 1
    for row in rows:
        row["phone"] = mask_numbers(row["phone"] or "") or None
        row["text"] = mask_numbers(row["text"])
        for entry in row["transcript"]:
            entry["text"] = mask_numbers(entry["text"])
        print(json.dumps(row, ensure_ascii=False) if args.json else _lines(row))
    if not rows and not args.json:
        print("no open hand-over requests" if not args.all else "no hand-over requests")
    return 0


def _close(settings: Settings, ref: str, note: str | None) -> int:
    try:
        with session_scope(settings.database_url) as session:
            handover = close_handover(session, ref, at=utcnow(), note=note)
            print(f"{handover_ref(handover)} closed")
    except (HandoverNotFound, HandoverClosed) as exc:
        print(f"sadeeq handovers: error: {exc}", file=sys.stderr)
        return 2
    return 0


def _lines(row: dict) -> str:
    from datetime import datetime

    at = datetime.fromisoformat(row["requested_at"]).astimezone(RIYADH).strftime("%Y-%m-%d %H:%M")
    flag = "  DANGER" if row["danger"] else ""
    lines = [
        f"{row['ref']}  {at}  {row['channel']}  {row['phone'] or '-'}  {row['lang']}  "
        f"{row['status']}{flag}",
        f"    asked: “{row['text']}”",
    ]
    if row["note"]:
        lines.append(f"    note: {mask_numbers(row['note'])}")
    for entry in row["transcript"]:
        who = "subscriber" if entry["by"] == "subscriber" else "bot"
        text = entry["text"].replace("\n", " / ")
        lines.append(f"    {who:>10}: {text}")
    return "\n".join(lines)


__all__ = ["add_arguments", "handover_ref", "run"]
