"""PACE (ICAO 9303-11 §4.4): ECDH generic mapping on brainpoolP256r1, AES-128 CBC/CMAC.

Profile `id-PACE-ECDH-GM-AES-CBC-CMAC-128` (0.4.0.127.0.7.2.2.4.2.2), parameter id 13, as
listed in the EF.CardAccess of Vietnamese CCCD chips; the password is the CAN (last 6 digits
of the ID) or, for tests, the MRZ. The terminal side is `authenticate`; `PaceCard` is the card
side used by the emulator.

The `cryptography` package gives the curve, key generation, point validation and ECDH; it
has no API for adding points or multiplying an arbitrary generator, which generic mapping
needs (G~ = s*G + H), so those two operations are done here in Jacobian coordinates.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import ec

from hardware.icao import tlv
from hardware.icao.apdu import CommandAPDU, ResponseAPDU
from hardware.icao.bac import mrz_information
from hardware.icao.sm import (
    KDF_ENC,
    KDF_MAC,
    KDF_PACE,
    AESSecureMessaging,
    aes_cmac,
    aes_decrypt,
    aes_encrypt,
    kdf,
)
from hardware.icao.transport import Transport

OID_PACE_ECDH_GM_AES_CBC_CMAC_128 = "0.4.0.127.0.7.2.2.4.2.2"
PARAM_BRAINPOOL_P256R1 = 13
PASSWORD_MRZ = 1
PASSWORD_CAN = 2

SUPPORTED = {(OID_PACE_ECDH_GM_AES_CBC_CMAC_128, PARAM_BRAINPOOL_P256R1)}


class PaceFailed(Exception):
    """PACE did not succeed. `wrong_password` is True when the tokens did not match."""

    def __init__(self, message: str, *, wrong_password: bool = False) -> None:
        super().__init__(message)
        self.wrong_password = wrong_password


# --- brainpoolP256r1 arithmetic ----------------------------------------------------------------

P = 0xA9FB57DBA1EEA9BC3E660A909D838D726E3BF623D52620282013481D1F6E5377
A = 0x7D5A0975FC2C3057EEF67530417AFFE7FB8055C126DC5C6CE94A4B44F330B5D9
B = 0x26DC5C6CE94A4B44F330B5D9BBD77CBF958416295CF7E1CE6BCCDC18FF8C07B6
N = 0xA9FB57DBA1EEA9BC3E660A909D838D718C397AA3B561A6F7901E0E82974856A7
G = (
    0x8BD2AEB9CB7E57CB2C4B482FFC81B7AFB9DE27E1E3BD23C23A4453BD9ACE3262,
    0x547EF835C3DAC4FD97F8461A14611DC9C27745132DED8E545C1D54C72F046997,
)
CURVE = ec.BrainpoolP256R1()
SIZE = 32

Point = tuple[int, int] | None  # None = point at infinity
_Jac = tuple[int, int, int]


def _to_jac(pt: tuple[int, int]) -> _Jac:
    return (pt[0], pt[1], 1)


def _from_jac(jp: _Jac) -> Point:
    x, y, z = jp
    if z == 0:
        return None
    zi = pow(z, -1, P)
    zi2 = zi * zi % P
    return (x * zi2 % P, y * zi2 * zi % P)


def _jdouble(jp: _Jac) -> _Jac:
    x, y, z = jp
    if z == 0 or y == 0:
        return (1, 1, 0)
    ysq = y * y % P
    s = 4 * x * ysq % P
    z2 = z * z % P
    m = (3 * x * x + A * z2 * z2) % P
    nx = (m * m - 2 * s) % P
    ny = (m * (s - nx) - 8 * ysq * ysq) % P
    nz = 2 * y * z % P
    return (nx, ny, nz)


def _jadd(p1: _Jac, p2: _Jac) -> _Jac:
    x1, y1, z1 = p1
    x2, y2, z2 = p2
    if z1 == 0:
        return p2
    if z2 == 0:
        return p1
    z1s = z1 * z1 % P
    z2s = z2 * z2 % P
    u1 = x1 * z2s % P
    u2 = x2 * z1s % P
    s1 = y1 * z2s * z2 % P
    s2 = y2 * z1s * z1 % P
    if u1 == u2:
        return _jdouble(p1) if s1 == s2 else (1, 1, 0)
    h = (u2 - u1) % P
    r = (s2 - s1) % P
    h2 = h * h % P
    h3 = h * h2 % P
    u1h2 = u1 * h2 % P
    nx = (r * r - h3 - 2 * u1h2) % P
    ny = (r * (u1h2 - nx) - s1 * h3) % P
    nz = h * z1 * z2 % P
    return (nx, ny, nz)


def point_add(p1: Point, p2: Point) -> Point:
    if p1 is None:
        return p2
    if p2 is None:
        return p1
    return _from_jac(_jadd(_to_jac(p1), _to_jac(p2)))


def scalar_mult(k: int, pt: Point) -> Point:
    """k * pt (4-bit fixed window)."""
    if pt is None or k % N == 0:
        return None
    k %= N
    base = _to_jac(pt)
    table: list[_Jac] = [(1, 1, 0), base]
    for _ in range(14):
        table.append(_jadd(table[-1], base))
    acc: _Jac = (1, 1, 0)
    for shift in range((k.bit_length() + 3) // 4 * 4 - 4, -4, -4):
        for _ in range(4):
            acc = _jdouble(acc)
        digit = (k >> shift) & 0xF
        if digit:
            acc = _jadd(acc, table[digit])
    return _from_jac(acc)


def on_curve(pt: tuple[int, int]) -> bool:
    x, y = pt
    return 0 <= x < P and 0 <= y < P and (y * y - x * x * x - A * x - B) % P == 0


def encode_point(pt: Point) -> bytes:
    if pt is None:
        raise PaceFailed("point at infinity")
    return b"\x04" + pt[0].to_bytes(SIZE, "big") + pt[1].to_bytes(SIZE, "big")


def decode_point(data: bytes) -> tuple[int, int]:
    """An uncompressed point, validated to lie on brainpoolP256r1."""
    if len(data) != 1 + 2 * SIZE or data[0] != 0x04:
        raise PaceFailed("public key is not an uncompressed brainpoolP256r1 point")
    pt = (int.from_bytes(data[1 : 1 + SIZE], "big"), int.from_bytes(data[1 + SIZE :], "big"))
    if not on_curve(pt):
        raise PaceFailed("public key is not on the curve")
    return pt


def base_mult(k: int) -> tuple[int, int]:
    """k * G, through the `cryptography` package."""
    numbers = ec.derive_private_key(k, CURVE).public_key().public_numbers()
    return (numbers.x, numbers.y)


def ecdh_x(private: int, public: tuple[int, int]) -> bytes:
    """x-coordinate of private * public (ECDH through `cryptography`)."""
    key = ec.derive_private_key(private, CURVE)
    peer = ec.EllipticCurvePublicNumbers(public[0], public[1], CURVE).public_key()
    return key.exchange(ec.ECDH(), peer)


def random_scalar() -> int:
    return secrets.randbelow(N - 1) + 1


def map_generator(nonce: bytes, sk_map: int, pk_map_other: tuple[int, int]) -> tuple[Point, Point]:
    """Generic mapping: (H, G~) with H = sk_map * PK_map(other) and G~ = s*G + H."""
    h = scalar_mult(sk_map, pk_map_other)
    s = int.from_bytes(nonce, "big")
    g_hat = point_add(base_mult(s), h)
    if g_hat is None:
        raise PaceFailed("mapped generator is the point at infinity")
    return h, g_hat


# --- keys and tokens -------------------------------------------------------------------------


def password_key_can(can: str) -> bytes:
    """K_pi from the CAN (ASCII digits)."""
    return kdf(can.encode("ascii"), KDF_PACE, des=False)


def password_key_mrz(document_number: str, birth: str, expiry: str) -> bytes:
    """K_pi from the MRZ: KDF(SHA-1(MRZ information), 3)."""
    k = hashlib.sha1(mrz_information(document_number, birth, expiry).encode("ascii")).digest()
    return kdf(k, KDF_PACE, des=False)


def session_keys(shared_x: bytes) -> tuple[bytes, bytes]:
    return kdf(shared_x, KDF_ENC, des=False), kdf(shared_x, KDF_MAC, des=False)


def auth_token(ks_mac: bytes, oid: str, public_point: bytes) -> bytes:
    """CMAC over the public key data object 7F49 {06 OID, 86 point}, truncated to 8 bytes."""
    data = tlv.encode(0x7F49, tlv.encode_oid(oid) + tlv.encode(0x86, public_point))
    return aes_cmac(ks_mac, data)[:8]


# --- EF.CardAccess ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PACEInfo:
    oid: str
    version: int
    parameter_id: int | None

    @property
    def supported(self) -> bool:
        return (self.oid, self.parameter_id) in SUPPORTED and self.version == 2


def parse_card_access(data: bytes) -> list[PACEInfo]:
    """The PACEInfos of EF.CardAccess (a SET OF SecurityInfo); other infos are skipped.

    Raises tlv.LDSError on malformed data.
    """
    outer = tlv.decode(data, 0x31)
    infos: list[PACEInfo] = []
    for item in outer.children():
        if item.tag != 0x30:
            continue
        parts = item.children()
        if len(parts) < 2 or parts[0].tag != 0x06:
            continue
        oid = tlv.decode_oid(parts[0].value)
        if not oid.startswith("0.4.0.127.0.7.2.2.4."):
            continue
        if parts[1].tag != 0x02:
            continue
        version = tlv.decode_integer(parts[1].value)
        param = None
        if len(parts) > 2 and parts[2].tag == 0x02:
            param = tlv.decode_integer(parts[2].value)
        infos.append(PACEInfo(oid, version, param))
    return infos


def build_card_access(infos: list[PACEInfo], extra: list[bytes] | None = None) -> bytes:
    """EF.CardAccess content for the emulator (DER SET OF the infos, plus raw extra infos)."""
    items = []
    for info in infos:
        body = tlv.encode_oid(info.oid) + tlv.encode_integer(info.version)
        if info.parameter_id is not None:
            body += tlv.encode_integer(info.parameter_id)
        items.append(tlv.encode(0x30, body))
    items.extend(extra or [])
    return tlv.encode(0x31, b"".join(sorted(items)))


def _oid_value(oid: str) -> bytes:
    return tlv.decode_one(tlv.encode_oid(oid)).value


# --- terminal side ---------------------------------------------------------------------------


def _dyn(tag: int, value: bytes) -> bytes:
    return tlv.encode(0x7C, tlv.encode(tag, value) if tag else value)


def _general_authenticate(transport: Transport, data: bytes, last: bool, expect: int) -> bytes:
    cmd = CommandAPDU(0x00 if last else 0x10, 0x86, 0x00, 0x00, data, le=256)
    resp = ResponseAPDU.parse(transport.transmit(cmd.to_bytes()))
    if not resp.ok:
        raise PaceFailed(
            f"GENERAL AUTHENTICATE refused ({resp.sw:04X})",
            wrong_password=last and (resp.sw >> 8 == 0x63 or resp.sw == 0x6982),
        )
    try:
        outer = tlv.decode(resp.data, 0x7C)
        item = tlv.require(outer.value, expect, "dynamic authentication data")
    except tlv.LDSError as exc:
        raise PaceFailed(f"malformed GENERAL AUTHENTICATE answer: {exc}") from exc
    return item.value


def authenticate(
    transport: Transport,
    k_pi: bytes,
    info: PACEInfo,
    *,
    password_ref: int = PASSWORD_CAN,
    send_parameter_id: bool = True,
    sk_map: int | None = None,
    sk_eph: int | None = None,
) -> AESSecureMessaging:
    """Runs PACE with the password key K_pi; returns the AES secure messaging session."""
    if not info.supported:
        raise PaceFailed(f"PACE profile {info.oid} / parameter {info.parameter_id} not supported")
    mse = tlv.encode(0x80, _oid_value(info.oid)) + tlv.encode(0x83, bytes([password_ref]))
    if send_parameter_id and info.parameter_id is not None:
        mse += tlv.encode(0x84, bytes([info.parameter_id]))
    resp = ResponseAPDU.parse(
        transport.transmit(CommandAPDU(0x00, 0x22, 0xC1, 0xA4, mse).to_bytes())
    )
    if not resp.ok:
        raise PaceFailed(f"MSE:SET AT refused ({resp.sw:04X})")
    # 1. encrypted nonce
    z = _general_authenticate(transport, _dyn(0, b""), False, 0x80)
    if len(z) != 16:
        raise PaceFailed("encrypted nonce must be 16 bytes")
    nonce = aes_decrypt(k_pi, z)
    # 2. mapping
    sk_map = sk_map or random_scalar()
    pk_map = encode_point(base_mult(sk_map))
    pk_map_ic = decode_point(_general_authenticate(transport, _dyn(0x81, pk_map), False, 0x82))
    _, g_hat = map_generator(nonce, sk_map, pk_map_ic)
    # 3. key agreement on the mapped generator
    sk_eph = sk_eph or random_scalar()
    pk_eph = encode_point(scalar_mult(sk_eph, g_hat))
    pk_eph_ic_raw = _general_authenticate(transport, _dyn(0x83, pk_eph), False, 0x84)
    pk_eph_ic = decode_point(pk_eph_ic_raw)
    if pk_eph_ic_raw == pk_eph:
        raise PaceFailed("the card echoed the terminal's key")
    ks_enc, ks_mac = session_keys(ecdh_x(sk_eph, pk_eph_ic))
    # 4. mutual authentication
    token = auth_token(ks_mac, info.oid, pk_eph_ic_raw)
    token_ic = _general_authenticate(transport, _dyn(0x85, token), True, 0x86)
    if not hmac.compare_digest(token_ic, auth_token(ks_mac, info.oid, pk_eph)):
        raise PaceFailed("the card's authentication token does not verify")
    return AESSecureMessaging(ks_enc, ks_mac, 0)


# --- card side -------------------------------------------------------------------------------


class PaceCard:
    """The card side of PACE, one protocol run at a time (for the emulator)."""

    def __init__(self, passwords: dict[int, bytes], info: PACEInfo) -> None:
        self.passwords = passwords  # password reference -> K_pi
        self.info = info
        self._reset()

    def _reset(self) -> None:
        self.step = 0
        self.k_pi: bytes | None = None
        self.nonce = b""
        self.g_hat: Point = None
        self.pk_eph = b""
        self.pk_eph_ifd = b""
        self.ks: tuple[bytes, bytes] | None = None

    def set_at(self, data: bytes) -> int:
        """MSE:SET AT; returns the status word."""
        self._reset()
        try:
            items = {item.tag: item.value for item in tlv.decode_all(data)}
        except tlv.LDSError:
            return 0x6A80
        if items.get(0x80) != _oid_value(self.info.oid):
            return 0x6A80
        ref = items.get(0x83, b"")
        if len(ref) != 1 or ref[0] not in self.passwords:
            return 0x6A88
        if 0x84 in items and items[0x84] != bytes([self.info.parameter_id or 0]):
            return 0x6A80
        self.k_pi = self.passwords[ref[0]]
        self.step = 1
        return 0x9000

    def general_authenticate(
        self,
        data: bytes,
        *,
        nonce: bytes | None = None,
        sk_map: int | None = None,
        sk_eph: int | None = None,
    ) -> tuple[ResponseAPDU, AESSecureMessaging | None]:
        """One GENERAL AUTHENTICATE step; the session comes back after the last step."""
        try:
            outer = tlv.decode(data, 0x7C)
            items = {item.tag: item.value for item in tlv.decode_all(outer.value)}
        except tlv.LDSError:
            self._reset()
            return ResponseAPDU.status(0x6A80), None
        try:
            return self._step(items, nonce, sk_map, sk_eph)
        except PaceFailed:
            self._reset()
            return ResponseAPDU.status(0x6A80), None

    def _step(
        self, items: dict[int, bytes], nonce: bytes | None, sk_map: int | None, sk_eph: int | None
    ) -> tuple[ResponseAPDU, AESSecureMessaging | None]:
        if self.step == 1 and not items and self.k_pi is not None:
            self.nonce = nonce or os.urandom(16)
            self.step = 2
            return ResponseAPDU(_dyn(0x80, aes_encrypt(self.k_pi, self.nonce)), 0x90, 0), None
        if self.step == 2 and 0x81 in items:
            pk_map_ifd = decode_point(items[0x81])
            sk = sk_map or random_scalar()
            _, self.g_hat = map_generator(self.nonce, sk, pk_map_ifd)
            self.step = 3
            return ResponseAPDU(_dyn(0x82, encode_point(base_mult(sk))), 0x90, 0), None
        if self.step == 3 and 0x83 in items:
            self.pk_eph_ifd = items[0x83]
            pk_ifd = decode_point(self.pk_eph_ifd)
            sk = sk_eph or random_scalar()
            self.pk_eph = encode_point(scalar_mult(sk, self.g_hat))
            if self.pk_eph == self.pk_eph_ifd:
                raise PaceFailed("terminal reused the card's key")
            self.ks = session_keys(ecdh_x(sk, pk_ifd))
            self.step = 4
            return ResponseAPDU(_dyn(0x84, self.pk_eph), 0x90, 0), None
        if self.step == 4 and 0x85 in items and self.ks is not None:
            ks_enc, ks_mac = self.ks
            expected = auth_token(ks_mac, self.info.oid, self.pk_eph)
            token = auth_token(ks_mac, self.info.oid, self.pk_eph_ifd)
            self._reset()
            if not hmac.compare_digest(items[0x85], expected):
                return ResponseAPDU.status(0x6300), None
            return ResponseAPDU(_dyn(0x86, token), 0x90, 0), AESSecureMessaging(ks_enc, ks_mac, 0)
        self._reset()
        return ResponseAPDU.status(0x6985), None
