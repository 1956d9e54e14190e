"""The operator's HTTP API for outage incidents, mounted by the webhook server under /operator.

    GET  /operator/incidents[?all=1]              open (or all) incidents, with reporter counts,
                                                  urgent ones (medical equipment) first
    GET  /operator/incidents/{ref}                one incident, with its reports
    POST /operator/incidents/{ref}/update         {"eta", "cause", "force_majeure", "planned",
                                                   "city_wide", "notice_at", "started_at"}
                                                   (times ISO 8601,
                                                   Asia/Riyadh when no offset)
    POST /operator/incidents/{ref}/restore        {"at"}  (default: now)
    POST /operator/incidents/{ref}/notify         {"resend_unconfirmed": false}

The safety hazards' routes (/operator/hazards…) live in bot/hazards/api.py, behind the same token.

Every request carries `Authorization: Bearer $SADEEQ_OPERATOR_TOKEN` (compared in constant
time): none → 401, a wrong one → 403. With no token configured there are no routes (404).
Reporters are notified after the response is sent (a background task), as `sadeeq outages` does.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from functools import partial
from typing import TypedDict

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from bot.channels.database_errors import DATABASE_ERRORS
from bot.channels.http_body import read_json_object
from bot.channels.outbound import OutboundSender
from bot.config import Settings
from bot.outages import actions
from bot.outages.actions import NoTransport
from bot.outages.notify import RESTORED_EVENT, notify_incident_event
from bot.outages.service import (
    IncidentNotFound,
    OutageError,
    find_incident,
    list_incidents,
    reports_of,
)
from bot.outages.times import parse_local_time
from bot.outages.views import report_view
from bot.storage.db import session_factory, session_scope

log = logging.getLogger(__name__)

Handler = Callable[[Request], Awaitable[Response]]
BODY_LIMIT = 16 * 1024  # an update is a few short fields


def operator_routes(settings: Settings, sender: OutboundSender | None = None) -> list[BaseRoute]:
    token = settings.operator_token
    if not token:
        return []
    check: Callable[[set[str]], str | None] = lambda _channels: None  # noqa: E731
    if sender is None:
        from bot.channels.outbound import outbound_sender, transport_problem

        sender = outbound_sender(settings)
        check = partial(transport_problem, settings)
    from bot.hazards.api import hazard_routes

    api = _OperatorApi(settings.database_url, sender, check)
    guard = _bearer_guard(token)
    return [
        Mount(
            "/operator",
            routes=[
                Route("/incidents", guard(api.index), methods=["GET"]),
                Route("/incidents/{ref}", guard(api.show), methods=["GET"]),
                Route("/incidents/{ref}/update", guard(api.update), methods=["POST"]),
                Route("/incidents/{ref}/restore", guard(api.restore), methods=["POST"]),
                Route("/incidents/{ref}/notify", guard(api.notify), methods=["POST"]),
                *hazard_routes(settings.database_url, sender, guard),
            ],
        )
    ]


def _bearer_guard(token: str) -> Callable[[Handler], Handler]:
    expected = token.encode()

    def guard(handler: Handler) -> Handler:
        async def guarded(request: Request) -> Response:
            scheme, _, given = request.headers.get("authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not given.strip():
                return JSONResponse(
                    {"error": "operator token required"},
                    status_code=401,
                    headers={"WWW-Authenticate": "Bearer"},
                )
            if not hmac.compare_digest(given.strip().encode(), expected):
                return JSONResponse({"error": "operator token not accepted"}, status_code=403)
            try:
                return await handler(request)
            except IncidentNotFound as exc:
                return JSONResponse({"error": str(exc)}, status_code=404)
            except NoTransport as exc:
                log.warning("operator API answered 503: %s", exc)
                return JSONResponse({"error": str(exc)}, status_code=503)
            except HTTPException as exc:
                return JSONResponse({"error": exc.detail}, status_code=exc.status_code)
            except (OutageError, ValueError, OverflowError) as exc:  # e.g. a time in year 1
                return JSONResponse({"error": str(exc) or type(exc).__name__}, status_code=400)
            except DATABASE_ERRORS as exc:
                log.warning(
                    "operator API answered 503: database unavailable (%s)",
                    str(getattr(exc, "orig", None) or exc).splitlines()[0][:200],
                )
                return JSONResponse(
                    {"error": "database unavailable, try again"},
                    status_code=503,
                    headers={"Retry-After": "30"},
                )

        return guarded

    return guard


class _OperatorApi:
    def __init__(
        self,
        database_url: str,
        sender: OutboundSender,
        transport_problem: Callable[[set[str]], str | None],
    ) -> None:
        self.url = database_url
        self.sender = sender
        self.transport_problem = transport_problem

    async def index(self, request: Request) -> Response:
        include_closed = request.query_params.get("all", "") in ("1", "true", "yes")

        def work() -> list[dict]:
            with session_scope(self.url) as session:
                return actions.summaries(
                    session, list_incidents(session, include_closed=include_closed)
                )

        return JSONResponse({"incidents": await run_in_threadpool(work)})

    async def show(self, request: Request) -> Response:
        ref = request.path_params["ref"]

        def work() -> dict:
            with session_scope(self.url) as session:
                incident = find_incident(session, ref)
                return {
                    **actions.summary(session, incident),
                    "reports": [report_view(r) for r in reports_of(session, incident)],
                }

        return JSONResponse(await run_in_threadpool(work))

    async def update(self, request: Request) -> Response:
        ref, body = request.path_params["ref"], await _json_body(request)
        changes: _Changes = {
            "eta": _time_field(body, "eta"),
            "cause": _text_field(body, "cause"),
            "force_majeure": _bool_field(body, "force_majeure"),
            "planned": _bool_field(body, "planned"),
            "city_wide": _bool_field(body, "city_wide"),
            "notice_at": _time_field(body, "notice_at"),
            "started_at": _time_field(body, "started_at"),
        }
        view, incident_id, event = await run_in_threadpool(
            actions.update, self.url, ref, changes, self.transport_problem
        )
        return self._answer(view, incident_id, event)

    async def restore(self, request: Request) -> Response:
        ref, body = request.path_params["ref"], await _json_body(request)
        at = _time_field(body, "at")
        view, incident_id = await run_in_threadpool(
            actions.restore, self.url, ref, at, self.transport_problem
        )
        return self._answer(view, incident_id, RESTORED_EVENT)

    async def notify(self, request: Request) -> Response:
        ref, body = request.path_params["ref"], await _json_body(request)
        resend = bool(_bool_field(body, "resend_unconfirmed"))
        sent = await run_in_threadpool(
            partial(
                actions.resume_notices,
                self.url,
                ref,
                self.sender,
                self.transport_problem,
                resend_unconfirmed=resend,
            )
        )
        return JSONResponse({"sent": sent})

    def _answer(self, view: dict, incident_id: int, event: str | None) -> Response:
        if event is None:
            return JSONResponse({"incident": view, "notifying": None})
        task = BackgroundTask(
            notify_incident_event, session_factory(self.url), incident_id, event, self.sender
        )
        return JSONResponse({"incident": view, "notifying": event}, background=task)


async def _json_body(request: Request) -> dict:
    return await read_json_object(request, BODY_LIMIT, OutageError)


class _Changes(TypedDict):
    """An update's fields as `update_incident` takes them (None: not changed)."""

    eta: datetime | None
    cause: str | None
    force_majeure: bool | None
    planned: bool | None
    city_wide: bool | None
    notice_at: datetime | None
    started_at: datetime | None


def _time_field(body: dict, name: str) -> datetime | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise OutageError(f"{name} must be an ISO 8601 string")
    try:
        return parse_local_time(value)
    except ValueError as exc:
        raise OutageError(f"{name}: {exc}") from None


def _text_field(body: dict, name: str) -> str | None:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise OutageError(f"{name} must be a string")
    return value


def _bool_field(body: dict, name: str) -> bool | None:
    value = body.get(name)
    if value is not None and not isinstance(value, bool):
        raise OutageError(f"{name} must be true or false")
    return value
