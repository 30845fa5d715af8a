"""Real loopback servers for the delivery tests: an SMTP server (aiosmtpd) that records what it gets."""

from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller

LINK = re.compile(r"http://survey\.test/s/([A-Za-z0-9_-]{24})")


def free_port() -> int:
    """aiosmtpd 1.4.6 cannot listen on port 0: find a free port first."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Inbox:
    """aiosmtpd handler: refuses chosen recipients, can go down after N messages, keeps the rest."""

    received: list = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)  # address → SMTP reply
    down_after: int | None = None  # answer 421 to MAIL once this many messages arrived
    went_down: threading.Event = field(default_factory=threading.Event)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.down_after is not None and len(self.received) >= self.down_after:
            self.went_down.set()
            return "421 4.3.2 Service shutting down"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"

    def messages(self) -> list[email.message.EmailMessage]:
        return [email.message_from_bytes(raw, policy=email.policy.default) for _, _, raw in self.received]


class SmtpServer:
    """Start/stop a loopback SMTP server on a fixed port (so it can come back on the same one)."""

    def __init__(self, inbox: Inbox, port: int | None = None):
        self.inbox, self.port = inbox, port or free_port()
        self.controller: Controller | None = None

    def start(self) -> SmtpServer:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def body_text(msg: email.message.EmailMessage, subtype: str = "plain") -> str:
    return msg.get_body(preferencelist=(subtype,)).get_content()


def configure_email(monkeypatch, app, port: int) -> None:
    for key, value in {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": port,
        "SMTP_TLS": "none",
        "SMTP_USER": None,
        "MAIL_FROM": "khaosat@sonla.example",
        "MAIL_FROM_NAME": "Sở Nội vụ Sơn La",
        "SMTP_TIMEOUT": 5,
        "OUTBOX_RETRY_BASE": 60,
        "WORKER_POLL_SECONDS": 0.05,
    }.items():
        monkeypatch.setitem(app.config, key, value)


@contextmanager
def loopback_smtp(app, monkeypatch):
    """A loopback SMTP server for the duration, and the app's email channel pointed at it."""
    server = SmtpServer(Inbox()).start()
    configure_email(monkeypatch, app, server.port)
    try:
        yield server
    finally:
        server.stop()
