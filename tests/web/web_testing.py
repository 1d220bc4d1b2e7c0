"""Helpers for the web tests: an app on a temp data dir, a real uvicorn server in a thread."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from typing import Any

import uvicorn

from kiosk.config import KioskConfig
from kiosk.queue.service import QueueService, TicketRequest
from web.app import create_app
from web.settings import WebSettings

PASSWORD = "correct horse battery"


def make_app(data_dir: Path, dsn: str = "", config: Any = None, **settings: Any) -> Any:
    if config is None:
        config = KioskConfig.model_validate({"data_dir": str(data_dir), "storage": {"dsn": dsn}})
    service = QueueService.from_config(config)
    app = create_app(config, WebSettings(**settings), service)
    for role in ("counter", "supervisor", "admin"):
        app.state.auth.add_user(role, PASSWORD, role)
    app.state.service = service
    return app


def issue(service: QueueService, clinic: str = "noi", priority: str | None = None) -> Any:
    return service.issue(TicketRequest(clinic_id=clinic, insured=True, priority=priority))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    def __init__(self, app: Any) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(
            uvicorn.Config(
                app,
                host="127.0.0.1",
                port=self.port,
                log_level="warning",
                timeout_graceful_shutdown=1,
            )
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
