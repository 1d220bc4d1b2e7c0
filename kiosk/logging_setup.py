"""Logging for the kiosk: structured lines, no patient identifiers, rotation, crash dumps.

Every handler installed here carries a `MaskingFilter`, which rewrites each record before it
is formatted so that no patient identifier reaches a file, the journal or the admin view:

* runs of 9 to 12 digits (citizen IDs - 12 digits, old 9-digit CMND, 10-digit social
  insurance numbers, phone numbers) become ``0010******56`` (see `kiosk.models.mask_id`);
* BHYT card numbers (two letters and 13 digits, e.g. ``DN4010123456789``) become ``DN40*********89``;
* dates written as on Vietnamese documents (``dd/mm/yyyy``, ``dd-mm-yyyy``, ``dd.mm.yyyy``)
  become ``**/**/****`` (birth dates; our own timestamps are ISO and added after masking);
* the values of sensitive keys in ``key=value``, ``key: value`` and JSON text (``hoTen``,
  ``ngaySinh``, ``maThe``, ``citizen_id``, ``full_name``, ``birth_date``, ``address``, ``name``,
  ``password``, ``token`` ... see `SENSITIVE_KEYS`) become ``***``;
* any string registered with `register_sensitive()` (the session registers the patient's name,
  ID and birth date in several spellings when a patient is identified, and forgets them at the
  end of the session), matched case-insensitively, becomes ``***``;
* any regular expression configured in ``logging.sensitive``.

The message, its arguments, string ``extra`` fields and exception text are all masked.

Line formats: ``kv`` (``ts=2026-11-23T15:04:05.123+00:00 level=INFO logger=kiosk.queue
msg="ticket issued" line=noi number=N012``) or ``json`` (one object per line). Extra
structured fields are passed as ``log.info("ticket issued", extra={"line": "noi"})``.

`setup_logging()` writes ``<log dir>/kiosk.log`` rotated by size, dumps Python tracebacks of
every thread to ``<log dir>/faulthandler.log`` on a crash (and on SIGUSR1 for a hung process),
and `recent_lines()` reads the tail back, masked again, for the admin view.
"""

from __future__ import annotations

import faulthandler
import json
import logging
import logging.handlers
import os
import re
import signal
import sys
import threading
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from types import FrameType
from typing import IO, TYPE_CHECKING, Any

from kiosk.models import mask_id
from kiosk.text import fold

if TYPE_CHECKING:
    from kiosk.config import KioskConfig

LOG_FILE = "kiosk.log"
FAULT_FILE = "faulthandler.log"

SENSITIVE_KEYS = (
    "hoTen", "ngaySinh", "maThe", "maTheMoi", "maTheCu", "cccd", "cccdCb", "hoTenCb", "diaChi",
    "citizen_id", "citizenId", "id_number", "full_name", "fullName", "patient_name", "birth_date",
    "birthDate", "dob", "address", "residence", "bhyt_card", "card_number", "phone", "mother",
    "father", "spouse", "password", "passwd", "token", "access_token", "secret", "can", "mrz",
)  # fmt: skip

_DIGITS = re.compile(r"(?<![0-9])[0-9]{9,12}(?![0-9])")
_BHYT = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}[0-9]{13}(?![0-9])")
_DMY = re.compile(r"(?<![0-9])[0-3]?[0-9][/.-][01]?[0-9][/.-](?:19|20)[0-9]{2}(?![0-9])")
_KEYS = re.compile(
    r"""(?P<key>["']?\b(?:"""
    + "|".join(SENSITIVE_KEYS)
    + r""")\b["']?\s*[:=]\s*)(?P<value>"(?:[^"\\]|\\.)*"|'[^']*'|[^\s&,;}\]]+)""",
    re.IGNORECASE,
)

_STD_ATTRS = frozenset(
    logging.LogRecord("x", logging.INFO, "x", 0, "x", None, None).__dict__.keys()
) | {"message", "asctime", "taskName"}

_registry_lock = threading.Lock()
_registered: dict[str, int] = {}  # value -> reference count
_registered_re: re.Pattern[str] | None = None
_extra_patterns: list[re.Pattern[str]] = []


def _spellings(value: object) -> Iterable[str]:
    if isinstance(value, date):
        yield value.strftime("%d/%m/%Y")
        yield value.isoformat()
        yield value.strftime("%d%m%Y")
        yield value.strftime("%Y%m%d")
        return
    text = str(value).strip()
    if len(text) < 3:
        return
    yield text
    yield unicodedata.normalize("NFC", text)
    yield unicodedata.normalize("NFD", text)
    yield fold(text, lower=False)


def _rebuild() -> None:
    global _registered_re
    values = sorted(_registered, key=len, reverse=True)
    _registered_re = (
        re.compile("|".join(re.escape(v) for v in values), re.IGNORECASE) if values else None
    )


def register_sensitive(*values: object) -> None:
    """Masks these strings (and dates, in their usual spellings) in every later log line.

    Names are also matched without diacritics. Call `forget_sensitive` with the same values
    when the session ends; registrations are reference-counted.
    """
    with _registry_lock:
        for value in values:
            if value is None:
                continue
            for s in set(_spellings(value)):
                _registered[s] = _registered.get(s, 0) + 1
        _rebuild()


