"""A local HTTP server that records what it is asked for: the preview's network tests
check what the engine fetched (or did not) without leaving the machine."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class RecordingServer(http.server.ThreadingHTTPServer):
    requests: list[str]  # the paths asked for, in order


@contextmanager
def serving(status: int = 200, body: bytes = b"") -> Iterator[RecordingServer]:
    """A server on a free local port answering every GET with ``status`` and ``body``."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.server.requests.append(self.path)  # type: ignore[attr-defined]
            self.send_response(status)
            if body:
                self.send_header("Content-Type", "text/html")
            self.end_headers()
            if body:
                self.wfile.write(body)

        def log_message(self, *_args: Any) -> None:
            pass

    httpd = RecordingServer(("127.0.0.1", 0), Handler)
    httpd.requests = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()
