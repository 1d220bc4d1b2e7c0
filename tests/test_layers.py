"""The layering rules (import-linter contracts in pyproject.toml, `lint-imports` in make test).

The checks that they bite run on a copy of the source tree in a temporary folder: nothing is
ever written into the repository.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PACKAGES = ("kiosk", "hardware", "ui", "web")


def lint_imports(where: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(where)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(where / "pyproject.toml"), "--no-cache"],
        cwd=where,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the packages and pyproject.toml to break on purpose."""
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_repository_keeps_every_contract() -> None:
    result = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_copy_keeps_them_too(tree: Path) -> None:
    result = lint_imports(tree)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("probe", "code", "contract"),
    [
        ("kiosk/_probe.py", "from PySide6.QtCore import QObject\n", "never import Qt"),
        ("hardware/_probe.py", "import shiboken6\n", "never import Qt"),
        ("kiosk/_probe.py", "from ui import theme\n", "a lower layer never imports"),
        ("hardware/_probe.py", "from kiosk import models\n", "a lower layer never imports"),
        ("kiosk/cli/cmd_config.py", "from ui.app import run\n", "a lower layer never imports"),
    ],
)
def test_each_contract_catches_its_violation(
    tree: Path, probe: str, code: str, contract: str
) -> None:
    path = tree / probe
    path.write_text(path.read_text(encoding="utf-8") + code if path.exists() else code)
    result = lint_imports(tree)
    assert result.returncode == 1, result.stdout + result.stderr
    broken = result.stdout.split("Broken contracts", 1)[1]
    assert contract in broken
    assert probe.removesuffix(".py").replace("/", ".") in broken


def test_the_web_contract_bites(tree: Path) -> None:
    (tree / "web" / "boards_probe.py").write_text("from ui.widgets import common\n")
    broken = lint_imports(tree)
    assert broken.returncode == 1
    assert "web is not allowed to import ui" in broken.stdout


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
