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

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.channels.http_body import read_json_object
from bot.channels.outbound import OutboundSender
from bot.hazards import actions
from bot.hazards.actions import NoTransport
from bot.hazards.notify import notify_resolved
from bot.hazards.service import (
    HazardError,
    HazardNotFound,
    find_hazard,
    list_hazards,
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


def _errors(handler: Handler) -> Handler:
    async def answered(request: Request) -> Response:
        try:
            return await handler(request)
        except NoTransport as exc:
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

        data, content_type = await run_in_threadpool(actions.photo, self.url, ref, photo_id)
        return Response(data, media_type=content_type)

    async def assign(self, request: Request) -> Response:
        ref, body = request.path_params["ref"], await _json_body(request)
        to = body.get("to")
        if not isinstance(to, str):
            raise HazardError("to must be a string: the team or person")

        view = await run_in_threadpool(actions.assign, self.url, ref, to)
        return JSONResponse({"hazard": view})

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

        view, hazard_id = await run_in_threadpool(
            actions.resolve, self.url, ref, self.sender, at, note
        )
        task = BackgroundTask(notify_resolved, session_factory(self.url), hazard_id, self.sender)
        return JSONResponse({"hazard": view, "notifying": "resolved"}, background=task)


BODY_LIMIT = 16 * 1024  # an operator's request is a few short fields


async def _json_body(request: Request) -> dict:
    return await read_json_object(request, BODY_LIMIT, HazardError)
