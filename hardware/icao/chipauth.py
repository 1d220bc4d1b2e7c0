"""Chip Authentication (ICAO 9303-11 §6.2, ECDH, AES-CBC-CMAC-128) and Active Authentication
(§6.1, ECDSA) - both prove that the chip holds a private key whose public half is in a signed
data group (DG14 / DG15), so a copy of a chip's files onto another chip fails.

Chip Authentication: the terminal sends MSE:Set AT (80 = protocol OID, 84 = key id) and
GENERAL AUTHENTICATE with an ephemeral public key on the chip's curve; both sides derive
KSenc = KDF(K, 1), KSmac = KDF(K, 2) from K = x(ECDH) and restart AES secure messaging with
SSC = 0. The chip is authenticated implicitly: the first command under the new keys only
succeeds with the chip that holds the DG14 private key.

The kiosk runs it after the data groups are read (the data are bound to the SOD by passive
authentication; CA then proves the chip is the one the SOD's DG14 describes) and checks it by
reading EF.COM's first bytes again under the new keys. A chip whose signed DG14 offers CA and
that refuses it counts as failed, as a clone would rather refuse than be caught.

The curve arithmetic is cryptography's; the SecurityInfo parsing is asn1crypto's; what is here
is the ICAO message layout, which no maintained Python library implements.
"""

from __future__ import annotations

import hmac
import os
from dataclasses import dataclass, field

from asn1crypto import core as asn1
from asn1crypto import keys as asn1_keys
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils

from hardware.icao import tlv
from hardware.icao.apdu import (
    SW_CONDITIONS_NOT_SATISFIED,
    SW_WRONG_DATA,
    CommandAPDU,
    ResponseAPDU,
)
from hardware.icao.certs import EXPLICIT_CURVES, NAMED_CURVES
from hardware.icao.sm import AESSecureMessaging, kdf

ID_PK_ECDH = "0.4.0.127.0.7.2.2.1.2"
ID_CA_ECDH_AES_CBC_CMAC_128 = "0.4.0.127.0.7.2.2.3.2.2"
ID_CA_PREFIX = "0.4.0.127.0.7.2.2.3."
ID_AA = "2.23.136.1.1.5"
ECDSA_PLAIN_SHA256 = "0.4.0.127.0.7.1.1.4.1.3"
_AA_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "0.4.0.127.0.7.1.1.4.1.1": hashes.SHA1,
    "0.4.0.127.0.7.1.1.4.1.2": hashes.SHA224,
    ECDSA_PLAIN_SHA256: hashes.SHA256,
    "0.4.0.127.0.7.1.1.4.1.4": hashes.SHA384,
    "0.4.0.127.0.7.1.1.4.1.5": hashes.SHA512,
}


class ChipAuthError(Exception):
    """The chip did not prove it holds the private key (or the exchange was malformed)."""


@dataclass(frozen=True)
class CAInfo:
    oid: str
    version: int
    key_id: int | None = None

    @property
    def supported(self) -> bool:
        return self.oid == ID_CA_ECDH_AES_CBC_CMAC_128 and self.version == 1


@dataclass(frozen=True)
class CAPublicKey:
    key: ec.EllipticCurvePublicKey
    key_id: int | None = None


@dataclass
class SecurityInfos:
    """The CA / AA parts of a SET OF SecurityInfo (EF.CardAccess or DG14)."""

    ca: list[CAInfo] = field(default_factory=list)
    ca_keys: list[CAPublicKey] = field(default_factory=list)
    aa_signature_oid: str | None = None
    problems: list[str] = field(default_factory=list)

    def chosen(self) -> tuple[CAInfo, CAPublicKey] | None:
        """The supported CA protocol and its key (matching key ids when there are several)."""
        for info in self.ca:
            if not info.supported:
                continue
            for key in self.ca_keys:
                if info.key_id is None or key.key_id is None or info.key_id == key.key_id:
                    return info, key
        return None


def _ec_key(spki_der: bytes) -> ec.EllipticCurvePublicKey:
    """An EC public key from a SubjectPublicKeyInfo, named or explicit curve."""
    try:
        key = serialization.load_der_public_key(spki_der)
    except (ValueError, TypeError):
        key = None
    if isinstance(key, ec.EllipticCurvePublicKey):
        return key
    info = asn1_keys.PublicKeyInfo.load(spki_der)
    params = info["algorithm"]["parameters"]
    if params.name != "specified":
        raise ValueError("not an EC public key")
    domain = params.chosen
    values = (
        domain["field_id"]["parameters"].native,
        int.from_bytes(domain["curve"]["a"].native, "big"),
        int.from_bytes(domain["curve"]["b"].native, "big"),
        domain["order"].native,
    )
    for name, known in EXPLICIT_CURVES.items():
        if known == values:
            return ec.EllipticCurvePublicKey.from_encoded_point(
                NAMED_CURVES[name], info["public_key"].native
            )
    raise ValueError("EC curve with unknown explicit parameters")


