"""An HTTP server on 127.0.0.1 (a free port) in a background thread: the stand-ins for the
providers' APIs run on it, so the real client libraries talk to them over a real socket."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class JSONHandler(BaseHTTPRequestHandler):
    """A request handler that answers JSON and keeps the test output clean."""

    def send_json(self, status: int, payload: dict | bytes) -> None:
        body = (
            payload
            if isinstance(payload, bytes)
            else json.dumps(payload, ensure_ascii=False).encode()
        )
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass  # the client gave up waiting (a deliberately slow answer)

    def log_message(self, *_args: object) -> None:
        pass


class LocalHTTPServer:
    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True  # a handler left sleeping does not hold up the tests
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Close the socket: from now on, connections are refused. Safe to call twice."""
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()
