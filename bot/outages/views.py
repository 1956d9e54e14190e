"""An incident as the operator sees it (the JSON of the API and of `sadeeq outages --json`)."""

from __future__ import annotations

from bot.outages.models import REPORT_PREFIX, Incident, format_reference
from bot.outages.times import local_iso


def incident_view(incident: Incident, reporters: int, urgent: int = 0) -> dict:
    """`urgent`: how many of its reporters have someone on medical equipment."""
    return {
        "reference": incident.reference,
        "status": incident.status,
        "urgent": urgent > 0,
        "urgent_reports": urgent,
        "city": incident.city,
        "district": incident.district,
        "latitude": incident.latitude,
        "longitude": incident.longitude,
        "reporters": reporters,
        "started_at": local_iso(incident.started_at),
        "estimated_restoration_at": local_iso(incident.estimated_restoration_at),
        "estimate_version": incident.estimate_version,
        "cause": incident.cause,
        "force_majeure": bool(incident.force_majeure),
        "planned": bool(incident.planned),
        "city_wide": bool(incident.city_wide),
        "notice_at": local_iso(incident.notice_at),
        "restored_at": local_iso(incident.restored_at),
        "reopened_from": (
            f"INC-{incident.reopened_from_id:06d}" if incident.reopened_from_id else None
        ),
    }


def incident_line(view: dict) -> str:
    """One line of `sadeeq outages list`."""
    place = " / ".join(p for p in (view["city"], view["district"]) if p) or "(no district)"
    eta = view["estimated_restoration_at"] or "-"
    urgent = f"  URGENT ({view['urgent_reports']} medical)" if view["urgent"] else ""
    return (
        f"{view['reference']}  {view['status']:<9}  {view['reporters']:>6} reporters  "
        f"started {view['started_at']}  eta {eta}  {place}{urgent}"
    )


def report_view(report) -> dict:
    """One reporter of an incident, as `sadeeq outages show` lists them."""
    return {
        "reference": report.reference,
        "channel": report.channel,
        "reported_at": local_iso(report.reported_at),
        "stated_start": local_iso(report.stated_start),
        "stated_end": local_iso(report.stated_end),
        "district": report.district,
        "still_off": bool(report.still_off),
        "urgent": bool(report.urgent),
        "power_back_at": local_iso(report.power_back_at),
        "cancelled_at": local_iso(report.cancelled_at),
    }


def report_line(view: dict) -> str:
    start = view["stated_start"] or "-"
    urgent = "URGENT: medical equipment  " if view["urgent"] else ""
    # The time the reporter said it came back, else when they told us it was back.
    back_at = view.get("stated_end") or view.get("power_back_at")
    back = f"says back at {back_at}  " if back_at else ""
    cancelled = f"CANCELLED {view['cancelled_at']}  " if view.get("cancelled_at") else ""
    return (
        f"  {view['reference']}  {view['channel']:<9}  reported {view['reported_at']}  "
        f"says off since {start}  {urgent}{back}{cancelled}{view['district'] or ''}"
    ).rstrip()


def undelivered_view(note) -> dict:
    """One notice that did not arrive (Twilio's status callback), as `outages show` lists it."""
    return {
        "report": format_reference(REPORT_PREFIX, note.report_id),
        "event": note.event,
        "status": note.delivery_status,
        "error_code": note.delivery_error,
    }


def undelivered_line(view: dict) -> str:
    return (
        f"  {view['report']}  {view['event']:<12}  {view['status']}"
        f"  error {view['error_code'] or '-'}"
    )