def parse_security_infos(data: bytes) -> SecurityInfos:
    """The CA and AA infos of DG14 (6E wrapper) or EF.CardAccess (a bare SET). Raises LDSError
    when the structure is malformed; an unreadable key is reported in `problems`."""
    if data[:1] == b"\x6e":
        data = tlv.decode(data, 0x6E).value
    out = SecurityInfos()
    for item in tlv.decode(data, 0x31).children():
        if item.tag != 0x30:
            continue
        parts = item.children()
        if len(parts) < 2 or parts[0].tag != 0x06:
            continue
        oid = tlv.decode_oid(parts[0].value)
        key_id = None
        if len(parts) > 2 and parts[2].tag == 0x02:
            key_id = tlv.decode_integer(parts[2].value)
        if oid.startswith(ID_CA_PREFIX) and parts[1].tag == 0x02:
            out.ca.append(CAInfo(oid, tlv.decode_integer(parts[1].value), key_id))
        elif oid == ID_PK_ECDH and parts[1].tag == 0x30:
            spki = item.value[parts[1].start : parts[1].end]
            try:
                out.ca_keys.append(CAPublicKey(_ec_key(spki), key_id))
            except Exception as exc:  # noqa: BLE001 - asn1crypto/cryptography raise many types
                out.problems.append(f"chip authentication key unreadable: {type(exc).__name__}")
        elif oid == ID_AA and len(parts) > 2 and parts[2].tag == 0x06:
            out.aa_signature_oid = tlv.decode_oid(parts[2].value)
    return out


# --- building (virtual cards) -----------------------------------------------------------------


def ca_info(key_id: int | None = None) -> bytes:
    """A ChipAuthenticationInfo (for EF.CardAccess and DG14)."""
    body = tlv.encode_oid(ID_CA_ECDH_AES_CBC_CMAC_128) + tlv.encode_integer(1)
    if key_id is not None:
        body += tlv.encode_integer(key_id)
    return tlv.encode(0x30, body)


