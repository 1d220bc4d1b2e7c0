"""Reads a Vietnamese chip ID card over any APDU transport: access control, files, PA.

`read_identity(transport, key)` runs the whole read: EF.CardAccess, PACE (CAN) when offered
else BAC (MRZ data), SELECT of the eMRTD application, READ BINARY of EF.COM, DG1, DG13,
(DG2) and EF.SOD in as few commands as the card accepts, parsing through hardware.icao.lds and
passive authentication through hardware.icao.sod. Every failure becomes one of the CardError
subclasses of hardware/cardreader/base.py. No patient data goes to the log.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from hardware.cardreader.base import (
    AccessDenied,
    AccessKey,
    Authenticity,
    CardData,
    CardError,
    CardReadFailed,
    CardRemoved,
    IntegrityError,
    KeyRequired,
    NotAnIdCard,
)
from hardware.cardreader.config import VerificationPolicy
from hardware.icao import bac, pace, tlv
from hardware.icao.apdu import (
    MAX_EXTENDED_LE,
    MAX_SHORT_LE,
    SW_END_OF_FILE,
    SW_FILE_NOT_FOUND,
    SW_FUNC_NOT_SUPPORTED,
    SW_INS_NOT_SUPPORTED,
    SW_WRONG_LENGTH,
    SW_WRONG_P1P2,
    SW_WRONG_PARAMS,
    APDUError,
    CommandAPDU,
    ResponseAPDU,
    sw_text,
)
from hardware.icao.chip_check import authenticate_chip
from hardware.icao.policy import decide
from hardware.icao.sm import SecureMessaging, SMError
from hardware.icao.transport import CardGone, CountingTransport, Transport, TransportError

log = logging.getLogger(__name__)

EMRTD_AID = bytes.fromhex("A0000002471001")
EF_CARD_ACCESS = 0x011C
EF_COM = 0x011E
EF_SOD = 0x011D
DG1, DG2, DG13, DG14, DG15 = 0x0101, 0x0102, 0x010D, 0x010E, 0x010F
SHORT_SM_LE = 0xDF  # plaintext that fits a short protected response with 3DES or AES


class _NotFound(Exception):
    pass


class SessionLost(CardReadFailed):
    """The card answered in plain during secure messaging: it ended the session."""

    def __init__(self, sw: int) -> None:
        super().__init__(f"the chip ended secure messaging ({sw_text(sw)})")
        self.sw = sw


class _RetryShort(Exception):
    """The link refused an extended APDU: go on with short ones."""


@dataclass
class ReadReport:
    """Extra facts about one read, for `kiosk read-card` and the bench."""

    access: str = ""
    authenticity: str = "read"
    chip_auth: str = "not_offered"
    accepted: bool = False
    refusal: str = ""
    problems: list[str] = field(default_factory=list)
    files: dict[str, int] = field(default_factory=dict)  # file name -> bytes read
    extended_length: bool = False
    stats: dict[str, float] = field(default_factory=dict)  # apdus, bytes, ms (also on failure)


class ChipSession:
    """APDU exchange with optional secure messaging and READ BINARY strategy."""

    def __init__(self, transport: Transport) -> None:
        self.link = CountingTransport(transport)
        self.sm: SecureMessaging | None = None
        self.extended = bool(getattr(transport, "extended_length", False))
        self.short_ef = True
        self.card_access: bytes | None = None

    # --- exchange ----------------------------------------------------------------------------

    def send(self, cmd: CommandAPDU) -> ResponseAPDU:
        try:
            if self.sm is None:
                return ResponseAPDU.parse(self.link.transmit(cmd.to_bytes()))
            protected = self.sm.protect(cmd)
            raw = self.link.transmit(protected.to_bytes())
            resp = self.sm.unprotect(raw, odd=bool(cmd.ins & 1))
            if self.sm.last_plain and not resp.ok:
                if resp.sw == SW_WRONG_LENGTH and cmd.extended:
                    self.extended = False  # the chip takes short APDUs only
                self.sm = None
                raise SessionLost(resp.sw)
            return resp
        except CardGone as exc:
            raise CardRemoved("the card was taken away during the read") from exc
        except TransportError as exc:
            if self.extended and cmd.ins in (0xB0, 0xB1) and (cmd.le or 0) > MAX_SHORT_LE:
                # the reader or driver refused the extended APDU before the card saw it
                self.extended = False
                if self.sm is not None:
                    self.sm.ssc -= 1
                raise _RetryShort from exc
            raise CardReadFailed(f"card communication failed: {exc}") from exc
        except SMError as exc:
            raise CardReadFailed(f"secure messaging broken: {exc}") from exc
        except APDUError as exc:
            raise CardReadFailed(f"malformed answer from the card: {exc}") from exc

    def max_le(self) -> int:
        if self.extended:
            return MAX_EXTENDED_LE
        if self.sm is None:
            return MAX_SHORT_LE
        # the largest plaintext whose protected answer still fits a short response
        # (223 bytes with AES, 231 with 3DES)
        return next(
            (n for n in range(MAX_SHORT_LE, 0, -1) if self.sm.overhead(n) - 2 <= MAX_SHORT_LE),
            SHORT_SM_LE,
        )

    # --- READ BINARY -------------------------------------------------------------------------

    def _read(self, offset: int, le: int, sfi: int | None) -> bytes:
        """One READ BINARY with the SW handling; raises _NotFound for a missing file."""
        for _attempt in range(4):
            if offset > 0x7FFF:
                cmd = CommandAPDU(
                    0x00, 0xB1, 0x00, 0x00, tlv.encode(0x54, offset.to_bytes(3, "big")), le
                )
            elif sfi is not None:
                cmd = CommandAPDU(0x00, 0xB0, 0x80 | sfi, offset, le=le)
            else:
                cmd = CommandAPDU(0x00, 0xB0, offset >> 8, offset & 0xFF, le=le)
            try:
                resp = self.send(cmd)
            except _RetryShort:
                le = min(le, self.max_le())
                continue
            sw = resp.sw
            if resp.ok or sw == SW_END_OF_FILE or (resp.warning and resp.data):
                data = resp.data
                if cmd.ins == 0xB1:
                    try:
                        data = tlv.decode(data, 0x53).value if data else b""
                    except tlv.LDSError as exc:
                        raise CardReadFailed(f"odd READ BINARY answer malformed: {exc}") from exc
                return data
            if sw == SW_FILE_NOT_FOUND:
                raise _NotFound
            if sw == SW_WRONG_PARAMS:
                return b""  # offset at or after the end
            if sw >> 8 == 0x6C:
                le = (sw & 0xFF) or 256
                continue
            if sw == SW_WRONG_LENGTH and le > SHORT_SM_LE:
                if le > MAX_SHORT_LE:
                    self.extended = False
                le = min(le, self.max_le())
                continue
            if sfi is not None and sw in (
                SW_FUNC_NOT_SUPPORTED,
                SW_WRONG_P1P2,
                SW_INS_NOT_SUPPORTED,
            ):
                self.short_ef = False
                raise _NotFound  # caller retries with SELECT
            raise CardReadFailed(f"READ BINARY refused: {sw_text(sw)}")
        raise CardReadFailed("READ BINARY: the card keeps refusing the length")

    def read_file(self, fid: int) -> bytes | None:
        """The whole file (None if the card has no such file)."""
        sfi: int | None = fid & 0x1F
        if not self.short_ef:
            sfi = None
            if not self.select_file(fid):
                return None
        try:
            data = self._read(0, self.max_le(), sfi)
        except _NotFound:
            if self.short_ef or sfi is None:
                return None
            if not self.select_file(fid):
                return None
            data = self._read(0, self.max_le(), None)
        while True:
            try:
                total = tlv.total_length(data)
                break
            except tlv.LDSError:
                if len(data) >= 8:
                    raise CardReadFailed(f"file {fid:04X} does not start with a TLV") from None
            more = self._read(len(data), self.max_le(), None)
            if not more:
                raise CardReadFailed(f"file {fid:04X} is truncated")
            data += more
        while len(data) < total:
            want = min(self.max_le(), total - len(data))
            if len(data) > 0x7FFF:  # odd INS: the answer carries a 53 xx xx xx header too
                want = min(self.max_le(), want + 4)
            part = self._read(len(data), want, None)
            if not part:
                raise CardReadFailed(f"file {fid:04X} ended after {len(data)} of {total} bytes")
            data += part
        return bytes(data[:total])

    def select_file(self, fid: int) -> bool:
        resp = self.send(CommandAPDU(0x00, 0xA4, 0x02, 0x0C, fid.to_bytes(2, "big")))
        if resp.ok:
            return True
        if resp.sw == SW_FILE_NOT_FOUND:
            return False
        raise CardReadFailed(f"SELECT {fid:04X} refused: {sw_text(resp.sw)}")

    def select_application(self) -> None:
        resp = self.send(CommandAPDU(0x00, 0xA4, 0x04, 0x0C, EMRTD_AID))
        if resp.sw in (SW_FILE_NOT_FOUND, SW_INS_NOT_SUPPORTED, SW_WRONG_P1P2) or (
            resp.sw >> 8 == 0x6A
        ):
            raise NotAnIdCard("this card has no citizen ID (eMRTD) application")
        if not resp.ok:
            raise CardReadFailed(f"SELECT of the ID application refused: {sw_text(resp.sw)}")

    def read_card_access(self) -> bytes | None:
        """EF.CardAccess (under the MF, readable without a key), or None when absent."""
        try:
            try:
                # an extended Le here also tells, before any secure messaging, whether the
                # card takes extended APDUs (6700 -> short ones from now on)
                return self._read(0, self.max_le(), EF_CARD_ACCESS & 0x1F) or None
            except _NotFound:
                if self.short_ef or not self.select_file(EF_CARD_ACCESS):
                    return None
                return self._read(0, self.max_le(), None) or None
        except (_NotFound, CardReadFailed):
            return None


def _pace_info(card_access: bytes | None) -> pace.PACEInfo | None:
    if not card_access:
        return None
    try:
        infos = pace.parse_card_access(card_access)
    except tlv.LDSError:
        log.warning("EF.CardAccess unreadable; using BAC")
        return None
    return next((i for i in infos if i.supported), None)


def _bac_keys(key: AccessKey) -> bac.BacKeys:
    assert key.document_number and key.birth_date and key.expiry_date
    return bac.BacKeys.from_mrz(
        key.document_number, bac.yymmdd(key.birth_date), bac.yymmdd(key.expiry_date)
    )


@contextmanager
def _link_errors() -> Iterator[None]:
    """Maps link failures during PACE/BAC (which talk to the transport directly)."""
    try:
        yield
    except CardGone as exc:
        raise CardRemoved("the card was taken away during the read") from exc
    except TransportError as exc:
        raise CardReadFailed(f"card communication failed: {exc}") from exc
    except APDUError as exc:
        raise CardReadFailed(f"malformed answer from the card: {exc}") from exc


def _try_pace(
    session: ChipSession, info: pace.PACEInfo, k_pi: bytes, ref: int, report: ReadReport
) -> pace.PaceFailed | None:
    """Runs PACE and selects the application; returns the failure instead of raising it."""
    try:
        with _link_errors():
            session.sm = pace.authenticate(session.link, k_pi, info, password_ref=ref)
    except pace.PaceFailed as exc:
        session.sm = None
        return exc
    report.access = "PACE"
    session.select_application()
    return None


def _open(session: ChipSession, key: AccessKey | None, report: ReadReport) -> None:
    """Access control: PACE with the CAN (or the MRZ) when the chip offers it, else BAC."""
    card_access = session.read_card_access()
    session.card_access = card_access
    info = _pace_info(card_access)
    usable = key is not None and (bool(key.can) or key.has_bac)
    if not usable:
        if info is None:
            session.select_application()  # NotAnIdCard for a bank card, before asking a key
        raise KeyRequired("the chip needs the card number (CAN) or the MRZ data")
    assert key is not None
    if info is not None:
        if key.can:
            failure = _try_pace(
                session, info, pace.password_key_can(key.can), pace.PASSWORD_CAN, report
            )
        else:
            assert key.document_number and key.birth_date and key.expiry_date
            k_pi = pace.password_key_mrz(
                key.document_number, bac.yymmdd(key.birth_date), bac.yymmdd(key.expiry_date)
            )
            failure = _try_pace(session, info, k_pi, pace.PASSWORD_MRZ, report)
        if failure is None:
            return
        if not key.has_bac:
            if failure.wrong_password:
                raise AccessDenied("the card number (CAN) does not open this chip") from failure
            raise CardReadFailed(f"PACE failed: {failure}") from failure
        log.info("PACE failed (%s); trying BAC", failure)
    if not key.has_bac:
        session.select_application()
        raise KeyRequired("this chip has no PACE: it needs the birth and expiry dates (BAC)")
    session.select_application()
    try:
        with _link_errors():
            session.sm = bac.authenticate(session.link, _bac_keys(key))
    except bac.BacFailed as exc:
        raise AccessDenied("the MRZ data does not open this chip") from exc
    report.access = "BAC"


def _read_files(session: ChipSession, files: dict[str, bytes | None], with_photo: bool) -> None:
    """Reads what `files` does not hold yet (None = the chip has no such file)."""
    from hardware.icao import lds

    for name, fid in (("EF.COM", EF_COM), ("DG1", DG1), ("DG13", DG13)):
        if name not in files:
            files[name] = session.read_file(fid)
    if files.get("DG13") is None:
        return
    ef_com = files.get("EF.COM")
    present = lds.parse_ef_com(ef_com) if ef_com else [1, 2, 13]
    if with_photo and 2 in present and "DG2" not in files:
        files["DG2"] = session.read_file(DG2)
    for number, name, fid in ((14, "DG14", DG14), (15, "DG15", DG15)):
        if number in present and name not in files:
            files[name] = session.read_file(fid)
    if "EF.SOD" not in files:
        files["EF.SOD"] = session.read_file(EF_SOD)


def read_identity(
    transport: Transport,
    key: AccessKey | None,
    trust_store: object | None = None,
    with_photo: bool = True,
    report: ReadReport | None = None,
    policy: VerificationPolicy | None = None,
) -> CardData:
    """Reads and checks the identity on the card. Raises a CardError subclass on failure.

    `trust_store` is a hardware.icao.trust.TrustStore, a path to one, or None (then the best
    level is `consistent`).
    """
    from hardware.icao import lds, sod
    from hardware.icao.trust import PKIError, TrustStore

    report = report if report is not None else ReadReport()
    started = time.perf_counter()
    session = ChipSession(transport)
    report.extended_length = session.extended
    store: TrustStore | None
    if trust_store is None or isinstance(trust_store, TrustStore):
        store = trust_store
    else:
        try:
            store = TrustStore.cached(Path(str(trust_store)))  # not re-read for every card
        except PKIError as exc:
            report.problems.append(str(exc))
            store = None
    try:
        files: dict[str, bytes | None] = {}
        for attempt in range(2):
            _open(session, key, report)
            try:
                _read_files(session, files, with_photo)
                break
            except SessionLost:
                if attempt:
                    raise
                log.info("the chip ended secure messaging; opening it again")
        if files.get("DG13") is None:
            raise NotAnIdCard("the chip has no Vietnamese personal data (DG13)")
        sod_bytes = files.pop("EF.SOD", None)
        report.files = {name: len(content) for name, content in files.items() if content}
        dg13 = lds.parse_dg13(files["DG13"] or b"")
        dg1 = files.get("DG1")
        if dg1:
            mrz = lds.parse_dg1(dg1)
            if mrz.citizen_id and dg13.citizen_id and mrz.citizen_id != dg13.citizen_id:
                raise IntegrityError("the MRZ (DG1) and DG13 name different ID numbers")
            if dg13.citizen_id and mrz.document_number != dg13.citizen_id[-9:]:
                raise IntegrityError("the MRZ document number does not match the ID number")
        dg2 = files.get("DG2")
        face = None
        if dg2:
            try:
                face = lds.parse_dg2(dg2)
            except lds.LDSError as exc:  # a bad photo must not discard a good identity read
                report.problems.append(f"face image unreadable: {exc}")
        level = Authenticity.READ
        if sod_bytes is None:
            report.problems.append("the chip has no EF.SOD")
        else:
            groups = {
                int(name[2:]): content
                for name in ("DG1", "DG2", "DG13", "DG14", "DG15")
                if (content := files.get(name))
            }
            result = sod.passive_authentication(sod_bytes, groups, store)
            level = Authenticity(result.level)
            report.problems.extend(result.problems)
        report.authenticity = level
        data = lds.card_data_from(dg13, face, level, report.access)
        data.chip_auth = authenticate_chip(session, files, report.problems)
        report.chip_auth = data.chip_auth.value
        verdict = decide(level, data.chip_auth, policy)
        data.accepted = verdict.accepted
        data.refusal = verdict.refusal.value if verdict.refusal else ""
        data.refusal_detail = verdict.detail
        report.accepted, report.refusal = data.accepted, data.refusal
    except CardError:
        raise
    except Exception as exc:  # noqa: BLE001 - never let a protocol bug crash the kiosk
        log.exception("unexpected error while reading the chip")
        raise CardReadFailed(
            f"unexpected error while reading the chip: {type(exc).__name__}"
        ) from exc
    finally:
        elapsed = (time.perf_counter() - started) * 1000
        stats = {
            "apdus": float(session.link.apdus),
            "bytes": float(session.link.bytes_sent + session.link.bytes_received),
            "ms": round(elapsed, 1),
        }
        report.stats = stats
    data.stats = dict(stats)
    return data
