"""systemd notifications (sd_notify) without python-systemd.

Under ``Type=notify`` systemd sets ``$NOTIFY_SOCKET``; the kiosk sends ``READY=1`` once the
start screen is painted, ``WATCHDOG=1`` from a timer on the GUI thread (so a frozen event loop
stops feeding the watchdog and systemd restarts the kiosk) and ``STOPPING=1`` on shutdown.
Outside systemd every call is a cheap no-op returning False. Nothing here raises.

Typical wiring (ui/app.py)::

    interval = watchdog_interval_s() or 10.0
    timer = QTimer(); timer.timeout.connect(notify_watchdog); timer.start(int(interval * 1000))
    notify_ready()
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Mapping

log = logging.getLogger(__name__)

_lock = threading.Lock()
_sock: socket.socket | None = None
_warned = False


def _address(env: Mapping[str, str]) -> str | None:
    addr = env.get("NOTIFY_SOCKET", "")
    if not addr:
        return None
    if addr.startswith("@"):  # abstract namespace socket
        return "\0" + addr[1:]
    return addr


def sd_notify(state: str, env: Mapping[str, str] | None = None) -> bool:
    """Sends one notification (e.g. ``"READY=1"``); True if it was delivered."""
    global _sock, _warned
    addr = _address(os.environ if env is None else env)
    if addr is None:
        return False
    with _lock:
        try:
            if _sock is None:
                _sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
                _sock.setblocking(False)
            _sock.sendto(state.encode(), addr)
            return True
        except OSError as exc:
            if not _warned:
                _warned = True
                log.warning("sd_notify %s failed: %s", state.split("=")[0], exc)
            if _sock is not None:
                _sock.close()
                _sock = None
            return False


def notify_ready(status: str = "") -> bool:
    return sd_notify("READY=1" + (f"\nSTATUS={status}" if status else ""))


def notify_watchdog() -> bool:
    """Feeds the watchdog; call from a QTimer on the GUI thread."""
    return sd_notify("WATCHDOG=1")


def notify_stopping() -> bool:
    return sd_notify("STOPPING=1")


def notify_status(text: str) -> bool:
    return sd_notify(f"STATUS={text}")


LEAVE_KIOSK_MARKER = "leave-kiosk-mode"


def mark_leave_kiosk(data_dir: str | os.PathLike[str]) -> bool:
    """Leaves the marker that tells kiosk.service not to restart the kiosk (admin "leave").

    The unit's ExecStopPost= sees `<data dir>/leave-kiosk-mode`, removes it and starts a login
    prompt on tty1 instead (which stops the restart). Blocking file I/O: call on a worker.
    """
    try:
        path = os.path.join(os.fspath(data_dir), LEAVE_KIOSK_MARKER)
        with open(path, "w", encoding="utf-8") as f:
            f.write("left by admin mode\n")
        return True
    except OSError as exc:
        log.warning("cannot write the leave-kiosk marker: %s", exc)
        return False


def watchdog_interval_s(
    env: Mapping[str, str] | None = None, *, strict_pid: bool = False
) -> float | None:
    """Half of ``$WATCHDOG_USEC`` (the usual feeding period), or None without a watchdog.

    systemd sets ``$WATCHDOG_PID`` to the service's main process. Under cage that is cage, not
    the kiosk (its child, allowed to notify by NotifyAccess=all), so the PID is ignored unless
    `strict_pid` asks for sd_watchdog_enabled()'s behaviour.
    """
    env = os.environ if env is None else env
    usec = env.get("WATCHDOG_USEC", "")
    pid = env.get("WATCHDOG_PID", "")
    if not usec.isdigit() or int(usec) == 0:
        return None
    if strict_pid and pid.isdigit() and int(pid) != os.getpid():
        return None
    return int(usec) / 2_000_000
