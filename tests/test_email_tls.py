"""Email over TLS to a real aiosmtpd server with a certificate made for the test: STARTTLS with
login, implicit TLS (SSL), a refused password, and an untrusted certificate that is never accepted."""

from __future__ import annotations

import ssl
import subprocess

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from bots import worker
from survey_app.extensions import db
from survey_app.models import OutboxMessage
from survey_app.services.delivery import queue as delivery

from .support.delivery import Inbox, configure_email, free_port

USER, PASSWORD = "khaosat", "mat-khau-smtp-123"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1, made with openssl."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def _login(server, session, envelope, mechanism, auth_data):
    ok = (auth_data.login, auth_data.password) == (USER.encode(), PASSWORD.encode())
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd itself answers 535 on failure


@pytest.fixture
def tls_server(app, sonla, certificate, monkeypatch, request):
    """mode 'starttls' (port 587 style) or 'ssl' (port 465 style), login required over TLS."""
    mode = request.param
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    inbox, port = Inbox(), free_port()
    if mode == "ssl":  # TLS from the first byte (aiosmtpd's auth_require_tls only knows STARTTLS)
        controller = Controller(
            inbox, hostname="127.0.0.1", port=port, ssl_context=context, authenticator=_login, auth_require_tls=False
        )
    else:  # plain first, STARTTLS required before anything else, login only over TLS
        controller = Controller(
            inbox,
            hostname="127.0.0.1",
            port=port,
            tls_context=context,
            require_starttls=True,
            authenticator=_login,
            auth_require_tls=True,
        )
    controller.start()
    configure_email(monkeypatch, app, port)
    for key_, value in {
        "SMTP_TLS": mode,
        "SMTP_USER": USER,
        "SMTP_PASSWORD": PASSWORD,
        "SMTP_CA_FILE": str(cert),
    }.items():
        monkeypatch.setitem(app.config, key_, value)
    yield inbox
    controller.stop()


def _send(sonla) -> dict[str, str]:
    delivery.queue_invitations(sonla.campaign, "email")
    worker.run_batch(worker.build_channels(("email",)))
    return dict(db.session.execute(sa.select(OutboxMessage.address, OutboxMessage.status)).all())


@pytest.mark.parametrize("tls_server", ["starttls", "ssl"], indirect=True)
def test_messages_go_over_tls_with_login(sonla, tls_server):
    statuses = _send(sonla)
    errors = set(db.session.scalars(sa.select(OutboxMessage.last_error)))
    assert set(statuses.values()) == {"sent"} and len(statuses) == 7, errors
    assert len(tls_server.received) == 7


@pytest.mark.parametrize("tls_server", ["starttls"], indirect=True)
def test_a_refused_password_sends_nothing_and_says_why(app, sonla, tls_server, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_PASSWORD", "sai-mat-khau")
    statuses = _send(sonla)
    assert set(statuses.values()) == {"pending"} and tls_server.received == []
    errors = set(db.session.execute(sa.select(OutboxMessage.error_code, OutboxMessage.last_error)))
    assert errors == {("smtp_login_refused", "SMTP 535")}


@pytest.mark.parametrize("tls_server", ["starttls"], indirect=True)
def test_an_untrusted_certificate_is_never_accepted(app, sonla, tls_server, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_CA_FILE", None)  # only the system CAs: the test certificate is unknown
    statuses = _send(sonla)
    assert set(statuses.values()) == {"pending"} and tls_server.received == []
    errors = set(db.session.scalars(sa.select(OutboxMessage.last_error)))
    assert any("CERTIFICATE_VERIFY_FAILED" in e for e in errors), errors
