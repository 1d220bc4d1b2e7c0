"""`kiosk doctor`'s display check: can Qt load the platform plugin the kiosk will use?

Without it the window never opens: Qt prints "Could not load the Qt platform plugin" and
exits, and systemd restarts the kiosk in a loop (PySide6's Wayland plugin needs Debian's
`libwayland-cursor0`, which a minimal system lacks). The check needs no display and no Qt in
this process (kiosk/ never imports Qt): it finds the plugin file in the installed PySide6 and
loads it with the dynamic loader in a child process, which names the missing library exactly
as Qt would fail on it.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.admin.doctor import CheckResult
    from kiosk.config import KioskConfig

# Qt platform name -> plugin file (Qt 6 in PySide6 wheels)
PLUGINS = {
    "wayland": "libqwayland.so",
    "wayland-egl": "libqwayland.so",
    "xcb": "libqxcb.so",
    "offscreen": "libqoffscreen.so",
    "minimal": "libqminimal.so",
    "eglfs": "libqeglfs.so",
    "linuxfb": "libqlinuxfb.so",
    "vnc": "libqvnc.so",
}
# which Debian package provides a library a plugin may miss
PACKAGES = {
    "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-client.so.0": "libwayland-client0",
    "libwayland-egl.so.1": "libwayland-egl1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libdbus-1.so.3": "libdbus-1-3",
}
_LOAD = "import ctypes, sys\nctypes.CDLL(sys.argv[1])\n"


def platform_for(config: KioskConfig, environ: dict[str, str] | None = None) -> str:
    """The platform the kiosk will ask Qt for: QT_QPA_PLATFORM, else Wayland for the kiosk
    under cage (deploy/kiosk.service), X11 for a windowed demo."""
    env = os.environ if environ is None else environ
    wanted = env.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip()
    return wanted or ("wayland" if config.mode == "kiosk" else "xcb")


def plugins_dir() -> Path | None:
    spec = importlib.util.find_spec("PySide6")  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "Qt" / "plugins" / "platforms"


def load_error(path: Path, timeout_s: float = 20.0) -> str:
    """'' when the dynamic loader can load `path` and everything it needs, else its error."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", _LOAD, str(path)],
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"{type(exc).__name__}: {exc}"
    if done.returncode == 0:
        return ""
    lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
    return lines[-1] if lines else f"exit status {done.returncode}"


def check_display(
    config: KioskConfig, environ: dict[str, str] | None = None, directory: Path | None = None
) -> CheckResult:
    from kiosk.admin.doctor import CheckResult

    platform = platform_for(config, environ)
    directory = directory or plugins_dir()
    if directory is None:
        return CheckResult(
            "display",
            False,
            "PySide6 (Qt) is not installed",
            reason="the Python package PySide6 cannot be found",
            fix="reinstall the kiosk: deploy/install.sh",
        )
    name = PLUGINS.get(platform)
    if name is None:
        return CheckResult(
            "display",
            False,
            f"unknown Qt platform {platform!r}",
            reason=f"QT_QPA_PLATFORM={platform} names no platform plugin Qt has",
            fix="set QT_QPA_PLATFORM=wayland (under cage) or xcb (X11)",
            details={"platform": platform},
        )
    path = directory / name
    details = {"platform": platform, "plugin": str(path)}
    if not path.exists():
        return CheckResult(
            "display",
            False,
            f"Qt platform plugin {platform!r} missing",
            reason=f"{path} does not exist",
            fix="reinstall PySide6 in the kiosk's virtualenv (deploy/install.sh)",
            details=details,
        )
    error = load_error(path)
    if error:
        missing = next((lib for lib in PACKAGES if lib in error), "")
        package = PACKAGES.get(missing, "")
        fix = (
            f"apt-get install {package}"
            if package
            else "install the missing library (scripts/install-debian-deps.sh)"
        )
        return CheckResult(
            "display",
            False,
            f"Qt platform plugin {platform!r} cannot be loaded: the window would not open",
            reason=error,
            fix=fix,
            details={**details, "missing": missing} if missing else details,
        )
    return CheckResult("display", True, f"Qt platform plugin {platform!r} loads", details=details)
