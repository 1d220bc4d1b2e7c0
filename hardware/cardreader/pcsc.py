"""PC/SC card-reader backend (pyscard's low-level `smartcard.scard` API through pcscd).

- Picks the reader whose name contains the configured pattern (case-insensitive; empty =
  first reader), e.g. "Virtual PCD 00 00" for the vpcd test reader.
- A monitor thread waits in SCardGetStatusChange (short timeouts) and turns state changes
  into INSERTED / REMOVED / READER_UNAVAILABLE / READER_AVAILABLE events. It never sends an
  APDU, and events are handed to the caller from a separate dispatcher thread, so a slow or
  re-entrant callback cannot stall the monitor (pyscard's observer deadlocks are avoided by
  not using its observers at all).
- When pcscd stops or the reader is unplugged the monitor reports READER_UNAVAILABLE, keeps
  retrying, and reports READER_AVAILABLE (and INSERTED if a card is there) when it is back.
- A watchdog thread restarts the monitor when it dies or stops beating.
- A card already on the reader at start-up produces INSERTED.
- `read(key)` opens its own PC/SC context and connection (on the caller's worker thread) and
  runs hardware.icao.reader.read_identity over it.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from smartcard import scard

from hardware.cardreader.base import (
    AccessKey,
    CardData,
    CardEvent,
    CardReader,
    CardReadTimeout,
    CardRemoved,
    EventCallback,
    NoCard,
    ReaderUnavailable,
)
from hardware.cardreader.config import CardReaderConfig, VerificationPolicy
from hardware.icao.transport import CardGone, TransportError
from hardware.status import DeviceStatus

log = logging.getLogger(__name__)

_GONE = {
    scard.SCARD_W_REMOVED_CARD,
    scard.SCARD_E_NO_SMARTCARD,
    scard.SCARD_W_RESET_CARD,
    scard.SCARD_W_UNPOWERED_CARD,
    scard.SCARD_E_READER_UNAVAILABLE,
    scard.SCARD_E_UNKNOWN_READER,
    scard.SCARD_E_NO_SERVICE,
    scard.SCARD_E_SERVICE_STOPPED,
    scard.SCARD_E_INVALID_HANDLE,
}
_LIFTED = {
    scard.SCARD_E_PROTO_MISMATCH,
    scard.SCARD_W_UNRESPONSIVE_CARD,
    scard.SCARD_W_UNPOWERED_CARD,
    scard.SCARD_W_RESET_CARD,
}
_SERVICE_DOWN = {
    scard.SCARD_E_NO_SERVICE,
    scard.SCARD_E_SERVICE_STOPPED,
    scard.SCARD_E_INVALID_HANDLE,
    scard.SCARD_E_NO_READERS_AVAILABLE,
    scard.SCARD_E_UNKNOWN_READER,
    scard.SCARD_E_READER_UNAVAILABLE,
}


_SCARD_PRESENT = 0x0004  # pcsc-lite card state bit (SCardStatus)


def _err(hresult: int) -> str:
    try:
        return f"{scard.SCardGetErrorMessage(hresult)} ({hresult & 0xFFFFFFFF:#010x})"
    except Exception:  # noqa: BLE001 - message lookup only
        return f"{hresult & 0xFFFFFFFF:#010x}"


def list_readers() -> list[str]:
    """Reader names pcscd knows (empty when pcscd is down or has none)."""
    hresult, ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hresult != scard.SCARD_S_SUCCESS:
        return []
    try:
        hresult, readers = scard.SCardListReaders(ctx, [])
        return list(readers) if hresult == scard.SCARD_S_SUCCESS else []
    finally:
        scard.SCardReleaseContext(ctx)


def pick_reader(readers: list[str], pattern: str) -> str | None:
    wanted = pattern.strip().lower()
    for name in readers:
        if not wanted or wanted in name.lower():
            return name
    return None


def wait_for_card(reader: str, present: bool = True, timeout: float = 10.0) -> bool:
    """Blocks until pcscd sees a card in (or no card in) the reader matching `reader`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        hresult, ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if hresult == scard.SCARD_S_SUCCESS:
            try:
                hresult, readers = scard.SCardListReaders(ctx, [])
                name = (
                    pick_reader(list(readers), reader) if hresult == scard.SCARD_S_SUCCESS else None
                )
                if name is not None:
                    hresult, states = scard.SCardGetStatusChange(
                        ctx, 100, [(name, scard.SCARD_STATE_UNAWARE)]
                    )
                    seen = bool(states[0][1] & scard.SCARD_STATE_PRESENT) if states else None
                    if hresult == scard.SCARD_S_SUCCESS and seen == present:
                        return True
            finally:
                scard.SCardReleaseContext(ctx)
        time.sleep(0.05)
    return False


