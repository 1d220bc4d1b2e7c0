"""Diagnostics for hospital IT: the same checks in `kiosk doctor` and the admin status view.

`run_checks(services)` runs every check in parallel, each bounded by a timeout (a hung device
must not hang the diagnosis), and returns one `CheckResult` per check in a fixed order. A
check that is not configured (e.g. no camera) passes and says so. Nothing here raises.

`services` is the `kiosk.bootstrap.Services` of the running kiosk (or one built for the
command line); the checks only use its public objects and each object's `status()`
(`health()` for the queue).
"""

from __future__ import annotations

import concurrent.futures
import functools
import logging
import os
import shutil
import socket
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from hardware.status import DeviceStatus

if TYPE_CHECKING:
    from kiosk.config import KioskConfig

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_S = 10.0
TRUST_SUFFIXES = {".pem", ".der", ".crt", ".cer", ".ml", ".cms", ".p7b", ".ldif"}


@dataclass(frozen=True)
class CheckResult:
    name: str  # stable id, e.g. "printer"
    ok: bool
    summary: str  # one line for IT
    reason: str = ""  # why it failed (empty when ok)
    fix: str = ""  # what to do about it (empty when ok)
    details: dict[str, str] = field(default_factory=dict)
    duration_ms: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _from_status(name: str, status: DeviceStatus, extra: str = "") -> CheckResult:
    summary = status.summary + (f", {extra}" if extra else "")
    return CheckResult(
        name,
        status.ok,
        summary,
        reason="" if status.ok else status.summary,
        fix="" if status.ok else (status.fix or "see the log for details"),
        details={str(k): str(v) for k, v in status.details.items()},
    )


def _not_configured(name: str, what: str) -> CheckResult:
    return CheckResult(name, True, f"{what} not configured", details={"configured": "no"})


def _not_built(name: str, what: str, noun: str, backend: str) -> CheckResult:
    """The configuration names a backend, but building the device failed (see the log)."""
    return CheckResult(
        name,
        False,
        f"{what} missing",
        reason=f"backend {backend!r} is configured but no {noun} was built",
        fix=f"check devices.{name} in the configuration and the log",
    )


# -- individual checks: each takes the objects it needs, may raise (run_checks catches) ----


def check_card_reader(reader: Any, config: KioskConfig) -> CheckResult:
    backend = config.devices.card_reader.backend
    if backend == "none":
        return _not_configured("card_reader", "card reader")
    if reader is None:
        return _not_built("card_reader", "card reader", "reader", backend)
    status = reader.status()
    presence = ""
    if status.ok and "card" not in status.summary.lower():
        presence = "card present" if reader.card_present() else "no card"
    result = _from_status("card_reader", status, presence)
    return CheckResult(**{**asdict(result), "details": {**result.details, "backend": backend}})


def check_trust_store(config: KioskConfig) -> CheckResult:
    path = config.devices.card_reader.trust_store
    if config.devices.card_reader.backend == "none":
        return _not_configured("trust_store", "trust store")
    if not path:
        return CheckResult(
            "trust_store",
            True,
            "no trust store configured: chip data can be checked for consistency, not trusted",
            details={"configured": "no"},
        )
    folder = Path(path)
    if not folder.exists():
        return CheckResult(
            "trust_store",
            False,
            "trust store missing",
            reason=f"{folder} does not exist",
            fix="copy the CSCA certificates or the ICAO master list there, or fix "
            "devices.card_reader.trust_store",
        )
    files = [folder] if folder.is_file() else [p for p in folder.rglob("*") if p.is_file()]
    certs = [p for p in files if p.suffix.lower() in TRUST_SUFFIXES]
    if not certs:
        return CheckResult(
            "trust_store",
            False,
            "trust store empty",
            reason=f"no certificate files ({', '.join(sorted(TRUST_SUFFIXES))}) in {folder}",
            fix="copy the CSCA certificates (PEM/DER) or the ICAO master list into the folder",
        )
    unreadable = [p.name for p in certs if not os.access(p, os.R_OK)]
    if unreadable:
        return CheckResult(
            "trust_store",
            False,
            "trust store unreadable",
            reason=f"cannot read {', '.join(unreadable[:3])}",
            fix="make the files readable by the kiosk user (chmod 644)",
        )
    return CheckResult(
        "trust_store", True, f"trust store {folder}: {len(certs)} certificate file(s)"
    )


def check_camera(camera: Any, config: KioskConfig) -> CheckResult:
    backend = config.devices.camera.backend
    if backend == "none":
        return _not_configured("camera", "camera")
    if camera is None:
        return _not_built("camera", "camera", "camera", backend)
    return _from_status("camera", camera.status())


def check_scanner(index: int, scanner: Any) -> CheckResult:
    result = _from_status(f"scanner[{index}]", scanner.status())
    return result


