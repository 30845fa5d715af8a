"""Real servers for the HTTPS and proxy tests: a certificate made with openssl, the application under
gunicorn (its own process, on a socket bound to port 0 by the test), and a small loopback reverse
proxy that adds X-Forwarded-For / X-Forwarded-Proto the way nginx does."""

from __future__ import annotations

import http.client
import os
import socket
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from survey_app.config import ROOT

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (and localhost), made with openssl; (cert, key)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subject = ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"]
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", *subject]
        + ["-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return cert, key


def listening_socket(host: str = "127.0.0.1") -> socket.socket:
    """A socket already listening on a free port: no other process can take the port in between."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((host, 0))
    sock.listen(128)
    return sock


@dataclass
class Gunicorn:
    """A running gunicorn: its base URL (as the client reaches it) and its access log file."""

    url: str
    access_log: Path
    process: subprocess.Popen

    def stop(self) -> None:
        """Graceful stop (SIGTERM); afterwards every access log line is on disk."""
        if self.process.poll() is None:
            self.process.terminate()
        self.process.wait(60)


@contextmanager
def gunicorn(
    app, tmp_path: Path, sock: socket.socket, env: dict[str, str], certificate: tuple[Path, Path] | None = None
) -> Iterator[Gunicorn]:
    """Serve wsgi:app with gunicorn.conf.py on `sock`, with the test app's database and secrets.

    `env` adds settings (BASE_URL, TRUSTED_PROXIES…). With `certificate` gunicorn itself speaks TLS.
    The socket is handed over as fd://N, so requests queue in its backlog until a worker takes them.
    """
    access_log = tmp_path / "access.log"
    settings = {
        **os.environ,
        "SECRET_KEY": app.config["SECRET_KEY"],
        "LINK_SECRET": app.config["LINK_SECRET"],
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "GUNICORN_ACCESSLOG": str(access_log),
        "GUNICORN_WORKERS": "1",
        "GUNICORN_THREADS": "4",
        "LOG_LEVEL": "WARNING",
        "GUNICORN_GRACEFUL_TIMEOUT": "5",  # a browser's keep-alive connection does not hold the stop for 30 s
        **env,
    }
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind", f"fd://{sock.fileno()}"]
    if certificate:
        command += ["--certfile", str(certificate[0]), "--keyfile", str(certificate[1])]
    log = (tmp_path / "gunicorn.err").open("wb")
    process = subprocess.Popen(
        [*command, "wsgi:app"], cwd=ROOT, env=settings, pass_fds=(sock.fileno(),), stdout=log, stderr=log
    )
    host, port = sock.getsockname()
    sock.close()  # gunicorn holds it now: if gunicorn dies, clients are refused instead of waiting
    served = Gunicorn(f"{'https' if certificate else 'http'}://{host}:{port}", access_log, process)
    try:
        yield served
    finally:
        served.stop()
        log.close()


class _Forward(BaseHTTPRequestHandler):
    """Forward one request to the upstream, as `proxy_pass` with the usual proxy_set_header lines."""

    protocol_version = "HTTP/1.1"

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        upstream = http.client.HTTPConnection(*self.server.upstream, timeout=60)
        upstream.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
        for name, value in self.headers.items():
            if name.lower() not in HOP_BY_HOP | {"x-forwarded-for", "x-forwarded-proto"}:
                upstream.putheader(name, value)
        # $proxy_add_x_forwarded_for: what the client sent, then the address the proxy saw.
        prior = self.headers.get("X-Forwarded-For")
        peer = self.client_address[0]
        upstream.putheader("X-Forwarded-For", f"{prior}, {peer}" if prior else peer)
        upstream.putheader("X-Forwarded-Proto", self.server.scheme)  # $scheme
        upstream.endheaders(body)
        resp = upstream.getresponse()
        data = resp.read()
        upstream.close()
        self.send_response_only(resp.status, resp.reason)
        for name, value in resp.getheaders():
            if name.lower() not in HOP_BY_HOP | {"content-length"}:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_HEAD = _forward

    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        """Quiet: the proxy's own log would carry tokens, and nothing reads it."""


class ReverseProxy(ThreadingHTTPServer):
    """A loopback reverse proxy, optionally terminating TLS, in front of `upstream` (host, port)."""

    daemon_threads = True

    def __init__(self, upstream: tuple[str, int], certificate: tuple[Path, Path] | None = None):
        super().__init__(("127.0.0.1", 0), _Forward)
        self.upstream, self.scheme = upstream, "https" if certificate else "http"
        if certificate:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(*certificate)
            # The handshake happens in the request thread: a browser's idle pre-connection never blocks accept().
            self.socket = context.wrap_socket(self.socket, server_side=True, do_handshake_on_connect=False)
        self.url = f"{self.scheme}://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request, client_address):
        """A browser dropping a spare connection is not an error of the test."""

    @contextmanager
    def running(self) -> Iterator[ReverseProxy]:
        thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.shutdown()
            thread.join(10)
            self.server_close()
