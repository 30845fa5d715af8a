"""The whole survey year through the admin pages alone, in headless Chromium (1366 × 768, vi-VN, Vietnam
time) against a real threaded server on a fresh database: sign in; create a campaign from the shipped
pack son-la-2024 after its check; upload a units workbook and an officials file with mistakes, read the
Vietnamese errors by row and header, upload the corrected files and confirm; open the campaign, issue the
links and send them by email to a loopback SMTP server while a real worker delivers, until the page's
progress ends; answer three questionnaires on a phone (390 × 844) through the links the emails carried;
close the campaign on the close page after its validity summary; import the appraisal points (in the
form the page gives) and the citizens' satisfaction through the index page; download the index
workbook and the report draft and open them. On every page: no console error, nothing wider than the
window, and nothing said in English."""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from decimal import Decimal as D
from pathlib import Path

import docx
import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from bots import worker
from survey_app.extensions import db
from survey_app.models import Campaign, Invitation, Respondent, Response, Unit
from survey_app.respond.texts import MESSAGES
from survey_app.services import users
from survey_app.services.survey.invitations import hash_token
from survey_app.timeutil import VN, now

from .support.browser import PHONE
from .support.campaigns import write_csv
from .support.delivery import LINK, body_text, loopback_smtp
from .test_catalogue import english_words
from .test_dashboard_browser import OVERFLOWING, Watched, _expect

pytestmark = pytest.mark.browser

EMAIL, PASSWORD = "chuyenvien@noivu.example", "mat-khau-thu-0123"
CODE = "2024"
UNIT_HEADER = ["Mã đơn vị", "Tên đơn vị", "Loại đơn vị"]
PEOPLE_HEADER = ["Mã đơn vị", "Mã nhóm", "Họ và tên", "Chức vụ", "Email", "Số điện thoại", "Zalo", "Telegram"]
NEW_UNIT = ("SO-DL", "Sở Du lịch", "so")
RENAMED = ("BQL-KCN", "Ban Quản lý các khu công nghiệp tỉnh Sơn La", "so")
# Three officials of one cell (Sở Nội vụ × công chức): k = 3, so their answers are released and scored.
ANSWERING = ["cc1@noivu.example", "cc2@noivu.example", "cc3@noivu.example"]
PEOPLE = [
    ["SO-NV", "SO-CC", "Nguyễn Văn An", "Chuyên viên", ANSWERING[0], "0912 000 001", "", ""],
    ["SO-NV", "SO-CC", "Trần Thị Bình", "Chuyên viên", ANSWERING[1], "0912000002", "", ""],
    ["SO-NV", "SO-CC", "Lê Văn Cường", "Chuyên viên chính", ANSWERING[2], "84912000003", "", ""],
    ["SO-NV", "SO-LD", "Phạm Thị Dung", "Phó Giám đốc", "ld1@noivu.example", "", "", ""],
    ["SO-DL", "SO-CC", "Hoàng Văn Em", "Chuyên viên", "cc1@dulich.example", "", "", ""],
    ["H-MAI-SON", "H-PB", "Vũ Thị Giang", "Trưởng phòng", "pb1@maison.example", "912000006", "", ""],
]


@pytest.fixture
def smtp(app, monkeypatch):
    with loopback_smtp(app, monkeypatch) as server:
        yield server


