"""`sadeeq hazards list|show|assign|resolve`: the operator's view of safety hazard reports.

Urgent hazards come first in every list. `resolve` marks a hazard made safe and tells each of its
reporters once, on the channel they used (a rerun sends only what is still unsent); with no
transport for a reporter's channel it changes nothing and exits 1, unless --dry-run (resolve and
print the notices) or --no-notify. Reporters'
numbers are masked in everything printed. Bad input exits 2 with one line on standard error.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.exc import OperationalError

from bot.config import Settings
from bot.hazards.models import HazardMedia
from bot.hazards.notify import (
    notice_counts,
    notify_resolved,
    resolution_notice,
    undeliverable_channels,
)
from bot.hazards.service import (
    HazardError,
    assign_hazard,
    find_hazard,
    list_hazards,
    media_of,
    reports_of,
    resolve_hazard,
)
from bot.hazards.views import hazard_line, hazard_view
from bot.logs import mask_numbers
from bot.outages.times import parse_local_time
from bot.storage.db import session_factory, session_scope

EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/gif": ".gif"}


def _time(text: str) -> datetime:
    try:
        return parse_local_time(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    listing = actions.add_parser("list", help="open hazards, urgent first")
    listing.add_argument("--all", action="store_true", help="resolved hazards too")
    listing.add_argument("--json", action="store_true", help="one JSON object a line")

    show = actions.add_parser("show", help="one hazard with its reports and photos")
    show.add_argument("ref", help="HZ-000012, or a reporter's HAZ-000034")
    show.add_argument("--json", action="store_true")
    show.add_argument("--save-photos", type=Path, metavar="DIR", help="write its photos into DIR")

    assign = actions.add_parser("assign", help="give the hazard to a team or person")
    assign.add_argument("ref")
    assign.add_argument("--to", required=True, help="the team or person")

    resolve = actions.add_parser("resolve", help="made safe: close it and tell every reporter once")
    resolve.add_argument("ref")
    resolve.add_argument("--at", type=_time, help="when it was made safe (default: now)")
    resolve.add_argument("--note", help="what was done (for operators; reporters are not shown it)")
    resolve.add_argument("--no-notify", action="store_true", help="do not message reporters now")
    resolve.add_argument(
        "--dry-run",
        action="store_true",
        help="resolve, and print the notices instead of sending them",
    )


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    try:
        return _ACTIONS[args.action](args, settings)
    except HazardError as exc:
        print(f"sadeeq hazards: error: {exc}", file=sys.stderr)
        return 2
    except OperationalError as exc:
        print(
            f"sadeeq hazards: error: database unavailable or not set up ({exc.orig}); "
            "run `sadeeq setup`",
            file=sys.stderr,
        )
        return 1


def _list(args: argparse.Namespace, settings: Settings) -> int:
    with session_scope(settings.database_url) as session:
        views = [
            hazard_view(session, h, detail=False)
            for h in list_hazards(session, include_resolved=args.all)
        ]
    for view in views:
        print(json.dumps(view, ensure_ascii=False) if args.json else hazard_line(view))
    if not views and not args.json:
        print("no open hazards" if not args.all else "no hazards")
    return 0


def _show(args: argparse.Namespace, settings: Settings) -> int:
    with session_scope(settings.database_url) as session:
        hazard = find_hazard(session, args.ref)
        view = hazard_view(session, hazard)
        saved = _save_photos(session, hazard, args.save_photos) if args.save_photos else []
    if args.json:
        print(json.dumps(view, ensure_ascii=False))
    else:
        reports = view.pop("reports")
        for key, value in view.items():
            print(f"{key + ':':<20}{'-' if value is None else value}")
        for report in reports:
            photos = (
                ", ".join(
                    f"#{p['id']} {p['status']}" + (f" ({p['error']})" if p["error"] else "")
                    for p in report["photos"]
                )
                or "none"
            )
            where = report["place"] or (
                f"{report['latitude']},{report['longitude']}"
                if report["latitude"] is not None
                else "-"
            )
            print(
                f"  {report['reference']}  {report['reported_at']}  {report['channel']} "
                f"{report['sender']}  {'DANGER ' if report['danger'] else ''}{where}  photos: {photos}"
            )
            if report["text"]:
                print(f"      “{report['text']}”")
    for path in saved:
        print(f"saved {path}")
    return 0


def _save_photos(session, hazard, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    saved = []
    reports = {r.id: r for r in reports_of(session, hazard)}
    photo: HazardMedia
    for photo in media_of(session, list(reports)):
        if photo.data is None:
            continue
        path = folder / (
            f"{reports[photo.report_id].reference}-{photo.id}"
            f"{EXTENSIONS.get(photo.content_type or '', '.bin')}"
        )
        path.write_bytes(photo.data)
        saved.append(path)
    return saved


def _assign(args: argparse.Namespace, settings: Settings) -> int:
    with session_scope(settings.database_url) as session:
        hazard = assign_hazard(session, args.ref, to=args.to, at=datetime.now(UTC))
        print(hazard_line(hazard_view(session, hazard, detail=False)))
    return 0


def _resolve(args: argparse.Namespace, settings: Settings) -> int:
    from bot.channels.outbound import outbound_sender

    sender = outbound_sender(settings) if not (args.no_notify or args.dry_run) else None
    with session_scope(settings.database_url) as session:
        hazard = find_hazard(session, args.ref)
        missing = undeliverable_channels(session, hazard.id, sender) if sender else []
        if missing:
            print(
                f"sadeeq hazards: error: no transport configured for {', '.join(missing)} "
                "(Twilio or Telegram credentials); nothing changed. Use --dry-run to resolve "
                "and print the notices, or --no-notify",
                file=sys.stderr,
            )
            return 1
        hazard = resolve_hazard(session, hazard.id, at=args.at or datetime.now(UTC), note=args.note)
        hazard_id = hazard.id
        print(hazard_line(hazard_view(session, hazard, detail=False)))
        if args.dry_run:
            for report in reports_of(session, hazard):
                print(
                    f"would tell {report.channel} {mask_numbers(report.sender)}: "
                    f"{resolution_notice(report)}"
                )
    if sender is not None:
        factory = session_factory(settings.database_url)
        sent = notify_resolved(factory, hazard_id, sender)
        with factory() as session:
            counts = notice_counts(session, hazard_id)
        print(
            f"told {sent} reporters now; {counts['sent']} told in all, {counts['pending']} "
            f"waiting, {counts['failed']} failed, {counts['sending']} unconfirmed"
        )
    return 0


_ACTIONS = {"list": _list, "show": _show, "assign": _assign, "resolve": _resolve}
