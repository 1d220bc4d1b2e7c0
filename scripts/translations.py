"""Updates the Vietnamese translation of the UI with Qt's tools.

1. pyside6-lupdate extracts every self.tr("…") string of ui/ into assets/translations/kiosk_vi.ts;
2. translations are filled from assets/translations/vi/*.tsv (`English<TAB>Vietnamese`);
3. pyside6-lrelease compiles kiosk_vi.qm, which the app loads.

Run: .venv/bin/python scripts/translations.py [--check]
--check exits 1 when a UI string has no Vietnamese translation.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "assets" / "translations" / "kiosk_vi.ts"
QM = TS.with_suffix(".qm")
TSV_DIR = ROOT / "assets" / "translations" / "vi"
BIN = Path(sys.executable).parent


def load_tsv() -> dict[str, str]:
    table: dict[str, str] = {}
    for file in sorted(TSV_DIR.glob("*.tsv")):
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            source, sep, target = line.partition("\t")
            if not sep or not target.strip():
                raise SystemExit(f"{file.name}:{number}: expected 'English<TAB>Vietnamese'")
            table[source.replace("\\n", "\n")] = target.replace("\\n", "\n")
    return table


def untranslated(ts: Path) -> list[str]:
    missing = []
    for message in ET.parse(ts).iter("message"):
        translation = message.find("translation")
        if translation is not None and translation.get("type") in ("vanished", "obsolete"):
            continue
        if (
            translation is None
            or translation.get("type") == "unfinished"
            or not (translation.text or "").strip()
        ):
            missing.append(message.findtext("source") or "")
    return missing


def build(ts: Path, qm: Path | None) -> None:
    """Extracts the UI strings into `ts`, fills the Vietnamese, compiles `qm`."""
    sources = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "ui").rglob("*.py"))
    subprocess.run(
        [str(BIN / "pyside6-lupdate"), *sources, "-no-obsolete", "-ts", str(ts)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    table = load_tsv()
    tree = ET.parse(ts)
    for message in tree.iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        if translation is None:
            translation = ET.SubElement(message, "translation")
        if source in table:
            translation.text = table[source]
            translation.attrib.pop("type", None)
    tree.getroot().set("language", "vi_VN")
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    if qm is not None:
        subprocess.run(
            [str(BIN / "pyside6-lrelease"), str(ts), "-qm", str(qm)],
            check=True,
            capture_output=True,
        )


def main() -> int:
    """Without --check: rewrites the .ts and .qm. With --check: builds in a temporary folder
    from the current sources and fails when a UI string has no Vietnamese translation."""
    if "--check" in sys.argv:
        with tempfile.TemporaryDirectory() as tmp:
            ts = Path(tmp) / "check.ts"
            build(ts, None)
            missing = untranslated(ts)
    else:
        build(TS, QM)
        missing = untranslated(TS)
    for source in missing:
        print(f"untranslated: {source!r}")
    print(f"{len(missing)} untranslated UI strings")
    return 1 if ("--check" in sys.argv and missing) else 0


if __name__ == "__main__":
    sys.exit(main())
