"""Client of Debian's vsmartcard-vpcd driver: puts a card emulator into "Virtual PCD 00 0n".

pcscd's vpcd driver listens on 127.0.0.1:35963 (slot 0; 35964 slot 1). The card connects,
then every message is a 2-byte big-endian length + data: a 1-byte message is a control code
(0 power off, 1 power on, 2 reset, 4 get ATR: answer with the ATR), anything longer is a
command APDU to answer with a response APDU. While the connection is open pcscd sees a card
in the reader; closing it is a card removal.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import socket
import struct
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from hardware.icao.transport import CardGone

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 35963
VPCD_CTRL_OFF = 0
VPCD_CTRL_ON = 1
VPCD_CTRL_RESET = 2
VPCD_CTRL_ATR = 4
#: after a removal in the middle of a command, wait this long before inserting another card
REINSERT_GAP_S = 1.0


class VpcdError(Exception):
    """vpcd is not listening or the link broke."""


@contextlib.contextmanager
def slot_lock(port: int = DEFAULT_PORT, timeout: float = 120.0) -> Iterator[None]:
    """Exclusive use of one vpcd slot among cooperating processes (tests, `kiosk bench card`).

    vpcd serves one card per slot: two emulators on the same port would take turns
    unpredictably. Raises VpcdError when the slot stays busy for `timeout` seconds.
    """
    path = Path(tempfile.gettempdir()) / f"kiosk-vpcd-{port}.lock"
    with open(path, "w") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError:
                if time.monotonic() >= deadline:
                    raise VpcdError(f"vpcd slot {port} is busy (another test or bench)") from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class VirtualCard(Protocol):
    @property
    def atr(self) -> bytes: ...

    def reset(self) -> None: ...

    def process(self, apdu: bytes) -> bytes: ...


def _quickack(sock: socket.socket) -> None:
    """vpcd writes the length and the data in two segments; without an immediate ACK, Nagle
    on its side and delayed ACK on ours cost about 40 ms per message (Linux only)."""
    quickack = getattr(socket, "TCP_QUICKACK", None)
    if quickack is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, quickack, 1)


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        _quickack(sock)
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("vpcd closed the connection")
        buf += chunk
    return bytes(buf)


class VpcdCard:
    """Serves one card on a vpcd slot until `stop()` (or the card's removal fault)."""

    def __init__(
        self, card: VirtualCard, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT
    ) -> None:
        self.card = card
        self.host = host
        self.port = port
        self._sock: socket.socket | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.connected = threading.Event()
        self.removed = threading.Event()  # set when the card left (fault or stop)
        self.removed_by_fault = False  # left in the middle of a command
        self.apdus = 0

    def connect(self, timeout: float = 5.0) -> None:
        """Connects to vpcd, retrying until `timeout` (pcscd may still be starting)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                sock = socket.create_connection((self.host, self.port), timeout=1.0)
                break
            except OSError as exc:
                if time.monotonic() >= deadline:
                    raise VpcdError(
                        f"vpcd is not listening on {self.host}:{self.port} ({exc.strerror or exc}); "
                        "is pcscd running with the vsmartcard-vpcd driver?"
                    ) from exc
                time.sleep(0.1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(0.2)
        self._sock = sock
        self.connected.set()
        self.removed.clear()

    def serve_forever(self) -> None:
        """Answers vpcd until stopped or the card is removed. Call after `connect`."""
        sock = self._sock
        if sock is None:
            raise VpcdError("not connected")
        try:
            while not self._stop.is_set():
                try:
                    _quickack(sock)
                    header = sock.recv(2, socket.MSG_PEEK)
                except TimeoutError:
                    continue
                if not header:
                    raise ConnectionError("vpcd closed the connection")
                sock.settimeout(5.0)
                (length,) = struct.unpack(">H", _recv_exact(sock, 2))
                message = _recv_exact(sock, length) if length else b""
                sock.settimeout(0.2)
                reply = self._handle(message)
                if reply is not None:
                    sock.sendall(struct.pack(">H", len(reply)) + reply)
        except CardGone:
            # pcscd's event thread polls vpcd every ~400 ms; a new card connecting before it
            # has seen this one gone would look like the same card to it: REINSERT_GAP_S
            self.removed_by_fault = True
            log.info("virtual card removed (fault)")
        except (ConnectionError, OSError) as exc:
            if not self._stop.is_set():
                log.warning("vpcd link closed: %s", exc)
        finally:
            self._close()

    def _handle(self, message: bytes) -> bytes | None:
        if len(message) == 1:
            code = message[0]
            if code == VPCD_CTRL_ATR:
                return self.card.atr
            if code in (VPCD_CTRL_OFF, VPCD_CTRL_ON, VPCD_CTRL_RESET):
                self.card.reset()
                return None
            log.warning("unknown vpcd control code %d", code)
            return None
        self.apdus += 1
        return self.card.process(message)

    def _close(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.close()
        self.connected.clear()
        self.removed.set()

    def start(self, timeout: float = 5.0) -> VpcdCard:
        """Connects and serves on a daemon thread."""
        self._stop.clear()
        self.connect(timeout)
        self._thread = threading.Thread(target=self.serve_forever, name="vpcd-card", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        """Removes the card from the virtual reader."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self._close()

    def __enter__(self) -> VpcdCard:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
