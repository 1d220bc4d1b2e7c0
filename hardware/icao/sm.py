"""ICAO 9303-11 secure messaging: 3DES (after BAC) and AES-128 CBC/CMAC (after PACE).

One `SecureMessaging` object per side and session. The terminal side uses `protect` and
`unprotect`; the card side (emulator) uses `unwrap_command` and `wrap_response`. Each side
keeps its own send sequence counter (SSC), incremented before every command and response.
All cryptography comes from the `cryptography` package.
"""

from __future__ import annotations

import hashlib
import hmac

from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.cmac import CMAC

from hardware.icao import tlv
from hardware.icao.apdu import MAX_SHORT_LE, CommandAPDU, ResponseAPDU

KDF_ENC = 1
KDF_MAC = 2
KDF_PACE = 3


class SMError(Exception):
    """A protected message is malformed or its MAC is wrong (the session is over)."""


# --- primitives ------------------------------------------------------------------------------


def pad(data: bytes, block: int) -> bytes:
    """ISO/IEC 9797-1 padding method 2 (80 00 ...)."""
    data = bytes(data) + b"\x80"
    return data + b"\x00" * (-len(data) % block)


def unpad(data: bytes) -> bytes:
    stripped = data.rstrip(b"\x00")
    if not stripped or stripped[-1] != 0x80:
        raise SMError("bad padding in decrypted data")
    return stripped[:-1]


def adjust_parity(key: bytes) -> bytes:
    """DES keys: every byte gets odd parity in its lowest bit."""
    out = bytearray()
    for byte in key:
        high = byte & 0xFE
        out.append(high | (bin(high).count("1") + 1) % 2)
    return bytes(out)


def kdf(seed: bytes, counter: int, *, des: bool) -> bytes:
    """ICAO 9303-11 §9.7.1: SHA-1(seed || counter)[:16], DES keys parity-adjusted."""
    digest = hashlib.sha1(bytes(seed) + counter.to_bytes(4, "big")).digest()[:16]
    return adjust_parity(digest) if des else digest


def des_session_keys(seed: bytes) -> tuple[bytes, bytes]:
    """(KSEnc, KSMac) for 3DES from a key seed (K.IFD xor K.IC in BAC)."""
    return kdf(seed, KDF_ENC, des=True), kdf(seed, KDF_MAC, des=True)


def _tdes(key: bytes) -> TripleDES:
    """A TripleDES key object; 8-byte (single DES) and 16-byte keys expanded to 24 bytes."""
    if len(key) == 8:
        key = key * 3
    elif len(key) == 16:
        key = key + key[:8]
    return TripleDES(key)


def des3_encrypt(key: bytes, data: bytes, iv: bytes = b"\x00" * 8) -> bytes:
    enc = Cipher(_tdes(key), modes.CBC(iv)).encryptor()
    return enc.update(data) + enc.finalize()


def des3_decrypt(key: bytes, data: bytes, iv: bytes = b"\x00" * 8) -> bytes:
    dec = Cipher(_tdes(key), modes.CBC(iv)).decryptor()
    return dec.update(data) + dec.finalize()


def retail_mac(key: bytes, data: bytes) -> bytes:
    """ISO/IEC 9797-1 MAC algorithm 3 (DES CBC, final 3DES) over already padded data."""
    if len(data) % 8 or not data:
        raise SMError("retail MAC input must be whole 8-byte blocks")
    ka = key[:8]
    chain = b"\x00" * 8
    if len(data) > 8:
        chain = des3_encrypt(ka, data[:-8])[-8:]
    last = bytes(a ^ b for a, b in zip(chain, data[-8:], strict=True))
    ecb = Cipher(_tdes(key[:16]), modes.ECB()).encryptor()
    return ecb.update(last) + ecb.finalize()


def aes_encrypt(key: bytes, data: bytes, iv: bytes = b"\x00" * 16) -> bytes:
    enc = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return enc.update(data) + enc.finalize()


