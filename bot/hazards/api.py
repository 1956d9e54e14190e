"""The operator's HTTP API for safety hazards, beside the incidents under /operator (same bearer
token, SADEEQ_OPERATOR_TOKEN):

    GET  /operator/hazards[?all=1]               open (or all) hazards, urgent first
    GET  /operator/hazards/{ref}                 one hazard with its reports (numbers masked)
    GET  /operator/hazards/{ref}/photos/{id}     a photo kept with one of its reports
    POST /operator/hazards/{ref}/assign          {"to": "team or person"}
    POST /operator/hazards/{ref}/resolve         {"at", "note"}  (at: ISO 8601, default now)

`ref` is the hazard's HZ-… or any of its reporters' HAZ-…. Resolving tells every reporter once,
after the response is sent (a background task); resolving again resumes what is left unsent.
With no transport for a reporter's channel, resolving changes nothing and answers 503.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.channels.http_body import read_json_object
from bot.channels.outbound import OutboundSender
from bot.hazards.models import HazardMedia
from bot.hazards.notify import notify_resolved, undeliverable_channels
from bot.hazards.service import (
    HazardError,
    HazardNotFound,
    assign_hazard,
    find_hazard,
    list_hazards,
    reports_of,
    resolve_hazard,
)
from bot.hazards.views import hazard_view
from bot.outages.times import parse_local_time
from bot.storage.db import session_factory, session_scope

Handler = Callable[[Request], Awaitable[Response]]


def hazard_routes(
    database_url: str, sender: OutboundSender, guard: Callable[[Handler], Handler]
) -> list[Route]:
    """Routes to mount under /operator, each behind the operator token's `guard`."""
    api = _HazardApi(database_url, sender)
    return [
        Route("/hazards", guard(_errors(api.index)), methods=["GET"]),
        Route("/hazards/{ref}", guard(_errors(api.show)), methods=["GET"]),
        Route("/hazards/{ref}/photos/{photo:int}", guard(_errors(api.photo)), methods=["GET"]),
        Route("/hazards/{ref}/assign", guard(_errors(api.assign)), methods=["POST"]),
        Route("/hazards/{ref}/resolve", guard(_errors(api.resolve)), methods=["POST"]),
    ]


class _NoTransport(HazardError):
    """The reporters could not be told: nothing is done (503, the operator fixes the settings)."""


def _errors(handler: Handler) -> Handler:
    async def answered(request: Request) -> Response:
        try:
            return await handler(request)
        except _NoTransport as exc:
            return JSONResponse({"error": str(exc)}, status_code=503)
        except HazardNotFound as exc:
            return JSONResponse({"error": str(exc)}, status_code=404)
        except HazardError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)

    return answered


class _HazardApi:
    def __init__(self, database_url: str, sender: OutboundSender) -> None:
        self.url = database_url
        self.sender = sender

    async def index(self, request: Request) -> Response:
        include_resolved = request.query_params.get("all", "") in ("1", "true", "yes")

        def work() -> list[dict]:
            with session_scope(self.url) as session:
                return [
                    hazard_view(session, h, detail=False)
                    for h in list_hazards(session, include_resolved=include_resolved)
                ]

        return JSONResponse({"hazards": await run_in_threadpool(work)})

    async def show(self, request: Request) -> Response:
        ref = request.path_params["ref"]

        def work() -> dict:
            with session_scope(self.url) as session:
                return hazard_view(session, find_hazard(session, ref))

        return JSONResponse(await run_in_threadpool(work))

    async def photo(self, request: Request) -> Response:
        ref, photo_id = request.path_params["ref"], request.path_params["photo"]

        def work() -> tuple[bytes, str]:
            with session_scope(self.url) as session:
                hazard = find_hazard(session, ref)
                photo = session.get(HazardMedia, photo_id)
                reports = {r.id for r in reports_of(session, hazard)}
                if photo is None or photo.report_id not in reports or photo.data is None:
                    raise HazardNotFound(f"no stored photo {photo_id} on {hazard.reference}")
                return photo.data, photo.content_type or "application/octet-stream"

        data, content_type = await run_in_threadpool(work)
        return Response(data, media_type=content_type)

    async def assign(self, request: Request) -> Response:
        ref, body = request.path_params["ref"], await _json_body(request)
        to = body.get("to")
        if not isinstance(to, str):
            raise HazardError("to must be a string: the team or person")

        def work() -> dict:
            with session_scope(self.url) as session:
                hazard = assign_hazard(session, ref, to=to, at=datetime.now(UTC))
                return hazard_view(session, hazard)

        return JSONResponse({"hazard": await run_in_threadpool(work)})

    async def resolve(self, request: Request) -> Response:
        ref, body = request.path_params["ref"], await _json_body(request)
        at, note = body.get("at"), body.get("note")
        if at is not None:
            if not isinstance(at, str):
                raise HazardError("at must be an ISO 8601 string")
            try:
                at = parse_local_time(at)
            except ValueError as exc:
                raise HazardError(f"at: {exc}") from None
        if note is not None and not isinstance(note, str):
            raise HazardError("note must be a string")

        def work() -> tuple[dict, int]:
            with session_scope(self.url) as session:
                hazard = find_hazard(session, ref)
                missing = undeliverable_channels(session, hazard.id, self.sender)
                if missing:
                    raise _NoTransport(
                        f"no transport configured for {', '.join(missing)}; nothing changed"
                    )
                hazard = resolve_hazard(session, hazard.id, at=at or datetime.now(UTC), note=note)
                return hazard_view(session, hazard), hazard.id

        view, hazard_id = await run_in_threadpool(work)
        task = BackgroundTask(notify_resolved, session_factory(self.url), hazard_id, self.sender)
        return JSONResponse({"hazard": view, "notifying": "resolved"}, background=task)


BODY_LIMIT = 16 * 1024  # an operator's request is a few short fields


async def _json_body(request: Request) -> dict:
    return await read_json_object(request, BODY_LIMIT, HazardError)
