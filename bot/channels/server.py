"""`sadeeq serve`: the webhook server, assembled from the channels' routes.

Routes: POST /twilio/whatsapp, POST /twilio/sms, POST /telegram, GET /healthz (the process is
alive), GET /readyz (messages can be answered: bot/channels/readiness.py), GET /metrics, plus
whatever the caller mounts (`extra_routes`: by default the operator API and the console). Before it answers anything
the server brings the database to the schema head.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta

import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from bot.channels.answering import Answerer, ConversationEngine
from bot.channels.metrics import metrics_routes
from bot.channels.readiness import Readiness
from bot.channels.telegram_channel import TelegramWebhook
from bot.channels.twilio_webhook import TwilioWebhook
from bot.config import Settings

log = logging.getLogger(__name__)


def create_app(
    settings: Settings,
    engine: ConversationEngine | None = None,
    extra_routes: Sequence[BaseRoute] | None = None,
) -> Starlette:
    """The whole server. `engine` defaults to `bot.dialogue.engine.Engine(settings)`;
    `extra_routes` (Route or Mount objects) are added after the channels' routes, and default
    to the operator API (present only when SADEEQ_OPERATOR_TOKEN is set) and the operations
    console under /console (bot/console/app.py)."""
    if extra_routes is None:
        from bot.console.app import console_routes
        from bot.outages.api import operator_routes

        extra_routes = [*operator_routes(settings), *console_routes(settings)]
    if engine is None:
        from bot.dialogue.engine import Engine

        engine = Engine(settings)
    answerer = Answerer(engine, settings)
    telegram = TelegramWebhook(settings, answerer)
    readiness = Readiness(settings.database_url, settings.lang)
    routes: list[BaseRoute] = [
        *TwilioWebhook(settings, answerer).routes(),
        *telegram.routes(),
        Route("/healthz", _healthz, methods=["GET"]),
        Route("/readyz", _readyz(readiness), methods=["GET"]),
        *metrics_routes(),
        *extra_routes,
    ]

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # uvicorn accepts connections only once this start-up is done.
        await run_in_threadpool(readiness.prepare)
        pruning = asyncio.create_task(_prune_deliveries(settings))
        try:
            async with telegram.lifespan(app):
                yield
        finally:
            pruning.cancel()

    return Starlette(routes=routes, lifespan=lifespan)


PRUNE_EVERY_SECONDS = 3600.0
PRUNE_START_SECONDS = 5.0  # not in the way of start-up


async def _prune_deliveries(settings: Settings) -> None:
    """Answered messages are kept `deliveries_retention_days` for repeats, then forgotten; so are
    the short memory (for hand-overs) of a contact who has not written for as long, the
    provider's status callbacks, and the not-understood messages nobody labelled."""
    from bot import not_understood
    from bot.channels import deliveries, delivery_status
    from bot.handovers.service import forget_silent

    keep = timedelta(days=settings.deliveries_retention_days)
    while True:
        await asyncio.sleep(PRUNE_START_SECONDS)
        try:
            pruned = await run_in_threadpool(deliveries.prune, settings.database_url, keep)
            if pruned:
                log.info("forgot %d delivered messages older than %d days", pruned, keep.days)
            cleared = await run_in_threadpool(forget_silent, settings.database_url, keep)
            if cleared:
                log.info("forgot the last messages of %d silent contacts", cleared)
            statuses = await run_in_threadpool(delivery_status.forget, settings.database_url, keep)
            unlabelled = await run_in_threadpool(
                not_understood.forget_unlabelled, settings.database_url, keep
            )
            if statuses or unlabelled:
                log.info(
                    "forgot %d status callbacks and %d unlabelled messages", statuses, unlabelled
                )
        except Exception as exc:  # the database may be away: try again at the next round
            log.warning("could not prune old deliveries: %s", exc)
        await asyncio.sleep(PRUNE_EVERY_SECONDS - PRUNE_START_SECONDS)


async def _healthz(_request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})  # alive; whether it can answer is /readyz


def _readyz(readiness: Readiness):
    async def readyz(_request: Request) -> JSONResponse:
        problem = await run_in_threadpool(readiness.problem)
        if problem is None:
            return JSONResponse({"status": "ready"})
        return JSONResponse({"status": "not ready", "reason": problem}, status_code=503)

    return readyz


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1; 0.0.0.0 in a container)",
    )
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.add_argument(
        "--access-log",
        action="store_true",
        help="log every request (off by default: /metrics counts them)",
    )


def run(args: argparse.Namespace) -> int:
    from bot.logs import configure_logging
    from bot.storage.db import limit_statement_time

    limit_statement_time()  # a request must not outlive the provider's wait
    settings = Settings.from_env()
    # One JSON object a line; secrets hidden, phone and account numbers masked.
    configure_logging(json=True, secrets=settings.secrets())
    app = create_app(settings)
    # What start-up built (the app, the models, the caches) lives as long as the process: out of
    # the garbage collector's sight, so that its full collections stop walking it (they took
    # ~50 ms each, mid-request, in bench/bench_outage_burst.py).
    gc.collect()
    gc.freeze()
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        access_log=args.access_log,
        proxy_headers=True,
        log_level="info",
        log_config=None,
        http=HTTP_PARSER,
        loop=EVENT_LOOP,
    )
    return 0


# HTTP parsed in C (httptools) instead of h11: less CPU a request in bench/bench_outage_burst.py
# (bench/RESULTS.md). Named, not left to uvicorn's "auto", so that a lost dependency fails at
# start-up instead of quietly costing that.
HTTP_PARSER = "httptools"
# asyncio's own loop, even where uvloop is installed ("auto" would take it): on uvloop the burst's
# first 34-43 of 64 connections were answered only at its end (8-10 s), their requests not read
# while the others' turns ran back to back on the loop; asyncio's loop served all in turn.
EVENT_LOOP = "asyncio"
