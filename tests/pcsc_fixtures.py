"""Fixtures for the PC/SC tests (loaded by tests/conftest.py): a real pcscd with the vsmartcard-vpcd driver, and virtual cards.

`pcscd` (session): uses a running pcscd, or starts `pcscd --foreground` and stops it at the
end. Skips (with the reason) only when the pcscd binary or the vpcd driver is not installed.
`vpcd_slot`: exclusive use of vpcd slot 0 (file lock, so parallel test processes and other
test modules serialise). `virtual_card(...)`: puts an emulated card into "Virtual PCD 00 00"
and takes it out again, waiting until pcscd has seen each change.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import logging
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest

VPCD_PORT = 35963
READER = "Virtual PCD 00 00"
PEOPLE = Path(__file__).resolve().parents[1] / "assets" / "demo" / "people"


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def _readers() -> list[str]:
    from hardware.cardreader.pcsc import list_readers

    return list_readers()


def _lock_file(name: str) -> Path:
    return Path(tempfile.gettempdir()) / name


PID_FILE = _lock_file("kiosk-test-pcscd.pid")


def _alive_pcscd(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    name, _, rest = stat.partition(") ")
    return name.endswith("(pcscd") and not rest.startswith(("Z", "X"))


@dataclass
class Pcscd:
    """The pcscd the tests use; `owned` when a test session (this one or another) started it.

    Test sessions may run side by side (several engineers, xdist): each holds a shared lock
    while it uses pcscd; the last one out stops a pcscd that tests started (its pid is in
    PID_FILE); a pcscd started otherwise (a system service) is never stopped.
    """

    binary: str
    process: subprocess.Popen[bytes] | None = None
    users: IO[str] | None = None

    def test_pid(self) -> int | None:
        try:
            pid = int(PID_FILE.read_text().strip())
        except (OSError, ValueError):
            return None
        return pid if _alive_pcscd(pid) else None

    @property
    def owned(self) -> bool:
        return self.test_pid() is not None

    def exclusive(self) -> bool:
        """True when tests started pcscd and no other session uses it (it may be restarted)."""
        if not self.owned or self.users is None:
            return False
        try:
            fcntl.flock(self.users, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fcntl.flock(self.users, fcntl.LOCK_SH)  # a failed upgrade may have dropped it
            return False
        fcntl.flock(self.users, fcntl.LOCK_SH)
        return True

    def start(self) -> None:
        log = open(_lock_file("kiosk-test-pcscd.log"), "ab")  # noqa: SIM115
        self.process = subprocess.Popen(
            [self.binary, "--foreground"], stdout=log, stderr=subprocess.STDOUT
        )
        PID_FILE.write_text(str(self.process.pid))
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"pcscd exited with {self.process.returncode}")
            if _port_open(VPCD_PORT) and any(r.startswith("Virtual PCD") for r in _readers()):
                return
            time.sleep(0.1)
        raise RuntimeError("pcscd did not show the vpcd readers within 15 s")

    def stop(self) -> None:
        pid = self.test_pid()
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        elif pid is not None:  # started by another (finished) test session
            with contextlib.suppress(ProcessLookupError):  # it may have ended meanwhile
                os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + 10
            while _alive_pcscd(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
        self.process = None
        PID_FILE.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def pcscd() -> Iterator[Pcscd]:
    binary = shutil.which("pcscd") or (
        "/usr/sbin/pcscd" if os.path.exists("/usr/sbin/pcscd") else None
    )
    drivers = glob.glob("/usr/lib/pcsc/drivers/serial/libifdvpcd.so*") + glob.glob(
        "/usr/lib/*/pcsc/drivers/serial/libifdvpcd.so*"
    )
    if binary is None or not (drivers or os.path.exists("/etc/reader.conf.d/vpcd")):
        pytest.skip(
            "pcscd or the vsmartcard-vpcd driver is not installed (scripts/install-debian-deps.sh)"
        )
    daemon = Pcscd(binary=binary)
    users = open(_lock_file("kiosk-pcscd-users.lock"), "w")  # noqa: SIM115
    with open(_lock_file("kiosk-pcscd-start.lock"), "w") as start_lock:
        fcntl.flock(start_lock, fcntl.LOCK_EX)
        fcntl.flock(users, fcntl.LOCK_SH)
        if not (_port_open(VPCD_PORT) and any(r.startswith("Virtual PCD") for r in _readers())):
            daemon.start()
        fcntl.flock(start_lock, fcntl.LOCK_UN)
    daemon.users = users
    yield daemon
    with open(_lock_file("kiosk-pcscd-start.lock"), "w") as start_lock:
        fcntl.flock(start_lock, fcntl.LOCK_EX)
        try:
            fcntl.flock(users, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            logging.getLogger(__name__).info("pcscd left running for another test session")
        else:
            if daemon.owned:
                daemon.stop()
        users.close()


@pytest.fixture
def vpcd_slot(pcscd: Pcscd) -> Iterator[Pcscd]:
    from hardware.icao.vpcd import slot_lock

    with slot_lock(VPCD_PORT, timeout=90):
        yield pcscd


def wait_card(present: bool, reader: str = READER, timeout: float = 5.0) -> None:
    """Waits until pcscd sees (or no longer sees) a card in `reader`."""
    from smartcard import scard

    hresult, ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    assert hresult == scard.SCARD_S_SUCCESS
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            hresult, states = scard.SCardGetStatusChange(
                ctx, 100, [(reader, scard.SCARD_STATE_UNAWARE)]
            )
            if hresult == scard.SCARD_S_SUCCESS:
                is_present = bool(states[0][1] & scard.SCARD_STATE_PRESENT)
                if is_present == present:
                    return
            time.sleep(0.05)
        raise AssertionError(
            f"card {'not inserted' if present else 'not removed'} within {timeout} s"
        )
    finally:
        scard.SCardReleaseContext(ctx)


@pytest.fixture(scope="session")
def test_pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from hardware.icao.pki import make_pki

    folder = tmp_path_factory.mktemp("pki")
    make_pki(folder)
    return folder


@pytest.fixture(scope="session")
def trust_dir(test_pki: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A trust store folder holding only the test CSCA."""
    folder = tmp_path_factory.mktemp("trust")
    shutil.copy(test_pki / "csca.pem", folder / "csca.pem")
    return folder


