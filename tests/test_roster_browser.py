"""The year's start in headless Chromium (1366 × 768) against a real threaded server, no terminal: an
admin uploads an officials file with mistakes, reads the Vietnamese errors, uploads the corrected
file, confirms, issues the links, previews and queues the invitations by email, and watches the
progress bar reach the end while a real worker delivers them to a loopback SMTP server."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from bots import worker
from survey_app.extensions import db
from survey_app.models import Invitation, Respondent
from survey_app.services import users
from survey_app.services.survey.invitations import hash_token

from .support.browser import ARTIFACTS
from .support.campaigns import make_campaign, person, write_csv
from .support.delivery import LINK, body_text, loopback_smtp
from .test_dashboard_browser import Watched

pytestmark = pytest.mark.browser

EMAIL, PASSWORD = "chuyenvien@noivu.example", "mat-khau-thu-0123"
DESKTOP = dict(viewport={"width": 1366, "height": 768}, locale="vi-VN")
VI_HEADER = ["Mã đơn vị", "Mã nhóm", "Họ và tên", "Chức vụ", "Email", "Số điện thoại", "Zalo", "Telegram"]


@pytest.fixture
def smtp(app, monkeypatch):
    with loopback_smtp(app, monkeypatch) as server:
        yield server


def test_roster_to_delivered_invitations_in_the_browser(app, tmp_path, smtp, live_server, browser, monkeypatch):  # noqa: F811
    from playwright.sync_api import expect

    monkeypatch.setattr(app, "instance_path", str(tmp_path / "instance"))
    campaign = make_campaign(app, tmp_path, "son-la-2024", []).campaign
    code = campaign.code
    users.create_user(EMAIL, PASSWORD, "admin")
    good = [person(i, "SO-NV", "SO-CC") for i in (1, 2, 3)] + [person(4, "H-MAI-SON", "H-PB")]
    bad = [row[:] for row in good]
    bad[1][4] = "abc@"  # row 3
    bad[3][0] = "H-KHONG"  # row 5
    bad_file = write_csv(tmp_path / "can-bo-loi.csv", VI_HEADER, bad)
    good_file = write_csv(tmp_path / "can-bo.csv", VI_HEADER, good)
    db.session.commit()

    context = browser.new_context(**DESKTOP)
    context.set_default_timeout(10_000)
    try:
        w = Watched(context)
        page = w.page
        page.goto(f"{live_server}/admin/login")
        page.locator('input[name="email"]').fill(EMAIL)
        page.locator('input[name="password"]').fill(PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Đăng nhập").click()
        page.goto(f"{live_server}/admin/c/{code}/roster")

        # A file with mistakes: every bad row, named by the file's own header, and nothing written.
        page.locator("#roster-file").set_input_files(str(bad_file))
        page.get_by_role("button", name="Xem trước").click()
        expect(page.locator("#issues li")).to_have_text(
            [
                "dòng 3, cột Email: địa chỉ email không hợp lệ (abc@)",
                "dòng 5, cột Mã đơn vị: không có đơn vị mã «H-KHONG» trong đợt khảo sát",
            ]
        )
        expect(page.get_by_role("alert").first).to_contain_text("Tệp có 2 lỗi; chưa nhập gì.")
        expect(page.get_by_role("button", name="Xác nhận nhập")).to_have_count(0)
        # The refused file answers 422 (the browser logs that status); nothing else may go wrong.
        assert [p for p in w.problems if "422" not in p] == []
        w.problems.clear()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "roster-errors-1366.png"), full_page=True)
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count(Respondent.id))) == 0
        db.session.rollback()  # on SQLite a transaction holds the write lock the server needs

        # The corrected file, from the same page: the preview counts, then the import.
        page.locator("#roster-file").set_input_files(str(good_file))
        page.get_by_role("button", name="Xem trước").click()
        expect(page.locator('#counts [data-kind="new"] dd')).to_have_text("4")
        expect(page.locator('#counts [data-kind="unchanged"] dd')).to_have_text("0")
        page.get_by_role("button", name="Xác nhận nhập").click()
        expect(page.get_by_role("status").first).to_have_text(
            "Đã nhập danh sách cán bộ: 4 mới, 0 cập nhật (trong đó 0 chuyển đơn vị hoặc nhóm, 0 đưa trở lại), "
            "0 không đổi."
        )

        # Links, then the invitations by email: preview first, then queue.
        page.get_by_role("link", name="Gửi đường liên kết").click()
        expect(page.locator("#links-summary")).to_contain_text("4 người chưa có")
        page.get_by_role("button", name="Cấp đường liên kết cho người chưa có").click()
        expect(page.get_by_role("status").first).to_have_text("Đã cấp 4 đường liên kết; 0 người đã có đường liên kết.")
        expect(page.get_by_role("radio", name="email")).to_be_checked()
        page.get_by_role("button", name="Xem trước tin nhắn").click()
        expect(page.locator("#text")).to_contain_text("Kính gửi Người Thử 1")
        expect(page.locator("#text")).to_contain_text("http://survey.test/s/xxxxxxxxxxxxxxxxxxxxxxxx")
        page.get_by_role("button", name="Xếp hàng gửi").click()
        expect(page.get_by_role("status").first).to_have_text(
            "Đã xếp hàng 4 tin; 0 tin đã có từ trước nên không gửi lại."
        )
        bar = page.locator("progress#bar")
        expect(bar).to_have_attribute("max", "4")
        expect(bar).to_have_attribute("value", "0")

        # A worker delivers; the page follows the outbox without a reload.
        db.session.rollback()
        assert worker.run(worker.build_channels(("email",)), drain=True) == 4
        db.session.rollback()
        expect(page.locator("#progress")).to_have_attribute("data-finished", "1", timeout=10_000)
        assert bar.evaluate("b => [b.value, b.max]") == [4, 4]
        expect(page.locator('[data-status="sent"]')).to_have_text("4")
        expect(page.locator("#stalled")).to_be_hidden()
        page.screenshot(path=str(ARTIFACTS / "sending-progress-1366.png"), full_page=True)
        w.check()
    finally:
        context.close()

    links = {LINK.search(body_text(m)).group(1) for m in smtp.inbox.messages()}
    assert len(smtp.inbox.received) == 4 and len(links) == 4
    live = set(db.session.scalars(sa.select(Invitation.token_hash).where(Invitation.revoked_at.is_(None))))
    assert {hash_token(t) for t in links} == live
