"""The review page in headless Chromium at 1366×768, with JavaScript off (the page has none to need), against
a real threaded server and a closed campaign of a few hundred flagged responses: the counts at the top, a
filter by link and by the form, select the page, exclude with a reason, and the figures move."""

from __future__ import annotations

import re

import pytest

from survey_app.services import users
from survey_app.services.survey import closing

from .support.browser import ARTIFACTS
from .support.campaigns import make_campaign
from .support.reviewing import insert_responses
from .test_dashboard_browser import DESKTOP, EMAIL, PASSWORD, _expect, idle

pytestmark = pytest.mark.browser
N = 500  # about 300 of them need a look


def test_review_a_few_hundred_flagged_responses(app, tmp_path, live_server, browser):  # noqa: F811
    expect = _expect()
    setup = make_campaign(app, tmp_path, "son-la-2024", [])
    built = insert_responses(setup.campaign, N)
    closing.close_and_validate("T")
    users.create_user(EMAIL, PASSWORD, "admin")
    to_review = sum(b.to_review for b in built)
    fast = sum(b.shape.fast for b in built)
    fast_valid = sum(b.shape.fast and not b.shape.incomplete for b in built)
    valid = sum(b.to_review and not b.shape.incomplete for b in built)
    idle()

    context = browser.new_context(**DESKTOP, java_script_enabled=False)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto(f"{live_server}/admin/login")
        page.locator('input[name="email"]').fill(EMAIL)
        page.locator('input[name="password"]').fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.goto(f"{live_server}/admin/c/T/review")
        # The counts, in the first screen, each a link.
        flags = page.locator("#by-flag")
        expect(flags.get_by_role("link", name=f"Mọi phiếu cần xem lại {to_review}")).to_be_visible()
        expect(flags.get_by_role("link", name=f"Trả lời quá nhanh {fast}")).to_be_visible()
        for part in ("#by-flag", "#by-status", "#filters"):
            box = page.locator(part).bounding_box()
            assert box and box["y"] + box["height"] <= DESKTOP["viewport"]["height"], (part, box)
        expect(page.locator("#found")).to_contain_text(f"{to_review} phiếu; trang 1/")
        expect(page.locator("#responses tbody tr")).to_have_count(50)
        # One page of the list, not all of it: the page is a few screens high.
        height = page.locator("body").bounding_box()["height"]
        assert height < 8 * DESKTOP["viewport"]["height"], height
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "review-1366.png"))

        # Filter by the warning's link, then by status with the form: both stay in the address.
        flags.get_by_role("link", name=f"Trả lời quá nhanh {fast}").click()
        expect(page).to_have_url(re.compile(r"flag=too_fast"))
        expect(page.locator("#found")).to_contain_text(f"{fast} phiếu khớp bộ lọc (cảnh báo «Trả lời quá nhanh»)")
        page.locator('select[name="status"]').select_option("valid")
        page.locator("#filters").get_by_role("button", name="Lọc").click()
        expect(page).to_have_url(re.compile(r"flag=too_fast.*status=valid|status=valid.*flag=too_fast"))
        expect(page.locator("#found")).to_contain_text(f"{fast_valid} phiếu khớp bộ lọc")
        rows = page.locator("#responses tbody tr")
        expect(rows.first).to_contain_text("Trả lời quá nhanh: khoảng 30 giây, tối thiểu 120 giây")

        # Select the page (a link: no script), give a reason, exclude.
        page.get_by_role("link", name=re.compile(r"^Chọn cả \d+ phiếu trên trang này$")).click()
        boxes = page.locator('#responses input[type="checkbox"]')
        shown = boxes.count()
        assert shown == min(50, fast_valid)
        for i in range(shown):
            expect(boxes.nth(i)).to_be_checked()
        act = page.locator("#act")
        box = act.bounding_box()  # the action bar stays in view while the list is long
        assert box and box["y"] + box["height"] <= DESKTOP["viewport"]["height"] + 1, box
        act.get_by_label("Lý do").fill("trả lời hộ: cùng máy, cùng giờ")
        act.get_by_role("button", name="Loại các phiếu đã chọn").click()
        expect(page.locator("p.flash")).to_have_text(f"Đã loại {shown} phiếu khỏi kết quả.")
        page.screenshot(path=str(ARTIFACTS / "review-excluded-1366.png"), full_page=True)

        # The figures moved by exactly the batch; the warning itself stays.
        expect(page).to_have_url(re.compile(r"status=valid"))
        expect(page.locator("#found")).to_contain_text(f"{fast_valid - shown} phiếu khớp bộ lọc")
        status = page.locator("#by-status")
        expect(status.get_by_role("link", name=f"đã loại {shown}")).to_be_visible()
        page.goto(f"{live_server}/admin/c/T/review")
        expect(page.locator("#by-status").get_by_role("link", name=f"hợp lệ {valid - shown}")).to_be_visible()
        expect(page.locator("#by-flag").get_by_role("link", name=f"Trả lời quá nhanh {fast}")).to_be_visible()
        expect(page.locator("#found")).to_contain_text(f"{to_review} phiếu")
    finally:
        context.close()
