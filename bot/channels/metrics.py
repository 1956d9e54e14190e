"""Prometheus metrics of the webhook server, served at GET /metrics."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

MESSAGES = Counter("sadeeq_messages_total", "Inbound messages answered", ["channel", "intent"])
LATENCY = Histogram(
    "sadeeq_message_seconds",
    "Time from a parsed inbound message to its rendered answer",
    ["channel"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
ERRORS = Counter("sadeeq_errors_total", "Failures by channel and kind", ["channel", "kind"])

# Kinds of error, so dashboards can tell a bad request from a sick dependency.
BAD_REQUEST = "bad_request"
BAD_SIGNATURE = "bad_signature"
ENGINE = "engine"
DATABASE = "database"
SEND = "send"


# Each label set's counter and histogram, looked up once (`labels` locks and builds a key at
# every call; there are a few dozen intents and a handful of channels).
_MESSAGES: dict[tuple[str, str], Counter] = {}
_LATENCY: dict[str, Histogram] = {}


def record_message(channel: str, intent: str, seconds: float) -> None:
    counter = _MESSAGES.get((channel, intent))
    if counter is None:
        counter = _MESSAGES[channel, intent] = MESSAGES.labels(channel=channel, intent=intent)
    counter.inc()
    histogram = _LATENCY.get(channel)
    if histogram is None:
        histogram = _LATENCY[channel] = LATENCY.labels(channel=channel)
    histogram.observe(seconds)


def record_error(channel: str, kind: str) -> None:
    ERRORS.labels(channel=channel, kind=kind).inc()


async def _metrics(_request: Request) -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


def metrics_routes() -> list[Route]:
    return [Route("/metrics", _metrics, methods=["GET"])]