class PcscTransport:
    """APDU transport over one PC/SC card handle."""

    def __init__(self, handle: Any, protocol: int, extended_length: bool = True) -> None:
        self.handle = handle
        self.protocol = protocol
        self.extended_length = extended_length

    def transmit(self, apdu: bytes) -> bytes:
        hresult, response = scard.SCardTransmit(self.handle, self.protocol, list(apdu))
        if hresult != scard.SCARD_S_SUCCESS:
            if hresult in _GONE or self._card_gone():
                raise CardGone(_err(hresult))
            raise TransportError(_err(hresult))
        if len(response) < 2:
            # vpcd (and some drivers) answer an empty buffer when the card vanished mid-command
            raise CardGone("the card did not answer (no status word): removed?")
        return bytes(response)

    def _card_gone(self, wait_s: float = 0.6) -> bool:
        """After a failed exchange: did the card leave? (pcscd may need a moment to notice.)"""
        deadline = time.monotonic() + wait_s
        while True:
            hresult, _reader, state, _protocol, _atr = scard.SCardStatus(self.handle)
            if hresult != scard.SCARD_S_SUCCESS or not state & _SCARD_PRESENT:
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)


class PcscCardReader(CardReader):
    """One PC/SC reader chosen by name pattern."""

    def __init__(
        self,
        reader: str | CardReaderConfig = "",
        trust_store: object | None = None,
        *,
        poll_ms: int = 300,
        retry_s: float = 0.5,
        watchdog_s: float = 3.0,
    ) -> None:
        self.policy: VerificationPolicy | None = None
        self.read_timeout_s = 10.0
        if isinstance(reader, CardReaderConfig):  # build_card_reader(config) passes the section
            trust_store = trust_store or reader.trust_store or None
            self.policy = reader.verification
            self.read_timeout_s = reader.read_timeout_s
            reader = reader.reader
        self.pattern = reader
        self.trust_store = trust_store
        self.poll_ms = poll_ms
        self.retry_s = retry_s
        self.watchdog_s = watchdog_s
        self._on_event: EventCallback | None = None
        self._events: queue.Queue[CardEvent | None] = queue.Queue()
        self._stop = threading.Event()
        self._monitor: threading.Thread | None = None
        self._dispatcher: threading.Thread | None = None
        self._watchdog: threading.Thread | None = None
        self._heartbeat = time.monotonic()
        self._ctx: Any = None
        self._lock = threading.Lock()
        self.reader_name: str | None = None
        self._available: bool | None = None
        self._present = False
        self._last_error = ""
        self.monitor_restarts = 0

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self, on_event: EventCallback) -> None:
        self._on_event = on_event
        self._stop.clear()
        self._dispatcher = threading.Thread(target=self._dispatch, name="pcsc-events", daemon=True)
        self._dispatcher.start()
        self._start_monitor()
        self._watchdog = threading.Thread(target=self._watch, name="pcsc-watchdog", daemon=True)
        self._watchdog.start()

    def stop(self) -> None:
        self._stop.set()
        ctx = self._ctx
        if ctx is not None:
            scard.SCardCancel(ctx)
        for thread in (self._monitor, self._watchdog):
            if thread is not None:
                thread.join(2.0)
        self._events.put(None)
        if self._dispatcher is not None:
            self._dispatcher.join(2.0)
        self._monitor = self._watchdog = self._dispatcher = None
        self._on_event = None

    def _start_monitor(self) -> None:
        self._heartbeat = time.monotonic()
        self._monitor = threading.Thread(target=self._run_monitor, name="pcsc-monitor", daemon=True)
        self._monitor.start()

    def _watch(self) -> None:
        while not self._stop.wait(min(1.0, self.watchdog_s / 3)):
            monitor = self._monitor
            stale = time.monotonic() - self._heartbeat > self.watchdog_s
            if monitor is None or not monitor.is_alive() or stale:
                log.warning("card-reader monitor %s; restarting it", "stuck" if stale else "died")
                ctx = self._ctx
                if ctx is not None:
                    scard.SCardCancel(ctx)
                self.monitor_restarts += 1
                self._start_monitor()

    def _dispatch(self) -> None:
        while True:
            event = self._events.get()
            if event is None:
                return
            callback = self._on_event
            if callback is None:
                continue
            try:
                callback(event)
            except Exception:  # noqa: BLE001 - a consumer bug must not kill the events
                log.exception("card event handler failed")

    def _emit(self, event: CardEvent) -> None:
        self._events.put(event)

    def _set_available(self, available: bool, reason: str = "") -> None:
        if available != self._available:
            if not available:
                self._last_error = reason
                if self._present:
                    self._present = False
                    self._emit(CardEvent.REMOVED)
            self._available = available
            self._emit(CardEvent.READER_AVAILABLE if available else CardEvent.READER_UNAVAILABLE)

    def _set_present(self, present: bool) -> None:
        if present != self._present:
            self._present = present
            self._emit(CardEvent.INSERTED if present else CardEvent.REMOVED)

    # --- the monitor -------------------------------------------------------------------------

    def _run_monitor(self) -> None:
        me = threading.current_thread()
        try:
            while not self._stop.is_set() and self._monitor is me:
                self._heartbeat = time.monotonic()
                self._monitor_once(me)
        except Exception:  # noqa: BLE001 - the watchdog restarts us
            log.exception("card-reader monitor crashed")
        finally:
            ctx, self._ctx = self._ctx, None
            if ctx is not None:
                scard.SCardReleaseContext(ctx)

    def _wait_retry(self) -> None:
        self._stop.wait(self.retry_s)

    def _monitor_once(self, me: threading.Thread) -> None:
        if self._ctx is None:
            hresult, ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
            if hresult != scard.SCARD_S_SUCCESS:
                self._set_available(False, f"pcscd not reachable: {_err(hresult)}")
                self._wait_retry()
                return
            self._ctx = ctx
        hresult, readers = scard.SCardListReaders(self._ctx, [])
        if hresult != scard.SCARD_S_SUCCESS:
            self._drop_context()
            reason = (
                "no reader connected"
                if hresult == scard.SCARD_E_NO_READERS_AVAILABLE
                else _err(hresult)
            )
            self._set_available(False, reason)
            self._wait_retry()
            return
        name = pick_reader(list(readers), self.pattern)
        if name is None:
            self._set_available(False, f"no reader matches {self.pattern!r}")
            self._wait_retry()
            return
        self.reader_name = name
        state = scard.SCARD_STATE_UNAWARE
        first = True
        while not self._stop.is_set() and self._monitor is me:
            self._heartbeat = time.monotonic()
            hresult, states = scard.SCardGetStatusChange(self._ctx, self.poll_ms, [(name, state)])
            if hresult == scard.SCARD_E_TIMEOUT:
                continue
            if hresult == scard.SCARD_E_CANCELLED:
                return
            if hresult != scard.SCARD_S_SUCCESS:
                self._drop_context()
                self._set_available(False, f"reader lost: {_err(hresult)}")
                self._wait_retry()
                return
            _, event_state, _atr = states[0]
            if event_state & (scard.SCARD_STATE_UNKNOWN | scard.SCARD_STATE_UNAVAILABLE):
                self._drop_context()
                self._set_available(False, "reader unplugged")
                self._wait_retry()
                return
            if first:
                self._set_available(True)
                first = False
            self._set_present(bool(event_state & scard.SCARD_STATE_PRESENT))
            state = event_state & ~scard.SCARD_STATE_CHANGED

    def _drop_context(self) -> None:
        ctx, self._ctx = self._ctx, None
        if ctx is not None:
            scard.SCardReleaseContext(ctx)

    # --- queries -----------------------------------------------------------------------------

    def card_present(self) -> bool:
        return self._present

    def status(self) -> DeviceStatus:
        monitor_ok = self._monitor is not None and self._monitor.is_alive()
        if self._available:
            summary = f"reader '{self.reader_name}', " + (
                "card present" if self._present else "no card"
            )
            return DeviceStatus(
                True,
                summary,
                details={
                    "monitor": "running" if monitor_ok else "restarting",
                    "monitor_restarts": str(self.monitor_restarts),
                },
            )
        reason = self._last_error or "not started"
        return DeviceStatus(
            False,
            f"card reader unavailable: {reason}",
            fix="check that pcscd is running and the reader is plugged in"
            + (f" (pattern {self.pattern!r})" if self.pattern else ""),
            details={"readers": ", ".join(list_readers()) or "none"},
        )

    # --- reading -----------------------------------------------------------------------------

    def read(self, key: AccessKey | None) -> CardData:
        from hardware.icao.reader import read_identity

        return self.bounded(
            lambda transport: read_identity(transport, key, self.trust_store, policy=self.policy)
        )

    def bounded(
        self, action: Callable[[PcscTransport], CardData], timeout_s: float | None = None
    ) -> CardData:
        """Runs `action` on the card within `timeout_s` (default: read_timeout_s).

        A frozen card or reader blocks SCardTransmit with no timeout of its own, so the read
        runs on its own thread; past the limit the caller gets CardReadTimeout and the thread
        is left to finish (or fail) when the card comes back. Until then the reader counts as
        busy and the next read times out too, within the same bound.
        """
        timeout = timeout_s if timeout_s is not None else self.read_timeout_s
        deadline = time.monotonic() + timeout
        if not self._lock.acquire(timeout=timeout):
            raise CardReadTimeout("the reader is still held by a card that stopped answering")
        outcome: queue.Queue[tuple[bool, Any]] = queue.Queue(maxsize=1)

        def run() -> None:
            try:
                outcome.put((True, self._with_card(action)))
            except BaseException as exc:  # noqa: BLE001 - handed to the caller
                outcome.put((False, exc))
            finally:
                self._lock.release()

        threading.Thread(target=run, name="pcsc-read", daemon=True).start()
        try:
            ok, value = outcome.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            log.warning("chip read abandoned after %.1f s: the card stopped answering", timeout)
            raise CardReadTimeout(f"the card did not answer within {timeout:g} s") from None
        if ok:
            return value
        raise value

    def _with_card(self, action: Callable[[PcscTransport], CardData]) -> CardData:
        hresult, ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if hresult != scard.SCARD_S_SUCCESS:
            raise ReaderUnavailable(f"pcscd not reachable: {_err(hresult)}")
        try:
            hresult, readers = scard.SCardListReaders(ctx, [])
            name = (
                pick_reader(list(readers), self.pattern)
                if hresult == scard.SCARD_S_SUCCESS
                else None
            )
            if name is None:
                raise ReaderUnavailable(f"no reader matches {self.pattern!r}")
            hresult, handle, protocol = scard.SCardConnect(
                ctx,
                name,
                scard.SCARD_SHARE_SHARED,
                scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1,
            )
            if hresult in (scard.SCARD_E_NO_SMARTCARD, scard.SCARD_W_REMOVED_CARD):
                raise NoCard("no card on the reader")
            if hresult in _LIFTED:
                # the card left the field while the reader powered it (seen as a protocol
                # mismatch on contactless readers): the patient should place it again
                raise CardRemoved(f"the card moved while the reader connected: {_err(hresult)}")
            if hresult != scard.SCARD_S_SUCCESS:
                raise ReaderUnavailable(f"cannot connect to the card: {_err(hresult)}")
            try:
                # a transaction keeps other PC/SC clients from interleaving APDUs with ours
                # (that would break secure messaging)
                hresult = scard.SCardBeginTransaction(handle)
                if hresult in _GONE:
                    raise NoCard("the card left before the read started")
                try:
                    return action(PcscTransport(handle, protocol, _extended(handle)))
                finally:
                    if hresult == scard.SCARD_S_SUCCESS:
                        scard.SCardEndTransaction(handle, scard.SCARD_LEAVE_CARD)
            finally:
                scard.SCardDisconnect(handle, scard.SCARD_RESET_CARD)
        finally:
            scard.SCardReleaseContext(ctx)


def _extended(handle: Any) -> bool:
    """Whether the reader takes extended APDUs (SCARD_ATTR_MAXINPUT when it says so)."""
    hresult, value = scard.SCardGetAttrib(handle, scard.SCARD_ATTR_MAXINPUT)
    if hresult == scard.SCARD_S_SUCCESS and value:
        return int.from_bytes(bytes(value[:4]), "little") > 261
    return True  # unknown: try, the reader falls back to short APDUs on 6700
