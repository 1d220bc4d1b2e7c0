"""`kiosk scan-image` and `kiosk bench qr` on real files and a tiny generated set."""

from __future__ import annotations

import json

import cv2
import numpy as np

from hardware.codereader.frames import blank_frame, clean_spec, render_frame
from kiosk.cli import main

CCCD = "001090123456|012345678|Nguyễn Văn An|01011990|Nam|Số 12 Ngõ 34 Phố Huế, Hà Nội|15042021"


def write(path, payload):
    rng = np.random.default_rng(1)
    frame = blank_frame(rng) if payload is None else render_frame(payload, clean_spec(0.3), rng)[0]
    cv2.imwrite(str(path), cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))


def test_scan_image_json(tmp_path, demo_config, capsys):
    write(tmp_path / "cccd.png", CCCD)
    write(tmp_path / "booking.jpg", "LH12345678")
    write(tmp_path / "bad.png", CCCD.replace("|Nam|", "|Nữ|"))
    write(tmp_path / "binary.png", b"\xff\xfe")
    write(tmp_path / "empty.png", None)
    (tmp_path / "corrupt.png").write_bytes(b"\x89PNG garbage")
    files = [
        str(tmp_path / n)
        for n in ("cccd.png", "booking.jpg", "bad.png", "binary.png", "empty.png", "corrupt.png")
    ]
    code = main(["scan-image", *files, "--json", "--data-dir", str(tmp_path / "data")])
    out = json.loads(capsys.readouterr().out)
    assert code == 1  # some images had no code
    by = {r["file"].rsplit("/", 1)[1]: r for r in out}
    assert by["cccd.png"]["kind"] == "cccd" and by["cccd.png"]["text"] == CCCD
    assert by["cccd.png"]["fields"]["full_name"] == "Nguyễn Văn An"
    assert by["booking.jpg"]["kind"] == "appointment"
    assert by["bad.png"]["kind"] == "invalid" and by["bad.png"]["reason"] == "id_gender_mismatch"
    assert by["bad.png"]["message_vi"] != by["bad.png"]["message_en"]
    assert by["binary.png"]["text"] is None and by["binary.png"]["bytes_hex"] == "fffe"
    assert by["binary.png"]["kind"] == "unreadable"
    assert by["empty.png"]["reason"] == "no QR code found"
    assert by["corrupt.png"]["reason"] == "cannot read the image file"


def test_scan_image_text(tmp_path, demo_config, capsys):
    write(tmp_path / "cccd.png", CCCD)
    assert main(["scan-image", str(tmp_path / "cccd.png"), "--data-dir", str(tmp_path / "d")]) == 0
    out = capsys.readouterr().out
    assert "kind: cccd" in out and "full_name: Nguyễn Văn An" in out


def test_bench_qr_generated_saved_and_replayed(tmp_path, capsys):
    saved = tmp_path / "set"
    assert (
        main(
            [
                "bench",
                "qr",
                "--count",
                "4",
                "--clean",
                "2",
                "--opencv",
                "1",
                "--seed",
                "3",
                "--save",
                str(saved),
                "--json",
            ]
        )
        == 0
    )
    report = json.loads(capsys.readouterr().out)
    names = [t["decoder"] for t in report["hard"]]
    assert names == ["zxing-cpp", "zxing-cpp-plain", "opencv-aruco", "opencv"]
    zx = report["hard"][0]
    assert zx["frames"] == 4 and report["hard"][2]["frames"] == 1
    assert sum(b["frames"] for b in zx["by_pixels_per_module"].values()) == 4
    assert report["clean"][0]["frames"] == 2 and report["clean"][0]["success_rate"] == 1.0
    assert len(list(saved.glob("*.png"))) == 6 and len(list(saved.glob("*.bin"))) == 6
    assert main(["bench", "qr", "--dir", str(saved), "--opencv", "0", "--json"]) == 0
    replay = json.loads(capsys.readouterr().out)["set"][0]
    assert replay["frames"] == 6
    assert (
        replay["decoded_ok"] == zx["decoded_ok"] + report["clean"][0]["decoded_ok"]
    )  # PNG is lossless
    assert replay["wrong_payloads"] == 0
