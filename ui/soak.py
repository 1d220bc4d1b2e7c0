"""`kiosk bench soak`: a lobby day in one process, to find what grows per patient.

Runs complete journeys in the real window (offscreen is fine) through the simulated devices:
chip card (key typed), CCCD and BHYT QR in front of the simulated camera, an ID typed on the
keypad, price lookups, a patient who walks away (idle countdown, then the wipe) and a printer
that runs out of paper (ticket shown, then printed again). Every journey goes through the
session's public methods, the same ones the screens' buttons call, and waits for the window to
show each step; devices report on their own threads, through the bridge, as in the lobby.
The typed-ID, CCCD-QR, walk-away and paper-out patients are new ones every time (synthetic
people, kiosk.identity.samples), so tickets pile up in the queue database as they do over a
day; the chip-card and BHYT patients are the demo people, who get their ticket of the day again.

Every `every` journeys it samples what a leak would show: RSS, open file descriptors (and those
on SQLite files), threads, live QObjects (the app's and every top-level widget's children, plus
the top-level widgets), child processes (speech) and glibc's heap (in use, and free but kept by
the malloc arenas). `growth_after(warmup)` compares the last sample with the one at `warmup`
journeys.

What grows in the first 200 journeys, measured (tracemalloc, mallinfo2, /proc/self/smaps):
libraries mapped on first use (OpenCV, zxing, PIL, cryptography, espeak: +45 MB file-backed),
the simulated printer's last 50 tickets with their page images (38 MB, full by ~60 journeys),
Python modules imported and source lines cached on first use (+27 MB, flat after ~50),
QPixmapCache (8.5 MB of its 10 MB limit) and the malloc arenas' free memory (~40 MB with two
arenas, 60-120 MB with glibc's 16). After that only noise: SQLite's caches hold ~1 MB.

Hand-written: it is the kiosk's own journey script; psutil does the measuring.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import psutil
from PySide6.QtCore import QEventLoop, QObject, QTimer
from PySide6.QtWidgets import QApplication

from kiosk.demo import _gateway_cards, bhyt_payload, cccd_payload
from kiosk.identity import samples
from kiosk.session import Step
from ui.app import KioskApp

# One lobby "cycle" of 10 patients: mostly chip and QR, some typed IDs, price lookups, one who
# walks away, one printer fault.
MIX = (
    "card",
    "qr_cccd",
    "keypad",
    "card",
    "prices",
    "qr_bhyt",
    "idle",
    "card",
    "printer_fault",
    "qr_cccd",
)
KINDS = tuple(sorted(set(MIX)))
# a new patient each time (a synthetic, consistent person: kiosk.identity.samples), so the day's
# tickets pile up as in a lobby; the chip card and BHYT journeys need the demo people (their
# chips and gateway cards), who come back and get their ticket of the day again
NEWCOMERS = frozenset({"keypad", "qr_cccd", "idle", "printer_fault"})


class SoakError(RuntimeError):
    """A journey did not reach the step it had to (the kiosk is stuck: a real failure)."""


@dataclass(frozen=True)
class Sample:
    journeys: int
    elapsed_s: float
    rss_mb: float
    fds: int
    sqlite_fds: int
    threads: int
    qobjects: int
    python_objects: int
    children: int
    heap_in_use_mb: float  # glibc mallinfo2, every arena: what C and Python hold
    heap_free_mb: float  # free but kept by the arenas (fragmentation); 0 when not glibc

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def qobject_count(app: QApplication) -> int:
    """Live QObjects reachable from the application: its children, every top-level widget
    and their children (a widget or timer created per patient and never deleted shows here)."""
    count = len(app.findChildren(QObject))
    for top in app.topLevelWidgets():
        count += 1 + len(top.findChildren(QObject))
    return count


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in ("arena", "ordblks", "smblks", "hblks", "hblkhd")
        + ("usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")
    ]


def heap_mb() -> tuple[float, float]:
    """(in use, free) in the malloc arenas, MB (glibc >= 2.33; zeros elsewhere)."""
    try:
        mallinfo2 = ctypes.CDLL("libc.so.6").mallinfo2
    except (OSError, AttributeError):
        return 0.0, 0.0
    mallinfo2.restype = _MallInfo2
    info = mallinfo2()
    return round(info.uordblks / 2**20, 1), round(info.fordblks / 2**20, 1)


def _trim() -> None:
    """Hands freed heap back to the system (glibc), so RSS shows what is still in use rather
    than what the allocator keeps cached: a leak stays, fragmentation noise goes."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def sample(app: QApplication, journeys: int, started: float) -> Sample:
    _trim()
    proc = psutil.Process()
    fds = sqlite = 0
    for name in os.listdir("/proc/self/fd"):
        fds += 1
        try:
            target = os.readlink(f"/proc/self/fd/{name}")
        except OSError:
            continue
        if target.endswith((".db", ".sqlite", ".sqlite3", "-wal", "-shm", "-journal")):
            sqlite += 1
    in_use, free = heap_mb()
    return Sample(
        journeys=journeys,
        elapsed_s=round(time.monotonic() - started, 1),
        rss_mb=round(proc.memory_info().rss / 2**20, 1),
        fds=fds,
        sqlite_fds=sqlite,
        threads=proc.num_threads(),
        qobjects=qobject_count(app),
        python_objects=len(gc.get_objects()),
        children=len(proc.children(recursive=True)),
        heap_in_use_mb=in_use,
        heap_free_mb=free,
    )


