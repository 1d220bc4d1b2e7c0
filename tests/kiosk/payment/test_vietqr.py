"""VietQR payloads: a payload published by an independent implementation, every field of ours
decoded back from a real QR image with zxing-cpp, and refusals."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
import segno
import zxingcpp

from kiosk.payment.vietqr import VietQr, VietQrError, crc16, decode

# subiz/vietqr's README (Go): 120,000 đ to VietinBank (970415) account 0011001932418,
# purpose "ung ho lu lut", CRC C15C. Built independently of this code.
PUBLISHED = (
    "00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA"
    "530370454061200005802VN62170813ung ho lu lut6304C15C"
)


def test_the_published_example_is_reproduced_byte_for_byte():
    ours = VietQr("970415", "0011001932418", 120000, purpose="ung ho lu lut").payload()
    assert ours == PUBLISHED
    assert crc16(PUBLISHED[:-4]) == "C15C"


def test_every_field_survives_a_real_qr_image():
    payload = VietQr("970436", "1234567890", 275000, "KI261201ABCDEFGH", "Tam ung").payload()
    img = segno.make(payload, error="m")
    array = np.array(img.matrix, dtype=np.uint8)
    pixels = np.kron(1 - array, np.ones((8, 8), np.uint8)) * 255
    pixels = np.pad(pixels, 32, constant_values=255)
    [read] = zxingcpp.read_barcodes(pixels)
    f = decode(read.text)
    assert f["00"] == "01" and f["01"] == "12"
    assert f["38.00"] == "A000000727" and f["38.02"] == "QRIBFTTA"
    assert f["38.01.00"] == "970436" and f["38.01.01"] == "1234567890"
    assert f["53"] == "704" and f["54"] == "275000" and f["58"] == "VN"
    assert f["62.01"] == "KI261201ABCDEFGH" and f["62.08"] == "Tam ung"
    assert read.text.endswith(f["63"]) and len(f["63"]) == 4


def test_static_qr_has_no_amount_and_initiation_11():
    f = decode(VietQr("970415", "113366668888", None).payload())
    assert f["01"] == "11" and "54" not in f


@pytest.mark.parametrize(
    "qr",
    [
        VietQr("97041", "1", 1),  # BIN is 6 digits
        VietQr("970415", "12 34", 1),  # account: letters and digits only
        VietQr("970415", "1", 0),  # amount > 0
        VietQr("970415", "1", -5),
        VietQr("970415", "1", 10**13),
        VietQr("970415", "1", 1, purpose="Tạm ứng"),  # plain letters only
        VietQr("970415", "1", 1, bill_number="X" * 26),
        VietQr("970415", "1", 1, service="QRPUSH"),
    ],
)
def test_bad_fields_are_refused(qr):
    with pytest.raises(VietQrError):
        qr.payload()


def test_a_damaged_payload_fails_its_crc():
    bad = PUBLISHED.replace("120000", "920000")
    with pytest.raises(VietQrError, match="CRC"):
        decode(bad)
    with pytest.raises(VietQrError):
        decode("0002")


def test_cli_prints_the_payload_key(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "kiosk", "payment", "qr", "--amount", "150000", "--bill", "B1",
         "--json", "--data-dir", str(tmp_path)],
        capture_output=True, text=True, check=True, env=os.environ.copy(),
    )  # fmt: skip
    data = json.loads(out.stdout)
    assert decode(data["payload"])["54"] == "150000"
    bad = subprocess.run(
        [sys.executable, "-m", "kiosk", "payment", "qr", "--amount", "0", "--data-dir", str(tmp_path)],
        capture_output=True, text=True, env=os.environ.copy(),
    )  # fmt: skip
    assert bad.returncode == 2 and "positive" in bad.stderr
