"""Fails when kiosk/ or hardware/ import PySide6 (only ui/ may)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = ("PySide6", "shiboken6")


def offending_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[str] = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            if name.split(".")[0] in FORBIDDEN:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: imports {name}")
    return found


def main(packages: list[str]) -> int:
    problems: list[str] = []
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            problems.extend(offending_imports(path))
    for line in problems:
        print(line)
    if problems:
        print("Only ui/ may import PySide6: keep kiosk/ and hardware/ Qt-free.")
        return 1
    print(f"layers ok: {', '.join(packages)} do not import PySide6")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["kiosk", "hardware"]))
