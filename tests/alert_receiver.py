"""A real alert receiver for tests: an HTTP server on 127.0.0.1, in a thread, that records what Apprise posts.

Apprise's ``json://127.0.0.1:PORT/PATH`` posts ``{"title", "message", "type", ...}`` to ``http://127.0.0.1:PORT/PATH``.
The receiver keeps each one with its path, answers 200 (or 500 for the first ``fail_first`` ones), and, made with
``hold=True``, keeps every request waiting without an answer until it is closed: a receiver that is slow.
"""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

#: A token no output, log, report or journal may ever show.
TOKEN = "tok-5ecret-A1B2C3D4E5"
#: How long a holding receiver keeps a request at most.
HOLD_S = 30


class AlertReceiver:
    """Records every alert posted to it; ``url()`` is the Apprise URL that reaches it (with a secret path)."""

    def __init__(self, *, hold: bool = False, fail_first: int = 0) -> None:
        self.alerts: list[dict[str, Any]] = []
        self.requests = 0
        self.waiting = 0
        self._hold = hold
        self._fail_first = fail_first
        self._release = threading.Event()
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server API
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver._lock:
                    receiver.requests += 1
                    failing = receiver.requests <= receiver._fail_first
                if receiver._hold:
                    with receiver._lock:
                        receiver.waiting += 1
                    receiver._release.wait(HOLD_S)
                    with receiver._lock:
                        receiver.waiting -= 1
                    return
                if not failing:
                    with receiver._lock:
                        receiver.alerts.append({**json.loads(body or b"{}"), "path": self.path})
                self.send_response(500 if failing else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="alert-receiver", daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def url(self, token: str = TOKEN) -> str:
        """The Apprise URL of this receiver, its path carrying ``token``. A holding receiver's URL lets a read
        take a minute (``rto=60``), as a slow service may: only the alerts' own time cap ends the wait."""
        return f"json://127.0.0.1:{self.port}/hooks/{token}" + ("?rto=60" if self._hold else "")

    def titles(self) -> list[str]:
        return [str(a["title"]) for a in self.alerts]

    def start(self) -> AlertReceiver:
        self._thread.start()
        return self

    def close(self) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> AlertReceiver:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def closed_port_url(token: str = TOKEN) -> str:
    """An Apprise URL of a receiver that is down: a loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    return f"json://127.0.0.1:{port}/hooks/{token}"
