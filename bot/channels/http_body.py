"""Request bodies read with a size limit, before anything parses them."""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.requests import Request


async def read_limited_body(request: Request, limit: int) -> bytes:
    """The whole body, or HTTP 413 as soon as it is known to exceed `limit` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise HTTPException(400, "bad Content-Length")
        if int(declared) > limit:
            raise HTTPException(413, "request body too large")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise HTTPException(413, "request body too large")
    return bytes(body)


async def read_json_object(request: Request, limit: int, error: type[Exception]) -> dict:
    """An operator request's JSON object (an empty body is {}); `error` with one line otherwise."""
    raw = await read_limited_body(request, limit)  # 413 past the limit
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        raise error("the body is not JSON") from None
    if not isinstance(body, dict):
        raise error("the body must be a JSON object")
    return body


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
