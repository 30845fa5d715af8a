"""The commands: send and remind are safe to run twice, print writes the letters, templates are checked."""

from __future__ import annotations

import shutil

import pytest

from survey_app.services import campaigns, messages
from survey_app.services.errors import ServiceError

from .delivery_support import Inbox, SmtpServer, configure_email


@pytest.fixture
def smtp(app, monkeypatch):
    server = SmtpServer(Inbox()).start()
    configure_email(monkeypatch, app, server.port)
    yield server
    server.stop()


def test_send_twice_delivers_once_with_a_progress_report(sonla, smtp, runner):
    first = runner.invoke(args=["invitations", "send", "--channel", "email", "--unit", "SO-NV"])
    assert first.exit_code == 0, first.output
    assert "3 message(s) queued, 0 already queued, 0 skipped" in first.output
    assert "sent 3, failed 0, cancelled 0, waiting 0" in first.output
    second = runner.invoke(args=["invitations", "send", "--channel", "email", "--unit", "SO-NV"])
    assert "0 message(s) queued, 3 already queued" in second.output
    assert len(smtp.inbox.received) == 3


def test_remind_respects_the_gap_and_the_maximum(sonla, smtp, runner):
    runner.invoke(args=["invitations", "send", "--channel", "email"])
    too_soon = runner.invoke(args=["invitations", "remind"])
    assert "0 message(s) queued" in too_soon.output and too_soon.output.count("vừa nhận tin gần đây") == 7
    first = runner.invoke(args=["invitations", "remind", "--min-days", "0", "--max", "1"])
    assert "7 message(s) queued" in first.output
    again = runner.invoke(args=["invitations", "remind", "--min-days", "0", "--max", "1"])
    assert again.output.count("đã nhắc đủ số lần cho phép") == 7
    subjects = [m["Subject"] for m in smtp.inbox.messages()]
    assert sum(s.startswith("Nhắc lần 1") for s in subjects) == 7 and len(subjects) == 14


def test_unconfigured_channel_and_print_commands(sonla, runner, tmp_path, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_FROM", None)
    refused = runner.invoke(args=["invitations", "send", "--channel", "email"])
    assert refused.exit_code == 1 and "channel email is not configured" in refused.output
    out = tmp_path / "so-nv.pdf"
    printed = runner.invoke(args=["invitations", "print", "--unit", "SO-NV", "--out", str(out)])
    assert printed.exit_code == 0 and "3 slip(s) written" in printed.output
    assert out.read_bytes().startswith(b"%PDF")


def test_opening_a_campaign_checks_the_message_templates(app, tmp_path, monkeypatch, sonla):
    folder = tmp_path / "messages"
    shutil.copytree(messages.TEMPLATE_DIR, folder)
    (folder / "email_reminder.txt").write_text("Kính gửi {ho_ten}, {ten_sai} hạn {han_chot}", encoding="utf-8")
    (folder / "zalo_zns.json").unlink()
    monkeypatch.setitem(app.config, "MESSAGE_TEMPLATE_DIR", str(folder))
    with pytest.raises(ServiceError) as refused:
        campaigns.open_campaign(sonla.campaign.code)
    assert refused.value.problems == [
        "email_reminder.txt: unknown placeholder(s) ten_sai",
        "email_reminder.txt: missing placeholder(s) lien_ket",
        "zalo_zns.json: file missing",
    ]
    messages.check_templates(messages.TEMPLATE_DIR)  # the shipped set is complete