def aes_decrypt(key: bytes, data: bytes, iv: bytes = b"\x00" * 16) -> bytes:
    dec = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    return dec.update(data) + dec.finalize()


def aes_cmac(key: bytes, data: bytes) -> bytes:
    mac = CMAC(algorithms.AES(key))
    mac.update(data)
    return mac.finalize()


# --- secure messaging ------------------------------------------------------------------------


def _le_bytes(le: int) -> bytes:
    if le <= MAX_SHORT_LE:
        return bytes([le & 0xFF])
    return (le & 0xFFFF).to_bytes(2, "big")


def _le_from(value: bytes) -> int:
    if len(value) == 1:
        return value[0] or 256
    if len(value) == 2:
        return int.from_bytes(value, "big") or 65536
    raise SMError("DO97 must hold 1 or 2 bytes")


class SecureMessaging:
    """Common SM logic; subclasses give the block cipher and MAC."""

    block = 8
    name = ""

    def __init__(self, ks_enc: bytes, ks_mac: bytes, ssc: int) -> None:
        self.ks_enc = bytes(ks_enc)
        self.ks_mac = bytes(ks_mac)
        self.ssc = ssc
        self.last_plain = False  # the latest response came without secure messaging

    # cipher-specific
    def _encrypt(self, data: bytes) -> bytes:
        raise NotImplementedError

    def _decrypt(self, data: bytes) -> bytes:
        raise NotImplementedError

    def _mac(self, data: bytes) -> bytes:
        """8-byte MAC over SSC || data (data already padded)."""
        raise NotImplementedError

    @property
    def ssc_bytes(self) -> bytes:
        return self.ssc.to_bytes(self.block, "big")

    def _mac_ok(self, data: bytes, mac: bytes) -> bool:
        return hmac.compare_digest(self._mac(pad(data, self.block)), mac)

    def overhead(self, plain_length: int) -> int:
        """Size of a protected response carrying `plain_length` bytes (with SW, DO99, DO8E)."""
        if not plain_length:
            return 4 + 10 + 2
        enc = plain_length + self.block - plain_length % self.block + 1
        return len(tlv.encode_length(enc)) + 1 + enc + 4 + 10 + 2

    # terminal side
    def protect(self, cmd: CommandAPDU) -> CommandAPDU:
        cla = cmd.cla | 0x0C
        header = bytes([cla, cmd.ins, cmd.p1, cmd.p2])
        self.ssc += 1
        body = b""
        if cmd.data:
            encrypted = self._encrypt(pad(cmd.data, self.block))
            body += (
                tlv.encode(0x85, encrypted)
                if cmd.ins & 1
                else tlv.encode(0x87, b"\x01" + encrypted)
            )
        if cmd.le is not None:
            body += tlv.encode(0x97, _le_bytes(cmd.le))
        mac = self._mac(pad(pad(header, self.block) + body, self.block))
        body += tlv.encode(0x8E, mac)
        expected = self.overhead(cmd.le or 0)
        le = 65536 if expected > MAX_SHORT_LE or len(body) > 255 else MAX_SHORT_LE
        return CommandAPDU(cla, cmd.ins, cmd.p1, cmd.p2, body, le)

    def unprotect(self, raw: bytes, *, odd: bool = False) -> ResponseAPDU:
        """Checks and decrypts a protected response. Plain error SWs (no data) come back as-is."""
        resp = ResponseAPDU.parse(raw)
        self.ssc += 1
        self.last_plain = not resp.data
        if not resp.data:
            return resp
        try:
            items = tlv.decode_all(resp.data)
        except tlv.LDSError as exc:
            raise SMError(f"protected response is not TLV: {exc}") from exc
        by_tag = {item.tag: item for item in items}
        if 0x8E not in by_tag or 0x99 not in by_tag:
            raise SMError("protected response without DO99/DO8E")
        mac_end = by_tag[0x8E].start
        if not self._mac_ok(resp.data[:mac_end], by_tag[0x8E].value):
            raise SMError("response MAC does not verify")
        sw = by_tag[0x99].value
        if len(sw) != 2:
            raise SMError("DO99 must hold two bytes")
        plain = b""
        if 0x87 in by_tag:
            value = by_tag[0x87].value
            if not value or value[0] != 0x01:
                raise SMError("DO87 without padding indicator 01")
            plain = unpad(self._decrypt(value[1:]))
        elif 0x85 in by_tag:
            plain = unpad(self._decrypt(by_tag[0x85].value))
        return ResponseAPDU(plain, sw[0], sw[1])

    # card side
    def unwrap_command(self, cmd: CommandAPDU) -> CommandAPDU:
        if cmd.cla & 0x0C != 0x0C:
            raise SMError("command is not protected")
        try:
            items = tlv.decode_all(cmd.data)
        except tlv.LDSError as exc:
            raise SMError(f"protected command is not TLV: {exc}") from exc
        by_tag = {item.tag: item for item in items}
        if 0x8E not in by_tag:
            raise SMError("protected command without DO8E")
        self.ssc += 1
        header = bytes([cmd.cla, cmd.ins, cmd.p1, cmd.p2])
        body = cmd.data[: by_tag[0x8E].start]
        mac_input = pad(pad(header, self.block) + body, self.block)
        if not hmac.compare_digest(self._mac(mac_input), by_tag[0x8E].value):
            raise SMError("command MAC does not verify")
        data = b""
        if 0x87 in by_tag:
            value = by_tag[0x87].value
            if not value or value[0] != 0x01 or (len(value) - 1) % self.block:
                raise SMError("bad DO87")
            data = unpad(self._decrypt(value[1:]))
        elif 0x85 in by_tag:
            data = unpad(self._decrypt(by_tag[0x85].value))
        le = _le_from(by_tag[0x97].value) if 0x97 in by_tag else None
        return CommandAPDU(cmd.cla & ~0x0C & 0xFF, cmd.ins, cmd.p1, cmd.p2, data, le)

    def wrap_response(self, resp: ResponseAPDU, *, odd: bool = False) -> bytes:
        self.ssc += 1
        body = b""
        if resp.data:
            encrypted = self._encrypt(pad(resp.data, self.block))
            body += tlv.encode(0x85, encrypted) if odd else tlv.encode(0x87, b"\x01" + encrypted)
        body += tlv.encode(0x99, bytes([resp.sw1, resp.sw2]))
        body += tlv.encode(0x8E, self._mac(pad(body, self.block)))
        return body + bytes([resp.sw1, resp.sw2])


