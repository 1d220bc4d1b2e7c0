"""A network (raw TCP, port 9100 style) ESC/POS printer simulator, for testers and tests.

It accepts connections, interprets what it receives (escpos_interpreter), answers DLE EOT status
requests from its current `condition`, and writes every cut page as
`<output_dir>/<YYYYmmdd-HHMMSS>-net-<n>.png`. Point the kiosk at it with
`[devices.printer] backend = "escpos"`, `connection = "network:127.0.0.1:9100"`
(`kiosk sim printer --port 9100`).

It answers GS r 1 (the job's completion request) after the pages before it were printed. Faults
for the fault suite and for testers: `silent` (no status replies, no completion), `never_read`
(accepts the connection and never reads a byte), `reset_after` (resets the connection after
that many bytes), and a process frozen with SIGSTOP (`kiosk sim printer` in its own process).
"""

from __future__ import annotations

import logging
import socket
import struct
import threading
import time
from pathlib import Path

from PIL import Image

from hardware.printer.base import PaperState
from hardware.printer.escpos_interpreter import EscPosInterpreter, Interpretation
from hardware.printer.status_bytes import PrinterCondition, completion_reply

log = logging.getLogger(__name__)

READY = PrinterCondition(online=True, cover_open=False, paper=PaperState.OK, error=False)


class NetworkPrinterSimulator:
    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        output_dir: Path | None = None,
        width_px: int = 576,
    ) -> None:
        self.server = socket.create_server((host, port))
        self.host, self.port = self.server.getsockname()[:2]
        self.output_dir = output_dir
        self.width_px = width_px
        self.condition = READY
        self.silent = False  # True: never answer status requests (like some cheap printers)
        self.never_read = False  # True: accept, then never read (a wedged printer)
        self.reset_after: int | None = None  # reset the connection after this many bytes
        self.received = bytearray()
        self.jobs: list[Interpretation] = []
        self.pages: list[Image.Image] = []
        self.png_files: list[Path] = []
        self.connections = 0
        self._stop = threading.Event()
        self._drop = threading.Event()
        self._thread: threading.Thread | None = None

    def drop_connection(self) -> None:
        """Closes the current client connection (as a printer's idle timeout would)."""
        self._drop.set()
        for _ in range(50):
            if not self._drop.is_set():
                return
            time.sleep(0.02)

    # -- running --------------------------------------------------------------------------

    def start(self) -> NetworkPrinterSimulator:
        self._thread = threading.Thread(target=self.serve_forever, name="printer-sim", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self.server.settimeout(0.2)
        while not self._stop.is_set():
            try:
                conn, _ = self.server.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            with conn:
                self._serve(conn)

    def _serve(self, conn: socket.socket) -> None:
        def reply(byte: int) -> None:
            try:
                conn.sendall(bytes([byte]))
            except OSError:  # the host went away: a printer does not stop printing for that
                log.debug("simulated network printer: reply not delivered")

        def answer(n: int) -> None:
            if not self.silent:
                reply(self.condition.reply(n))

        def completed(n: int) -> None:
            # the pages before GS r were interpreted (and kept) by now: say so
            for page in interp.result.pages[len(kept) :]:
                self._keep(page)
                kept.append(page)
            if not self.silent and n in (1, 49):
                reply(completion_reply(self.condition.paper))

        interp = EscPosInterpreter(
            self.width_px, on_status_request=answer, on_transmit_status=completed
        )
        kept: list[Image.Image] = []
        conn.settimeout(0.05)
        if self.never_read:
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            while not self._stop.is_set() and not self._drop.is_set():
                time.sleep(0.05)
            self._drop.clear()
            return
        count = 0
        while not self._stop.is_set():
            if self._drop.is_set():
                self._drop.clear()
                break
            try:
                data = conn.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                break
            if not data:
                break
            count += len(data)
            if self.reset_after is not None and count > self.reset_after:
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                break  # closing with linger 0 sends RST
            self.received += data
            interp.feed(data)
            for page in interp.result.pages[len(kept) :]:
                self._keep(page)
                kept.append(page)
        result = interp.finish()
        for page in result.pages[len(kept) :]:
            self._keep(page)
        self.jobs.append(result)

    def _keep(self, page: Image.Image) -> None:
        self.pages.append(page)
        if self.output_dir is None:
            return
        self.output_dir.mkdir(parents=True, exist_ok=True)
        path = self.output_dir / f"{time.strftime('%Y%m%d-%H%M%S')}-net-{len(self.pages)}.png"
        page.save(path)
        self.png_files.append(path)
        log.info("simulated network printer: page written to %s", path)

    def close(self) -> None:
        self._stop.set()
        self.server.close()
        if self._thread is not None:
            self._thread.join(5)

    def __enter__(self) -> NetworkPrinterSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
