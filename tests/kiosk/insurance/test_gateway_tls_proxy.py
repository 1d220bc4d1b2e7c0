"""HTTPS with the configured CA bundle, and the configured HTTP proxy, over real sockets."""

from __future__ import annotations

import datetime as dt
import ipaddress
import select
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import MakeChecker
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from insurance_support import AN

from kiosk.insurance.base import CheckOutcome
from kiosk.insurance.simulator import GatewaySimulator


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A test CA and a server certificate for 127.0.0.1 signed by it."""
    folder = tmp_path_factory.mktemp("pki")
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("Test gateway CA"))
        .issuer_name(_name("Test gateway CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("127.0.0.1"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    paths = {"ca": folder / "ca.pem", "cert": folder / "server.pem", "key": folder / "key.pem"}
    paths["ca"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths["cert"].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths["key"].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths


@pytest.fixture
def https_sim(pki: dict[str, Path]) -> Iterator[GatewaySimulator]:
    with GatewaySimulator(tls=(str(pki["cert"]), str(pki["key"]))) as sim:
        yield sim


def test_https_with_the_configured_ca_bundle(
    https_sim: GatewaySimulator, make_checker: MakeChecker, pki: dict[str, Path]
) -> None:
    assert https_sim.url.startswith("https://")
    e = make_checker(base_url=https_sim.url, ca_bundle=str(pki["ca"])).check(AN)
    assert e.verified and e.code == "000"


def test_https_without_the_ca_is_refused(
    https_sim: GatewaySimulator, make_checker: MakeChecker
) -> None:
    result = make_checker(base_url=https_sim.url).check_detailed(AN)
    assert result.outcome is CheckOutcome.CONNECTION
    assert "TLS" in result.error
    assert https_sim.stats["token"] == 0


class _Proxy(ThreadingHTTPServer):
    daemon_threads = True
    seen: list[str]


class _ProxyHandler(BaseHTTPRequestHandler):
    """A minimal forward proxy: absolute-URI HTTP requests and CONNECT tunnels."""

    server: _Proxy
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:  # noqa: N802
        from urllib.parse import urlsplit

        self.server.seen.append(self.command + " " + urlsplit(self.path).path)
        target = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        with socket.create_connection((target.hostname, target.port or 80), timeout=3) as up:
            head = f"POST {target.path}?{target.query} HTTP/1.1\r\nHost: {target.netloc}\r\n"
            for key in ("Content-Type", "Content-Length"):
                if self.headers.get(key):
                    head += f"{key}: {self.headers[key]}\r\n"
            up.sendall((head + "Connection: close\r\n\r\n").encode() + body)
            chunks = []
            while chunk := up.recv(65536):
                chunks.append(chunk)
        self.wfile.write(b"".join(chunks))
        self.close_connection = True

    def do_CONNECT(self) -> None:  # noqa: N802
        self.server.seen.append("CONNECT " + self.path)
        host, port = self.path.rsplit(":", 1)
        up = socket.create_connection((host, int(port)), timeout=3)
        self.send_response(200, "Connection established")
        self.end_headers()
        sockets = [self.connection, up]
        try:
            while True:
                readable, _, _ = select.select(sockets, [], [], 3)
                if not readable:
                    break
                for s in readable:
                    data = s.recv(65536)
                    if not data:
                        return
                    (up if s is self.connection else self.connection).sendall(data)
        finally:
            up.close()
            self.close_connection = True


@pytest.fixture
def proxy() -> Iterator[_Proxy]:
    server = _Proxy(("127.0.0.1", 0), _ProxyHandler)
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02})
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_http_through_the_configured_proxy(
    sim: GatewaySimulator, make_checker: MakeChecker, proxy: _Proxy
) -> None:
    url = f"http://127.0.0.1:{proxy.server_address[1]}"
    e = make_checker(proxy=url).check(AN)
    assert e.verified and e.code == "000"
    assert proxy.seen == ["POST /api/token/take", "POST /api/egw/KQNhanLichSuKCB2024"]


def test_https_through_the_configured_proxy(
    https_sim: GatewaySimulator, make_checker: MakeChecker, proxy: _Proxy, pki: dict[str, Path]
) -> None:
    url = f"http://127.0.0.1:{proxy.server_address[1]}"
    checker = make_checker(base_url=https_sim.url, proxy=url, ca_bundle=str(pki["ca"]))
    assert checker.check(AN).verified
    assert proxy.seen and all(s.startswith("CONNECT 127.0.0.1:") for s in proxy.seen)
