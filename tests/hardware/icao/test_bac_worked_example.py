"""ICAO 9303-11 Appendix D (BAC + 3DES secure messaging), reproduced byte for byte."""

from __future__ import annotations

import pytest

from hardware.icao import bac
from hardware.icao.apdu import CommandAPDU, ResponseAPDU
from hardware.icao.sm import DESSecureMessaging, SMError, des_session_keys

H = bytes.fromhex

KS_ENC = H("979EC13B1CBFE9DCD01AB0FED307EAE5")
KS_MAC = H("F1CB1F1FB5ADF208806B89DC579DC1F8")
SSC0 = 0x887022120C06C226


def test_mrz_information_and_key_seed() -> None:
    info = bac.mrz_information("L898902C", "690806", "940623")
    assert info == "L898902C<369080619406236"
    seed = bac.key_seed(info)
    assert seed == H("239AB9CB282DAF66231DC5A4DF6BFBAE")
    k_enc, k_mac = bac.derive_keys(seed)
    assert k_enc == H("AB94FDECF2674FDFB9B391F85D7F76F2")
    assert k_mac == H("7962D9ECE03D1ACD4C76089DCE131543")


def test_check_digits() -> None:
    assert bac.check_digit("L898902C<") == "3"
    assert bac.check_digit("690806") == "1"
    assert bac.check_digit("940623") == "6"
    with pytest.raises(ValueError):
        bac.check_digit("ab!")


class ScriptedCard:
    """Answers exactly the expected commands of the worked example."""

    def __init__(self, script: list[tuple[str, str]]) -> None:
        self.script = list(script)
        self.extended_length = False

    def transmit(self, apdu: bytes) -> bytes:
        expected, answer = self.script.pop(0)
        assert apdu.hex().upper() == expected
        return H(answer)


def test_mutual_authentication_session_keys_and_ssc() -> None:
    keys = bac.BacKeys.from_mrz("L898902C", "690806", "940623")
    card = ScriptedCard(
        [
            ("0084000008", "4608F919887022129000"),
            (
                "0082000028"
                "72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F2"
                "5F1448EEA8AD90A7"
                "28",
                "46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F"
                "2F2D235D074D7449"
                "9000",
            ),
        ]
    )
    sm = bac.authenticate(
        card, keys, rnd_ifd=H("781723860C06C226"), k_ifd=H("0B795240CB7049B01C19B33E32804F0B")
    )
    assert not card.script
    assert sm.ks_enc == KS_ENC
    assert sm.ks_mac == KS_MAC
    assert sm.ssc == SSC0
    assert des_session_keys(H("0036D272F5C350ACAC50C3F572D23600")) == (KS_ENC, KS_MAC)


def test_card_side_gives_the_same_answer() -> None:
    card = bac.BacCard(bac.BacKeys.from_mrz("L898902C", "690806", "940623"))
    card.get_challenge(H("4608F91988702212"))
    answer, sm = card.mutual_authenticate(
        H("72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F25F1448EEA8AD90A7"),
        k_ic=H("0B4F80323EB3191CB04970CB4052790B"),
    )
    assert answer == H(
        "46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F2F2D235D074D7449"
    )
    assert (sm.ks_enc, sm.ks_mac, sm.ssc) == (KS_ENC, KS_MAC, SSC0)


def test_wrong_key_is_refused_by_the_card() -> None:
    card = bac.BacCard(bac.BacKeys.from_mrz("L898902C", "690806", "940624"))
    card.get_challenge(H("4608F91988702212"))
    with pytest.raises(bac.BacFailed):
        card.mutual_authenticate(
            H("72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F25F1448EEA8AD90A7")
        )


def test_protected_select_and_read_binary() -> None:
    sm = DESSecureMessaging(KS_ENC, KS_MAC, SSC0)
    # D.4.1 SELECT EF.COM
    cmd = sm.protect(CommandAPDU(0x00, 0xA4, 0x02, 0x0C, H("011E")))
    assert cmd.to_bytes() == H("0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800")
    assert sm.ssc == 0x887022120C06C227
    resp = sm.unprotect(H("990290008E08FA855A5D4C50A8ED9000"))
    assert (resp.data, resp.sw) == (b"", 0x9000)
    assert sm.ssc == 0x887022120C06C228
    # D.4.2 READ BINARY of the first four bytes
    cmd = sm.protect(CommandAPDU(0x00, 0xB0, 0x00, 0x00, le=4))
    assert cmd.to_bytes() == H("0CB000000D9701048E08ED6705417E96BA5500")
    resp = sm.unprotect(H("8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000"))
    assert resp.data == H("60145F01")
    assert sm.ssc == 0x887022120C06C22A
    # D.4.3 READ BINARY of the remaining 18 bytes from offset 4
    cmd = sm.protect(CommandAPDU(0x00, 0xB0, 0x00, 0x04, le=0x12))
    assert cmd.to_bytes() == H("0CB000040D9701128E082EA28A70F3C7B53500")
    resp = sm.unprotect(
        H("871901FB9235F4E4037F2327DCC8964F1F9B8C30F42C8E2FFF224A990290008E08C8B2787EAEA07D749000")
    )
    assert resp.data == H("04303130365F36063034303030305C026175")
    assert resp.sw == 0x9000
    assert sm.ssc == 0x887022120C06C22C


def test_card_side_reproduces_the_protected_responses() -> None:
    card = DESSecureMessaging(KS_ENC, KS_MAC, SSC0)
    cmd = card.unwrap_command(
        CommandAPDU.parse(H("0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800"))
    )
    assert (cmd.cla, cmd.ins, cmd.p1, cmd.p2, cmd.data) == (0, 0xA4, 2, 0x0C, H("011E"))
    assert card.wrap_response(ResponseAPDU.status(0x9000)) == H("990290008E08FA855A5D4C50A8ED9000")
    cmd = card.unwrap_command(CommandAPDU.parse(H("0CB000000D9701048E08ED6705417E96BA5500")))
    assert cmd.le == 4
    assert card.wrap_response(ResponseAPDU(H("60145F01"), 0x90, 0)) == H(
        "8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000"
    )


def test_tampered_response_mac_is_refused() -> None:
    sm = DESSecureMessaging(KS_ENC, KS_MAC, SSC0)
    sm.protect(CommandAPDU(0x00, 0xA4, 0x02, 0x0C, H("011E")))
    with pytest.raises(SMError):
        sm.unprotect(H("990290008E08FA855A5D4C50A8EE9000"))