def forget_sensitive(*values: object) -> None:
    with _registry_lock:
        for value in values:
            if value is None:
                continue
            for s in set(_spellings(value)):
                left = _registered.get(s, 0) - 1
                if left > 0:
                    _registered[s] = left
                else:
                    _registered.pop(s, None)
        _rebuild()


def clear_sensitive() -> None:
    with _registry_lock:
        _registered.clear()
        _rebuild()


def set_extra_patterns(patterns: Iterable[str]) -> None:
    """Regular expressions (from ``logging.sensitive``) masked in every line."""
    global _extra_patterns
    _extra_patterns = [re.compile(p) for p in patterns]


def _mask_bhyt(m: re.Match[str]) -> str:
    v = m.group(0)
    return v[:4] + "*" * (len(v) - 6) + v[-2:]


def _mask_key(m: re.Match[str]) -> str:
    value = m.group("value")
    quote = value[0] if value[:1] in ("'", '"') else ""
    return f"{m.group('key')}{quote}***{quote}"


def mask(text: str) -> str:
    """Masks patient identifiers and secrets in one string (see the module docstring)."""
    if not text:
        return text
    text = unicodedata.normalize("NFC", text)
    pattern = _registered_re
    if pattern is not None:
        text = pattern.sub("***", text)
        folded = fold(text, lower=False)
        if folded != text and pattern.search(folded):
            text = pattern.sub("***", folded)
    for extra in _extra_patterns:
        text = extra.sub("***", text)
    text = _KEYS.sub(_mask_key, text)
    text = _BHYT.sub(_mask_bhyt, text)
    text = _DIGITS.sub(lambda m: mask_id(m.group(0)), text)
    return _DMY.sub("**/**/****", text)


