"""Basic Access Control (ICAO 9303-11 §4.3): key seed from the MRZ, mutual authentication.

The terminal side is `authenticate(transport, ...)`; the card side used by the emulator is
`BacCard`. Both give a `DESSecureMessaging` with the session keys and the SSC.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass
from datetime import date

from hardware.icao.apdu import CommandAPDU, ResponseAPDU
from hardware.icao.sm import (
    KDF_ENC,
    KDF_MAC,
    DESSecureMessaging,
    des3_decrypt,
    des3_encrypt,
    kdf,
    pad,
    retail_mac,
)
from hardware.icao.transport import Transport


class BacFailed(Exception):
    """Mutual authentication did not succeed (wrong key or a broken answer)."""


def check_digit(text: str) -> str:
    """ICAO 9303-3 check digit: weights 7-3-1, '<' = 0, A-Z = 10..35."""
    total = 0
    for i, ch in enumerate(text):
        if ch.isdigit():
            value = int(ch)
        elif "A" <= ch <= "Z":
            value = ord(ch) - 55
        elif ch == "<":
            value = 0
        else:
            raise ValueError(f"character {ch!r} is not allowed in an MRZ field")
        total += value * (7, 3, 1)[i % 3]
    return str(total % 10)


def yymmdd(day: date) -> str:
    return day.strftime("%y%m%d")


def mrz_information(document_number: str, birth: str, expiry: str) -> str:
    """Document number + check, birth YYMMDD + check, expiry YYMMDD + check (§9.7.2)."""
    doc = document_number.upper()
    if len(doc) < 9:
        doc = doc + "<" * (9 - len(doc))
    return doc + check_digit(doc) + birth + check_digit(birth) + expiry + check_digit(expiry)


def key_seed(mrz_info: str) -> bytes:
    return hashlib.sha1(mrz_info.encode("ascii")).digest()[:16]


def derive_keys(seed: bytes) -> tuple[bytes, bytes]:
    """(KEnc, KMac) from a 16-byte key seed."""
    return kdf(seed, KDF_ENC, des=True), kdf(seed, KDF_MAC, des=True)


@dataclass(frozen=True)
class BacKeys:
    k_enc: bytes
    k_mac: bytes

    @classmethod
    def from_mrz(cls, document_number: str, birth: str, expiry: str) -> BacKeys:
        return cls(*derive_keys(key_seed(mrz_information(document_number, birth, expiry))))


def _session(k_seed: bytes, rnd_ic: bytes, rnd_ifd: bytes) -> DESSecureMessaging:
    ks_enc, ks_mac = derive_keys(k_seed)
    ssc = int.from_bytes(rnd_ic[-4:] + rnd_ifd[-4:], "big")
    return DESSecureMessaging(ks_enc, ks_mac, ssc)


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b, strict=True))


def terminal_cryptogram(keys: BacKeys, rnd_ic: bytes, rnd_ifd: bytes, k_ifd: bytes) -> bytes:
    """E_IFD || M_IFD, the MUTUAL AUTHENTICATE command data."""
    e_ifd = des3_encrypt(keys.k_enc, rnd_ifd + rnd_ic + k_ifd)
    return e_ifd + retail_mac(keys.k_mac, pad(e_ifd, 8))


def authenticate(
    transport: Transport,
    keys: BacKeys,
    *,
    rnd_ifd: bytes | None = None,
    k_ifd: bytes | None = None,
) -> DESSecureMessaging:
    """GET CHALLENGE + MUTUAL AUTHENTICATE; raises BacFailed when the card refuses."""
    challenge = ResponseAPDU.parse(
        transport.transmit(CommandAPDU(0x00, 0x84, 0, 0, le=8).to_bytes())
    )
    if not challenge.ok or len(challenge.data) != 8:
        raise BacFailed(f"GET CHALLENGE refused ({challenge.sw:04X})")
    rnd_ic = challenge.data
    rnd_ifd = rnd_ifd or os.urandom(8)
    k_ifd = k_ifd or os.urandom(16)
    data = terminal_cryptogram(keys, rnd_ic, rnd_ifd, k_ifd)
    resp = ResponseAPDU.parse(
        transport.transmit(CommandAPDU(0x00, 0x82, 0, 0, data, le=40).to_bytes())
    )
    if not resp.ok or len(resp.data) != 40:
        raise BacFailed(f"MUTUAL AUTHENTICATE refused ({resp.sw:04X})")
    e_ic, m_ic = resp.data[:32], resp.data[32:]
    if not hmac.compare_digest(retail_mac(keys.k_mac, pad(e_ic, 8)), m_ic):
        raise BacFailed("the card's MAC does not verify")
    r = des3_decrypt(keys.k_enc, e_ic)
    if r[:8] != rnd_ic or r[8:16] != rnd_ifd:
        raise BacFailed("the card's answer does not match the challenge")
    return _session(_xor(k_ifd, r[16:32]), rnd_ic, rnd_ifd)


class BacCard:
    """The card side of BAC (for the emulator)."""

    def __init__(self, keys: BacKeys) -> None:
        self.keys = keys
        self.rnd_ic: bytes | None = None

    def get_challenge(self, rnd_ic: bytes | None = None) -> bytes:
        self.rnd_ic = rnd_ic or os.urandom(8)
        return self.rnd_ic

    def mutual_authenticate(
        self, data: bytes, k_ic: bytes | None = None
    ) -> tuple[bytes, DESSecureMessaging]:
        """(response data, session) or BacFailed."""
        if self.rnd_ic is None:
            raise BacFailed("no challenge issued")
        rnd_ic, self.rnd_ic = self.rnd_ic, None
        if len(data) != 40:
            raise BacFailed("MUTUAL AUTHENTICATE data must be 40 bytes")
        e_ifd, m_ifd = data[:32], data[32:]
        if not hmac.compare_digest(retail_mac(self.keys.k_mac, pad(e_ifd, 8)), m_ifd):
            raise BacFailed("terminal MAC does not verify")
        s = des3_decrypt(self.keys.k_enc, e_ifd)
        rnd_ifd, k_ifd = s[:8], s[16:32]
        if s[8:16] != rnd_ic:
            raise BacFailed("terminal answer does not match the challenge")
        k_ic = k_ic or os.urandom(16)
        e_ic = des3_encrypt(self.keys.k_enc, rnd_ic + rnd_ifd + k_ic)
        answer = e_ic + retail_mac(self.keys.k_mac, pad(e_ic, 8))
        return answer, _session(_xor(k_ifd, k_ic), rnd_ic, rnd_ifd)
