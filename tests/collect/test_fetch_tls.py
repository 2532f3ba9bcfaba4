"""HTTPS against a real TLS server on 127.0.0.1: a trusted certificate downloads, an untrusted
one gives a reason a clerk understands (and is not retried as if the server were down)."""

from __future__ import annotations

import http.server
import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipelines.collect.fetch import Fetcher, FetchError, Policy

PDF = b"%PDF-1.4\n" + b"1" * 500 + b"\n%%EOF\n"
POLICY = Policy(connect_timeout=2, read_timeout=2, retries=2, backoff=0.01, min_interval=0)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


class _Handler(http.server.BaseHTTPRequestHandler):
    requests = 0

    def do_GET(self) -> None:
        type(self).requests += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/pdf")
        self.send_header("Content-Length", str(len(PDF)))
        self.end_headers()
        self.wfile.write(PDF)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def https_url(certificate) -> Iterator[str]:
    cert, key = certificate
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Handler.requests = 0
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}/report.pdf"
    finally:
        server.shutdown()
        server.server_close()


def test_untrusted_certificate_is_a_clear_reason(https_url, tmp_path):
    fetcher = Fetcher(tmp_path / "raw", tmp_path / "state", POLICY, sleep=lambda s: None)
    with pytest.raises(FetchError) as caught:
        fetcher.fetch(https_url)
    assert caught.value.reason.startswith("网站的 HTTPS 证书无效")
    assert caught.value.attempts == 1  # a bad certificate is not retried like a busy server
    assert _Handler.requests == 0  # the handshake failed: nothing was requested


def test_trusted_certificate_downloads(https_url, certificate, tmp_path, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))  # trust our test CA only
    fetcher = Fetcher(tmp_path / "raw", tmp_path / "state", POLICY, sleep=lambda s: None)
    fetched = fetcher.fetch(https_url)
    assert (fetched.status, fetched.format, fetched.bytes) == (200, "pdf", len(PDF))
