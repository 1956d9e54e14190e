"""A hazard as the operator sees it (the JSON of the API and of `sadeeq hazards --json`).

Reporters' numbers never appear in full: senders, and any number inside what they wrote, keep
only their last four digits (the same masking as the logs).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.hazards.models import Hazard, HazardMedia, HazardReport
from bot.hazards.notify import notice_counts
from bot.hazards.service import media_of, reports_of
from bot.logs import mask_numbers
from bot.outages.times import local_iso


def _masked(text: str | None) -> str | None:
    return mask_numbers(text) if text else text


def hazard_view(session: Session, hazard: Hazard, *, detail: bool = True) -> dict:
    reports = reports_of(session, hazard)
    photos = media_of(session, [r.id for r in reports])
    view = {
        "reference": hazard.reference,
        "kind": hazard.kind,
        "urgent": bool(hazard.urgent),
        "status": hazard.status,
        "latitude": hazard.latitude,
        "longitude": hazard.longitude,
        "place": _masked(hazard.place),
        "reporters": len(reports),
        # The numbers the reporters were given (HAZ-…), each accepted wherever HZ-… is.
        "report_references": [r.reference for r in reports],
        "photos": sum(1 for p in photos if p.data is not None),
        "first_reported_at": local_iso(hazard.first_reported_at),
        "last_reported_at": local_iso(hazard.last_reported_at),
        "assigned_to": hazard.assigned_to,
        "assigned_at": local_iso(hazard.assigned_at),
        "resolved_at": local_iso(hazard.resolved_at),
        "resolution": hazard.resolution,
    }
    if detail:
        view["reports"] = [
            _report_view(r, [p for p in photos if p.report_id == r.id]) for r in reports
        ]
        view["notices"] = notice_counts(session, hazard.id)
    return view


def _report_view(report: HazardReport, photos: list[HazardMedia]) -> dict:
    return {
        "reference": report.reference,
        "channel": report.channel,
        "sender": mask_numbers(report.sender),
        "lang": report.lang,
        "reported_at": local_iso(report.reported_at),
        "kind": report.kind,
        "danger": bool(report.danger),
        "text": _masked(report.text),
        "place": _masked(report.place),
        "latitude": report.latitude,
        "longitude": report.longitude,
        "address": _masked(report.address),
        "photos": [
            {
                "id": p.id,
                "status": p.status,
                "content_type": p.content_type,
                "size": p.size,
                "error": p.error,
            }
            for p in photos
        ],
    }


REFERENCES_SHOWN = 3  # reporters' numbers on one line of the list


def hazard_line(view: dict) -> str:
    """One line of `sadeeq hazards list`."""
    if view["latitude"] is not None:
        place = f"{view['latitude']:.5f},{view['longitude']:.5f}"
    else:
        place = view["place"] or "(no place)"
    flag = "URGENT" if view["urgent"] else "      "
    who = f"  → {view['assigned_to']}" if view["assigned_to"] else ""
    # The subscribers' numbers beside the hazard's own: an operator told "HAZ-000001" finds it.
    told = view.get("report_references") or []
    shown = ", ".join(told[:REFERENCES_SHOWN]) + (", …" if len(told) > REFERENCES_SHOWN else "")
    return (
        f"{view['reference']}  {flag}  {view['status']:<8}  {view['kind']:<12}  "
        f"{view['reporters']:>3} reporters  {view['photos']:>2} photos  "
        f"last {(view['last_reported_at'] or '')[:16]}  {place}{who}"
        + (f"  (reports {shown})" if shown else "")
    )