def check_printer(printer: Any, config: KioskConfig) -> CheckResult:
    backend = config.devices.printer.backend
    if backend == "none":
        return _not_configured("printer", "ticket printer")
    if printer is None:
        return _not_built("printer", "printer", "printer", backend)
    status = printer.status()  # one round of status queries; the paper state is in it
    paper = status.details.get("paper")
    if paper is None:
        state = printer.paper()
        paper = str(getattr(state, "value", state))
    result = _from_status("printer", status)
    details = {**result.details, "paper": paper}
    if paper == "out" and result.ok:
        return CheckResult(
            "printer",
            False,
            f"{status.summary}, paper out",
            reason="paper out",
            fix="load a new paper roll",
            details=details,
        )
    summary = result.summary
    if paper == "near_end" and "near" not in summary:
        summary += ", paper near end"
    return CheckResult("printer", result.ok, summary, result.reason, result.fix, details=details)


def probe_tcp(url: str, timeout_s: float) -> tuple[bool, float, str]:
    """Connects to the URL's host and port; (reachable, milliseconds, error)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    started = time.perf_counter()
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            pass
    except OSError as exc:
        return False, (time.perf_counter() - started) * 1000, f"{type(exc).__name__}: {exc}"
    return True, (time.perf_counter() - started) * 1000, ""


def check_gateway(insurance: Any, config: KioskConfig) -> CheckResult:
    ins = config.insurance
    status: DeviceStatus | None = insurance.status() if insurance is not None else None
    if ins.backend != "gateway":
        summary = f"insurance stand-in ({ins.backend})"
        if status is not None and not status.ok:
            return _from_status("gateway", status)
        return CheckResult("gateway", True, summary, details={"backend": ins.backend})
    details = {"base_url": ins.base_url}
    if ins.proxy:
        # Through a proxy only the proxy can be probed; the checker's own status tells the rest.
        reachable, ms, error = probe_tcp(ins.proxy, ins.connect_timeout_s)
        details["probe"] = "proxy"
    else:
        reachable, ms, error = probe_tcp(ins.base_url, ins.connect_timeout_s)
        details["probe"] = "direct"
    details["connect_ms"] = f"{ms:.0f}"
    if status is not None:
        details.update({str(k): str(v) for k, v in status.details.items()})
        details["checker"] = status.summary
    if not reachable:
        return CheckResult(
            "gateway",
            False,
            f"gateway {ins.base_url} unreachable",
            reason=error,
            fix="check the network, insurance.base_url and insurance.proxy; patients still get "
            "tickets marked 'insurance not verified'",
            details=details,
        )
    if status is not None and not status.ok:
        return CheckResult(
            "gateway",
            False,
            f"gateway {ins.base_url} reachable ({ms:.0f} ms) but failing: {status.summary}",
            reason=status.summary,
            fix=status.fix or "check the gateway credentials and the log",
            details=details,
        )
    last = f"; {status.summary}" if status is not None else ""
    return CheckResult(
        "gateway", True, f"gateway {ins.base_url} reachable in {ms:.0f} ms{last}", details=details
    )


def check_database(queue: Any) -> CheckResult:
    return _from_status("database", queue.health())


def check_his(his: Any) -> CheckResult:
    """The HIS link and its outbox (pending, dead letters, oldest pending age)."""
    if his is None:
        return _not_configured("his", "HIS hand-off")
    return _from_status("his", his.health())


def check_hash_key(queue: Any) -> CheckResult:
    """Kiosks sharing the queue database must share storage.hash_key (kiosk.queue.keys)."""
    key_check = getattr(queue, "key_check", None)
    if key_check is None:
        return CheckResult("hash_key", True, "queue hash key not checked (no key check)")
    return _from_status("hash_key", key_check())


def check_catalog(catalog: Any) -> CheckResult:
    status = getattr(catalog, "status", None)
    if status is None:
        return CheckResult("catalog", True, "catalog service has no status report")
    return _from_status("catalog", status())


def check_data_dir(config: KioskConfig) -> CheckResult:
    path = Path(config.data_path)
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".doctor-", delete=True) as f:
            f.write(b"ok")
            f.flush()
            os.fsync(f.fileno())
    except OSError as exc:
        return CheckResult(
            "data_dir",
            False,
            f"data directory {path} not writable",
            reason=f"{type(exc).__name__}: {exc.strerror or exc}",
            fix=f"chown -R kiosk:kiosk {path} (or fix data_dir in the configuration)",
        )
    return CheckResult("data_dir", True, f"data directory {path} writable")


def check_disk(config: KioskConfig) -> CheckResult:
    path = Path(config.data_path)
    while not path.exists() and path != path.parent:
        path = path.parent
    usage = shutil.disk_usage(path)
    free_mb = usage.free // 1_000_000
    minimum = int(getattr(config.admin, "min_free_disk_mb", 500))
    details = {"free_mb": str(free_mb), "total_mb": str(usage.total // 1_000_000)}
    if free_mb < minimum:
        return CheckResult(
            "disk",
            False,
            f"only {free_mb} MB free on the data disk",
            reason=f"less than admin.min_free_disk_mb = {minimum} MB free",
            fix="delete old printed-ticket images and logs, or enlarge the disk",
            details=details,
        )
    pct = 100 * usage.free / usage.total if usage.total else 0
    return CheckResult("disk", True, f"{free_mb} MB free ({pct:.0f} %)", details=details)


# -- running them ----------------------------------------------------------------------------


def _checks(services: Any) -> list[tuple[str, Callable[[], CheckResult]]]:
    from kiosk.admin.display_check import check_display

    config = services.config
    checks: list[tuple[str, Callable[[], CheckResult]]] = [
        ("card_reader", lambda: check_card_reader(services.card_reader, config)),
        ("trust_store", lambda: check_trust_store(config)),
        ("camera", lambda: check_camera(services.camera, config)),
    ]
    scanners = list(services.scanners or [])
    if scanners:
        for i, scanner in enumerate(scanners):
            checks.append((f"scanner[{i}]", functools.partial(check_scanner, i, scanner)))
    else:
        checks.append(("scanners", lambda: _not_configured("scanners", "2D scanners")))
    checks += [
        ("printer", lambda: check_printer(services.printer, config)),
        ("gateway", lambda: check_gateway(services.insurance, config)),
        ("database", lambda: check_database(services.queue)),
        ("hash_key", lambda: check_hash_key(services.queue)),
        ("his", lambda: check_his(getattr(services, "his", None))),
        ("catalog", lambda: check_catalog(services.catalog)),
        ("data_dir", lambda: check_data_dir(config)),
        ("disk", lambda: check_disk(config)),
        ("display", lambda: check_display(config)),
    ]
    return checks


def _timed(name: str, fn: Callable[[], CheckResult]) -> CheckResult:
    started = time.perf_counter()
    try:
        result = fn()
    except Exception as exc:
        log.warning("check %s raised %s", name, type(exc).__name__, exc_info=True)
        result = CheckResult(
            name,
            False,
            f"{name} check failed",
            reason=f"{type(exc).__name__}: {exc}",
            fix="see the log for the traceback",
        )
    ms = (time.perf_counter() - started) * 1000
    return CheckResult(**{**asdict(result), "duration_ms": round(ms, 1)})


def run_checks(services: Any, timeout_s: float = DEFAULT_TIMEOUT_S) -> list[CheckResult]:
    """Runs every check in parallel; each gets at most `timeout_s`. Never raises."""
    checks = _checks(services)
    pool = concurrent.futures.ThreadPoolExecutor(
        max_workers=len(checks), thread_name_prefix="doctor"
    )
    try:
        futures = [(name, pool.submit(_timed, name, fn)) for name, fn in checks]
        deadline = time.monotonic() + timeout_s
        results = []
        for name, future in futures:
            try:
                results.append(future.result(timeout=max(0.0, deadline - time.monotonic())))
            except concurrent.futures.TimeoutError:
                results.append(
                    CheckResult(
                        name,
                        False,
                        f"{name} did not answer",
                        reason=f"no answer within {timeout_s:.0f} s (device or service hung)",
                        fix="unplug and replug the device or restart the kiosk; see the log",
                        duration_ms=timeout_s * 1000,
                    )
                )
        return results
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def start_devices(services: Any, settle_s: float = 3.0) -> None:
    """Opens the devices as the kiosk does at start (for `kiosk doctor` from a shell).

    The running kiosk has its devices started already: do not call this on its services.
    Waits up to `settle_s` for the reader and the camera to come up. `services.close()` stops them.
    """

    def ignore(*_: object) -> None:
        return None

    for device in (services.card_reader, services.camera, *(services.scanners or [])):
        if device is None:
            continue
        try:
            device.start(ignore)
        except Exception as exc:  # the check reports it
            log.warning("%s did not start: %s", type(device).__name__, exc)
    waiting = [d for d in (services.card_reader, services.camera) if d is not None]
    deadline = time.monotonic() + settle_s
    while waiting and time.monotonic() < deadline:
        try:
            waiting = [d for d in waiting if not d.status().ok]
        except Exception:
            break
        if waiting:
            time.sleep(0.1)


def all_ok(results: list[CheckResult]) -> bool:
    return all(r.ok for r in results)


def format_table(results: list[CheckResult]) -> str:
    """Human-readable report for a terminal."""
    lines = []
    width = max((len(r.name) for r in results), default=8)
    for r in results:
        mark = "ok  " if r.ok else "FAIL"
        lines.append(f"{mark}  {r.name:<{width}}  {r.summary}")
        if not r.ok:
            if r.reason and r.reason != r.summary:
                lines.append(f"      {'':<{width}}  reason: {r.reason}")
            if r.fix:
                lines.append(f"      {'':<{width}}  fix:    {r.fix}")
    failed = sum(not r.ok for r in results)
    lines.append("")
    lines.append("all checks passed" if not failed else f"{failed} check(s) failed")
    return "\n".join(lines)
