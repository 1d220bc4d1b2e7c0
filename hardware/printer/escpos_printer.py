"""A real ESC/POS printer through python-escpos.

Connections (`devices.printer.connection`):
- `usb:VID:PID` (hex, e.g. `usb:04b8:0e15`; needs pyusb and a udev rule),
- `serial:/dev/ttyUSB0[:baud]` (default 9600 baud),
- `network:HOST[:PORT]` (raw TCP, default port 9100),
- `file:/dev/usb/lp0` (write only: status cannot be read).

The ticket is sent as one job (raster image, QR, cut, then GS r 1; see escpos_job.build_job).
Status comes from DLE EOT 1/2/4 where the connection can read replies (asked once per ticket); a
printer that does not answer within `status_timeout_s` is taken as "status unknown" (not as
offline). A ticket counts as printed only when the printer answers the GS r 1 that follows the
job, within `confirm_timeout_s`: a socket buffer that swallowed the job, a frozen printer or a
write-only device file give PrintUnconfirmed, never success. Any I/O error closes the
connection; the next use reopens it (USB printers go stale after a power cycle). A job is never
sent twice: only a connection found dead before the first byte is reopened and retried.
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import socket
import stat
import threading
import time
from typing import Any

from PIL import Image

from hardware.printer import status_bytes
from hardware.printer.base import PaperOut, PrinterError, PrinterOffline, PrintUnconfirmed
from hardware.printer.escpos_job import StatusPrinter, build_job

log = logging.getLogger(__name__)


class ConnectionSpecError(ValueError):
    pass


def parse_connection(spec: str) -> tuple[str, dict[str, Any]]:
    kind, _, rest = spec.partition(":")
    kind = kind.strip().lower()
    try:
        if kind == "usb":
            vid, _, pid = rest.partition(":")
            return "usb", {"idVendor": int(vid, 16), "idProduct": int(pid, 16)}
        if kind == "serial":
            dev, _, baud = rest.partition(":")
            if not dev:
                raise ValueError("no device")
            return "serial", {"devfile": dev, "baudrate": int(baud) if baud else 9600}
        if kind == "network":
            host, _, port = rest.rpartition(":") if rest.count(":") == 1 else (rest, "", "")
            if not host:
                raise ValueError("no host")
            return "network", {"host": host, "port": int(port) if port else 9100}
        if kind == "file":
            if not rest:
                raise ValueError("no file")
            return "file", {"devfile": rest}
    except ValueError as exc:
        raise ConnectionSpecError(f"printer connection {spec!r}: {exc}") from None
    raise ConnectionSpecError(
        f"printer connection {spec!r}: use usb:VID:PID, serial:DEV[:BAUD], network:HOST[:PORT] or file:PATH"
    )


class EscposPrinter(StatusPrinter):
    def __init__(
        self,
        connection: str,
        width_px: int = 576,
        timeout_s: float = 10.0,
        qr_mode: str = "native",
        status_timeout_s: float = 1.0,
        confirm_timeout_s: float = 6.0,
    ) -> None:
        self.kind, self.params = parse_connection(connection)
        self.name = f"ESC/POS printer ({connection})"
        self.width_px = width_px
        self.timeout_s = timeout_s
        self.qr_mode = qr_mode
        self.status_timeout_s = status_timeout_s
        self.confirm_timeout_s = confirm_timeout_s
        self._dev: Any = None
        self._read_fd: int | None = None  # file: character devices, for status replies
        self._lock = threading.RLock()

    @property
    def can_read(self) -> bool:
        """Status replies can be read: not from a plain file (a character device such as
        /dev/usb/lp0 or a tty is opened a second time for reading)."""
        if self.kind != "file":
            return True
        try:
            return stat.S_ISCHR(os.stat(self.params["devfile"]).st_mode)
        except OSError:
            return False

    def _make(self) -> Any:
        from escpos import printer as p

        if self.kind == "usb":
            if not p.Usb.is_usable():
                raise PrinterOffline(
                    "USB printing needs pyusb (pip install pyusb) and libusb",
                    fix="install pyusb and libusb-1.0, or use file:/dev/usb/lp0",
                )
            return p.Usb(timeout=int(self.timeout_s * 1000), **self.params)
        if self.kind == "serial":
            return p.Serial(timeout=self.status_timeout_s, **self.params)
        if self.kind == "network":
            return p.Network(timeout=self.timeout_s, **self.params)
        return p.File(**self.params)

    def _device(self) -> Any:
        if self._dev is None:
            dev = self._make()
            dev.open()
            if getattr(dev, "device", None) is None:
                raise PrinterOffline("cannot open the connection")
            self._dev = dev
        return self._dev

    def close(self) -> None:
        with self._lock:
            dev, self._dev = self._dev, None
            if dev is not None:
                with contextlib.suppress(Exception):
                    dev.close()
            fd, self._read_fd = self._read_fd, None
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)

    def _io(self, what: str, fn: Any) -> Any:
        """Runs fn(device); on an I/O error reopens once, then raises PrinterOffline."""
        last: Exception | None = None
        for _ in range(2):
            try:
                return fn(self._device())
            except PrinterError:
                self.close()
                raise
            except Exception as exc:  # escpos, usb, serial and socket errors alike
                last = exc
                self.close()
        raise PrinterOffline(f"{what} failed ({type(last).__name__}: {last})")

    def _send(self, data: bytes) -> Any:
        """Writes the job once. A connection found dead before the first byte (drain) is
        reopened by _io; a write that fails part-way is not repeated (it would print twice)."""

        def ready(d: Any) -> Any:
            self._drain(d)
            return d

        dev = self._io("connect", ready)
        try:
            dev._raw(data)
        except Exception as exc:  # escpos, usb, serial and socket errors alike
            self.close()
            raise PrinterOffline(f"send failed ({type(exc).__name__}: {exc})") from None
        return dev

    def query(self, n: int) -> int | None:
        if not self.can_read:
            return None

        def ask(dev: Any) -> int | None:
            self._drain(dev)
            dev._raw(status_bytes.request(n))
            return self._read_reply(dev)

        with self._lock:
            return self._io("status", ask)

    def _drain(self, dev: Any) -> None:
        """Drops stale replies (e.g. one that came after its timeout) before asking again.
        On a network connection the printer closed (idle timeout, power cycle) it raises
        ConnectionError, so the caller reopens instead of writing into a dead socket."""
        if self.kind == "network":
            sock: socket.socket = dev.device
            old = sock.gettimeout()
            sock.settimeout(0.0)
            try:
                while True:
                    chunk = sock.recv(64)
                    if not chunk:
                        raise ConnectionError("the printer closed the connection")
            except BlockingIOError:
                pass
            finally:
                sock.settimeout(old)
            return
        with contextlib.suppress(Exception):
            if self.kind == "serial":
                dev.device.reset_input_buffer()
            elif self.kind == "file" and self._read_fd is not None:
                while os.read(self._read_fd, 64):
                    pass

    def _read_reply(
        self, dev: Any, accept: Any = status_bytes.is_reply, timeout_s: float | None = None
    ) -> int | None:
        """The last byte `accept` takes among what arrives within the timeout (default
        status_timeout_s); None when nothing acceptable came."""
        deadline = time.monotonic() + (self.status_timeout_s if timeout_s is None else timeout_s)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            replies = [b for b in self._read_some(dev, left) if accept(b)]
            if replies:
                return replies[-1]

    def _read_some(self, dev: Any, timeout_s: float) -> bytes:
        if self.kind == "network":
            sock: socket.socket = dev.device
            old = sock.gettimeout()
            sock.settimeout(timeout_s)
            try:
                data = sock.recv(16)
            except TimeoutError:
                return b""
            finally:
                sock.settimeout(old)
            if not data:
                raise ConnectionError("printer closed the connection")
            return data
        if self.kind == "file":
            if self._read_fd is None:
                self._read_fd = os.open(
                    self.params["devfile"], os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY
                )
            ready, _, _ = select.select([self._read_fd], [], [], timeout_s)
            if not ready:
                return b""
            try:
                return os.read(self._read_fd, 16)
            except BlockingIOError:
                return b""
        if self.kind == "serial":
            ser = dev.device  # pyserial: read(16) would wait the whole timeout for 16 bytes
            ser.timeout = timeout_s
            data = bytes(ser.read(1))
            if data and ser.in_waiting:
                data += bytes(ser.read(ser.in_waiting))
            return data
        data = bytes(dev._read() or b"")  # usb: its own read timeout
        if not data:
            time.sleep(min(timeout_s, 0.05))
        return data

    def _await_completion(self, dev: Any) -> None:
        """Waits for the reply to the job's GS r 1: the printer's word that the ticket is out."""
        if not self.can_read:
            raise PrintUnconfirmed("this connection cannot read replies: printing not confirmed")
        try:
            reply = self._read_reply(dev, status_bytes.is_completion_reply, self.confirm_timeout_s)
        except Exception as exc:
            self.close()
            raise PrintUnconfirmed(
                f"connection lost before the printer confirmed ({type(exc).__name__})"
            ) from None
        if reply is None:
            raise PrintUnconfirmed(
                f"no completion reply within {self.confirm_timeout_s:g} s: printing not confirmed"
            )
        if status_bytes.completion_paper_out(reply):
            raise PaperOut("paper ran out during the ticket")

    def print_ticket(self, image: Image.Image, qr_payload: str | None = None) -> None:
        data = build_job(image, qr_payload, self.width_px, self.qr_mode)
        with self._lock:
            self.check()
            dev = self._send(data)
            self._await_completion(dev)
