"""ICAO 9303-11 Appendix G.1: PACE ECDH generic mapping on brainpoolP256r1, byte for byte."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from hardware.icao import pace
from hardware.icao.apdu import CommandAPDU, ResponseAPDU
from hardware.icao.bac import mrz_information
from hardware.icao.sm import aes_decrypt

H = bytes.fromhex

K_PI = H("89DED1B26624EC1E634C1989302849DD")
NONCE_Z = H("95A3A016522EE98D01E76CB6B98B42C3")
NONCE_S = H("3F00C4D39D153F2B2A214A078D899B22")
SK_MAP_IFD = 0x7F4EF07B9EA82FD78AD689B38D0BC78CF21F249D953BC46F4C6E19259C010F99
PK_MAP_IFD = H(
    "047ACF3EFC982EC45565A4B155129EFBC74650DCBFA6362D896FC70262E0C2CC5E"
    "544552DCB6725218799115B55C9BAA6D9F6BC3A9618E70C25AF71777A9C4922D"
)
SK_MAP_IC = 0x498FF49756F2DC1587840041839A85982BE7761D14715FB091EFA7BCE9058560
PK_MAP_IC = H(
    "04824FBA91C9CBE26BEF53A0EBE7342A3BF178CEA9F45DE0B70AA601651FBA3F57"
    "30D8C879AAA9C9F73991E61B58F4D52EB87A0A0C709A49DC63719363CCD13C54"
)
SHARED_H = H(
    "0460332EF2450B5D247EF6D3868397D398852ED6E8CAF6FFEEF6BF85CA57057FD5"
    "0840CA7415BAF3E43BD414D35AA4608B93A2CAF3A4E3EA4E82C9C13D03EB7181"
)
G_HAT = H(
    "048CED63C91426D4F0EB1435E7CB1D74A46723A0AF21C89634F65A9AE87A9265E2"
    "8C879506743F8611AC33645C5B985C80B5F09A0B83407C1B6A4D857AE76FE522"
)
SK_EPH_IFD = 0xA73FB703AC1436A18E0CFA5ABB3F7BEC7A070E7A6788486BEE230C4A22762595
PK_EPH_IFD = H(
    "042DB7A64C0355044EC9DF190514C625CBA2CEA48754887122F3A5EF0D5EDD301C"
    "3556F3B3B186DF10B857B58F6A7EB80F20BA5DC7BE1D43D9BF850149FBB36462"
)
SK_EPH_IC = 0x107CF58696EF6155053340FD633392BA81909DF7B9706F226F32086C7AFF974A
PK_EPH_IC = H(
    "049E880F842905B8B3181F7AF7CAA9F0EFB743847F44A306D2D28C1D9EC65DF6DB"
    "7764B22277A2EDDC3C265A9F018F9CB852E111B768B326904B59A0193776F094"
)
SHARED_K = H("28768D20701247DAE81804C9E780EDE582A9996DB4A315020B2733197DB84925")
KS_ENC = H("F5F0E35C0D7161EE6724EE513A0D9A7F")
KS_MAC = H("FE251C7858B356B24514B3BD5F4297D1")
T_IFD = H("C2B0BD78D94BA866")
T_IC = H("3ABB9674BCE93C08")
OID = pace.OID_PACE_ECDH_GM_AES_CBC_CMAC_128
CARD_ACCESS = H("31143012060A04007F0007020204020202010202010D")


def test_curve_constants_match_cryptography() -> None:
    assert pace.base_mult(1) == pace.G
    assert pace.on_curve(pace.G)
    assert pace.scalar_mult(12345, pace.G) == pace.base_mult(12345)
    assert pace.scalar_mult(pace.N - 1, pace.G) == pace.base_mult(pace.N - 1)
    assert isinstance(pace.CURVE, ec.BrainpoolP256R1)


def test_password_key_and_nonce() -> None:
    k = hashlib.sha1(mrz_information("T22000129", "640812", "101031").encode()).digest()
    assert k == H("7E2D2A41C74EA0B38CD36F863939BFA8E9032AAD")
    assert pace.password_key_mrz("T22000129", "640812", "101031") == K_PI
    assert aes_decrypt(K_PI, NONCE_Z) == NONCE_S


def test_generic_mapping_key_agreement_and_tokens() -> None:
    assert pace.encode_point(pace.base_mult(SK_MAP_IFD)) == PK_MAP_IFD
    assert pace.encode_point(pace.base_mult(SK_MAP_IC)) == PK_MAP_IC
    h, g_hat = pace.map_generator(NONCE_S, SK_MAP_IFD, pace.decode_point(PK_MAP_IC))
    assert pace.encode_point(h) == SHARED_H
    assert pace.encode_point(g_hat) == G_HAT
    # the card computes the same generator from its side
    _, g_hat_ic = pace.map_generator(NONCE_S, SK_MAP_IC, pace.decode_point(PK_MAP_IFD))
    assert g_hat_ic == g_hat
    assert pace.encode_point(pace.scalar_mult(SK_EPH_IFD, g_hat)) == PK_EPH_IFD
    assert pace.encode_point(pace.scalar_mult(SK_EPH_IC, g_hat)) == PK_EPH_IC
    shared = pace.ecdh_x(SK_EPH_IFD, pace.decode_point(PK_EPH_IC))
    assert shared == SHARED_K
    assert pace.ecdh_x(SK_EPH_IC, pace.decode_point(PK_EPH_IFD)) == SHARED_K
    assert pace.session_keys(shared) == (KS_ENC, KS_MAC)
    assert pace.auth_token(KS_MAC, OID, PK_EPH_IC) == T_IFD
    assert pace.auth_token(KS_MAC, OID, PK_EPH_IFD) == T_IC


def test_card_access_parsing_and_building() -> None:
    infos = pace.parse_card_access(CARD_ACCESS)
    assert infos == [pace.PACEInfo(OID, 2, 13)]
    assert infos[0].supported
    assert pace.build_card_access(infos) == CARD_ACCESS


TRANSCRIPT = [
    ("0022C1A412800A04007F0007020204020283010184010D", "9000"),
    ("10860000027C0000", "7C1280" + "10" + NONCE_Z.hex() + "9000"),
    ("10860000457C438141" + PK_MAP_IFD.hex() + "00", "7C438241" + PK_MAP_IC.hex() + "9000"),
    ("10860000457C438341" + PK_EPH_IFD.hex() + "00", "7C438441" + PK_EPH_IC.hex() + "9000"),
    ("008600000C7C0A8508" + T_IFD.hex() + "00", "7C0A8608" + T_IC.hex() + "9000"),
]


class Scripted:
    extended_length = False

    def __init__(self, script: list[tuple[str, str]]) -> None:
        self.script = list(script)

    def transmit(self, apdu: bytes) -> bytes:
        expected, answer = self.script.pop(0)
        assert apdu.hex().upper() == expected.upper()
        return H(answer)


def test_terminal_side_transcript_byte_for_byte() -> None:
    link = Scripted(TRANSCRIPT)
    info = pace.parse_card_access(CARD_ACCESS)[0]
    sm = pace.authenticate(
        link, K_PI, info, password_ref=pace.PASSWORD_MRZ, sk_map=SK_MAP_IFD, sk_eph=SK_EPH_IFD
    )
    assert not link.script
    assert (sm.ks_enc, sm.ks_mac, sm.ssc) == (KS_ENC, KS_MAC, 0)
    # the first protected command after PACE: SELECT of the eMRTD application (SSC = 0)
    cmd = sm.protect(CommandAPDU(0x00, 0xA4, 0x04, 0x0C, H("A0000002471001")))
    assert cmd.to_bytes() == H(
        "0CA4040C1D871101752F676B09FAC86A87D632749A49C7CC8E08C18BA1FCE707BD9F00"
    )
    assert sm.unprotect(H("990290008E08BEA7B381C494A0799000")).sw == 0x9000


def test_card_side_transcript_byte_for_byte() -> None:
    info = pace.PACEInfo(OID, 2, 13)
    card = pace.PaceCard({pace.PASSWORD_MRZ: K_PI}, info)
    assert card.set_at(CommandAPDU.parse(H(TRANSCRIPT[0][0])).data) == 0x9000
    keys: list[dict[str, Any]] = [
        {"nonce": NONCE_S},
        {"sk_map": SK_MAP_IC},
        {"sk_eph": SK_EPH_IC},
        {},
    ]
    session = None
    for (command, answer), extra in zip(TRANSCRIPT[1:], keys, strict=True):
        resp, session = card.general_authenticate(CommandAPDU.parse(H(command)).data, **extra)
        assert resp.to_bytes() == H(answer)
    assert session is not None
    assert (session.ks_enc, session.ks_mac) == (KS_ENC, KS_MAC)


def test_wrong_password_gives_a_token_mismatch() -> None:
    info = pace.PACEInfo(OID, 2, 13)
    card = pace.PaceCard({pace.PASSWORD_CAN: pace.password_key_can("123456")}, info)

    class Link:
        extended_length = False

        def transmit(self, apdu: bytes) -> bytes:
            cmd = CommandAPDU.parse(apdu)
            if cmd.ins == 0x22:
                return ResponseAPDU.status(card.set_at(cmd.data)).to_bytes()
            return card.general_authenticate(cmd.data)[0].to_bytes()

    with pytest.raises(pace.PaceFailed) as info_exc:
        pace.authenticate(Link(), pace.password_key_can("654321"), info)
    assert info_exc.value.wrong_password
    sm = pace.authenticate(Link(), pace.password_key_can("123456"), info)
    assert len(sm.ks_enc) == 16


def test_points_off_the_curve_are_refused() -> None:
    bad = bytearray(PK_MAP_IC)
    bad[-1] ^= 1
    with pytest.raises(pace.PaceFailed):
        pace.decode_point(bytes(bad))
    with pytest.raises(pace.PaceFailed):
        pace.decode_point(b"\x04\x01")
