"""Runs chip authentication and active authentication on an open chip session, when offered.

The terminal half of hardware.icao.chipauth, on the reader's ChipSession: what the chip offers
comes from DG14 / DG15 (covered by the SOD, so passive authentication anchors the keys) and
EF.CardAccess (which says whether CA is offered even when DG14 is missing).
"""

from __future__ import annotations

import hmac
import logging
from typing import TYPE_CHECKING

from hardware.cardreader.base import CardReadFailed, CardRemoved, ChipAuth
from hardware.icao import chipauth, tlv
from hardware.icao.chipauth import ChipAuthError

if TYPE_CHECKING:
    from hardware.icao.reader import ChipSession

log = logging.getLogger(__name__)

EF_COM = 0x011E


def _card_access_offers_ca(card_access: bytes | None) -> bool:
    if not card_access:
        return False
    try:
        return bool(chipauth.parse_security_infos(card_access).ca)
    except tlv.LDSError:
        return False


def _chip_authentication(
    session: ChipSession, infos: chipauth.SecurityInfos, ef_com: bytes | None
) -> ChipAuth:
    chosen = infos.chosen()
    if chosen is None:
        raise ChipAuthError("no supported chip authentication protocol or key in DG14")
    info, key = chosen
    commands, ephemeral = chipauth.start(info, key, session.max_le())
    try:
        for command in commands:
            answer = session.send(command)
            if not answer.ok:
                log.info("chip refused chip authentication (%04X)", answer.sw)
                return ChipAuth.FAILED
        session.sm = chipauth.finish(ephemeral, key)
        again = session.read_file(EF_COM)  # only the chip holding the DG14 key can answer
    except CardRemoved:
        raise
    except CardReadFailed as exc:
        log.info("chip authentication failed: %s", exc)
        session.sm = None
        return ChipAuth.FAILED
    if ef_com is not None and (again is None or not hmac.compare_digest(again, ef_com)):
        return ChipAuth.FAILED
    return ChipAuth.PASSED


def _active_authentication(
    session: ChipSession, dg15: bytes, signature_oid: str | None
) -> ChipAuth:
    try:
        key = chipauth.parse_dg15(dg15)
    except (ValueError, tlv.LDSError) as exc:
        raise ChipAuthError(f"DG15 key unreadable: {exc}") from exc
    challenge = chipauth.aa_challenge()
    try:
        answer = session.send(chipauth.internal_authenticate(challenge, session.max_le()))
    except CardRemoved:
        raise
    except CardReadFailed as exc:
        log.info("active authentication failed: %s", exc)
        return ChipAuth.FAILED
    if not answer.ok:
        return ChipAuth.FAILED
    try:
        chipauth.verify_aa(key, signature_oid, challenge, answer.data)
    except ChipAuthError as exc:
        log.info("%s", exc)
        return ChipAuth.FAILED
    return ChipAuth.PASSED


def authenticate_chip(
    session: ChipSession, files: dict[str, bytes | None], problems: list[str]
) -> ChipAuth:
    """CA when DG14 offers it, then AA when DG15 is present; the combined outcome.

    Any failure -> FAILED; offered but impossible to run -> NOT_CHECKED; nothing offered
    -> NOT_OFFERED. Raises CardRemoved when the card leaves.
    """
    dg14, dg15 = files.get("DG14"), files.get("DG15")
    outcomes: list[ChipAuth] = []
    infos = chipauth.SecurityInfos()
    if dg14:
        try:
            infos = chipauth.parse_security_infos(dg14)
        except tlv.LDSError as exc:
            problems.append(f"DG14 unreadable: {exc}")
            outcomes.append(ChipAuth.NOT_CHECKED)
        problems.extend(infos.problems)
    if infos.ca or infos.ca_keys:
        try:
            outcomes.append(_chip_authentication(session, infos, files.get("EF.COM")))
        except ChipAuthError as exc:
            problems.append(str(exc))
            outcomes.append(ChipAuth.NOT_CHECKED)
    elif _card_access_offers_ca(session.card_access):
        problems.append("EF.CardAccess offers chip authentication but DG14 has no key")
        outcomes.append(ChipAuth.NOT_CHECKED)
    if dg15 and ChipAuth.FAILED not in outcomes:
        try:
            outcomes.append(_active_authentication(session, dg15, infos.aa_signature_oid))
        except ChipAuthError as exc:
            problems.append(str(exc))
            outcomes.append(ChipAuth.NOT_CHECKED)
    if ChipAuth.FAILED in outcomes:
        problems.append("the chip did not prove it holds its own key: not the original chip")
        return ChipAuth.FAILED
    if ChipAuth.NOT_CHECKED in outcomes:
        return ChipAuth.NOT_CHECKED
    return ChipAuth.PASSED if outcomes else ChipAuth.NOT_OFFERED
