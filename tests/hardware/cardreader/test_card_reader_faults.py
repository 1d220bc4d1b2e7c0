"""Fault suite, chip reader: a frozen card (`kiosk sim card --vpcd` stopped with SIGSTOP) and a
card lifted while the reader connects. What the patient is told, within which bound, and that
no identity comes out of it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from smartcard import scard

from hardware.cardreader import pcsc
from hardware.cardreader.base import AccessKey, CardReadTimeout, CardRemoved
from hardware.cardreader.pcsc import PcscCardReader
from hardware.icao.person import load_person
from kiosk.messages import card_message

pytestmark = [pytest.mark.pcsc, pytest.mark.faults, pytest.mark.timeout(120)]

ROOT = Path(__file__).resolve().parents[3]
PERSON = ROOT / "assets" / "demo" / "people" / "an-adult.json"
READER = "Virtual PCD 00 00"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    return env


@contextmanager
def frozen_card(waiter: Callable[..., None], pki: Path) -> Iterator[subprocess.Popen[str]]:
    """A virtual card served by a real `kiosk sim card --vpcd` process, then frozen."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kiosk",
            "sim",
            "card",
            "--vpcd",
            "--person",
            str(PERSON),
            "--pki",
            str(pki),
        ],
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        waiter(True, timeout=20)
        proc.send_signal(signal.SIGSTOP)
        yield proc
    finally:
        proc.send_signal(signal.SIGCONT)
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        waiter(False, timeout=15)


def test_a_frozen_card_is_abandoned_within_the_bound_and_the_patient_is_told(
    card_waiter: Callable[..., None], test_pki: Path, trust_dir: Path
) -> None:
    person = load_person(PERSON)
    reader = PcscCardReader(READER, str(trust_dir))
    reader.read_timeout_s = 3.0
    with frozen_card(card_waiter, test_pki):
        started = time.monotonic()
        with pytest.raises(CardReadTimeout) as caught:
            reader.read(AccessKey(can=person.can))
        first = time.monotonic() - started
        # the reader is still held by the stuck exchange: the next read is bounded too
        started = time.monotonic()
        with pytest.raises(CardReadTimeout):
            reader.read(AccessKey(can=person.can))
        second = time.monotonic() - started
    message = card_message(caught.value)
    assert message.code == "card_timeout"
    assert "đặt lại" in message.vi and "place it again" in message.en
    assert 2.5 <= first <= 6.0 and second <= 6.0, (first, second)


def test_read_card_cli_on_a_frozen_card_prints_a_json_error_and_exits_non_zero(
    card_waiter: Callable[..., None], test_pki: Path, trust_dir: Path
) -> None:
    person = load_person(PERSON)
    with frozen_card(card_waiter, test_pki):
        started = time.monotonic()
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "kiosk",
                "read-card",
                "--reader",
                READER,
                "--json",
                "--id",
                person.id,
                "--trust",
                str(trust_dir),
                "--timeout",
                "3",
            ],
            cwd=ROOT,
            env=_env(),
            capture_output=True,
            text=True,
            timeout=60,
        )
        elapsed = time.monotonic() - started
    assert done.returncode == 11, done.stderr
    out = json.loads(done.stdout)
    assert out["error"] == "CardReadTimeout" and "3 s" in out["message"]
    assert person.name not in done.stdout + done.stderr  # nothing of the patient leaks
    assert elapsed < 20, elapsed  # the process ends although a PC/SC call is still blocked


def test_a_card_lifted_during_connect_asks_to_place_it_again(
    card_waiter: Callable[..., None],
    monkeypatch: pytest.MonkeyPatch,
    virtual_card: Callable[..., object],
) -> None:
    """SCARD_E_PROTO_MISMATCH comes from a contactless card leaving the field while the
    reader powers it; vpcd cannot produce it, so SCardConnect answers it here (the rest -
    context, reader list, pcscd - is real)."""
    virtual_card("an-adult")
    real_connect = scard.SCardConnect

    def lifted(*args: object) -> tuple[int, object, int]:
        hresult, handle, _protocol = real_connect(*args)  # the real call, then what a
        if hresult == scard.SCARD_S_SUCCESS:  # lifted card answers
            scard.SCardDisconnect(handle, scard.SCARD_LEAVE_CARD)
        return scard.SCARD_E_PROTO_MISMATCH, None, 0

    monkeypatch.setattr(pcsc.scard, "SCardConnect", lifted)
    with pytest.raises(CardRemoved) as caught:
        PcscCardReader(READER).read(AccessKey(can="123456"))
    assert card_message(caught.value).code == "card_removed"  # "place it again", not "use QR"


def test_the_session_tells_the_patient_within_the_bound_and_keeps_nothing(
    card_waiter: Callable[..., None], test_pki: Path, trust_dir: Path, demo_config
) -> None:
    """The kiosk's own session over the pcsc backend: the card is on the reader, the patient
    types the ID, the card freezes; the patient reads "place it again" within the bound."""
    from kiosk.bootstrap import build_services
    from kiosk.session import Session, Step, run_inline

    config = demo_config.model_copy(deep=True)
    config.catalog.demo_catalog = False
    reader = config.devices.card_reader
    reader.backend, reader.reader, reader.trust_store = "pcsc", READER, str(trust_dir)
    reader.read_timeout_s = 3.0
    services = build_services(config)
    try:
        session = Session(services, run_inline)
        session.begin("vi")
        session.accept_privacy("test-notice")  # the personal-data notice
        with frozen_card(card_waiter, test_pki):
            session.card_inserted()
            assert session.step is Step.CARD_KEY
            started = time.monotonic()
            session.submit_id(load_person(PERSON).id)
            elapsed = time.monotonic() - started
            assert session.step is Step.IDENTIFY
            assert session.data.message is not None
            assert session.data.message.code == "card_timeout"
            assert session.data.identity is None
        assert 2.5 <= elapsed <= 6.0, elapsed
    finally:
        services.close()
