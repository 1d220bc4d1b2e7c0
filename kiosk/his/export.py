"""`kiosk his export`: a day's registrations for a HIS that imports files.

`xml1`: the envelope the BHXH portal and HIS importers read for QĐ 130 / QĐ 4750 files:
`<GIAMDINHHS>` with `THONGTINDONVI/MACSKCB`, `THONGTINHOSO` (`NGAYLAP` yyyymmdd,
`SOLUONGHOSO`, `DANHSACHHOSO`) and one `HOSO` per visit whose `FILEHOSO` has `LOAIHOSO` =
`XML1` and `NOIDUNGFILE` = the base64 of the visit's UTF-8 `<TONG_HOP>` table (XML1 field
names, values as strings in the standard's formats). Checked against several public
implementations of the envelope, not against the decision's own XSD (verify with the HIS's
importer). `json`: the registrations as the REST API sends them, with their hand-off state.
MA_LK is the HIS's when it answered, else the kiosk's registration key.
"""

from __future__ import annotations

import base64
import json
from xml.etree import ElementTree as ET

from kiosk.his.outbox import Outbox
from kiosk.his.record import XML1_FIELDS


def export_day(outbox: Outbox, day: str, fmt: str) -> str:
    rows = outbox.day_rows(day)
    if fmt == "json":
        out = []
        for reg, state in rows:
            item = reg.as_dict()
            item["xml1"]["MA_LK"] = state["ma_lk"] or reg.key
            item["his_state"] = state["state"]
            out.append(item)
        return json.dumps({"day": day, "registrations": out}, ensure_ascii=False, indent=2)
    from datetime import datetime

    from kiosk.queue.model import TZ

    root = ET.Element("GIAMDINHHS")
    facility = ""
    files = []
    for reg, state in rows:
        values = dict(reg.xml1, MA_LK=state["ma_lk"] or reg.key)
        facility = facility or values.get("MA_CSKCB", "")
        files.append(xml1_table(values))
    ET.SubElement(ET.SubElement(root, "THONGTINDONVI"), "MACSKCB").text = facility
    info = ET.SubElement(root, "THONGTINHOSO")
    ET.SubElement(info, "NGAYLAP").text = datetime.now(TZ).strftime("%Y%m%d")
    ET.SubElement(info, "SOLUONGHOSO").text = str(len(files))
    listing = ET.SubElement(info, "DANHSACHHOSO")
    for table in files:
        file_ = ET.SubElement(ET.SubElement(listing, "HOSO"), "FILEHOSO")
        ET.SubElement(file_, "LOAIHOSO").text = "XML1"
        ET.SubElement(file_, "NOIDUNGFILE").text = base64.b64encode(table).decode("ascii")
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode")


def xml1_table(values: dict[str, str]) -> bytes:
    """One visit's XML1 table: `<TONG_HOP>` with the fields in the table's order (UTF-8)."""
    elem = ET.Element("TONG_HOP")
    for name in XML1_FIELDS:
        ET.SubElement(elem, name).text = values.get(name, "")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(elem, encoding="utf-8",
                                                                    xml_declaration=False)  # fmt: skip


def xml1_visits(document: str) -> list[ET.Element]:
    """The `<TONG_HOP>` tables of an exported `GIAMDINHHS` document (tests, IT checks)."""
    root = ET.fromstring(document.split("\n", 1)[1] if document.startswith("<?xml") else document)
    out = []
    for file_ in root.iter("FILEHOSO"):
        if file_.findtext("LOAIHOSO") == "XML1":
            out.append(ET.fromstring(base64.b64decode(file_.findtext("NOIDUNGFILE") or "")))
    return out