@pytest.fixture
def handset(browser):
    context = browser.new_context(**PHONE, timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(15_000)
    yield context
    context.close()


def idle() -> None:
    """End the test thread's transaction (on SQLite it holds the write lock the server needs)."""
    db.session.rollback()


def looked_at(page, width: int = 1366) -> None:
    """The page as a person sees it: nothing sticks out of the window, nothing is said in English."""
    assert page.evaluate("document.documentElement.clientWidth") <= width
    assert page.evaluate(OVERFLOWING) == [], f"wider than the window on {page.url}"
    text = page.locator("body").inner_text()
    english = english_words(text)
    assert english == set(), f"English on {page.url}: {english}"


def xlsx(path: Path, header: list[str], rows: list[list]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def deliver_in_background(app) -> tuple[threading.Thread, list]:
    """A real outbox worker beside the server, as `flask worker` runs: until nothing is left to send."""
    errors: list = []

    def run() -> None:
        try:
            with app.app_context():
                worker.run(worker.build_channels(("email",)), drain=True)
                db.session.remove()
        except BaseException as exc:  # reported by the test thread
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, errors


def answer_everything(page) -> int:
    """Tap one option of every question (varied, never the same for all), each saved; returns the count."""
    expect = _expect()
    boxes = page.locator("fieldset")
    total = boxes.count()
    for i in range(total):
        box = boxes.nth(i)
        labels = box.locator("label")
        label = labels.nth((i * 7 + 1) % labels.count())
        label.tap()
        expect(label.locator("input")).to_be_checked()
        expect(box.locator(".st")).to_have_text("Đã lưu")
    expect(page.locator("#count")).to_have_text(f"Đã trả lời {total}/{total} câu")
    return total


def test_the_whole_year_through_the_pages(app, tmp_path, smtp, live_server, desktop, handset, monkeypatch):
    expect = _expect()
    monkeypatch.setattr(app, "instance_path", str(tmp_path / "instance"))  # uploads go under the test's folder
    users.create_user(EMAIL, PASSWORD, "admin")
    db.session.commit()
    today = now().astimezone(VN).date()

    w = Watched(desktop)
    page = w.page

    # 1. Sign in.
    page.goto(f"{live_server}/admin/login")
    looked_at(page)
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("h1")).to_have_text("Các đợt khảo sát")
    looked_at(page)

    # 2. A campaign from the shipped pack, checked first.
    page.get_by_role("link", name="Tạo đợt khảo sát").first.click()
    page.get_by_label(re.compile("năm 2024")).check()
    page.get_by_role("button", name="Kiểm tra bộ câu hỏi").click()
    expect(page.locator("h1")).to_contain_text("Bộ câu hỏi hợp lệ")
    looked_at(page)
    page.get_by_label(re.compile("Mã đợt khảo sát")).fill(CODE)
    page.locator('input[name="opens_date"]').fill(today.isoformat())
    page.locator('input[name="closes_date"]').fill((today + timedelta(days=20)).isoformat())
    page.get_by_role("button", name="Tạo đợt khảo sát").click()
    expect(page.locator(".flash")).to_contain_text(f"Đã tạo đợt khảo sát {CODE}")
    expect(page.locator('[data-step="units"] .numbers')).to_have_text("32 đơn vị")  # the pack's units.csv
    looked_at(page)

    # 3. The units workbook, with mistakes first: every bad row named by row and the file's header.
    units = [list(RENAMED), ["SO-NV", "Sở Nội vụ", "so"], list(NEW_UNIT), ["H-MAI-SON", "UBND huyện Mai Sơn", "huyen"]]
    bad_units = [row[:] for row in units]
    bad_units[1][2] = "tinh"  # row 3: not a unit type of the pack
    bad_units[2][1] = ""  # row 4: no name
    page.locator('[data-step="units"] a').click()
    expect(page.locator("h1")).to_contain_text("Danh sách cán bộ")
    looked_at(page)
    page.get_by_label("Danh sách đơn vị").check()
    page.locator("#roster-file").set_input_files(str(xlsx(tmp_path / "don-vi-loi.xlsx", UNIT_HEADER, bad_units)))
    page.get_by_role("button", name="Xem trước").click()
    expect(page.locator("#issues li")).to_have_text(
        [
            "dòng 3, cột Loại đơn vị: loại đơn vị «tinh» không có trong bộ câu hỏi (các loại: huyen, so)",
            "dòng 4, cột Tên đơn vị: bắt buộc, đang để trống",
        ]
    )
    expect(page.get_by_role("alert").first).to_contain_text("Tệp có 2 lỗi; chưa nhập gì.")
    expect(page.get_by_role("button", name="Xác nhận nhập")).to_have_count(0)
    looked_at(page)
    page.get_by_label("Danh sách đơn vị").check()
    page.locator("#roster-file").set_input_files(str(xlsx(tmp_path / "don-vi.xlsx", UNIT_HEADER, units)))
    page.get_by_role("button", name="Xem trước").click()
    expect(page.locator('#counts [data-kind="new"] dd')).to_have_text("1")
    expect(page.locator('#counts [data-kind="updated"] dd')).to_have_text("1")
    expect(page.locator('#counts [data-kind="unchanged"] dd')).to_have_text("2")
    looked_at(page)
    page.get_by_role("button", name="Xác nhận nhập").click()
    expect(page.get_by_role("status").first).to_have_text("Đã nhập danh sách đơn vị: 1 mới, 1 cập nhật, 2 không đổi.")
    looked_at(page)

    # The officials file (CSV, Vietnamese headers), with mistakes first.
    bad_people = [row[:] for row in PEOPLE]
    bad_people[1][4] = "binh@"  # row 3
    bad_people[3][0] = "SO-KHONG"  # row 5
    bad_people[5][5] = "12345"  # row 7
    page.get_by_label("Danh sách cán bộ").check()
    page.locator("#roster-file").set_input_files(str(write_csv(tmp_path / "can-bo-loi.csv", PEOPLE_HEADER, bad_people)))
    page.get_by_role("button", name="Xem trước").click()
    expect(page.locator("#issues li")).to_have_text(
        [
            "dòng 3, cột Email: địa chỉ email không hợp lệ (binh@)",
            "dòng 5, cột Mã đơn vị: không có đơn vị mã «SO-KHONG» trong đợt khảo sát",
            "dòng 7, cột Số điện thoại: số điện thoại Việt Nam không hợp lệ (12345)",
        ]
    )
    expect(page.get_by_role("alert").first).to_contain_text("Tệp có 3 lỗi; chưa nhập gì.")
    looked_at(page)
    idle()
    assert db.session.scalar(sa.select(sa.func.count(Respondent.id))) == 0
    idle()
    page.get_by_label("Danh sách cán bộ").check()
    page.locator("#roster-file").set_input_files(str(write_csv(tmp_path / "can-bo.csv", PEOPLE_HEADER, PEOPLE)))
    page.get_by_role("button", name="Xem trước").click()
    expect(page.locator('#counts [data-kind="new"] dd')).to_have_text(str(len(PEOPLE)))
    looked_at(page)
    page.get_by_role("button", name="Xác nhận nhập").click()
    expect(page.get_by_role("status").first).to_have_text(
        "Đã nhập danh sách cán bộ: 6 mới, 0 cập nhật (trong đó 0 chuyển đơn vị hoặc nhóm, 0 đưa trở lại), 0 không đổi."
    )
    looked_at(page)
    # The refused files answered 422 (the browser logs that status); nothing else may have gone wrong.
    assert [p for p in w.problems if "422" not in p] == []
    w.problems.clear()

    # 4. Open the campaign, issue the links, send them by email; a worker delivers, the page follows.
    page.goto(f"{live_server}/admin/c/{CODE}/campaign")
    expect(page.locator('[data-step="officials"] .numbers')).to_have_text(f"{len(PEOPLE)} người")
    page.get_by_role("button", name="Mở đợt khảo sát").click()
    expect(page.locator(".flash")).to_contain_text(f"Đã mở đợt khảo sát {CODE}")
    looked_at(page)
    page.locator('[data-step="sent"] a').click()
    expect(page.locator("#links-summary")).to_contain_text(f"{len(PEOPLE)} người chưa có")
    page.get_by_role("button", name="Cấp đường liên kết cho người chưa có").click()
    expect(page.get_by_role("status").first).to_have_text(
        f"Đã cấp {len(PEOPLE)} đường liên kết; 0 người đã có đường liên kết."
    )
    looked_at(page)
    expect(page.get_by_role("radio", name="email")).to_be_checked()
    page.get_by_role("button", name="Xem trước tin nhắn").click()
    expect(page.locator("#text")).to_contain_text("http://survey.test/s/xxxxxxxxxxxxxxxxxxxxxxxx")
    looked_at(page)
    page.get_by_role("button", name="Xếp hàng gửi").click()
    expect(page.get_by_role("status").first).to_have_text("Đã xếp hàng 6 tin; 0 tin đã có từ trước nên không gửi lại.")
    idle()
    sender, failures = deliver_in_background(app)
    expect(page.locator("#progress")).to_have_attribute("data-finished", "1", timeout=20_000)
    sender.join(20)
    assert not sender.is_alive() and failures == []
    bar = page.locator("progress#bar")
    assert bar.evaluate("b => [b.value, b.max]") == [len(PEOPLE), len(PEOPLE)]
    expect(page.locator('[data-status="sent"]')).to_have_text(str(len(PEOPLE)))
    looked_at(page)

    mail = {m["To"].addresses[0].addr_spec: LINK.search(body_text(m)).group(1) for m in smtp.inbox.messages()}
    assert sorted(mail) == sorted(p[4] for p in PEOPLE)
    live = set(db.session.scalars(sa.select(Invitation.token_hash).where(Invitation.revoked_at.is_(None))))
    assert {hash_token(t) for t in mail.values()} == live
    idle()

    # 5. Three officials answer on their phones, through the links their emails carried.
    phone_watch = Watched(handset)
    phone_page = phone_watch.page
    for address in ANSWERING:
        phone_page.goto(f"{live_server}/s/{mail[address]}")
        expect(phone_page.locator("body")).to_contain_text("Sở Nội vụ")  # the unit they rate
        looked_at(phone_page, width=390)
        answer_everything(phone_page)
        looked_at(phone_page, width=390)
        phone_page.get_by_role("button", name="Nộp phiếu").tap()
        expect(phone_page.locator("h1")).to_have_text(MESSAGES["thanks"]["title"])
        looked_at(phone_page, width=390)
    phone_watch.check()
    idle()

    # 6. Close on the close page: its validity summary first, then confirm.
    page.goto(f"{live_server}/admin/c/{CODE}/campaign")
    page.get_by_role("link", name="Đóng đợt khảo sát…").click()
    expect(page.locator('#preview [data-k="checked"]')).to_have_text("3")
    expect(page.locator('#preview [data-k="valid"]')).to_have_text("3")
    expect(page.locator('#preview [data-k="invalid"]')).to_have_text("0")
    looked_at(page)
    page.get_by_role("button", name="Đóng đợt khảo sát và kiểm tra phiếu").click()
    expect(page.get_by_role("status").first).to_have_text(
        "Đã đóng đợt khảo sát và kiểm tra 3 phiếu: 0 không hợp lệ, 3 phiếu có cảnh báo cần xem lại, "
        "0 cảnh báo theo đơn vị."
    )
    expect(page.locator("h1")).to_contain_text("Kiểm tra phiếu")
    looked_at(page)
    idle()
    campaign = db.session.scalar(sa.select(Campaign).where(Campaign.code == CODE))
    assert campaign.status == "closed"
    assert db.session.scalar(sa.select(sa.func.count(Response.id)).where(Response.status == "valid")) == 3
    unit_names = dict(db.session.execute(sa.select(Unit.code, Unit.name).where(Unit.campaign_id == campaign.id)).all())
    idle()
    assert len(unit_names) == 33 and unit_names[RENAMED[0]] == RENAMED[1] and unit_names[NEW_UNIT[0]] == NEW_UNIT[1]

    # 7. The index page: the appraisal form it gives, filled in (once with a mistake), then satisfaction.
    page.goto(f"{live_server}/admin/c/{CODE}/campaign")
    page.locator('[data-step="appraisal"] a').click()
    expect(page.locator("h1")).to_contain_text("Chỉ số CCHC năm 2024")
    charts_drawn(page)
    looked_at(page)
    with page.expect_download() as got:
        page.get_by_role("link", name="Tải mẫu điểm thẩm định (XLSX)").click()
    form = tmp_path / got.value.suggested_filename
    got.value.save_as(form)
    wb = load_workbook(form)
    ws = wb.active
    assert [c.value for c in ws[1]][:8] == [
        "Mã đơn vị",
        "Tên đơn vị",
        "Mã lĩnh vực",
        "Tên lĩnh vực",
        "Tiêu chí",
        "Điểm tối đa thẩm định",
        "Điểm tự đánh giá",
        "Điểm thẩm định",
    ]
    for row in ws.iter_rows(min_row=2):
        row[6].value = row[5].value  # self-assessed: the maximum; appraised: 90 % of it
        row[7].value = round(row[5].value * 0.9, 2)
    appraised = sum(D(str(r[7])) for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == "SO-NV")
    codes = sorted({r[0] for r in ws.iter_rows(min_row=2, values_only=True)})
    assert len(codes) == 33 and NEW_UNIT[0] in codes  # the form lists the units the roster page imported
    good = ws["H3"].value
    ws["H3"] = "chín"  # text in a number cell
    wb.save(form)
    upload_index(page, "Điểm thẩm định", form)
    expect(page.get_by_role("alert").first).to_contain_text("Tệp có 1 lỗi; chưa nhập gì.")
    expect(page.locator("table tbody tr td")).to_have_text(["3", "Điểm thẩm định", "«chín» không phải là số"])
    expect(page.get_by_role("button", name="Nhập")).to_have_count(0)
    looked_at(page)
    ws["H3"] = good
    wb.save(form)
    page.get_by_role("link", name="Quay lại").click()
    upload_index(page, "Điểm thẩm định", form)
    page.get_by_role("button", name="Nhập").click()
    expect(page.get_by_role("status").first).to_have_text("Đã nhập 264 dòng điểm thẩm định cho 33 đơn vị.")
    looked_at(page)

    percent = {c: f"{80 + i % 20},5" for i, c in enumerate(codes)}
    satisfaction = write_csv(tmp_path / "hai-long.csv", ["Mã đơn vị", "Tỷ lệ hài lòng (%)"], list(percent.items()))
    upload_index(page, "Điểm hài lòng của người dân", satisfaction)
    page.get_by_role("button", name="Nhập").click()
    expect(page.get_by_role("status").first).to_have_text("Đã nhập điểm hài lòng của 33 đơn vị.")
    charts_drawn(page)
    looked_at(page)
    # Only Sở Nội vụ has k valid responses: it alone is ranked, with the points just imported.
    ranked = page.locator("table").first.locator("tbody tr")
    expect(ranked).to_have_count(1)
    cells = ranked.first.locator("td")
    expect(cells.nth(1)).to_have_text("Sở Nội vụ")
    expect(cells.nth(2)).to_have_text(vn(appraised))
    expect(cells.nth(6)).to_have_text(vn(D(percent["SO-NV"].replace(",", ".")) / 10))  # 10 points × the rate
    total = D(cells.nth(7).inner_text().replace(",", "."))
    survey = D(cells.nth(3).inner_text().replace(",", "."))
    assert 0 < survey <= 20 and total == appraised + survey + D(percent["SO-NV"].replace(",", ".")) / 10
    expect(page.locator("body")).to_contain_text("Có 20 đơn vị không đủ mẫu điều tra xã hội học")
    assert [p for p in w.problems if "422" not in p] == []  # the refused file's 422; nothing else
    w.problems.clear()

    # 8. The downloads, opened: the index workbook and the report draft.
    with page.expect_download() as got:
        page.get_by_role("link", name="Tải bảng chỉ số (XLSX)").click()
    assert got.value.suggested_filename == "chi-so-cchc-2024.xlsx"
    got.value.save_as(tmp_path / got.value.suggested_filename)
    book = load_workbook(tmp_path / got.value.suggested_filename)
    assert {"Biểu 1", "Biểu 2", "Biểu 3", "Chi tiết khảo sát", "Thông tin"} <= set(book.sheetnames)
    rows = [[c for c in r if c is not None] for r in book["Biểu 1"].iter_rows(values_only=True)]
    nv = next(r for r in rows if "Sở Nội vụ" in r)
    assert float(total) in nv, nv
    everywhere = {c for sheet in book.worksheets for r in sheet.iter_rows(values_only=True) for c in r if c}
    assert {RENAMED[1], NEW_UNIT[1], "UBND huyện Mai Sơn"} <= everywhere  # withheld, but listed

    with page.expect_download() as got:
        page.get_by_role("link", name="Tải dự thảo báo cáo (DOCX)").click()
    assert got.value.suggested_filename == "bao-cao-chi-so-cchc-2024.docx"
    got.value.save_as(tmp_path / got.value.suggested_filename)
    report = docx.Document(str(tmp_path / got.value.suggested_filename))
    text = "\n".join(
        [p.text for p in report.paragraphs] + [c.text for t in report.tables for r in t.rows for c in r.cells]
    )
    assert "Kết quả xác định Chỉ số cải cách hành chính năm 2024" in text
    assert "Tổng số phiếu thu về là 3/6 phiếu" in text and "Số phiếu hợp lệ là 3/3 phiếu" in text
    # The one ranked unit gets the report's one-unit sentence, not "có 00 đơn vị …, trong đó … nhất bảng".
    assert f"chỉ có một đơn vị được xác định Chỉ số là Sở Nội vụ, với {vn(total)} điểm" in text
    assert NEW_UNIT[1] in text  # named among the units without enough responses
    w.check()


def vn(value: D) -> str:
    """A number as the pages write it: two decimals, a decimal comma."""
    return f"{value:.2f}".replace(".", ",")


def charts_drawn(page) -> None:
    """Every chart of the index page drawn by plotly.js under the page's CSP."""
    page.wait_for_load_state("load")
    charts = page.locator(".chart")
    assert charts.count() >= 1
    page.wait_for_function("Array.from(document.querySelectorAll('.chart')).every(c => c.querySelector('.main-svg'))")
    _expect()(charts.locator(".main-svg").first).to_be_visible()


def upload_index(page, kind: str, path: Path) -> None:
    form = page.locator("form", has=page.locator('input[name="kind"]')).filter(has_text=kind)
    form.locator('input[type="file"]').set_input_files(str(path))
    form.get_by_role("button", name="Xem trước").click()
    _expect()(page.locator("h1")).to_contain_text(f"Xem trước: {kind}")
