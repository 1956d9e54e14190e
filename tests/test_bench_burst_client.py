"""The outage burst's load generator (bench/bench_outage_burst.py `send_all`): it counts an answer
only when it is whole, a 200 and carries the expected text; a connection the server closes fails
the request in flight and the rest still go out; the bytes it sends are the signed form."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qsl

from twilio.request_validator import RequestValidator

from bench.bench_outage_burst import encode_requests, send_all
from bench.bench_server import PATH, PUBLIC_URL, TOKEN


def _requests(count: int) -> list[tuple[dict[str, str], str]]:
    validator = RequestValidator(TOKEN)
    out = []
    for i in range(count):
        params = {"MessageSid": f"SM{i}", "From": f"whatsapp:+96650000{i:04d}", "Body": "طافية"}
        out.append((params, validator.compute_signature(PUBLIC_URL + PATH, params)))
    return out


async def _serve(answer) -> tuple[asyncio.Server, int]:
    """A raw HTTP/1.1 server: `answer(number, request_bytes)` gives the bytes to write back
    (in pieces, to show the client waits for the whole answer), or None to close."""
    seen = 0

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal seen
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError:
                break
            length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
            body = await reader.readexactly(length)
            seen += 1
            pieces = answer(seen, head + body)
            if pieces is None:
                writer.close()
                return
            for piece in pieces:
                writer.write(piece)
                await writer.drain()
                await asyncio.sleep(0.001)
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


def _response(status: str, body: bytes) -> list[bytes]:
    whole = f"HTTP/1.1 {status}\r\ncontent-length: {len(body)}\r\n\r\n".encode() + body
    return [whole[:20], whole[20:-3], whole[-3:]]


def test_encoded_requests_carry_the_signed_form_and_its_length() -> None:
    requests = _requests(2)
    for (params, signature), raw in zip(requests, encode_requests(requests, 8000), strict=True):
        head, body = raw.split(b"\r\n\r\n")
        assert head.startswith(f"POST {PATH} HTTP/1.1\r\n".encode())
        assert f"X-Twilio-Signature: {signature}".encode() in head
        assert f"Content-Length: {len(body)}".encode() in head
        assert dict(parse_qsl(body.decode())) == params


def test_only_whole_200_answers_with_the_reference_are_acknowledged() -> None:
    async def run():
        def answer(number, _request):
            if number % 10 == 3:
                return _response("503 Service Unavailable", b"try again later")
            if number % 10 == 7:
                return _response("200 OK", b"<Response><Message>no reference</Message></Response>")
            return _response("200 OK", b"<Response><Message>OUT-123</Message></Response>")

        server, port = await _serve(answer)
        async with server:
            return await send_all(port, _requests(40), 4, "OUT-")

    burst = asyncio.run(run())
    assert len(burst.latencies) == 40
    assert burst.acknowledged == 32
    assert len(burst.failures) == 8
    assert all(latency > 0.002 for latency in burst.latencies)  # waited for the last piece
    assert burst.client_cpu > 0


def test_a_closed_connection_fails_its_request_and_the_rest_still_go() -> None:
    async def run():
        def answer(number, _request):
            if number == 5:
                return None
            return _response("200 OK", b"OUT-1")

        server, port = await _serve(answer)
        async with server:
            return await send_all(port, _requests(20), 2, "OUT-")

    burst = asyncio.run(run())
    assert burst.acknowledged == 19
    assert len(burst.failures) == 1 and "connection closed" in burst.failures[0]
