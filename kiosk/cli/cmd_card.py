"""`kiosk read-card`, `kiosk sim card --vpcd` and `kiosk bench card`.

- read-card: reads a chip ID card in a PC/SC reader and prints the identity, the access
  protocol, the level reached (passive authentication, chip authentication), whether the
  configured verification policy accepts it, and the APDU/byte/millisecond counts. Exit 0:
  read and accepted; 10: read but refused by the policy (the kiosk sends such a patient to the
  desk); other non-zero codes: the read failed (with --json the error is JSON on stdout).
- sim card: serves an emulated card (from a person JSON file) to pcscd through vsmartcard-vpcd,
  so every PC/SC program sees it in "Virtual PCD 00 00"; can play faults.
- bench card: 20 reads through pcscd + vpcd, identity only and identity + a 20 KB photo;
  prints median / p95 milliseconds and APDU counts.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

from kiosk.cli import CommandRegistry, config_from_args

EXIT_CODES = {
    "KeyRequired": 3,
    "AccessDenied": 4,
    "NotAnIdCard": 5,
    "CardRemoved": 6,
    "IntegrityError": 7,
    "ReaderUnavailable": 8,
    "NoCard": 9,
    "CardReadTimeout": 11,
}
EXIT_REFUSED = 10
EXIT_BAD_ARGUMENTS = 2


def _key_from_args(args: argparse.Namespace) -> Any:
    from hardware.icao import keys

    if args.dob or args.issued:
        if not args.id:
            raise keys.AccessKeyError("--dob/--issued need --id")
        birth = keys.parse_ddmmyyyy(args.dob) if args.dob else None
        if birth is None:
            raise keys.AccessKeyError("--issued needs --dob")
        issued = keys.parse_ddmmyyyy(args.issued) if args.issued else None
        return keys.key_from_details(args.id, birth, issued)
    if args.id:
        return keys.key_from_id(args.id)
    if args.can:
        return keys.key_from_can(args.can)
    return None


def _ddmmyyyy(day: date | None) -> str | None:
    return day.strftime("%d/%m/%Y") if day else None


def _fail(args: argparse.Namespace, name: str, message: str, code: int, **extra: Any) -> int:
    """One failure: JSON on stdout with --json (and the exit code), else a line on stderr."""
    if args.json:
        print(
            json.dumps({"error": name, "message": message, **extra}, ensure_ascii=False, indent=2)
        )
    else:
        print(f"kiosk read-card: {name}: {message}", file=sys.stderr)
    return code


def _read_card(args: argparse.Namespace) -> int:
    from hardware.cardreader.base import CardError
    from hardware.cardreader.pcsc import PcscCardReader, list_readers
    from hardware.icao.keys import AccessKeyError
    from hardware.icao.reader import ReadReport, read_identity

    config = config_from_args(args)
    card_config = config.devices.card_reader
    pattern = args.reader if args.reader is not None else card_config.reader
    trust = args.trust or card_config.trust_store or None
    timeout = args.timeout if args.timeout is not None else card_config.read_timeout_s
    policy = card_config.verification
    try:
        key = _key_from_args(args)
    except AccessKeyError as exc:
        return _fail(args, "BadArguments", str(exc), EXIT_BAD_ARGUMENTS)
    report = ReadReport()
    reader = PcscCardReader(pattern, trust)
    try:
        data = reader.bounded(
            lambda transport: read_identity(
                transport,
                key,
                trust,
                with_photo=bool(args.photo) or args.json,
                report=report,
                policy=policy,
            ),
            timeout,
        )
    except CardError as exc:
        name = type(exc).__name__
        extra: dict[str, Any] = {"stats": report.stats}
        if name in ("ReaderUnavailable", "NoCard"):
            extra["readers"] = list_readers()
        return _fail(args, name, str(exc), EXIT_CODES.get(name, 1), **extra)
    except Exception as exc:  # noqa: BLE001 - a tester's tool: report, never a traceback
        return _fail(args, type(exc).__name__, str(exc) or "unexpected error", 1)
    if args.photo and data.photo:
        Path(args.photo).write_bytes(data.photo)
    identity = {
        "citizen_id": data.citizen_id,
        "full_name": data.full_name,
        "birth_date": _ddmmyyyy(data.birth_date),
        "gender": data.gender.value if data.gender else None,
        "nationality": data.nationality,
        "ethnicity": data.ethnicity,
        "religion": data.religion,
        "origin": data.origin,
        "residence": data.residence,
        "features": data.features,
        "issue_date": _ddmmyyyy(data.issue_date),
        "expiry": data.expiry,
        "father": data.father,
        "mother": data.mother,
        "spouse": data.spouse,
        "old_id": data.old_id,
        "extra": data.extra,
        "photo_bytes": len(data.photo or b""),
    }
    out: dict[str, Any] = {
        "identity": identity,
        "access": data.access,
        "authenticity": data.authenticity.value,
        "chip_authentication": data.chip_auth.value,
        "accepted": data.accepted,
        "refusal": data.refusal or None,
        "refusal_detail": data.refusal_detail or None,
        "policy": policy.model_dump(),
        "problems": report.problems,
        "files": report.files,
        "apdus": int(data.stats.get("apdus", 0)),
        "bytes": int(data.stats.get("bytes", 0)),
        "ms": data.stats.get("ms", 0.0),
        "reader": reader.pattern or "(first reader)",
    }
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        for name, value in identity.items():
            print(f"{name:12} {value}")
        print(f"access       {data.access}\nauthenticity {data.authenticity.value}")
        print(f"chip auth    {data.chip_auth.value}")
        verdict = "yes" if data.accepted else f"no: {data.refusal} ({data.refusal_detail})"
        print(f"accepted     {verdict}")
        for problem in report.problems:
            print(f"  note: {problem}")
        print(f"{out['apdus']} APDUs, {out['bytes']} bytes, {out['ms']} ms")
    return 0 if data.accepted else EXIT_REFUSED


def _make_card(
    person_file: str,
    pki: str | None,
    faults: list[str],
    photo: Path | None = None,
    legacy: bool = False,
    active_auth: bool = False,
) -> Any:
    from dataclasses import replace

    from hardware.icao.emulator import LEGACY, CardProfile, EmrtdEmulator
    from hardware.icao.person import load_person
    from hardware.icao.pki import load_fault_signers, load_signer, make_pki

    person = load_person(person_file)
    if photo is not None:
        person = replace(person, photo=photo)
    if pki is None:
        pki = tempfile.mkdtemp(prefix="kiosk-test-pki-")
        make_pki(pki)
        print(
            f"test PKI created in {pki} (trust {pki}/csca.pem to reach 'trusted')", file=sys.stderr
        )
    return EmrtdEmulator.from_person(
        person,
        load_signer(pki),
        faults=faults,
        profile=LEGACY if legacy else CardProfile(active_auth=active_auth),
        signers=load_fault_signers(pki),
    )


def _sim_card(args: argparse.Namespace) -> int:
    from hardware.icao.person import PersonError
    from hardware.icao.pki import PKIError
    from hardware.icao.vpcd import VpcdCard, VpcdError

    if not args.vpcd:
        print(
            "kiosk sim card: only --vpcd is available (the in-process card is the 'simulated' backend)",
            file=sys.stderr,
        )
        return 2
    try:
        card = _make_card(
            args.person,
            args.pki,
            args.fault or [],
            legacy=args.legacy,
            active_auth=args.active_auth,
        )
    except (PersonError, PKIError, ValueError) as exc:
        print(f"kiosk sim card: {exc}", file=sys.stderr)
        return 2
    served = VpcdCard(card, port=args.port)
    try:
        served.start(timeout=args.connect_timeout)
    except VpcdError as exc:
        print(f"kiosk sim card: {exc}", file=sys.stderr)
        return 8
    faults = ", ".join(args.fault or []) or "none"
    print(
        f"virtual card inserted in vpcd port {args.port} (faults: {faults}); Ctrl-C removes it",
        flush=True,
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.is_set():
            stop.wait(0.2)
            if not served.removed.is_set():
                continue
            if served.removed_by_fault:
                print("virtual card removed in the middle of a read (fault)", flush=True)
                break
            # pcscd went away (restart, stop): put the card back once vpcd listens again
            print("vpcd link lost; waiting for pcscd to come back", file=sys.stderr, flush=True)
            while not stop.is_set():
                try:
                    card.reset()
                    served.start(timeout=1.0)
                    print("virtual card inserted again", flush=True)
                    break
                except VpcdError:
                    stop.wait(1.0)
    except KeyboardInterrupt:
        pass
    served.stop()
    print("virtual card removed", flush=True)
    return 0


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def _photo_of_size(target: int, folder: Path) -> Path:
    """A JPEG face-like picture of about `target` bytes (noise, quality searched)."""
    import io

    from PIL import Image, ImageDraw

    image = Image.effect_noise((240, 320), 40).convert("RGB")
    ImageDraw.Draw(image).ellipse((40, 50, 200, 250), fill=(224, 190, 160))
    best = b""
    for quality in range(95, 5, -5):
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=quality)
        best = buffer.getvalue()
        if len(best) <= target:
            break
    path = folder / "photo-20k.jpg"
    path.write_bytes(best)
    return path


def _percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, math.ceil(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def _read_for_bench(transport: Any, *, key: Any, trust: str, photo: bool, report: Any) -> Any:
    from hardware.icao.reader import read_identity

    return read_identity(transport, key, trust, photo, report)


def _bench_card(args: argparse.Namespace) -> int:
    from hardware.cardreader.base import AccessKey
    from hardware.cardreader.pcsc import PcscCardReader, wait_for_card
    from hardware.icao.pki import make_pki
    from hardware.icao.reader import ReadReport
    from hardware.icao.vpcd import VpcdCard, slot_lock

    daemon: subprocess.Popen[bytes] | None = None
    if not _port_open(args.port):
        binary = shutil.which("pcscd") or "/usr/sbin/pcscd"
        if not Path(binary).exists():
            print("kiosk bench card: pcscd is not installed", file=sys.stderr)
            return 8
        daemon = subprocess.Popen(
            [binary, "--foreground"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 10
        while not _port_open(args.port) and time.monotonic() < deadline:
            time.sleep(0.1)
    work = Path(tempfile.mkdtemp(prefix="kiosk-bench-card-"))
    try:
        make_pki(work / "pki")
        trust = work / "trust"
        trust.mkdir()
        shutil.copy(work / "pki" / "csca.pem", trust / "csca.pem")
        photo = _photo_of_size(20 * 1024, work)
        card = _make_card(args.person, str(work / "pki"), [], photo)
        if args.short_apdus:
            from dataclasses import replace

            card.profile = replace(card.profile, extended_length=False)
        key = AccessKey(can=card.can)
        reader_name = "Virtual PCD 00 00" if args.port == 35963 else "Virtual PCD 00 01"
        reader = PcscCardReader(reader_name, str(trust))
        results: dict[str, Any] = {}
        with slot_lock(args.port), VpcdCard(card, port=args.port):
            if not wait_for_card(reader_name, True, 15):
                print(
                    f"kiosk bench card: pcscd did not see the card in {reader_name}",
                    file=sys.stderr,
                )
                return 8
            for label, with_photo in (("identity", False), ("identity+photo", True)):
                times: list[float] = []
                apdus: list[float] = []
                sizes: list[float] = []
                level = chip_auth = ""
                for i in range(args.reads + 1):
                    report = ReadReport()
                    started = time.perf_counter()
                    data = reader.bounded(
                        functools.partial(
                            _read_for_bench,
                            key=key,
                            trust=str(trust),
                            photo=with_photo,
                            report=report,
                        )
                    )
                    elapsed = (time.perf_counter() - started) * 1000
                    if i == 0:
                        continue  # warm-up (imports, first connection)
                    times.append(elapsed)
                    apdus.append(data.stats["apdus"])
                    sizes.append(data.stats["bytes"])
                    level = str(data.authenticity)
                    chip_auth = str(data.chip_auth)
                results[label] = {
                    "reads": len(times),
                    "median_ms": round(statistics.median(times), 1),
                    "p95_ms": round(_percentile(times, 95), 1),
                    "max_ms": round(max(times), 1),
                    "apdus": int(statistics.median(apdus)),
                    "bytes": int(statistics.median(sizes)),
                    "photo_bytes": photo.stat().st_size if with_photo else 0,
                    "access": data.access,
                    "extended_length": not args.short_apdus,
                    "authenticity": level,
                    "chip_authentication": chip_auth,
                }
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if daemon is not None:
            daemon.terminate()
            daemon.wait(10)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        mode = "short APDUs only" if args.short_apdus else "extended length"
        print(
            f"chip read through pcscd + vpcd ({args.reads} reads each, PACE, {mode}, "
            "passive + chip authentication)"
        )
        for label, row in results.items():
            print(
                f"  {label:15} median {row['median_ms']:7.1f} ms  p95 {row['p95_ms']:7.1f} ms  "
                f"max {row['max_ms']:7.1f} ms  {row['apdus']:3d} APDUs  {row['bytes']:6d} bytes  "
                f"{row['authenticity']}, chip auth {row['chip_authentication']}"
            )
        print("  targets: identity p95 < 300 ms, identity+photo p95 < 1000 ms")
    return 0


def _demo_person() -> str:
    return str(Path(__file__).resolve().parents[2] / "assets" / "demo" / "people" / "an-adult.json")


def register(registry: CommandRegistry) -> None:
    from hardware.icao.emulator import FAULTS

    read = registry.commands.add_parser("read-card", help="read a chip ID card in a PC/SC reader")
    read.add_argument(
        "--reader", help="reader name pattern (default: configured, else first reader)"
    )
    group = read.add_mutually_exclusive_group()
    group.add_argument("--id", help="12-digit ID number (PACE with CAN = last 6 digits)")
    group.add_argument("--can", help="6-digit card access number")
    read.add_argument("--dob", help="birth date DDMMYYYY (with --id: also BAC)")
    read.add_argument("--issued", help="issue date DDMMYYYY (gives the expiry for BAC)")
    read.add_argument("--photo", metavar="OUT.jpg", help="write the face image here")
    read.add_argument("--trust", metavar="DIR", help="CSCA trust store (default: configured)")
    read.add_argument("--json", action="store_true", help="print JSON")
    read.add_argument(
        "--timeout",
        type=float,
        help="give up after this many seconds (default: devices.card_reader.read_timeout_s)",
    )
    read.set_defaults(func=_read_card)

    sim = registry.sim.add_parser("card", help="serve a virtual chip ID card to pcscd through vpcd")
    sim.add_argument("--vpcd", action="store_true", help="attach to the vsmartcard-vpcd driver")
    sim.add_argument(
        "--port", type=int, default=35963, help="vpcd port (35963 = 'Virtual PCD 00 00')"
    )
    sim.add_argument("--person", default=_demo_person(), help="person JSON file")
    sim.add_argument(
        "--pki", metavar="DIR", help="test PKI from `kiosk sim make-pki` (default: a new one)"
    )
    sim.add_argument("--fault", action="append", choices=FAULTS, help="play a fault (repeatable)")
    sim.add_argument(
        "--legacy",
        action="store_true",
        help="the old emulator layouts: no chip authentication, DG13 14 = SEQ{14, UTF8}, no "
        "field 16, '<' at MRZ line 1 position 30",
    )
    sim.add_argument(
        "--active-auth",
        action="store_true",
        help="the chip also has an active authentication key (DG15)",
    )
    sim.add_argument("--connect-timeout", type=float, default=5.0, help=argparse.SUPPRESS)
    sim.set_defaults(func=_sim_card)

    bench = registry.bench.add_parser("card", help="chip read time through pcscd + vpcd")
    bench.add_argument("--reads", type=int, default=20)
    bench.add_argument("--port", type=int, default=35963)
    bench.add_argument("--person", default=_demo_person())
    bench.add_argument(
        "--short-apdus", action="store_true", help="card without extended length (Le <= 256)"
    )
    bench.add_argument("--json", action="store_true")
    bench.set_defaults(func=_bench_card)