class MaskingFilter(logging.Filter):
    """Rewrites each record in place so that no patient identifier passes (never drops one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_kiosk_masked", False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the line
            message = f"{record.msg!r} {record.args!r}"
        record.msg = mask(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        record.exc_info = None  # exc_text carries it from here
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        for key, value in list(record.__dict__.items()):
            if key in _STD_ATTRS or key.startswith("_"):
                continue
            if key.lower() in _SENSITIVE_LOWER:
                record.__dict__[key] = "***"
            elif isinstance(value, str):
                record.__dict__[key] = mask(value)
            elif not isinstance(value, int | float | bool | type(None)):
                record.__dict__[key] = mask(str(value))
        record._kiosk_masked = True
        return True


_SENSITIVE_LOWER = frozenset(k.lower() for k in SENSITIVE_KEYS)


def _extras(record: logging.LogRecord) -> dict[str, Any]:
    return {
        k: v for k, v in record.__dict__.items() if k not in _STD_ATTRS and not k.startswith("_")
    }


def _timestamp(record: logging.LogRecord) -> str:
    return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")


_BARE = re.compile(r"^[A-Za-z0-9_.:/@+*-]+$")


def _kv_value(value: object) -> str:
    text = str(value)
    return text if text and _BARE.match(text) else json.dumps(text, ensure_ascii=False)


class KeyValueFormatter(logging.Formatter):
    """``ts=... level=INFO logger=... msg="..." key=value ...`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        parts = [
            f"ts={_timestamp(record)}",
            f"level={record.levelname}",
            f"logger={record.name}",
            f"msg={_kv_value(record.getMessage())}",
        ]
        parts += [f"{k}={_kv_value(v)}" for k, v in _extras(record).items()]
        if record.exc_text:
            parts.append(f"exc={_kv_value(record.exc_text)}")
        return " ".join(parts)


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "ts": _timestamp(record),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for k, v in _extras(record).items():
            data[k] = v if isinstance(v, int | float | bool | type(None)) else str(v)
        if record.exc_text:
            data["exc"] = record.exc_text
        return json.dumps(data, ensure_ascii=False)


@dataclass
class LogSetup:
    log_dir: Path
    log_file: Path
    fault_file: Path
    handlers: list[logging.Handler]


_installed: LogSetup | None = None
_fault_stream: IO[str] | None = None


def setup_logging(
    log_dir: Path | str,
    *,
    level: str = "INFO",
    fmt: str = "kv",
    max_bytes: int = 5_000_000,
    backups: int = 5,
    console: bool = True,
    sensitive: Iterable[str] = (),
    faults: bool = True,
) -> LogSetup:
    """Installs masked, rotated logging on the root logger and (if `faults`) faulthandler.

    Idempotent: a second call replaces what the first installed.
    """
    global _installed, _fault_stream
    log_dir = Path(log_dir)
    log_dir.mkdir(parents=True, exist_ok=True)
    teardown_logging()
    set_extra_patterns(sensitive)
    formatter: logging.Formatter = JsonFormatter() if fmt == "json" else KeyValueFormatter()
    masking = MaskingFilter()
    file_handler = logging.handlers.RotatingFileHandler(
        log_dir / LOG_FILE, maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
    )
    handlers: list[logging.Handler] = [file_handler]
    if console:
        handlers.append(logging.StreamHandler())
    root = logging.getLogger()
    for handler in handlers:
        handler.addFilter(masking)
        handler.setFormatter(formatter)
        root.addHandler(handler)
    root.setLevel(level)
    fault_file = log_dir / FAULT_FILE
    if faults:
        _fault_stream = open(fault_file, "a", encoding="utf-8")  # noqa: SIM115 - process lifetime
        faulthandler.enable(file=_fault_stream, all_threads=True)
        if hasattr(signal, "SIGUSR1") and threading.current_thread() is threading.main_thread():
            faulthandler.register(signal.SIGUSR1, file=_fault_stream, all_threads=True)
    _installed = LogSetup(log_dir, log_dir / LOG_FILE, fault_file, handlers)
    _route_uncaught_exceptions()
    logging.getLogger(__name__).info("logging started", extra={"pid": os.getpid()})
    return _installed


def _route_uncaught_exceptions() -> None:
    """Uncaught exceptions (Qt slots, bare threads) go through the masked log, not raw stderr."""
    uncaught = logging.getLogger("uncaught")

    def on_exception(kind: Any, value: Any, tb: Any) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, tb)
            return
        uncaught.error("uncaught %s", kind.__name__, exc_info=(kind, value, tb))

    def on_thread_exception(args: threading.ExceptHookArgs) -> None:
        thread = args.thread.name if args.thread else "?"
        uncaught.error(
            "uncaught %s in thread %s",
            args.exc_type.__name__,
            thread,
            exc_info=(args.exc_type, args.exc_value, args.exc_traceback),  # type: ignore[arg-type]
        )

    sys.excepthook = on_exception
    threading.excepthook = on_thread_exception


def setup_from_config(config: KioskConfig) -> LogSetup:
    """`setup_logging` from the configuration's ``logging`` section."""
    lc = config.logging
    log_dir = Path(lc.dir) if lc.dir else config.data_path / "logs"
    return setup_logging(
        log_dir,
        level=lc.level,
        fmt=lc.format,
        max_bytes=lc.max_bytes,
        backups=lc.backups,
        console=lc.console,
        sensitive=lc.sensitive,
    )


def teardown_logging() -> None:
    """Removes what `setup_logging` installed (for tests and re-configuration)."""
    global _installed, _fault_stream
    sys.excepthook = sys.__excepthook__
    threading.excepthook = threading.__excepthook__
    if _installed is not None:
        root = logging.getLogger()
        for handler in _installed.handlers:
            root.removeHandler(handler)
            handler.close()
        _installed = None
    if _fault_stream is not None:
        if hasattr(signal, "SIGUSR1") and threading.current_thread() is threading.main_thread():
            faulthandler.unregister(signal.SIGUSR1)
        faulthandler.disable()
        _fault_stream.close()
        _fault_stream = None


def current_log_file() -> Path | None:
    return _installed.log_file if _installed else None


def recent_lines(n: int = 200, log_file: Path | str | None = None) -> list[str]:
    """The last `n` lines of the log (older rotated files included when needed), masked again."""
    path = Path(log_file) if log_file else current_log_file()
    if path is None:
        return []
    files = [path] + [path.with_name(f"{path.name}.{i}") for i in range(1, 4)]
    lines: list[str] = []
    for f in files:
        if len(lines) >= n:
            break
        try:
            chunk = _tail(f, n - len(lines))
        except OSError:
            continue
        lines = chunk + lines
    return [mask(line) for line in lines[-n:]]


def _tail(path: Path, n: int, block: int = 65536) -> list[str]:
    with open(path, "rb") as f:
        f.seek(0, os.SEEK_END)
        size = f.tell()
        data = b""
        while size > 0 and data.count(b"\n") <= n:
            step = min(block, size)
            size -= step
            f.seek(size)
            data = f.read(step) + data
    text = data.decode("utf-8", errors="replace")
    return [line for line in text.splitlines() if line.strip()][-n:]


def install_sigterm(callback: Callable[[], None], *, sigint: bool = False) -> Callable[[], None]:
    """Calls `callback()` (once) on SIGTERM (and SIGINT if asked); returns an uninstaller.

    Must be called from the main thread. Python runs the handler between bytecodes of the main
    thread, so a Qt application needs a periodic timer (the watchdog timer does) or
    `signal.set_wakeup_fd` for it to run promptly; `callback` should then ask the event loop to
    quit (e.g. ``QTimer.singleShot(0, app.quit)``) rather than tear things down itself.
    A second SIGTERM while shutting down exits at once.
    """
    fired = threading.Event()
    log = logging.getLogger(__name__)

    def handler(signum: int, frame: FrameType | None) -> None:
        if fired.is_set():
            log.warning("signal %d again during shutdown: exiting now", signum)
            os._exit(128 + signum)
        fired.set()
        log.info("signal %d received: shutting down", signum)
        callback()

    signals = [signal.SIGTERM] + ([signal.SIGINT] if sigint else [])
    previous = {s: signal.signal(s, handler) for s in signals}

    def uninstall() -> None:
        for s, old in previous.items():
            signal.signal(s, old)

    return uninstall
