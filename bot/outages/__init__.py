"""Outage incidents: subscribers' reports joined per area, operator updates and restoration
notices with the compensation the standards engine computes.

The dialogue and the operator tools use what is imported here; the tables are in
`bot.outages.models`, the operator command in `bot.outages.cli`, the HTTP API in `bot.outages.api`.
"""

from bot.outages.compensation import (
    compensation_cases_for_phone,
    compensation_for_report,
    compensations_for_report,
    covered_report,
    covering_report,
    restoration_standard,
)
from bot.outages.notify import (
    ESTIMATE,
    RESTORED_EVENT,
    notify_incident_event,
    notify_pending,
)
from bot.outages.service import (
    OutageError,
    ReportOutcome,
    find_incident,
    flag_urgent,
    latest_of,
    latest_report,
    list_incidents,
    record_stated_end,
    report_outage,
    reporters_count,
    reports_by_sender,
    restore_incident,
    update_incident,
)

__all__ = [
    "ESTIMATE",
    "RESTORED_EVENT",
    "OutageError",
    "ReportOutcome",
    "compensation_cases_for_phone",
    "compensation_for_report",
    "compensations_for_report",
    "covered_report",
    "covering_report",
    "find_incident",
    "flag_urgent",
    "latest_of",
    "latest_report",
    "list_incidents",
    "record_stated_end",
    "notify_incident_event",
    "notify_pending",
    "report_outage",
    "reporters_count",
    "reports_by_sender",
    "restoration_standard",
    "restore_incident",
    "update_incident",
]
