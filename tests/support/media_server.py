"""A local stand-in for where providers keep the photos subscribers send (Twilio's MediaUrl),
serving a small JPEG-looking file, with HTTP basic auth when credentials are given:

    with MediaServer(credentials=("AC123", "token")) as media:
        media.url("photo.jpg")      # http://127.0.0.1:PORT/media/photo.jpg
        media.requests              # [(path, authorization header), ...]
        media.files["big.jpg"] = b"x" * 10_000_000
"""

from __future__ import annotations

import base64
from http.server import BaseHTTPRequestHandler

from tests.support.local_http import JSONHandler, LocalHTTPServer

# The start of a JPEG file (SOI and a JFIF header), then filler: enough to look like a photo.
PHOTO = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(range(256)) * 8
)


class MediaServer:
    def __init__(self, credentials: tuple[str, str] | None = None) -> None:
        self.credentials = credentials
        self.files: dict[str, bytes] = {"photo.jpg": PHOTO}
        self.requests: list[tuple[str, str | None]] = []
        self._http = LocalHTTPServer(_handler_for(self))

    def url(self, name: str = "photo.jpg") -> str:
        return f"{self._http.url}/media/{name}"

    def __enter__(self) -> MediaServer:
        self._http.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._http.stop()

    def answer(self, path: str, authorization: str | None) -> tuple[int, bytes]:
        self.requests.append((path, authorization))
        if self.credentials is not None:
            expected = "Basic " + base64.b64encode(":".join(self.credentials).encode()).decode()
            if authorization != expected:
                return 401, b'{"message": "authenticate"}'
        name = path.removeprefix("/media/")
        if name not in self.files:
            return 404, b'{"message": "not found"}'
        return 200, self.files[name]


def _handler_for(server: MediaServer) -> type[BaseHTTPRequestHandler]:
    class Handler(JSONHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            status, body = server.answer(
                self.path.split("?", 1)[0], self.headers.get("Authorization")
            )
            try:
                self.send_response(status)
                self.send_header(
                    "Content-Type", "image/jpeg" if status == 200 else "application/json"
                )
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:
                pass

    return Handler
