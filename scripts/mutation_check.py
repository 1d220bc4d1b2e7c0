"""Mutation spot check: do the tests notice when a core rule is broken?

Each mutant below is one small, named change to one line of the product (an off-by-one, a
weight swapped, a check skipped). The script copies the repository to a temporary folder
once, then for each mutant: patches the copy, runs the test files that cover that rule,
restores the copy. A mutant is "killed" when those tests fail, "survived" when they pass (a
hole in the tests), "error" when the patch no longer applies (the source moved on: update
the mutant). The working tree is never touched.

    python scripts/mutation_check.py            # every mutant
    python scripts/mutation_check.py -k mask    # those whose name contains "mask"
    python scripts/mutation_check.py --postgres # also the mutants that need PostgreSQL

Written by hand: mutmut and cosmic-ray mutate every line they can reach (hours on this
code base, on a shared two-core machine); these are the rules the issue names, chosen.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP = shutil.ignore_patterns(
    ".git", ".venv", "__pycache__", "*.pyc", ".mypy_cache", ".ruff_cache", ".pytest_cache",
    ".import_linter_cache", "docs", "build", "*.egg-info", ".stamps",
)  # fmt: skip
NOT_SPECIAL = "not pcsc and not postgres and not slow"


@dataclass(frozen=True)
class Mutant:
    name: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]
    markers: str = NOT_SPECIAL


MUTANTS = [
    Mutant(
        "numbering: no zero padding (Python)",
        "kiosk/queue/lines.py",
        'return f"{self.prefix}{seq:0{self.digits}d}"',
        'return f"{self.prefix}{seq}"',
        ("tests/kiosk/queue/test_queue_numbering.py",),
    ),
    Mutant(
        "numbering: no zero padding (PostgreSQL lpad)",
        "kiosk/queue/numbering.py",
        'else_=func.lpad(seq_text, digits, "0"),',
        "else_=seq_text,",
        ("tests/kiosk/queue/test_queue_numbering.py",),
        markers="postgres",
    ),
    Mutant(
        "priority: 75+ from 76",
        "kiosk/queue/priority.py",
        "if low >= 75:",
        "if low >= 76:",
        ("tests/kiosk/queue/test_queue_priority.py", "tests/kiosk/test_session.py"),
    ),
    Mutant(
        "priority: under 6 includes 6",
        "kiosk/queue/priority.py",
        "if low >= 0 and high < 6:",
        "if low >= 0 and high <= 6:",
        ("tests/kiosk/queue/test_queue_priority.py", "tests/kiosk/test_session.py"),
    ),
    Mutant(
        "benefit: level 4 pays 85 %",
        "kiosk/insurance/benefits.py",
        "LEVEL_SHARE: dict[int, int] = {1: 100, 2: 100, 3: 95, 4: 80, 5: 100}",
        "LEVEL_SHARE: dict[int, int] = {1: 100, 2: 100, 3: 95, 4: 85, 5: 100}",
        ("tests/kiosk/insurance/test_insurance_benefits.py",),
    ),
    Mutant(
        "benefit: low-cost visit limit inclusive",
        "kiosk/insurance/benefits.py",
        "and visit_total * 100 < LOW_COST_SHARE_PERCENT * salary",
        "and visit_total * 100 <= LOW_COST_SHARE_PERCENT * salary",
        ("tests/kiosk/insurance/test_insurance_benefits.py",),
    ),
    Mutant(
        "MRZ check digit: weights 7-1-3 (LDS)",
        "hardware/icao/lds.py",
        "weights = (7, 3, 1)",
        "weights = (7, 1, 3)",
        ("tests/hardware/icao/test_lds.py", "tests/hardware/icao/test_bac_worked_example.py"),
    ),
    Mutant(
        "MRZ check digit: weight cycle of 2 (BAC)",
        "hardware/icao/bac.py",
        "total += value * (7, 3, 1)[i % 3]",
        "total += value * (7, 3, 1)[i % 2]",
        ("tests/hardware/icao/test_bac_worked_example.py", "tests/hardware/icao/test_lds.py"),
    ),
    Mutant(
        "idle: countdown twice as long",
        "kiosk/session/idle.py",
        "if now - session.countdown_started >= config.idle.countdown_s:",
        "if now - session.countdown_started >= 2 * config.idle.countdown_s:",
        ("tests/kiosk/test_session.py",),
    ),
    Mutant(
        "idle: a hung step is never abandoned",
        "kiosk/session/idle.py",
        "if now - session.busy_since >= limit:",
        "if False:",
        ("tests/kiosk/test_session.py",),
    ),
    Mutant(
        "wipe: the old identity stays registered for masking",
        "kiosk/session/flow.py",
        "        language = self.config.default_language\n        self._unregister()\n",
        "        language = self.config.default_language\n",
        ("tests/kiosk/test_session.py", "tests/kiosk/test_logging.py"),
    ),
    Mutant(
        "wipe: a late card read reaches the next patient",
        "kiosk/session/identify.py",
        "def _card_read(session: Session, generation: int, card: CardData) -> None:\n"
        "    if generation != session.generation:\n        return\n",
        "def _card_read(session: Session, generation: int, card: CardData) -> None:\n",
        ("tests/kiosk/test_session.py",),
    ),
    Mutant(
        "fold: đ kept",
        "kiosk/text.py",
        'table[ord("đ")] = "d"',
        'table[ord("đ")] = "đ"',
        ("tests/kiosk/test_text.py", "tests/kiosk/catalog/test_catalog_search.py"),
    ),
    Mutant(
        "fold: loose combining marks kept",
        "kiosk/text.py",
        "for cp in range(0x0300, 0x0370):",
        "for cp in range(0x0300, 0x0300):",
        ("tests/kiosk/test_text.py", "tests/kiosk/catalog/test_catalog_search.py"),
    ),
    Mutant(
        "QR classify: BOM not removed",
        "kiosk/identity/classify.py",
        'text = text.removeprefix("\\ufeff").strip()',
        "text = text.strip()",
        ("tests/kiosk/identity/test_identity_classify.py",),
    ),
    Mutant(
        "QR classify: no length limit",
        "kiosk/identity/classify.py",
        "if len(text) > MAX_LENGTH:",
        "if len(text) > 100 * MAX_LENGTH:",
        ("tests/kiosk/identity/test_identity_classify.py",),
    ),
    Mutant(
        "QR classify: BHYT recognised by its '$' no more",
        "kiosk/identity/classify.py",
        "    if looks_like_bhyt(text):\n",
        "    if False:\n",
        ("tests/kiosk/identity/test_identity_classify.py",),
    ),
    Mutant(
        "log masking: 9-digit old ID (CMND) passes",
        "kiosk/logging_setup.py",
        '_DIGITS = re.compile(r"(?<![0-9])[0-9]{9,12}(?![0-9])")',
        '_DIGITS = re.compile(r"(?<![0-9])[0-9]{10,12}(?![0-9])")',
        ("tests/kiosk/test_logging.py",),
    ),
    Mutant(
        "log masking: 20th-century birth dates pass",
        "kiosk/logging_setup.py",
        "[/.-](?:19|20)[0-9]{2}(?![0-9])",
        "[/.-](?:20)[0-9]{2}(?![0-9])",
        ("tests/kiosk/test_logging.py",),
    ),
    Mutant(
        "log masking: folded names pass",
        "kiosk/logging_setup.py",
        "    yield fold(text, lower=False)\n",
        "",
        ("tests/kiosk/test_logging.py",),
    ),
    Mutant(
        "passive auth: data-group hash not compared",
        "hardware/icao/sod.py",
        "if digest(parsed.hash_algorithm, data) != expected:",
        "if False:",
        ("tests/hardware/icao/test_sod.py",),
    ),
    Mutant(
        "passive auth: signed-attributes digest not compared",
        "hardware/icao/cms.py",
        "elif digest(digest_name, signed.econtent) != digests[0].native:",
        "elif False:",
        ("tests/hardware/icao/test_sod.py",),
    ),
    Mutant(
        "printing: paper out reported as a generic error",
        "hardware/printer/base.py",
        'class PaperOut(PrinterError):\n    code = "paper_out"',
        'class PaperOut(PrinterError):\n    code = "error"',
        ("tests/kiosk/queue/test_queue_printing.py", "tests/kiosk/test_session.py"),
    ),
    Mutant(
        "printing: a hung printer reported as an error, not a timeout",
        "kiosk/queue/printing.py",
        'timeout after {timeout_s:g} s")\n                return _failure("timeout")',
        'timeout after {timeout_s:g} s")\n                return _failure("error")',
        ("tests/kiosk/queue/test_queue_printing.py",),
    ),
    Mutant(
        "insurance: unverified_action ignored when the checker raises",
        "kiosk/session/insurance.py",
        "not_verified(session.config.insurance.unverified_action)",
        "not_verified()",
        ("tests/kiosk/test_bootstrap.py", "tests/kiosk/test_session.py"),
    ),
    Mutant(
        "bootstrap: a failed build leaks what it built",
        "kiosk/bootstrap.py",
        "for part in reversed(built):",
        "for part in reversed(built[:0]):",
        ("tests/kiosk/test_bootstrap.py",),
    ),
]


def run(mutant: Mutant, copy: Path, timeout_s: float) -> tuple[str, float]:
    target = copy / mutant.path
    original = target.read_text(encoding="utf-8")
    if original.count(mutant.old) != 1:
        return "error", 0.0
    started = time.monotonic()
    try:
        target.write_text(original.replace(mutant.old, mutant.new), encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(copy), "QT_QPA_PLATFORM": "offscreen"}
        command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider"]
        command += ["-m", mutant.markers, *mutant.tests]
        try:
            done = subprocess.run(
                command, cwd=copy, env=env, capture_output=True, text=True, timeout=timeout_s
            )
        except subprocess.TimeoutExpired:
            return "killed (timeout)", time.monotonic() - started
    finally:
        target.write_text(original, encoding="utf-8")
    elapsed = time.monotonic() - started
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    if done.returncode == 1 and " failed" in summary:
        return "killed", elapsed
    if done.returncode == 0:
        return "survived", elapsed
    # collection errors, a fixture that could not start (e.g. no PostgreSQL): not a verdict
    return f"error (pytest exit {done.returncode})", elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-k", default="", help="only mutants whose name contains this")
    parser.add_argument("--postgres", action="store_true", help="include PostgreSQL mutants")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per mutant")
    args = parser.parse_args(argv)
    chosen = [
        m
        for m in MUTANTS
        if args.k.lower() in m.name.lower() and (args.postgres or m.markers != "postgres")
    ]
    with tempfile.TemporaryDirectory(prefix="kiosk-mutants-") as tmp:
        copy = Path(tmp) / "repo"
        shutil.copytree(ROOT, copy, ignore=SKIP)
        env = {**os.environ, "PYTHONPATH": str(copy), "QT_QPA_PLATFORM": "offscreen"}
        for markers in sorted({m.markers for m in chosen}):
            baseline = sorted({t for m in chosen if m.markers == markers for t in m.tests})
            clean = subprocess.run(
                [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", markers]
                + baseline,
                cwd=copy,
                env=env,
                capture_output=True,
                text=True,
            )
            if clean.returncode != 0:
                print(clean.stdout[-3000:])
                print(f"the unmutated tests fail (-m {markers!r}): fix them first", file=sys.stderr)
                return 2
        rows = []
        for mutant in chosen:
            verdict, elapsed = run(mutant, copy, args.timeout)
            rows.append((mutant, verdict, elapsed))
            print(f"{verdict:<20} {elapsed:6.1f} s  {mutant.name}", flush=True)
    killed = sum(v.startswith("killed") for _, v, _ in rows)
    errors = sum(v.startswith("error") for _, v, _ in rows)
    print()
    print(f"{'mutant':<62} {'file':<28} result")
    for mutant, verdict, _ in rows:
        print(f"{mutant.name:<62} {mutant.path.split('/')[-1]:<28} {verdict}")
    total = len(rows)
    print(
        f"\n{killed}/{total} killed ({100 * killed / max(total, 1):.0f} %), "
        f"{total - killed - errors} survived, {errors} could not be applied"
    )
    return 0 if killed == total else 1


if __name__ == "__main__":
    sys.exit(main())
