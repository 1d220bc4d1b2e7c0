"""VietQR (NAPAS 247) payloads: EMVCo merchant-presented QR with the NAPAS GUID.

Root: 00 payload format "01"; 01 "12" dynamic (one bill, an amount) or "11" static;
38 merchant account {00 "A000000727", 01 {00 bank BIN (6 digits), 01 account or card},
02 "QRIBFTTA" to an account / "QRIBFTTC" to a card}; 53 "704" (VND); 54 amount; 58 "VN";
62 additional data {01 bill number, 08 purpose}; 63 CRC-16/CCITT-FALSE (poly 0x1021, init
0xFFFF) as 4 upper-case hex digits over the whole payload including "6304".

Written against the spec: the VietQR packages on PyPI are single-release projects without
maintenance, and the encoding is a few lines of ID-length-value. The CRC is the standard
library's binascii.crc_hqx (CRC-CCITT with the given initial value). Tests check a payload
published with an independent implementation and decode our QR images with zxing-cpp.
"""

from __future__ import annotations

import binascii
import re
from dataclasses import dataclass

NAPAS_GUID = "A000000727"
TO_ACCOUNT, TO_CARD = "QRIBFTTA", "QRIBFTTC"
_ASCII_FIELD = re.compile(r"^[0-9A-Za-z .,_\-/]*$")


class VietQrError(ValueError):
    pass


def crc16(data: str) -> str:
    return f"{binascii.crc_hqx(data.encode('utf-8'), 0xFFFF):04X}"


def tlv(tag: str, value: str) -> str:
    if len(value) > 99:
        raise VietQrError(f"field {tag} is longer than 99 characters")
    return f"{tag}{len(value):02d}{value}"


def parse_tlv(data: str) -> dict[str, str]:
    """ID-length-value pairs (one level). Raises VietQrError on a malformed string."""
    out: dict[str, str] = {}
    i = 0
    while i < len(data):
        if i + 4 > len(data) or not data[i + 2 : i + 4].isdigit():
            raise VietQrError(f"malformed field at position {i}")
        tag, length = data[i : i + 2], int(data[i + 2 : i + 4])
        value = data[i + 4 : i + 4 + length]
        if len(value) != length:
            raise VietQrError(f"field {tag} is cut off")
        out[tag] = value
        i += 4 + length
    return out


@dataclass(frozen=True)
class VietQr:
    bank_bin: str
    account: str
    amount: int | None  # integer đồng; None for a static QR
    bill_number: str = ""
    purpose: str = ""
    service: str = TO_ACCOUNT

    def payload(self) -> str:
        if not (self.bank_bin.isdigit() and len(self.bank_bin) == 6):
            raise VietQrError("the bank BIN has 6 digits")
        if not (self.account.isalnum() and self.account.isascii() and len(self.account) <= 19):
            raise VietQrError("the account or card number is up to 19 letters or digits")
        if self.service not in (TO_ACCOUNT, TO_CARD):
            raise VietQrError(f"service must be {TO_ACCOUNT} or {TO_CARD}")
        if self.amount is not None and not (0 < self.amount < 10**13):
            raise VietQrError("the amount is a positive whole number of đồng")
        for name, value, limit in (("bill", self.bill_number, 25), ("purpose", self.purpose, 25)):
            if len(value) > limit or not _ASCII_FIELD.match(value):
                raise VietQrError(f"{name}: up to {limit} plain letters, digits and . , - _ /")
        bank = tlv("00", self.bank_bin) + tlv("01", self.account)
        account = tlv("00", NAPAS_GUID) + tlv("01", bank) + tlv("02", self.service)
        body = tlv("00", "01") + tlv("01", "12" if self.amount is not None else "11")
        body += tlv("38", account) + tlv("53", "704")
        if self.amount is not None:
            body += tlv("54", str(self.amount))
        body += tlv("58", "VN")
        extra = (tlv("01", self.bill_number) if self.bill_number else "") + (
            tlv("08", self.purpose) if self.purpose else ""
        )
        if extra:
            body += tlv("62", extra)
        body += "6304"
        return body + crc16(body)


def decode(payload: str) -> dict[str, str]:
    """The fields of a VietQR payload, flattened (e.g. "38.01.00" = the bank BIN), after
    checking the CRC. Raises VietQrError."""
    if len(payload) < 8 or payload[-8:-4] != "6304":
        raise VietQrError("no CRC field at the end")
    if crc16(payload[:-4]) != payload[-4:].upper():
        raise VietQrError("CRC mismatch")
    root = parse_tlv(payload)
    flat = dict(root)
    for tag in ("38", "62"):
        if tag in root:
            for sub, value in parse_tlv(root[tag]).items():
                flat[f"{tag}.{sub}"] = value
                if tag == "38" and sub == "01":
                    for subsub, v in parse_tlv(value).items():
                        flat[f"38.01.{subsub}"] = v
    return flat
