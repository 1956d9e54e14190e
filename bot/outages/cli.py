"""`sadeeq outages list|show|update|restore|notify`: the operator's view of outage incidents.

Times are ISO 8601, Asia/Riyadh when no offset is given. A new estimate (`update --eta`) and a
restoration notify every reporter on the channel they used, once; `notify` resumes notices a
crash or a failed send left unsent (see bot/outages/notify.py for what "unconfirmed" means).
Bad input exits 2 with one line on standard error.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime

from sqlalchemy.exc import OperationalError

from bot.channels.outbound import print_dry_run, transport_problem
from bot.config import Settings
from bot.outages.models import RESTORED, Incident
from bot.outages.notify import (
    ESTIMATE,
    RESTORED_EVENT,
    channels_to_notify,
    notify_incident_event,
    notify_pending,
    notify_status,
    preview,
)
from bot.outages.service import (
    OutageError,
    find_incident,
    left_open_after,
    list_incidents,
    media_count,
    reporters_count,
    reports_of,
    restore_incident,
    undelivered_notices,
    update_incident,
    urgent_reports,
)
from bot.outages.times import local_iso, parse_local_time
from bot.outages.views import (
    incident_line,
    incident_view,
    report_line,
    report_view,
    undelivered_line,
    undelivered_view,
)
from bot.storage.db import session_factory, session_scope

DRY_RUN_HELP = "change nothing and send nothing: print the notices that would go out"


def _time(text: str) -> datetime:
    try:
        return parse_local_time(text)
    except (ValueError, OverflowError) as exc:  # OverflowError: a time in year 1
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    listing = actions.add_parser("list", help="open incidents with their reporter counts")
    listing.add_argument("--all", action="store_true", help="restored and withdrawn incidents too")
    listing.add_argument("--json", action="store_true", help="one JSON object a line")

    show = actions.add_parser("show", help="one incident")
    show.add_argument("ref", help="INC-000123 or 123")
    show.add_argument("--json", action="store_true")

    upd = actions.add_parser("update", help="estimate, cause, force majeure, planned outage")
    upd.add_argument("ref")
    upd.add_argument("--eta", type=_time, help="estimated restoration time (notifies reporters)")
    upd.add_argument("--cause", help="what caused the outage, as reporters will read it")
    upd.add_argument(
        "--force-majeure",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="beyond the provider's control: no compensation is owed",
    )
    upd.add_argument(
        "--planned",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="a planned outage (compensation by the planned-outage standards)",
    )
    upd.add_argument(
        "--city-wide",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="a whole city or governorate without power (the total-blackout standard)",
    )
    upd.add_argument("--notice-at", type=_time, help="when the planned outage was announced")
    upd.add_argument(
        "--started-at", type=_time, help="the outage start, if before the first report"
    )
    upd.add_argument("--no-notify", action="store_true", help="do not message reporters now")
    upd.add_argument("--dry-run", action="store_true", help=DRY_RUN_HELP)

    restore = actions.add_parser("restore", help="power is back: close and notify reporters")
    restore.add_argument("ref")
    restore.add_argument("--at", type=_time, help="restoration time (default: now)")
    restore.add_argument("--no-notify", action="store_true", help="do not message reporters now")
    restore.add_argument("--dry-run", action="store_true", help=DRY_RUN_HELP)

    notify = actions.add_parser("notify", help="send notices left unsent (all incidents, or one)")
    notify.add_argument("ref", nargs="?")
    notify.add_argument(
        "--resend-unconfirmed",
        action="store_true",
        help="also resend notices whose send was never confirmed (may duplicate)",
    )
    notify.add_argument("--dry-run", action="store_true", help=DRY_RUN_HELP)


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    try:
        return _ACTIONS[args.action](args, settings)
    except OutageError as exc:
        print(f"sadeeq outages: error: {exc}", file=sys.stderr)
        return 2
    except OperationalError as exc:
        print(
            f"sadeeq outages: error: database unavailable or not set up ({exc.orig}); "
            "run `sadeeq setup`",
            file=sys.stderr,
        )
        return 1


def _list(args: argparse.Namespace, settings: Settings) -> int:
    with session_scope(settings.database_url) as session:
        views = [_view(session, i) for i in list_incidents(session, include_closed=args.all)]
    for view in views:
        print(json.dumps(view, ensure_ascii=False) if args.json else incident_line(view))
    if not views and not args.json:
        print("no open incidents" if not args.all else "no incidents")
    return 0


def _show(args: argparse.Namespace, settings: Settings) -> int:
    with session_scope(settings.database_url) as session:
        incident = find_incident(session, args.ref)
        view = _view(session, incident)
        reports = [report_view(r) for r in reports_of(session, incident)]
        lost = [undelivered_view(n) for n in undelivered_notices(session, incident)]
        media = media_count(session, incident)
    if args.json:
        print(
            json.dumps(
                {**view, "reports": reports, "media": media, "undelivered": lost},
                ensure_ascii=False,
            )
        )
    else:
        for key, value in view.items():
            print(f"{key + ':':<26}{'-' if value is None else value}")
        print(f"{'reports:':<26}{len(reports)}")
        print(f"{'photos and voice notes:':<26}{media}")
        for report in reports:
            print(report_line(report))
        if lost:
            print(f"{'not delivered:':<26}{len(lost)}")
            for note in lost:
                print(undelivered_line(note))
    return 0


def _update(args: argparse.Namespace, settings: Settings) -> int:
    def change(session):
        return update_incident(
            session,
            args.ref,
            eta=args.eta,
            cause=args.cause,
            force_majeure=args.force_majeure,
            planned=args.planned,
            notice_at=args.notice_at,
            started_at=args.started_at,
        )

    if args.dry_run:
        return _rehearse(settings, change, ESTIMATE if args.eta is not None else None)
    if args.eta is not None and not args.no_notify:
        _require_transports(settings, args.ref)
    with session_scope(settings.database_url) as session:
        before = find_incident(session, args.ref).estimate_version
        incident = update_incident(
            session,
            args.ref,
            eta=args.eta,
            cause=args.cause,
            force_majeure=args.force_majeure,
            planned=args.planned,
            notice_at=args.notice_at,
            started_at=args.started_at,
            city_wide=args.city_wide,
        )
        incident_id, new_estimate = incident.id, incident.estimate_version != before
        print(incident_line(_view(session, incident)))
    if new_estimate and not args.no_notify:
        _notify(settings, incident_id, ESTIMATE)
    return 0


def _restore(args: argparse.Namespace, settings: Settings) -> int:
    at = args.at or datetime.now(UTC)
    if args.dry_run:
        return _rehearse(
            settings,
            lambda session: restore_incident(session, args.ref, at=at),
            RESTORED_EVENT,
            also=_left_open_lines,
        )
    if not args.no_notify:
        _require_transports(settings, args.ref)
    with session_scope(settings.database_url) as session:
        incident = find_incident(session, args.ref)
        if args.at is None and incident.status == RESTORED:
            at = incident.end  # a rerun: keep the recorded time, resume the notices
        # A withdrawn incident has no end: restore_incident refuses it in one line.
        incident = restore_incident(session, args.ref, at=at)
        incident_id = incident.id
        print(incident_line(_view(session, incident)))
        for line in _left_open_lines(session, incident):
            print(line)
    if not args.no_notify:
        _notify(settings, incident_id, RESTORED_EVENT)
    return 0


def _left_open_lines(session, incident: Incident, dry_run: bool = False) -> list[str]:
    """The reports filed after the restoration time, which stay open (in an incident reopened
    from this one); a dry run names them only, its reopened incident being rolled back."""
    left = left_open_after(session, incident)
    if not left:
        return []
    if dry_run:
        return [
            f"would leave open (filed after {local_iso(incident.end)}): "
            + ", ".join(r.reference for r, _i in left)
        ]
    return [
        f"left open (filed after {local_iso(incident.end)}): "
        + ", ".join(f"{r.reference} in {i.reference}" for r, i in left)
    ]


def _notify_action(args: argparse.Namespace, settings: Settings) -> int:
    from bot.channels.outbound import outbound_sender

    factory = session_factory(settings.database_url)
    incident_id = None
    if args.ref:
        with session_scope(settings.database_url) as session:
            incident_id = find_incident(session, args.ref).id
    with session_scope(settings.database_url) as session:
        channels = channels_to_notify(session, incident_id, pending_only=True)
    if args.dry_run:
        print(
            f"dry run: notices are waiting on {', '.join(sorted(channels)) or 'no channel'}; "
            "nothing was sent"
        )
        return 0
    if problem := transport_problem(settings, channels):
        raise OutageError(problem)
    sent = notify_pending(
        factory,
        outbound_sender(settings),
        incident_id=incident_id,
        resend_unconfirmed=args.resend_unconfirmed,
    )
    print(f"sent {sent} notices")
    return 0


def _notify(settings: Settings, incident_id: int, event: str) -> None:
    from bot.channels.outbound import outbound_sender

    factory = session_factory(settings.database_url)
    sent = notify_incident_event(factory, incident_id, event, outbound_sender(settings))
    status = notify_status(factory, incident_id)
    print(
        f"notified {sent} reporters now; {status.sent} notices sent in all, "
        f"{status.pending} waiting, {status.failed} failed, {status.unconfirmed} unconfirmed"
    )


def _require_transports(settings: Settings, ref: str) -> None:
    """Fail before changing anything when a reporter's channel has no transport."""
    with session_scope(settings.database_url) as session:
        channels = channels_to_notify(session, find_incident(session, ref).id)
    if problem := transport_problem(settings, channels):
        raise OutageError(problem)


def _rehearse(settings: Settings, change, event: str | None, also=None) -> int:
    """`--dry-run`: make the change in a transaction that is rolled back, and print what the
    incident would become (its status said as "would be": nothing is), what `also` says of it,
    and the notices it would send."""
    with session_factory(settings.database_url)() as session:
        try:
            incident = change(session)
            view = _view(session, incident)
            print(incident_line({**view, "status": f"would be {view['status']}"}))
            for line in also(session, incident, dry_run=True) if also else ():
                print(line)
            messages = preview(session, incident, event) if event else []
        finally:
            session.rollback()
    count = print_dry_run(messages)
    print(f"dry run: {count} notices would be sent; nothing was changed or sent")
    return 0


def _view(session, incident: Incident) -> dict:
    return incident_view(
        incident, reporters_count(session, incident), urgent_reports(session, incident)
    )


_ACTIONS = {
    "list": _list,
    "show": _show,
    "update": _update,
    "restore": _restore,
    "notify": _notify_action,
}
