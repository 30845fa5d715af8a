"""The commands: send and remind are safe to run twice, print writes the letters, templates are checked."""

from __future__ import annotations

import shutil

import pytest

from survey_app.errors import ServiceError
from survey_app.extensions import db
from survey_app.services import messages
from survey_app.services.survey import campaigns
from survey_app.texts import say_error

from .support.delivery import Inbox, SmtpServer, configure_email


@pytest.fixture
def smtp(app, monkeypatch):
    server = SmtpServer(Inbox()).start()
    configure_email(monkeypatch, app, server.port)
    yield server
    server.stop()


def test_send_twice_delivers_once_with_a_progress_report(sonla, smtp, runner):
    first = runner.invoke(args=["invitations", "send", "--channel", "email", "--unit", "SO-NV"])
    assert first.exit_code == 0, first.output
    assert "Đã xếp hàng 3 tin, 0 tin đã xếp từ trước, bỏ qua 0 người." in first.output
    assert "đã gửi 3, lỗi 0, huỷ 0, đang chờ 0" in first.output
    second = runner.invoke(args=["invitations", "send", "--channel", "email", "--unit", "SO-NV"])
    assert "Đã xếp hàng 0 tin, 3 tin đã xếp từ trước" in second.output
    assert len(smtp.inbox.received) == 3


def test_remind_respects_the_gap_and_the_maximum(sonla, smtp, runner):
    runner.invoke(args=["invitations", "send", "--channel", "email"])
    too_soon = runner.invoke(args=["invitations", "remind"])
    assert "Đã xếp hàng 0 tin" in too_soon.output and too_soon.output.count("vừa nhận tin gần đây") == 7
    first = runner.invoke(args=["invitations", "remind", "--min-days", "0", "--max", "1"])
    assert "Đã xếp hàng 7 tin" in first.output
    again = runner.invoke(args=["invitations", "remind", "--min-days", "0", "--max", "1"])
    assert again.output.count("đã nhắc đủ số lần cho phép") == 7
    subjects = [m["Subject"] for m in smtp.inbox.messages()]
    assert sum(s.startswith("Nhắc lần 1") for s in subjects) == 7 and len(subjects) == 14


def test_unconfigured_channel_and_print_commands(sonla, runner, tmp_path, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_FROM", None)
    refused = runner.invoke(args=["invitations", "send", "--channel", "email"])
    assert refused.exit_code == 1 and "Kênh email chưa được cấu hình: cần đặt MAIL_FROM, SMTP_*" in refused.output
    out = tmp_path / "so-nv.pdf"
    printed = runner.invoke(args=["invitations", "print", "--unit", "SO-NV", "--out", str(out)])
    assert printed.exit_code == 0 and f"Đã ghi 3 thư mời vào {out}." in printed.output
    assert out.read_bytes().startswith(b"%PDF")


def test_opening_a_campaign_checks_the_message_templates(app, tmp_path, monkeypatch, sonla):
    folder = tmp_path / "messages"
    shutil.copytree(messages.TEMPLATE_DIR, folder)
    (folder / "email_reminder.txt").write_text("Kính gửi {ho_ten}, {ten_sai} hạn {han_chot}", encoding="utf-8")
    (folder / "zalo_zns.json").unlink()
    monkeypatch.setitem(app.config, "MESSAGE_TEMPLATE_DIR", str(folder))
    with pytest.raises(ServiceError) as refused:
        campaigns.open_campaign(sonla.campaign.code)
    assert say_error(refused.value).splitlines() == [
        "Mẫu tin nhắn có lỗi, chưa thực hiện:",
        "email_reminder.txt: chỗ điền không có: ten_sai",
        "email_reminder.txt: thiếu chỗ điền bắt buộc: lien_ket",
        "zalo_zns.json: thiếu tệp",
    ]
    db.session.expire_all()
    assert sonla.campaign.status == "open"  # opened by the fixture; the refused opening changed nothing
    messages.check_templates(messages.TEMPLATE_DIR)  # the shipped set is complete
