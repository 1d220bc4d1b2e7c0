"""The scaffolding the payment simulators share: a threaded HTTP server on localhost that a
test or `kiosk sim …` starts, stops and addresses by URL. Its handler reaches the simulator
as `self.server.sim`."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self


class SimServer(ThreadingHTTPServer):
    daemon_threads = True
    sim: Any


class LocalHttpSim:
    thread_name = "http-sim"

    def _listen(self, host: str, port: int, handler: type[BaseHTTPRequestHandler]) -> None:
        self._server = SimServer((host, port), handler)
        self._server.sim = self
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> Self:
        self._thread = threading.Thread(
            target=self._server.serve_forever, name=self.thread_name, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