def growth(first: Sample, last: Sample) -> dict[str, float]:
    """Relative growth (0.05 = +5 %) of each measure from `first` to `last`."""
    out: dict[str, float] = {}
    for key in ("rss_mb", "fds", "sqlite_fds", "threads", "qobjects", "python_objects"):
        a, b = getattr(first, key), getattr(last, key)
        out[key] = round((b - a) / a, 4) if a else float(b - a)
    return out


class Driver:
    """Plays journeys on one running kiosk (built by `ui.app.build_app`, window shown)."""

    def __init__(self, kiosk: KioskApp, timeout_s: float = 20.0, seed: int = 12) -> None:
        self.kiosk = kiosk
        self.session = kiosk.session
        self.timeout_s = timeout_s
        services = kiosk.services
        self.reader: Any = services.card_reader
        self.camera: Any = services.camera
        self.printer: Any = services.printer
        people: dict[str, dict[str, Any]] | None = getattr(self.reader, "people", None)
        if people is None or not hasattr(self.camera, "show") or self.printer is None:
            raise SoakError("the soak needs the simulated card reader, camera and printer")
        self.people = [p for _, p in sorted(people.items())]
        cards = _gateway_cards()
        self.insured = [p for p in self.people if p["id"] in cards]
        self.cards = cards
        self.clinics = [c.id for c in kiosk.config.clinics]
        # the idle journeys move the session's clock forward instead of waiting for minutes
        self.offset = 0.0
        base = time.monotonic
        self.session.clock = lambda: base() + self.offset
        self.count = 0
        self.rng = random.Random(seed)

    # -- waiting, with the real event loop --------------------------------------------------

    def wait(self, done: Callable[[], bool], what: str) -> None:
        if done():
            return
        loop = QEventLoop()
        beat = QTimer()
        beat.setInterval(2)
        deadline = time.monotonic() + self.timeout_s

        def check() -> None:
            if done() or time.monotonic() > deadline:
                loop.quit()

        beat.timeout.connect(check)
        beat.start()
        loop.exec()
        beat.stop()
        beat.deleteLater()
        if not done():
            raise SoakError(f"journey {self.count}: {what} not reached (step {self.session.step})")

    def at(self, step: Step) -> None:
        window = self.kiosk.window

        def shown() -> bool:
            return self.session.step is step and window.stack.currentWidget() is window.screens.get(
                step
            )

        self.wait(shown, f"step {step.value}")

    # -- journeys -------------------------------------------------------------------------

    def journey(self, kind: str) -> None:
        self.count += 1
        if kind in NEWCOMERS:
            newcomer = samples.random_person(self.rng)
            person = {"id": newcomer.citizen_id, "cccd": samples.cccd_payload(newcomer)}
        else:
            person = self.people[self.count % len(self.people)]
        getattr(self, f"_{kind}")(person)
        self.at(Step.START)

    def _begin(self) -> None:
        self.at(Step.START)
        self.session.begin()
        self.at(Step.CONSENT)  # the personal-data notice: agreed, as most patients do
        notice = self.kiosk.window.screens[Step.CONSENT].notice  # type: ignore[attr-defined]
        self.session.accept_privacy(notice.version)
        self.at(Step.IDENTIFY)

    def _card(self, person: dict[str, Any]) -> None:
        self._begin()
        self.reader.insert(person)
        self.at(Step.CARD_KEY)
        self.session.submit_id(person["id"])
        self.at(Step.CONFIRM_IDENTITY)
        self._to_ticket()
        self.reader.remove()
        self.session.finish()

    def _qr(self, payload: str) -> None:
        self._begin()
        self.camera.show(payload)
        self.at(Step.CONFIRM_IDENTITY)
        self.camera.clear()
        self._to_ticket()
        self.session.finish()

    def _qr_cccd(self, person: dict[str, Any]) -> None:
        self._qr(person.get("cccd") or cccd_payload(person))

    def _qr_bhyt(self, person: dict[str, Any]) -> None:
        if not self.insured:
            self._qr_cccd(person)
            return
        insured = self.insured[self.count % len(self.insured)]
        self._qr(bhyt_payload(insured, self.cards[insured["id"]]))

    def _keypad(self, person: dict[str, Any]) -> None:
        self._begin()
        self.session.submit_id(person["id"])
        self.at(Step.CONFIRM_IDENTITY)
        self._to_ticket()
        self.session.finish()

    def _prices(self, person: dict[str, Any]) -> None:
        """A look at the prices from the start screen: search, open a row, close."""
        prices: Any = self.kiosk.window.findChild(QObject, "prices_screen")
        self.at(Step.START)
        self.session.open_prices()
        self.at(Step.PRICES)
        query = ("kham", "xet nghiem", "sieu am", "giuong")[self.count % 4]
        prices.search_field.setText(query)
        prices.search_field.textEdited.emit(query)
        self.wait(lambda: not prices._running and bool(prices.items or prices.error), "results")
        if prices.items and prices.results.count():
            prices.results.itemClicked.emit(prices.results.item(0))
        prices.closed.emit()
        # the visitor then walks away from the start screen (the price list is reset with
        # the next patient)
        self.session.wipe()

    def _idle(self, person: dict[str, Any]) -> None:
        """Identified, then gone: the countdown, then the wipe."""
        self._begin()
        self.session.submit_id(person["id"])
        self.at(Step.CONFIRM_IDENTITY)
        idle = self.kiosk.config.idle
        self.offset += idle.timeout_s + 1
        self.session.tick()
        self.wait(lambda: self.session.idle_seconds_left() is not None, "idle countdown")
        self.offset += idle.countdown_s + 1
        self.session.tick()

    def _printer_fault(self, person: dict[str, Any]) -> None:
        """Paper out: the number on screen; paper refilled; printed again."""
        self._begin()
        self.session.submit_id(person["id"])
        self.at(Step.CONFIRM_IDENTITY)
        self.printer.set_paper_out(True)
        try:
            self._to_ticket()
        finally:
            self.printer.set_paper_out(False)
        if not self.session.printed:
            self.session.reprint()
            self.wait(lambda: self.session.printed, "ticket printed again")
            self.at(Step.TICKET)
        self.session.finish()

    def _to_ticket(self) -> None:
        session = self.session
        session.confirm_identity()
        self.at(Step.INSURANCE_RESULT)
        session.continue_after_insurance()
        for attempt, clinic in enumerate(self.clinics):
            self.at(Step.CHOOSE_CLINIC)
            session.choose_clinic(clinic)
            self.at(Step.CHOOSE_PRIORITY)
            session.choose_priority(None)
            self.at(Step.CONFIRM)
            session.confirm()
            self.wait(
                lambda: session.step in (Step.TICKET, Step.CHOOSE_CLINIC, Step.CONFIRM), "ticket"
            )
            if session.step is Step.TICKET:
                self.at(Step.TICKET)
                return
            if session.step is Step.CONFIRM:
                raise SoakError(f"journey {self.count}: the ticket could not be issued")
            del attempt  # refused (clinic closed now): the next clinic
        raise SoakError(f"journey {self.count}: every clinic refused the ticket")


