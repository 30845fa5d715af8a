"""Email over SMTP: one connection per batch, multipart text + HTML, our own Message-ID.

The SMTP dialogue is driven step by step (MAIL, RCPT, DATA) so that a dropped connection tells
us whether the message could have arrived: before DATA it certainly did not (it goes back
untried), during DATA it may have (retried once, with the same Message-ID so that mail
clients can fold a duplicate). 4xx replies are retried, 5xx replies are final.
"""

from __future__ import annotations

import email.policy
import logging
import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from survey_app.services.delivery.outbox import Claimed, Outcome
from survey_app.services.messages import fill_at_send
from survey_app.timeutil import now

from .base import ChannelDown

log = logging.getLogger(__name__)


class _Reconnect(Exception):
    """The connection is gone before the message could arrive: reconnect and try once more."""


def build_message(message: Claimed, config: dict) -> EmailMessage:
    """The MIME message with the personal link put in; it exists only in memory."""
    content = message.content
    local, _, domain = message.address.rpartition("@")
    sender_local, _, sender_domain = config["MAIL_FROM"].rpartition("@")
    msg = EmailMessage(policy=email.policy.SMTP)
    msg["Subject"] = content["subject"]
    msg["From"] = Address(config.get("MAIL_FROM_NAME") or "", sender_local, sender_domain)
    msg["To"] = Address(content.get("name") or "", local, domain)
    msg["Date"] = format_datetime(now())
    if message.provider_id:
        msg["Message-ID"] = message.provider_id
    fill = {"link": message.link, "token": message.token, "telegram_url": message.telegram_url}
    msg.set_content(fill_at_send(content["text"], **fill))
    msg.add_alternative(fill_at_send(content["html"], **fill, escape=True), subtype="html")
    return msg


def envelope_sender(message_id: int, config: dict) -> str:
    """bounce+<id>@domain when MAIL_BOUNCE_ADDRESS is set (a bounce then names its row), else MAIL_FROM."""
    bounce = config.get("MAIL_BOUNCE_ADDRESS")
    if not bounce:
        return config["MAIL_FROM"]
    local, _, domain = bounce.rpartition("@")
    return f"{local}+{message_id}@{domain}"


def connect(config: dict) -> smtplib.SMTP:
    """Open and authenticate one connection as configured (STARTTLS, SSL or plain)."""
    host, port, timeout = config["SMTP_HOST"], config["SMTP_PORT"], config["SMTP_TIMEOUT"]
    mode = config["SMTP_TLS"]
    smtp: smtplib.SMTP | None = None
    try:
        # Certificates are always verified: against the system's CAs, or SMTP_CA_FILE when given.
        context = ssl.create_default_context(cafile=config.get("SMTP_CA_FILE"))
        if mode == "ssl":
            smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
            if mode == "starttls":
                smtp.starttls(context=context)
        if config.get("SMTP_USER"):
            smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
        smtp.ehlo_or_helo_if_needed()
    except smtplib.SMTPAuthenticationError as exc:
        _close(smtp)
        raise ChannelDown("smtp_login_refused", f"SMTP {exc.smtp_code}") from exc
    except (OSError, smtplib.SMTPException) as exc:
        _close(smtp)
        raise ChannelDown("smtp_unreachable", f"{host}:{port}: {exc}") from exc
    return smtp


def _close(smtp: smtplib.SMTP | None) -> None:
    """Drop a half-opened connection without waiting for a polite QUIT."""
    if smtp is not None:
        smtp.close()


class EmailSession:
    """One batch on one connection, reconnecting every SMTP_RECONNECT_EVERY messages."""

    def __init__(self, config: dict):
        self.config = config
        self.smtp: smtplib.SMTP | None = None
        self.used = 0

    def send(self, message: Claimed) -> Outcome:
        msg = build_message(message, self.config)
        for _ in range(2):
            if self.smtp is None or self.used >= self.config["SMTP_RECONNECT_EVERY"]:
                self.close()
                self.smtp = connect(self.config)
            try:
                return self._transmit(message, msg)
            except _Reconnect as exc:
                self.close()
                reason = str(exc)
        raise ChannelDown("smtp_lost_twice", reason)

    def _transmit(self, message: Claimed, msg: EmailMessage) -> Outcome:
        smtp = self.smtp
        stage = "MAIL"
        try:
            code, reply = smtp.mail(envelope_sender(message.id, self.config))
            if code == 250:
                stage = "RCPT"
                code, reply = smtp.rcpt(message.address)
            if code in (250, 251):
                stage = "DATA"
                code, reply = smtp.data(msg.as_bytes())
        except smtplib.SMTPResponseException as exc:  # DATA refused before the content was sent
            code, reply = exc.smtp_code, exc.smtp_error
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            self.smtp = None
            if stage == "DATA":
                return Outcome.retry("smtp_lost_in_data", str(exc), uncertain=True)
            raise _Reconnect(f"connection lost at {stage}: {exc}") from exc
        self.used += 1
        if code == 250 and stage == "DATA":
            return Outcome.sent(message.provider_id)
        text = f"SMTP {code} at {stage}: {_decode(reply)}"
        if code == 421:  # the server is closing this connection: the message was not taken
            raise _Reconnect(text)
        self._reset()
        if 400 <= code < 500:
            return Outcome.retry("smtp_temporary", text)
        return Outcome.failed("smtp_refused", text)

    def _reset(self) -> None:
        try:
            self.smtp.rset()
        except (smtplib.SMTPException, OSError):
            self.close()

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()
        self.smtp = None
        self.used = 0


def _decode(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


class EmailChannel:
    """The email channel: configuration checked at start, a connection per batch."""

    name = "email"

    def __init__(self, config: dict):
        if not config.get("MAIL_FROM"):
            raise ValueError("MAIL_FROM is not set: email cannot be sent")
        self.config = config

    @contextmanager
    def session(self) -> Iterator[EmailSession]:
        session = EmailSession(self.config)
        try:
            yield session
        finally:
            session.close()
