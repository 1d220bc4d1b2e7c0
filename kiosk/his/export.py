"""`kiosk his export`: a day's registrations for a HIS that imports files.

`xml1`: one `<TONG_HOP>` element per visit with the XML1 fields (QĐ 130 element names, values
as strings in the standard's formats), in a `<DSACH_TONG_HOP>` list (the list element of the
QĐ 130 XML1 file, verify the wrapper against the HIS's importer). `json`: the registrations
as the REST API sends them, with their hand-off state. MA_LK is the HIS's when it answered,
else the kiosk's registration key.
"""

from __future__ import annotations

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
    root = ET.Element("DSACH_TONG_HOP")
    for reg, state in rows:
        elem = ET.SubElement(root, "TONG_HOP")
        values = dict(reg.xml1, MA_LK=state["ma_lk"] or reg.key)
        for name in XML1_FIELDS:
            ET.SubElement(elem, name).text = values.get(name, "")
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode")
