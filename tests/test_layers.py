"""The layering rule: only ui/ imports PySide6 (scripts/check_layers.py runs in CI too)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "check_layers.py"


def test_kiosk_and_hardware_do_not_import_qt():
    result = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_the_check_catches_a_violation(tmp_path, monkeypatch):
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import check_layers
    finally:
        sys.path.pop(0)
    bad = ROOT / "kiosk" / "_layer_probe_tmp.py"
    bad.write_text("from PySide6.QtCore import QObject\n")
    try:
        assert check_layers.main(["kiosk"]) == 1
    finally:
        bad.unlink()
    assert check_layers.main(["kiosk"]) == 0


def test_domain_imports_without_qt():
    code = (
        "import sys, importlib, pkgutil, kiosk, hardware\n"
        "for pkg in (kiosk, hardware):\n"
        "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        if not m.name.endswith('__main__'): importlib.import_module(m.name)\n"
        "leaked = [m for m in sys.modules if m.startswith('PySide6')]\n"
        "print(leaked); sys.exit(1 if leaked else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
