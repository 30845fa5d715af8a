"""The year starts in the browser: headless Chromium at 1366×768 signs in, creates a campaign from a
shipped pack through the pages (checked first), opens it and moves its deadline, against a real
threaded server. No console error, no CSP violation, nothing wider than the window."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from survey_app.extensions import db
from survey_app.models import AuditEntry, Campaign
from survey_app.services import users
from survey_app.timeutil import VN, aware, now

from .support.browser import ARTIFACTS
from .test_dashboard_browser import OVERFLOWING, Watched, _expect

pytestmark = pytest.mark.browser

EMAIL, PASSWORD = "chuyenvien@noivu.example", "mat-khau-thu-0123"


def test_create_open_and_extend_a_campaign_through_the_pages(app, live_server, desktop):
    expect = _expect()
    users.create_user(EMAIL, PASSWORD, "admin")
    db.session.commit()
    today = now().astimezone(VN).date()
    closes, later = today + timedelta(days=20), today + timedelta(days=35)

    w = Watched(desktop)
    page = w.page
    page.goto(f"{live_server}/admin/login")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("h1")).to_have_text("Các đợt khảo sát")

    page.get_by_role("link", name="Tạo đợt khảo sát").first.click()
    expect(page.locator("h1")).to_have_text("Tạo đợt khảo sát")
    page.get_by_label(re.compile("năm 2024")).check()
    page.get_by_role("button", name="Kiểm tra bộ câu hỏi").click()
    expect(page.locator("h1")).to_contain_text("Bộ câu hỏi hợp lệ")
    expect(page.locator(".flash")).to_contain_text("99,5")  # the pack's warning, in Vietnamese numbers
    page.get_by_label(re.compile("Mã đợt khảo sát")).fill("2031")
    page.locator('input[name="opens_date"]').fill(today.isoformat())
    page.locator('input[name="closes_date"]').fill(closes.isoformat())
    page.get_by_role("button", name="Tạo đợt khảo sát").click()

    expect(page.locator(".flash")).to_contain_text("Đã tạo đợt khảo sát 2031")
    expect(page.locator("#window")).to_contain_text(f"đóng lúc 23:59 ngày {closes:%d/%m/%Y}")
    expect(page.locator('[data-step="officials"]')).to_have_class("next")
    page.get_by_role("button", name="Mở đợt khảo sát").click()
    expect(page.locator(".flash")).to_contain_text("Đã mở đợt khảo sát 2031")
    expect(page.locator("#window")).to_contain_text("đang mở")

    page.locator('input[name="closes_date"]').fill(later.isoformat())
    page.locator('input[name="closes_time"]').fill("17:00")
    page.get_by_role("button", name="Lưu thời điểm đóng").click()
    expect(page.locator(".flash")).to_contain_text(f"nay đóng lúc 17:00 ngày {later:%d/%m/%Y}")
    expect(page.locator("#window")).to_contain_text(f"đóng lúc 17:00 ngày {later:%d/%m/%Y}")
    assert page.evaluate(OVERFLOWING) == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "campaign-1366.png"), full_page=True)
    w.check()

    db.session.rollback()
    c = db.session.scalar(sa.select(Campaign).where(Campaign.code == "2031"))
    assert c.status == "open" and c.pack_code == "son-la-2024"
    assert aware(c.closes_at).astimezone(VN) == datetime(later.year, later.month, later.day, 17, 0, tzinfo=VN)
    actions = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.campaign_code == "2031").order_by(AuditEntry.id)
    )
    assert list(actions) == ["campaign.create", "campaign.open", "campaign.extend"]
    assert set(db.session.scalars(sa.select(AuditEntry.actor).where(AuditEntry.campaign_code == "2031"))) == {EMAIL}
