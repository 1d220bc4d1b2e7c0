"""ISO 7816-4 command and response APDUs: short and extended length, status words.

Plain data types, no I/O. `CommandAPDU.to_bytes()` picks the short form when it fits and the
extended form otherwise (data longer than 255 bytes or Le above 256).
"""

from __future__ import annotations

from dataclasses import dataclass

SW_OK = 0x9000
SW_END_OF_FILE = 0x6282  # warning: fewer bytes than Le, end of file reached
SW_WRONG_LENGTH = 0x6700
SW_SECURITY_NOT_SATISFIED = 0x6982
SW_AUTH_METHOD_BLOCKED = 0x6983
SW_CONDITIONS_NOT_SATISFIED = 0x6985
SW_SM_DATA_MISSING = 0x6987
SW_SM_DATA_INCORRECT = 0x6988
SW_WRONG_DATA = 0x6A80
SW_FUNC_NOT_SUPPORTED = 0x6A81
SW_FILE_NOT_FOUND = 0x6A82
SW_WRONG_P1P2 = 0x6A86
SW_WRONG_PARAMS = 0x6B00
SW_INS_NOT_SUPPORTED = 0x6D00
SW_CLA_NOT_SUPPORTED = 0x6E00
SW_UNKNOWN = 0x6F00
SW_VERIFY_FAILED = 0x6300

MAX_SHORT_LE = 256
MAX_EXTENDED_LE = 65536


class APDUError(ValueError):
    """Malformed APDU bytes."""


@dataclass(frozen=True)
class CommandAPDU:
    cla: int
    ins: int
    p1: int
    p2: int
    data: bytes = b""
    le: int | None = (
        None  # None = no Le field; 256 (short) / 65536 (extended) = "as many as possible"
    )

    def __post_init__(self) -> None:
        for name in ("cla", "ins", "p1", "p2"):
            value = getattr(self, name)
            if not 0 <= value <= 0xFF:
                raise APDUError(f"{name} out of range: {value}")
        if len(self.data) > 65535:
            raise APDUError("command data longer than 65535 bytes")
        if self.le is not None and not 0 <= self.le <= MAX_EXTENDED_LE:
            raise APDUError(f"Le out of range: {self.le}")

    @property
    def header(self) -> bytes:
        return bytes([self.cla, self.ins, self.p1, self.p2])

    @property
    def extended(self) -> bool:
        return len(self.data) > 255 or (self.le is not None and self.le > MAX_SHORT_LE)

    def to_bytes(self, extended: bool | None = None) -> bytes:
        ext = self.extended if extended is None else extended or self.extended
        out = bytearray(self.header)
        if not ext:
            if self.data:
                out.append(len(self.data))
                out += self.data
            if self.le is not None:
                out.append(self.le & 0xFF)  # 256 -> 00
            return bytes(out)
        if self.data:
            out += b"\x00" + len(self.data).to_bytes(2, "big") + self.data
            if self.le is not None:
                out += (self.le & 0xFFFF).to_bytes(2, "big")  # 65536 -> 0000
        elif self.le is not None:
            out += b"\x00" + (self.le & 0xFFFF).to_bytes(2, "big")
        return bytes(out)

    @classmethod
    def parse(cls, raw: bytes) -> CommandAPDU:
        """Decodes the four ISO cases, short or extended."""
        if len(raw) < 4:
            raise APDUError(f"command APDU too short ({len(raw)} bytes)")
        cla, ins, p1, p2 = raw[:4]
        body = raw[4:]
        if not body:
            return cls(cla, ins, p1, p2)
        if len(body) == 1:
            return cls(cla, ins, p1, p2, le=body[0] or MAX_SHORT_LE)
        if body[0] != 0:  # short form
            lc = body[0]
            if len(body) == 1 + lc:
                return cls(cla, ins, p1, p2, bytes(body[1:]))
            if len(body) == 2 + lc:
                return cls(cla, ins, p1, p2, bytes(body[1 : 1 + lc]), body[-1] or MAX_SHORT_LE)
            raise APDUError("inconsistent short Lc")
        # extended form
        if len(body) == 3:
            return cls(cla, ins, p1, p2, le=int.from_bytes(body[1:3], "big") or MAX_EXTENDED_LE)
        lc = int.from_bytes(body[1:3], "big")
        if lc == 0:
            raise APDUError("extended Lc of zero")
        if len(body) == 3 + lc:
            return cls(cla, ins, p1, p2, bytes(body[3:]))
        if len(body) == 5 + lc:
            le = int.from_bytes(body[-2:], "big") or MAX_EXTENDED_LE
            return cls(cla, ins, p1, p2, bytes(body[3 : 3 + lc]), le)
        raise APDUError("inconsistent extended Lc")


@dataclass(frozen=True)
class ResponseAPDU:
    data: bytes
    sw1: int
    sw2: int

    @property
    def sw(self) -> int:
        return (self.sw1 << 8) | self.sw2

    @property
    def ok(self) -> bool:
        return self.sw == SW_OK

    @property
    def warning(self) -> bool:
        """62xx / 63xx: processing completed with a warning (data may still be valid)."""
        return self.sw1 in (0x62, 0x63)

    def to_bytes(self) -> bytes:
        return bytes(self.data) + bytes([self.sw1, self.sw2])

    @classmethod
    def parse(cls, raw: bytes) -> ResponseAPDU:
        if len(raw) < 2:
            raise APDUError(f"response APDU too short ({len(raw)} bytes)")
        return cls(bytes(raw[:-2]), raw[-2], raw[-1])

    @classmethod
    def status(cls, sw: int, data: bytes = b"") -> ResponseAPDU:
        return cls(data, sw >> 8, sw & 0xFF)


def sw_text(sw: int) -> str:
    names = {
        SW_OK: "ok",
        SW_END_OF_FILE: "end of file reached",
        SW_WRONG_LENGTH: "wrong length",
        SW_SECURITY_NOT_SATISFIED: "security status not satisfied",
        SW_AUTH_METHOD_BLOCKED: "authentication method blocked",
        SW_CONDITIONS_NOT_SATISFIED: "conditions of use not satisfied",
        SW_SM_DATA_MISSING: "secure messaging data objects missing",
        SW_SM_DATA_INCORRECT: "secure messaging data objects incorrect",
        SW_WRONG_DATA: "incorrect data",
        SW_FUNC_NOT_SUPPORTED: "function not supported",
        SW_FILE_NOT_FOUND: "file or application not found",
        SW_WRONG_P1P2: "incorrect P1/P2",
        SW_WRONG_PARAMS: "wrong parameters (offset outside the file)",
        SW_INS_NOT_SUPPORTED: "instruction not supported",
        SW_CLA_NOT_SUPPORTED: "class not supported",
    }
    if sw in names:
        return f"{sw:04X} ({names[sw]})"
    if sw >> 8 == 0x6C:
        return f"{sw:04X} (wrong Le, {sw & 0xFF} expected)"
    if sw >> 8 == 0x63 and sw & 0xF0 == 0xC0:
        return f"{sw:04X} (verification failed, {sw & 0x0F} tries left)"
    return f"{sw:04X}"
