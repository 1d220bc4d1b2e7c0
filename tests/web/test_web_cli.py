"""`kiosk staff add` and `kiosk serve` as IT runs them, with TLS configured."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from web_testing import PASSWORD, free_port


def self_signed(tmp: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cf, kf = tmp / "cert.pem", tmp / "key.pem"
    cf.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    kf.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cf, kf


def test_staff_add_then_serve_over_tls(tmp_path: Path) -> None:
    env = {**os.environ, "KIOSK_DATA_DIR": str(tmp_path / "data")}
    env.pop("KIOSK_CONFIG", None)
    cf, kf = self_signed(tmp_path)
    web_toml = tmp_path / "web.toml"
    web_toml.write_text(f'tls_certfile = "{cf}"\ntls_keyfile = "{kf}"\n')
    kiosk = [sys.executable, "-m", "kiosk"]
    out = subprocess.run(
        [*kiosk, "staff", "add", "lan", "--role", "supervisor", "--password-stdin"],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    short = subprocess.run(
        [*kiosk, "staff", "add", "x", "--password-stdin"],
        input="short\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert short.returncode == 2 and "10 characters" in short.stderr
    port = free_port()
    proc = subprocess.Popen(
        [*kiosk, "serve", "--port", str(port), "--web-config", str(web_toml)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        url = f"https://127.0.0.1:{port}"
        with httpx.Client(base_url=url, verify=False, timeout=5) as c:
            for _ in range(100):
                try:
                    if c.get("/healthz").status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            r = c.post("/login", data={"username": "lan", "password": PASSWORD})
            assert r.status_code == 303
            cookie = r.headers["set-cookie"].lower()
            assert "secure" in cookie and "httponly" in cookie and "samesite=strict" in cookie
            assert c.get("/supervisor/audit").status_code == 200
    finally:
        proc.terminate()
        proc.wait(10)