class DESSecureMessaging(SecureMessaging):
    """3DES-CBC (IV 0) and retail MAC; 8-byte SSC (after BAC)."""

    block = 8
    name = "3DES"

    def _encrypt(self, data: bytes) -> bytes:
        return des3_encrypt(self.ks_enc, data)

    def _decrypt(self, data: bytes) -> bytes:
        if len(data) % 8:
            raise SMError("3DES cryptogram is not whole blocks")
        return des3_decrypt(self.ks_enc, data)

    def _mac(self, data: bytes) -> bytes:
        return retail_mac(self.ks_mac, self.ssc_bytes + data)


class AESSecureMessaging(SecureMessaging):
    """AES-128 CBC (IV = E(KSenc, SSC)) and CMAC truncated to 8 bytes; 16-byte SSC (PACE)."""

    block = 16
    name = "AES"

    def _iv(self) -> bytes:
        enc = Cipher(algorithms.AES(self.ks_enc), modes.ECB()).encryptor()
        return enc.update(self.ssc_bytes) + enc.finalize()

    def _encrypt(self, data: bytes) -> bytes:
        return aes_encrypt(self.ks_enc, data, self._iv())

    def _decrypt(self, data: bytes) -> bytes:
        if len(data) % 16:
            raise SMError("AES cryptogram is not whole blocks")
        return aes_decrypt(self.ks_enc, data, self._iv())

    def _mac(self, data: bytes) -> bytes:
        return aes_cmac(self.ks_mac, self.ssc_bytes + data)[:8]
