"""Serve a built site on loopback, for the PDF, the browser tests and the benchmark."""
from __future__ import annotations

import http.server
import socket
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

# An extra answer the server gives at one path instead of a file: (body, Content-Type).
Answer = tuple[bytes, str]


def free_port() -> int:
    """A loopback port free now, for a server started in another process (the preview, JupyterLab)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extra: Mapping[str, Answer] = {}

    def do_GET(self) -> None:
        answer = self.extra.get(urlsplit(self.path).path)
        if answer is None:
            super().do_GET()
            return
        body, content_type = answer
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:  # noqa: ANN001
        """A browser that navigates away mid-download closes its socket: not an error of the site."""
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


@dataclass
class Server:
    httpd: _QuietServer
    thread: threading.Thread

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def serve(directory: Path, extra: Mapping[str, Answer] | None = None) -> Server:
    """Serve ``directory`` on 127.0.0.1 at a free port, in a background thread.

    ``extra`` maps URL paths (``/report.html``) to answers given instead of files:
    the PDF serves its prepared page and print.css this way.
    """
    handler = type("Handler", (_QuietHandler,), {"extra": dict(extra or {})})
    httpd = _QuietServer(("127.0.0.1", 0), lambda *args, **kwargs: handler(*args, directory=str(directory), **kwargs))
    thread = threading.Thread(target=httpd.serve_forever, name="site-server", daemon=True)
    thread.start()
    return Server(httpd, thread)
