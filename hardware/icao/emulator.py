"""A Vietnamese CCCD chip emulator: the card side of SELECT, BAC, PACE, SM and READ BINARY.

`EmrtdEmulator.process(apdu) -> response` is the whole card; attach it in-process with
`hardware.icao.transport.LocalTransport` or to pcscd with `hardware.icao.vpcd`. Files come from
`hardware.icao.card_files.build_card_files` (a person JSON + a test document signer).

Faults (the `--fault` names of `kiosk sim card`):
- `wrong_key`: the chip's CAN and MRZ keys belong to another card, so PACE/BAC fail;
- `removal`: the card leaves the reader in the middle of the data group reads;
- `tampered_dg13`: DG13 was changed after the SOD was signed (hash mismatch);
- `untrusted_signer`: the SOD is signed by a signer that no trusted CSCA issued;
- `not_emrtd`: a card without the eMRTD application (e.g. a bank card);
- `clone`: another chip's files (DG14 and SOD included) on a chip without its private keys;
- `forged-sod`: DG13 changed and its hash in the SOD replaced, the old signature kept;
- `resigned-sod`: DG13 changed and the SOD re-signed by a key outside the trust store;
- `no-sod`: no EF.SOD;
- `dsc-keyusage`: the document signer certificate lacks digitalSignature;
- `csca-signed-sod`: the SOD is signed directly with the CSCA key;
- `revoked-dsc`: the document signer is on the CSCA's CRL (the PKI folder's csca.crl).

Like 2021+ CCCD chips the card offers PACE and Chip Authentication (EF.CardAccess lists both;
DG14 carries the CA key) and never returns more than 256 bytes to a short APDU; the
`legacy` profile serves the older layouts (PACE only, no DG14, old DG13 fields and MRZ).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import ec

from hardware.icao import bac, chipauth, pace
from hardware.icao.apdu import (
    SW_CONDITIONS_NOT_SATISFIED,
    SW_END_OF_FILE,
    SW_FILE_NOT_FOUND,
    SW_FUNC_NOT_SUPPORTED,
    SW_INS_NOT_SUPPORTED,
    SW_SECURITY_NOT_SATISFIED,
    SW_SM_DATA_INCORRECT,
    SW_VERIFY_FAILED,
    SW_WRONG_DATA,
    SW_WRONG_LENGTH,
    SW_WRONG_P1P2,
    SW_WRONG_PARAMS,
    APDUError,
    CommandAPDU,
    ResponseAPDU,
)
from hardware.icao.certs import Signer
from hardware.icao.chipauth import ChipAuthCard
from hardware.icao.sm import SecureMessaging, SMError
from hardware.icao.transport import CardGone

log = logging.getLogger(__name__)

EMRTD_AID = bytes.fromhex("A0000002471001")
EF_CARD_ACCESS = 0x011C
SFI_CARD_ACCESS = 0x1C
FAULTS = (
    "wrong_key",
    "removal",
    "tampered_dg13",
    "untrusted_signer",
    "not_emrtd",
    "clone",
    "forged-sod",
    "resigned-sod",
    "no-sod",
    "dsc-keyusage",
    "csca-signed-sod",
    "revoked-dsc",
)


def _atr(historical: bytes) -> bytes:
    """An ISO 14443-4 style ATR through a contactless PC/SC reader (PC/SC part 3)."""
    body = bytes([0x80 | len(historical), 0x80, 0x01]) + historical
    tck = 0
    for byte in body:
        tck ^= byte
    return b"\x3b" + body + bytes([tck])


ATR_EMRTD = _atr(b"VNM-CCCD")
ATR_OTHER = _atr(b"BANKCARD")


@dataclass(frozen=True)
class CardProfile:
    """What this chip supports (defaults: like a 2021+ CCCD chip, generous buffers)."""

    pace: bool = True
    bac: bool = True
    extended_length: bool = True
    short_ef: bool = True  # READ BINARY with a short EF identifier in P1
    max_response: int = 0xFE00  # plaintext bytes one READ BINARY returns at most
    chip_auth: bool = True  # Chip Authentication (DG14 + EF.CardAccess), as real CCCD chips
    active_auth: bool = False  # Active Authentication (DG15) as well
    legacy: bool = False  # the old emulator layouts: PACE only, DG13 14 = SEQ{14, UTF8}, ...


LEGACY = CardProfile(chip_auth=False, legacy=True)


def _yymmdd(text: str) -> str:
    day, month, year = text.split("/")
    return year[2:] + month + day


class EmrtdEmulator:
    """One card. Not thread-safe: one reader talks to it at a time."""

    def __init__(
        self,
        files: dict[int, bytes],
        *,
        can: str,
        document_number: str,
        birth: str,
        expiry: str,
        profile: CardProfile | None = None,
        faults: Iterable[str] = (),
        remove_after_reads: int = 3,
        chip_keys: ChipAuthCard | None = None,
    ) -> None:
        self.files = dict(files)
        self.profile = profile or CardProfile()
        self.faults = frozenset(faults)
        unknown = self.faults - set(FAULTS)
        if unknown:
            raise ValueError(f"unknown fault(s): {', '.join(sorted(unknown))}")
        if "wrong_key" in self.faults:  # the chip belongs to somebody else
            can = f"{(int(can) + 1) % 1_000_000:06d}"
            document_number = f"{(int(document_number) + 1) % 10**9:09d}"
        self.can = can
        self.info = pace.PACEInfo(
            pace.OID_PACE_ECDH_GM_AES_CBC_CMAC_128, 2, pace.PARAM_BRAINPOOL_P256R1
        )
        self.chip_keys = chip_keys or ChipAuthCard(None)
        offers_ca = self.profile.chip_auth and 0x010E in self.files
        extra = [chipauth.ca_info()] if offers_ca else []
        self.card_access = pace.build_card_access([self.info], extra) if self.profile.pace else None
        self.bac_keys = bac.BacKeys.from_mrz(document_number, birth, expiry)
        self.pace_passwords = {
            pace.PASSWORD_CAN: pace.password_key_can(can),
            pace.PASSWORD_MRZ: pace.password_key_mrz(document_number, birth, expiry),
        }
        self.remove_after_reads = remove_after_reads
        self.removed = False
        self.commands = 0
        self.reset()

    @classmethod
    def from_person(
        cls,
        person: object,
        signer: object,
        *,
        faults: Iterable[str] = (),
        profile: CardProfile | None = None,
        signers: dict[str, Signer] | None = None,
    ) -> EmrtdEmulator:
        """A card for a `hardware.icao.person.Person`, its SOD signed by `signer` (or by
        `signers[fault]` for the certificate faults, see hardware.icao.card_files)."""
        from hardware.icao.card_files import build_card_files
        from hardware.icao.person import Person

        assert isinstance(person, Person)
        faults = frozenset(faults)
        profile = profile or CardProfile()
        ca_key = ec.generate_private_key(ec.BrainpoolP256R1()) if profile.chip_auth else None
        aa_key = ec.generate_private_key(ec.SECP256R1()) if profile.active_auth else None
        assert isinstance(signer, Signer)
        files = build_card_files(
            person,
            signer,
            faults,
            ca_key=ca_key.public_key() if ca_key else None,
            aa_key=aa_key.public_key() if aa_key else None,
            legacy=profile.legacy,
            signers=signers,
        )
        if "clone" in faults:  # the copy carries the original's DG14/DG15, not its keys
            ca_key = ec.generate_private_key(ec.BrainpoolP256R1()) if ca_key else None
            aa_key = ec.generate_private_key(ec.SECP256R1()) if aa_key else None
        expiry = person.expiry_date
        # "Không thời hạn": no expiry in the MRZ, BAC then needs "<<<<<<"
        expiry_text = "<<<<<<" if expiry is None else expiry.strftime("%y%m%d")
        return cls(
            files,
            can=person.can,
            document_number=person.document_number,
            birth=_yymmdd(person.dob),
            expiry=expiry_text,
            profile=profile,
            faults=faults,
            chip_keys=ChipAuthCard(ca_key, aa_key),
        )

    @property
    def atr(self) -> bytes:
        return ATR_OTHER if "not_emrtd" in self.faults else ATR_EMRTD

    def reset(self) -> None:
        """Power cycle: every session state is lost."""
        self.sm: SecureMessaging | None = None
        self.app_selected = False
        self.current: int | None = None
        self.bac_card = bac.BacCard(self.bac_keys)
        self.pace_card = pace.PaceCard(self.pace_passwords, self.info)
        self.reads = 0
        self._next_sm: SecureMessaging | None = None

    # --- dispatch ----------------------------------------------------------------------------

    def process(self, apdu: bytes) -> bytes:
        if self.removed:
            raise CardGone("the card was removed")
        self.commands += 1
        try:
            cmd = CommandAPDU.parse(apdu)
        except APDUError:
            return ResponseAPDU.status(SW_WRONG_LENGTH).to_bytes()
        if cmd.extended and not self.profile.extended_length:
            self.sm = None  # an error in plain ends any secure session
            return ResponseAPDU.status(SW_WRONG_LENGTH).to_bytes()
        if cmd.cla & 0x0C == 0x0C:
            if self.sm is None:
                return ResponseAPDU.status(SW_CONDITIONS_NOT_SATISFIED).to_bytes()
            try:
                plain = self.sm.unwrap_command(cmd)
            except SMError:
                self.sm = None
                return ResponseAPDU.status(SW_SM_DATA_INCORRECT).to_bytes()
            resp = self._execute(plain, secure=True)
            if self.sm is None:  # session ended while executing
                return resp.to_bytes()
            wrapped = self.sm.wrap_response(resp, odd=bool(plain.ins & 1))
            if self._next_sm is not None:  # chip authentication: new keys from now on
                self.sm, self._next_sm = self._next_sm, None
            return wrapped
        if self.sm is not None:  # a plain command ends the secure session
            self.sm = None
        return self._execute(cmd, secure=False).to_bytes()

    def _execute(self, cmd: CommandAPDU, *, secure: bool) -> ResponseAPDU:
        ins = cmd.ins
        if ins == 0xA4:
            return self._select(cmd)
        if ins in (0xB0, 0xB1):
            return self._read_binary(cmd, secure)
        if "not_emrtd" in self.faults:
            return ResponseAPDU.status(SW_INS_NOT_SUPPORTED)
        if ins == 0x84 and not secure and self.profile.bac:
            return ResponseAPDU(self.bac_card.get_challenge(), 0x90, 0x00)
        if ins == 0x82 and not secure and self.profile.bac:
            try:
                answer, session = self.bac_card.mutual_authenticate(cmd.data)
            except bac.BacFailed:
                return ResponseAPDU.status(SW_SECURITY_NOT_SATISFIED)
            self.sm = session
            return ResponseAPDU(answer, 0x90, 0x00)
        if secure and ins == 0x22 and cmd.p1 == 0x41 and cmd.p2 == 0xA4:
            return ResponseAPDU.status(self.chip_keys.set_at(cmd.data))
        if secure and ins == 0x86:
            resp, new_sm = self.chip_keys.general_authenticate(cmd.data)
            self._next_sm = new_sm
            return resp
        if secure and ins == 0x88:
            return self.chip_keys.internal_authenticate(cmd.data)
        if ins == 0x22 and cmd.p1 == 0xC1 and cmd.p2 == 0xA4 and self.profile.pace and not secure:
            return ResponseAPDU.status(self.pace_card.set_at(cmd.data))
        if ins == 0x86 and self.profile.pace and not secure:
            resp, pace_session = self.pace_card.general_authenticate(cmd.data)
            if pace_session is not None:
                self.sm = pace_session
            elif resp.sw == 0x6300:
                return ResponseAPDU.status(SW_VERIFY_FAILED)
            return resp
        return ResponseAPDU.status(SW_INS_NOT_SUPPORTED)

    # --- files -------------------------------------------------------------------------------

    def _file(self, fid: int) -> bytes | None:
        if fid == EF_CARD_ACCESS:
            return self.card_access if "not_emrtd" not in self.faults else None
        if not self.app_selected:
            return None
        return self.files.get(fid)

    def _select(self, cmd: CommandAPDU) -> ResponseAPDU:
        if cmd.p1 == 0x04:
            if cmd.data == EMRTD_AID and "not_emrtd" not in self.faults:
                self.app_selected = True
                self.current = None
                return ResponseAPDU.status(0x9000)
            return ResponseAPDU.status(SW_FILE_NOT_FOUND)
        if cmd.p1 in (0x00, 0x02) and len(cmd.data) == 2:
            fid = int.from_bytes(cmd.data, "big")
            if fid == 0x3F00:
                self.app_selected = False
                self.current = None
                return ResponseAPDU.status(0x9000)
            if self._file(fid) is None:
                return ResponseAPDU.status(SW_FILE_NOT_FOUND)
            if fid != EF_CARD_ACCESS and self.sm is None:
                return ResponseAPDU.status(SW_SECURITY_NOT_SATISFIED)
            self.current = fid
            return ResponseAPDU.status(0x9000)
        return ResponseAPDU.status(SW_WRONG_P1P2)

    def _read_binary(self, cmd: CommandAPDU, secure: bool) -> ResponseAPDU:
        if cmd.ins == 0xB0:
            if cmd.p1 & 0x80:
                if not self.profile.short_ef:
                    return ResponseAPDU.status(SW_FUNC_NOT_SUPPORTED)
                sfi = cmd.p1 & 0x1F
                fid = EF_CARD_ACCESS if sfi == SFI_CARD_ACCESS else 0x0100 | sfi
                if self._file(fid) is None:
                    return ResponseAPDU.status(SW_FILE_NOT_FOUND)
                self.current = fid
                offset = cmd.p2
            else:
                offset = ((cmd.p1 << 8) | cmd.p2) & 0x7FFF
        else:
            if cmd.p1 or cmd.p2:
                fid = (cmd.p1 << 8) | cmd.p2
                if self._file(fid) is None:
                    return ResponseAPDU.status(SW_FILE_NOT_FOUND)
                self.current = fid
            data = cmd.data
            if len(data) < 3 or data[0] != 0x54 or data[1] != len(data) - 2 or data[1] > 4:
                return ResponseAPDU.status(SW_WRONG_DATA)
            offset = int.from_bytes(data[2:], "big")
        if self.current is None:
            return ResponseAPDU.status(SW_CONDITIONS_NOT_SATISFIED)
        content = self._file(self.current)
        if content is None:
            return ResponseAPDU.status(SW_FILE_NOT_FOUND)
        if self.current != EF_CARD_ACCESS:
            if not secure:
                return ResponseAPDU.status(SW_SECURITY_NOT_SATISFIED)
            self.reads += 1
            if "removal" in self.faults and self.reads >= self.remove_after_reads:
                self.removed = True
                self.reset()
                raise CardGone("the card was removed during the read (fault)")
        if offset > len(content):
            return ResponseAPDU.status(SW_WRONG_PARAMS)
        le = cmd.le if cmd.le is not None else 256
        if not cmd.extended and not self.profile.legacy:
            # ISO 7816-4: a short Le asks for at most 256 bytes; with SM the protected answer
            # must fit too (the legacy profile kept the old, too generous behaviour)
            le = min(le, 256)
            if secure and self.sm is not None:
                while le > 1 and self.sm.overhead(le) - 2 > 256:
                    le -= 1
        if cmd.ins == 0xB1:
            le = max(0, le - 4)  # room for the 53 xx xx xx header
        wanted = min(le, self.profile.max_response)
        chunk = content[offset : offset + wanted]
        short = len(chunk) < le and cmd.le not in (256, 65536)
        body = chunk
        if cmd.ins == 0xB1:
            from hardware.icao import tlv

            body = tlv.encode(0x53, chunk)
        return ResponseAPDU(body, *(divmod(SW_END_OF_FILE, 256) if short else (0x90, 0x00)))