def _spki(key: ec.EllipticCurvePublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def build_dg14(
    ca_key: ec.EllipticCurvePublicKey | None, aa: bool = False, key_id: int | None = None
) -> bytes:
    """DG14: ChipAuthenticationInfo + ChipAuthenticationPublicKeyInfo (+ ActiveAuthenticationInfo)."""
    items = []
    if ca_key is not None:
        items.append(ca_info(key_id))
        pk_body = tlv.encode_oid(ID_PK_ECDH) + _spki(ca_key)
        if key_id is not None:
            pk_body += tlv.encode_integer(key_id)
        items.append(tlv.encode(0x30, pk_body))
    if aa:
        items.append(
            tlv.encode(
                0x30,
                tlv.encode_oid(ID_AA) + tlv.encode_integer(1) + tlv.encode_oid(ECDSA_PLAIN_SHA256),
            )
        )
    return tlv.encode(0x6E, tlv.encode(0x31, b"".join(sorted(items))))


def build_dg15(aa_key: ec.EllipticCurvePublicKey) -> bytes:
    """DG15: the Active Authentication public key (SubjectPublicKeyInfo)."""
    return tlv.encode(0x6F, _spki(aa_key))


def parse_dg15(data: bytes) -> ec.EllipticCurvePublicKey:
    """The AA key of DG15 (EC only: the CCCD profile); raises ValueError / LDSError."""
    return _ec_key(tlv.decode(data, 0x6F).value)


# --- key agreement (shared by both sides, checked against ICAO's worked example) ---------------


def session_keys(
    private: ec.EllipticCurvePrivateKey, peer: ec.EllipticCurvePublicKey
) -> tuple[bytes, bytes]:
    """(KSenc, KSmac) = KDF(x(private * peer), 1 / 2) for AES-128."""
    shared = private.exchange(ec.ECDH(), peer)
    return kdf(shared, 1, des=False), kdf(shared, 2, des=False)


def _point(key: ec.EllipticCurvePublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )


# --- terminal side ---------------------------------------------------------------------------


def mse_set_at(info: CAInfo) -> CommandAPDU:
    data = tlv.encode(0x80, tlv.decode_one(tlv.encode_oid(info.oid)).value)
    if info.key_id is not None:
        data += tlv.encode(
            0x84, info.key_id.to_bytes(max(1, (info.key_id.bit_length() + 7) // 8), "big")
        )
    return CommandAPDU(0x00, 0x22, 0x41, 0xA4, data)


def general_authenticate(ephemeral: ec.EllipticCurvePublicKey, le: int = 256) -> CommandAPDU:
    """GENERAL AUTHENTICATE 7C{80 ephemeral point}. Under secure messaging with a chip that
    takes short APDUs only, `le` must leave room for the protection (the reader's max_le)."""
    return CommandAPDU(
        0x00, 0x86, 0x00, 0x00, tlv.encode(0x7C, tlv.encode(0x80, _point(ephemeral))), le=le
    )


def start(
    info: CAInfo, chip_key: CAPublicKey, le: int = 256
) -> tuple[list[CommandAPDU], ec.EllipticCurvePrivateKey]:
    """The two commands of CA and the terminal's ephemeral private key."""
    ephemeral = ec.generate_private_key(chip_key.key.curve)
    return [mse_set_at(info), general_authenticate(ephemeral.public_key(), le)], ephemeral


def finish(ephemeral: ec.EllipticCurvePrivateKey, chip_key: CAPublicKey) -> AESSecureMessaging:
    """Secure messaging under the CA keys (SSC 0) once the chip accepted both commands."""
    ks_enc, ks_mac = session_keys(ephemeral, chip_key.key)
    return AESSecureMessaging(ks_enc, ks_mac, 0)


def aa_challenge() -> bytes:
    return os.urandom(8)


def internal_authenticate(challenge: bytes, le: int = 256) -> CommandAPDU:
    return CommandAPDU(0x00, 0x88, 0x00, 0x00, challenge, le=le)


def verify_aa(
    key: ec.EllipticCurvePublicKey, signature_oid: str | None, challenge: bytes, signature: bytes
) -> None:
    """Raises ChipAuthError unless `signature` (plain r || s) signs `challenge` with `key`."""
    algorithm = _AA_HASHES.get(signature_oid or ECDSA_PLAIN_SHA256)
    if algorithm is None:
        raise ChipAuthError(f"active authentication algorithm {signature_oid} unsupported")
    if not signature or len(signature) % 2:
        raise ChipAuthError("active authentication signature malformed")
    half = len(signature) // 2
    der = utils.encode_dss_signature(
        int.from_bytes(signature[:half], "big"), int.from_bytes(signature[half:], "big")
    )
    try:
        key.verify(der, challenge, ec.ECDSA(algorithm()))
    except InvalidSignature as exc:
        raise ChipAuthError("active authentication signature does not verify") from exc


# --- card side (emulator) --------------------------------------------------------------------


class ChipAuthCard:
    """The chip's half: its CA private key (the emulator's) and the AA key."""

    def __init__(
        self,
        ca_key: ec.EllipticCurvePrivateKey | None,
        aa_key: ec.EllipticCurvePrivateKey | None = None,
    ) -> None:
        self.ca_key = ca_key
        self.aa_key = aa_key
        self._armed = False

    def set_at(self, data: bytes) -> int:
        try:
            oid_item = tlv.require(data, 0x80, "MSE:Set AT")
            oid = asn1.ObjectIdentifier.load(tlv.encode(0x06, oid_item.value)).dotted
        except (tlv.LDSError, ValueError):
            return SW_WRONG_DATA
        if self.ca_key is None or oid != ID_CA_ECDH_AES_CBC_CMAC_128:
            return SW_WRONG_DATA
        self._armed = True
        return 0x9000

    def general_authenticate(self, data: bytes) -> tuple[ResponseAPDU, AESSecureMessaging | None]:
        """(answer, the secure messaging to switch to after the answer is sent)."""
        if not self._armed or self.ca_key is None:
            return ResponseAPDU.status(SW_CONDITIONS_NOT_SATISFIED), None
        self._armed = False
        try:
            outer = tlv.decode(data, 0x7C)
            point = tlv.require(outer.value, 0x80, "ephemeral key").value
            peer = ec.EllipticCurvePublicKey.from_encoded_point(self.ca_key.curve, point)
        except (tlv.LDSError, ValueError):
            return ResponseAPDU.status(SW_WRONG_DATA), None
        ks_enc, ks_mac = session_keys(self.ca_key, peer)
        return ResponseAPDU(tlv.encode(0x7C, b""), 0x90, 0x00), AESSecureMessaging(
            ks_enc, ks_mac, 0
        )

    def internal_authenticate(self, challenge: bytes) -> ResponseAPDU:
        if self.aa_key is None or len(challenge) != 8:
            return ResponseAPDU.status(SW_WRONG_DATA if self.aa_key else 0x6D00)
        der = self.aa_key.sign(challenge, ec.ECDSA(hashes.SHA256()))
        r, s = utils.decode_dss_signature(der)
        size = (self.aa_key.curve.key_size + 7) // 8
        return ResponseAPDU(r.to_bytes(size, "big") + s.to_bytes(size, "big"), 0x90, 0x00)


def same_prefix(first: bytes, again: bytes) -> bool:
    return hmac.compare_digest(first[: len(again)], again) and bool(again)