@dataclass
class SoakResult:
    journeys: int
    kinds: dict[str, int]
    samples: list[Sample]
    warmup: int

    def growth(self) -> dict[str, float]:
        base = next((s for s in self.samples if s.journeys >= self.warmup), self.samples[0])
        return growth(base, self.samples[-1])

    def to_dict(self) -> dict[str, Any]:
        return {
            "journeys": self.journeys,
            "kinds": self.kinds,
            "warmup": self.warmup,
            "samples": [s.to_dict() for s in self.samples],
            "growth_after_warmup": self.growth(),
        }


def soak(
    kiosk: KioskApp,
    journeys: int,
    *,
    every: int = 100,
    warmup: int = 200,
    mix: tuple[str, ...] = MIX,
    on_sample: Callable[[Sample], None] | None = None,
    timeout_s: float = 20.0,
) -> SoakResult:
    """Plays `journeys` journeys (kinds in `mix`, in turn) on a shown kiosk window."""
    driver = Driver(kiosk, timeout_s=timeout_s)
    app = kiosk.app
    started = time.monotonic()
    kinds: dict[str, int] = {}
    samples: list[Sample] = []

    def take(n: int) -> None:
        app.processEvents()
        gc.collect()
        s = sample(app, n, started)
        samples.append(s)
        if on_sample is not None:
            on_sample(s)

    take(0)
    for n in range(1, journeys + 1):
        kind = mix[(n - 1) % len(mix)]
        driver.journey(kind)
        kinds[kind] = kinds.get(kind, 0) + 1
        if n % every == 0 or n in (warmup, journeys):
            take(n)
    return SoakResult(journeys, kinds, samples, warmup)
