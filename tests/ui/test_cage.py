"""The kiosk for real under cage (wlroots, headless backend): Qt's Wayland plugin loads, the
window is full screen and takes exactly the output's size (no title bar, not its tallest page).

cage refuses to run as root (it checks it cannot regain root). As root, cage runs as `nobody`
and the kiosk, started by this test as root, connects to cage's Wayland socket; otherwise the
deployment's own shape runs: `cage -- kiosk run`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.gui

HEADLESS_OUTPUT = [1280, 720]  # wlroots' headless backend makes one output of this size
ENV = {
    "WLR_BACKENDS": "headless",
    "WLR_LIBINPUT_NO_DEVICES": "1",
    "WLR_RENDERER": "pixman",
}


def _skip_reason() -> str | None:
    if shutil.which("cage") is None:
        return "cage is not installed (scripts/install-debian-deps.sh installs it)"
    if shutil.which("Xwayland") is None:
        return "Debian's cage does not start without Xwayland (package xwayland)"
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        return "as root, cage must run as another user: setpriv is missing"
    return None


def _kiosk(data: Path, report: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "kiosk",
        "run",
        "--fullscreen",
        "--data-dir",
        str(data),
        "--startup-report",
        str(report),
    ]


def _kiosk_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    env.update(QT_QPA_PLATFORM="wayland", KIOSK_BENCH_T0=repr(time.time()), **extra)
    env.pop("DISPLAY", None)
    return env


def _run_as_root(tmp_path: Path, report: Path) -> str:
    # pytest's tmp_path is private to root: nobody's runtime dir goes straight under /tmp
    runtime = Path(tempfile.mkdtemp(prefix="kiosk-cage-"))
    shutil.chown(runtime, "nobody", "nogroup")
    stop = runtime / "stop"
    waiter = f"while [ ! -e {stop} ]; do sleep 0.2; done"
    cage = subprocess.Popen(
        ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"]
        + ["cage", "--", "/bin/sh", "-c", waiter],
        env={"PATH": os.environ["PATH"], "XDG_RUNTIME_DIR": str(runtime), **ENV},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        socket = runtime / "wayland-0"
        deadline = time.monotonic() + 30
        while not socket.exists():
            if cage.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"cage did not start: {cage.communicate(timeout=5)[0]}")
            time.sleep(0.1)
        own_runtime = tmp_path / "runtime"
        own_runtime.mkdir(mode=0o700)
        done = subprocess.run(
            _kiosk(tmp_path / "data", report),
            env=_kiosk_env(WAYLAND_DISPLAY=str(socket), XDG_RUNTIME_DIR=str(own_runtime)),
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )
        return f"exit {done.returncode}\n{done.stderr[-3000:]}"
    finally:
        stop.touch()
        try:
            cage.wait(timeout=15)
        except subprocess.TimeoutExpired:
            cage.kill()
            cage.wait()
        if cage.stdout is not None:
            cage.stdout.close()
        shutil.rmtree(runtime, ignore_errors=True)


def _run_as_user(tmp_path: Path, report: Path) -> str:
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    done = subprocess.run(
        ["cage", "--", *_kiosk(tmp_path / "data", report)],
        env=_kiosk_env(XDG_RUNTIME_DIR=str(runtime), **ENV),
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    return f"exit {done.returncode}\n{done.stderr[-3000:]}"


@pytest.mark.skipif(_skip_reason() is not None, reason=_skip_reason() or "")
def test_the_kiosk_under_cage_takes_the_whole_output(tmp_path: Path) -> None:
    report = tmp_path / "startup.json"
    run = _run_as_root if os.geteuid() == 0 else _run_as_user
    log = run(tmp_path, report)
    assert report.exists(), f"the kiosk never painted its start screen under cage:\n{log}"
    data = json.loads(report.read_text())
    assert data["platform"] == "wayland"
    assert data["screen"] == HEADLESS_OUTPUT
    assert data["window"] == data["screen"], data  # full screen: no title bar, no overflow