VirtualCardFactory = Callable[..., object]


@pytest.fixture
def virtual_card(vpcd_slot: Pcscd, test_pki: Path) -> Iterator[VirtualCardFactory]:
    """`virtual_card(person="an-adult", faults=(), profile=None, emulator=None)` inserts a card."""
    from hardware.icao.emulator import EmrtdEmulator
    from hardware.icao.person import load_person
    from hardware.icao.pki import load_signer
    from hardware.icao.vpcd import REINSERT_GAP_S, VpcdCard

    cards: list[VpcdCard] = []

    def insert(
        person: str = "an-adult",
        faults: tuple[str, ...] = (),
        profile: object | None = None,
        emulator: EmrtdEmulator | None = None,
        wait: bool = True,
    ) -> VpcdCard:
        if emulator is None:
            emulator = EmrtdEmulator.from_person(
                load_person(PEOPLE / f"{person}.json"),
                load_signer(test_pki),
                faults=faults,
                profile=profile,  # type: ignore[arg-type]
            )
        card = VpcdCard(emulator, port=VPCD_PORT).start(timeout=5)
        cards.append(card)
        if wait:
            # pcscd polls vpcd; after a test that froze or killed a card it takes longer to
            # see the next one on a loaded machine (a bound on the stack, not on the kiosk)
            wait_card(True, timeout=15.0)
        return card

    yield insert
    for card in cards:
        card.stop()
    wait_card(False)
    if any(card.removed_by_fault for card in cards):
        time.sleep(REINSERT_GAP_S)


@pytest.fixture
def card_waiter(vpcd_slot: Pcscd) -> Callable[..., None]:
    """`card_waiter(present: bool, timeout=5)`: waits for pcscd to see the card come or go."""
    return wait_card
