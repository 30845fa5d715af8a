"""Bounces: a delivery status report sent back to the per-message envelope sender marks that message
bounced, with the remote server's reason; delayed reports and other mail change nothing."""

from __future__ import annotations

import email
import email.policy
import mailbox
from email.message import EmailMessage

import pytest
import sqlalchemy as sa

from bots import worker
from survey_app.extensions import db
from survey_app.models import OutboxMessage
from survey_app.services.delivery import queue as delivery

from .support.delivery import Inbox, SmtpServer, configure_email

BOUNCE = "tra-lai@sonla.example"


@pytest.fixture
def sent(app, sonla, monkeypatch):
    """Seven invitations sent through a real SMTP server, each with its own envelope sender."""
    inbox = Inbox()
    server = SmtpServer(inbox).start()
    configure_email(monkeypatch, app, server.port)
    monkeypatch.setitem(app.config, "MAIL_BOUNCE_ADDRESS", BOUNCE)
    delivery.queue_invitations(sonla.campaign, "email")
    worker.run(worker.build_channels(("email",)), drain=True)
    server.stop()
    return {rcpts[0]: mail_from for mail_from, rcpts, _ in inbox.received}


def report(to: str, action: str, status: str, diagnostic: str, recipient: str) -> EmailMessage:
    """A report as a mail server writes it (multipart/report with a message/delivery-status part)."""
    raw = (
        "From: MAILER-DAEMON@mx.example\n"
        f"To: {to}\n"
        "Subject: Undelivered Mail Returned to Sender\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\n\n'
        "--B\nContent-Type: text/plain\n\nThis is the mail system at host mx.example.\n\n"
        "--B\nContent-Type: message/delivery-status\n\n"
        "Reporting-MTA: dns; mx.example\n\n"
        f"Final-Recipient: rfc822; {recipient}\nAction: {action}\nStatus: {status}\n"
        f"Diagnostic-Code: smtp; {diagnostic}\n\n"
        "--B--\n"
    )
    return email.message_from_string(raw, policy=email.policy.default)


def test_a_failure_report_marks_its_message_bounced_with_the_reason(app, runner, sent, tmp_path):
    first, second, third = sorted(sent)[:3]
    assert all(s.startswith("tra-lai+") and s.endswith("@sonla.example") for s in sent.values())
    box = mailbox.mbox(tmp_path / "bounces.mbox")
    box.add(report(sent[first], "failed", "5.1.1", "550 5.1.1 <x>: Recipient address rejected", first))
    box.add(report(sent[second], "delayed", "4.4.1", "421 try again later", second))
    other = EmailMessage()
    other["To"] = BOUNCE
    other["Subject"] = "Re: khảo sát"
    other.set_content("Tôi đã trả lời phiếu.")
    box.add(other)
    box.close()
    out = runner.invoke(args=["invitations", "bounces", str(tmp_path / "bounces.mbox")])
    assert out.exit_code == 0, out.output
    assert out.output.strip() == "Đã ghi 1 thư bị trả lại; bỏ qua 2 thư (không phải thư báo lỗi của hệ thống)."
    status = dict(db.session.execute(sa.select(OutboxMessage.address, OutboxMessage.status)).all())
    assert status[first] == "bounced" and status[second] == "sent" and status[third] == "sent"
    reason = db.session.scalar(sa.select(OutboxMessage.last_error).where(OutboxMessage.address == first))
    assert reason == f"5.1.1 smtp; 550 5.1.1 <x>: Recipient address rejected rfc822; {first}"
    failures = runner.invoke(args=["invitations", "failures"]).output.splitlines()
    assert len(failures) == 2 and failures[-1] == "1 tin lỗi."
    assert "\temail\tthư mời\tbị trả lại\tmáy chủ thư của người nhận trả lại thư (5.1.1 smtp; 550 5.1.1" in failures[0]
    assert failures[0].endswith("→ thử: Zalo, thư in có mã QR")
    # The same report read again records nothing twice.
    again = runner.invoke(args=["invitations", "bounces", str(tmp_path / "bounces.mbox")])
    assert again.output.strip() == "Đã ghi 0 thư bị trả lại; bỏ qua 3 thư (không phải thư báo lỗi của hệ thống)."


def test_without_a_bounce_address_the_command_says_why(app, runner, tmp_path):
    (tmp_path / "empty").mkdir()
    out = runner.invoke(args=["invitations", "bounces", str(tmp_path / "empty")])
    assert out.exit_code == 1
    assert "Chưa đặt MAIL_BOUNCE_ADDRESS nên không ghép được thư báo lỗi với tin đã gửi." in out.output
