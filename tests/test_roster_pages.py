"""The roster pages through the test client: upload with a preview of what changes (counted against
the database) and of every bad row, confirm, the template workbook's drop-down lists, and refusals."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from survey_app.extensions import db
from survey_app.models import AuditEntry, ProgressCounter, Respondent, RespondentGroup, Unit
from survey_app.services import tabular
from survey_app.services.survey import people, roster

from .support.campaigns import RESPONDENT_HEADER, person
from .support.pages import flashes, hidden, progress_equals_rebuild, sign_in, staff, text_of, upload

VI_HEADER = ["Mã đơn vị", "Mã nhóm", "Họ và tên", "Chức vụ", "Email", "Số điện thoại"]


@pytest.fixture
def admin(app, client, sonla, tmp_path, monkeypatch):
    """Signed in as an admin of the Sơn La campaign; uploads kept in this test's own folder, CSRF off
    (it has its own test)."""
    monkeypatch.setattr(app, "instance_path", str(tmp_path / "instance"))
    sign_in(client, staff("admin"))
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    return sonla


def csv_bytes(header: list[str], rows: list[list]) -> bytes:
    lines = [",".join(header)] + [",".join(str(v) for v in r) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def uploads_left(app) -> list[str]:
    folder = tmp_uploads(app)
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def tmp_uploads(app):
    from pathlib import Path

    return Path(app.instance_path) / "uploads"


def shown_counts(page: str) -> dict[str, int]:
    return {
        k: int(n.replace(".", "")) for k, n in re.findall(r'data-kind="(\w+)"><dt>[^<]*</dt><dd>([\d.]+)</dd>', page)
    }


def expected_counts(campaign, rows: list[list]) -> dict[str, int]:
    """What each file row does, read from the database independently of the import's own code."""
    found = dict.fromkeys(roster.CHANGE_KINDS, 0)
    for unit, group, name, position, email, *_ in rows:
        old = db.session.scalar(
            sa.select(Respondent).where(Respondent.campaign_id == campaign.id, Respondent.email == email)
        )
        if old is None:
            found["new"] += 1
        elif old.removed_at is not None:
            found["restored"] += 1
        elif (old.unit.code, old.group.code) != (unit, group):
            found["moved"] += 1
        elif (old.full_name, old.position or "") != (name, position):
            found["updated"] += 1
        else:
            found["unchanged"] += 1
    return found


def test_preview_counts_what_changes_and_confirm_writes_exactly_that(app, client, admin):
    campaign = admin.campaign
    p3 = db.session.scalar(sa.select(Respondent.id).where(Respondent.email == "p3@thu.example"))
    people.remove_person(campaign, p3)
    p2 = person(2, "SO-NV", "SO-CC")
    p2[3] = "Trưởng phòng"
    rows = [
        person(1, "SO-NV", "SO-LD"),  # unchanged
        p2,  # updated
        person(4, "SO-NV", "SO-CC"),  # moved from SO-TC / SO-LDP
        person(3, "SO-NV", "SO-CC"),  # back on the list
        person(8, "SO-TC", "SO-CC"),  # new
        person(9, "H-MAI-SON", "H-PB"),  # new
    ]
    expected = expected_counts(campaign, rows)
    assert expected == {"new": 2, "updated": 1, "moved": 1, "restored": 1, "unchanged": 1}
    before = db.session.execute(sa.select(Respondent.id, Respondent.unit_id, Respondent.position)).all()

    page = upload(client, "T", "respondents", "can-bo.csv", csv_bytes(RESPONDENT_HEADER, rows))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert shown_counts(html) == expected
    text = text_of(html)
    assert "Chức vụ: Chuyên viên → Trưởng phòng" in text
    assert "Mã đơn vị: SO-TC → SO-NV; Mã nhóm: SO-LDP → SO-CC" in text
    assert db.session.execute(sa.select(Respondent.id, Respondent.unit_id, Respondent.position)).all() == before
    assert len(uploads_left(app)) == 1  # kept for the confirmation

    done = client.post(
        "/admin/c/T/roster/confirm",
        data={k: hidden(html, k) for k in ("kind", "upload", "digest", "source")},
        follow_redirects=True,
    )
    assert done.status_code == 200
    said = flashes(done.get_data(as_text=True))
    assert said[0] == (
        "Đã nhập danh sách cán bộ: 2 mới, 3 cập nhật (trong đó 1 chuyển đơn vị hoặc nhóm, 1 đưa trở lại), 1 không đổi."
    )
    by_email = {r.email: r for r in db.session.scalars(sa.select(Respondent))}
    assert len(by_email) == 9
    assert by_email["p3@thu.example"].removed_at is None
    assert by_email["p4@thu.example"].unit.code == "SO-NV" and by_email["p4@thu.example"].group.code == "SO-CC"
    assert by_email["p2@thu.example"].position == "Trưởng phòng"
    assert progress_equals_rebuild(campaign)
    assert uploads_left(app) == []
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "respondents.import").order_by(AuditEntry.id.desc()).limit(1)
    )
    assert (entry.actor, entry.target) == ("admin@noivu.example", "can-bo.csv")
    # The same file again: everything unchanged.
    again = upload(client, "T", "respondents", "can-bo.csv", csv_bytes(RESPONDENT_HEADER, rows))
    assert shown_counts(again.get_data(as_text=True)) == {**dict.fromkeys(roster.CHANGE_KINDS, 0), "unchanged": 6}


def test_every_bad_row_is_named_by_the_files_own_headers_and_nothing_is_kept(app, client, admin):
    rows = [
        ["SO-NV", "SO-CC", "Lò Văn Tốt", "", "tot@thu.example", ""],
        ["SO-NV", "SO-CC", "Cầm Thị Sai", "", "abc@", ""],
        ["SO-XX", "SO-CC", "Hà Văn Lạ", "", "la@thu.example", ""],
        ["SO-TC", "SO-CC", "Quàng Văn Số", "", "", "12345"],
    ]
    before = db.session.scalar(sa.select(sa.func.count(Respondent.id)))
    page = upload(client, "T", "respondents", "danh-sach.csv", csv_bytes(VI_HEADER, rows))
    assert page.status_code == 422
    items = [text_of(li) for li in re.findall(r"<li>(.*?)</li>", page.get_data(as_text=True), re.S)]
    assert items == [
        "dòng 3, cột Email: địa chỉ email không hợp lệ (abc@)",
        "dòng 4, cột Mã đơn vị: không có đơn vị mã «SO-XX» trong đợt khảo sát",
        "dòng 5, cột Số điện thoại: số điện thoại Việt Nam không hợp lệ (12345)",
    ]
    assert "Tệp có 3 lỗi; chưa nhập gì." in text_of(page.get_data(as_text=True))
    assert 'name="digest"' not in page.get_data(as_text=True)  # nothing to confirm
    assert db.session.scalar(sa.select(sa.func.count(Respondent.id))) == before
    assert uploads_left(app) == []


def test_a_file_that_is_not_a_roster(app, client, admin):
    missing = upload(client, "T", "respondents", "x.csv", csv_bytes(["Họ và tên"], [["An"]]))
    assert missing.status_code == 422
    lines = [text_of(li) for li in re.findall(r"<li>(.*?)</li>", missing.get_data(as_text=True), re.S)]
    assert lines == [
        "dòng 1, cột Mã nhóm: thiếu cột bắt buộc này ở dòng tiêu đề",
        "dòng 1, cột Mã đơn vị: thiếu cột bắt buộc này ở dòng tiêu đề",
    ]
    wrong = upload(client, "T", "respondents", "anh.png", b"\x89PNG")
    assert wrong.status_code == 302
    assert flashes(client.get("/admin/c/T/roster").get_data(as_text=True)) == [
        "Chọn loại danh sách và một tệp .csv hoặc .xlsx."
    ]
    assert uploads_left(app) == []


def test_a_file_over_the_limit_is_refused_unread(app, client, admin, monkeypatch):
    from survey_app.admin import uploads

    monkeypatch.setattr(uploads, "MAX_BYTES", 100 * 1024)  # under the test client's own spooling threshold
    body = csv_bytes(RESPONDENT_HEADER, [person(1, "SO-NV", "SO-LD")] * 2000)
    assert len(body) > uploads.MAX_BYTES
    big = upload(client, "T", "respondents", "lon.csv", body)
    assert big.status_code == 302
    assert flashes(client.get("/admin/c/T/roster").get_data(as_text=True)) == ["Tệp quá lớn (tối đa 0,1 MB)."]
    assert uploads_left(app) == []


def test_confirm_refuses_when_the_list_changed_since_the_preview(app, client, admin):
    p2 = person(2, "SO-NV", "SO-CC")
    p2[3] = "Phó phòng"
    page = upload(client, "T", "respondents", "a.csv", csv_bytes(RESPONDENT_HEADER, [p2])).get_data(as_text=True)
    assert shown_counts(page)["updated"] == 1
    form = {k: hidden(page, k) for k in ("kind", "upload", "digest", "source")}
    # Meanwhile someone corrects the same person on their page.
    p2_id = db.session.scalar(sa.select(Respondent.id).where(Respondent.email == "p2@thu.example"))
    values = people.get_person(admin.campaign, p2_id).form() | {"position": "Phó phòng"}
    people.correct_person(admin.campaign, p2_id, values)
    stale = client.post("/admin/c/T/roster/confirm", data=form)
    assert stale.status_code == 409
    fresh = stale.get_data(as_text=True)
    assert "Danh sách đã thay đổi kể từ lúc xem trước" in text_of(fresh)
    assert shown_counts(fresh)["unchanged"] == 1 and hidden(fresh, "digest") != form["digest"]
    imports = sa.select(AuditEntry.target).where(AuditEntry.action == "respondents.import")
    assert db.session.scalars(imports).all() == ["T-people.csv"]  # the fixture's own import only
    ok = client.post("/admin/c/T/roster/confirm", data=form | {"digest": hidden(fresh, "digest")})
    assert ok.status_code == 302
    gone = client.post("/admin/c/T/roster/confirm", data=form | {"digest": hidden(fresh, "digest")})
    assert gone.status_code == 302
    said = flashes(client.get("/admin/c/T/roster").get_data(as_text=True))
    assert said == [
        "Đã nhập danh sách cán bộ: 0 mới, 0 cập nhật (trong đó 0 chuyển đơn vị hoặc nhóm, 0 đưa trở lại), 1 không đổi.",
        "Tệp đã xem trước không còn trên máy chủ; hãy tải lên lại.",
    ]
    tampered = client.post("/admin/c/T/roster/confirm", data=form | {"upload": "../../etc/passwd"})
    assert tampered.status_code == 302


def test_units_preview_and_import(app, client, admin):
    rows = [["SO-NV", "Sở Nội vụ", "so"], ["SO-TC", "Sở Tài chính tỉnh Sơn La", "so"], ["SO-MOI", "Sở Mới", "so"]]
    page = upload(client, "T", "units", "don-vi.csv", csv_bytes(["Mã đơn vị", "Tên đơn vị", "Loại đơn vị"], rows))
    html = page.get_data(as_text=True)
    counts = shown_counts(html)
    names = dict(db.session.execute(sa.select(Unit.code, Unit.name)).all())
    assert counts["new"] == sum(1 for code, *_ in rows if code not in names) == 1
    assert counts["updated"] == sum(1 for code, name, _ in rows if names.get(code, name) != name) == 1
    assert counts["unchanged"] == 1
    done = client.post("/admin/c/T/roster/confirm", data={k: hidden(html, k) for k in ("kind", "upload", "digest")})
    assert done.status_code == 302
    assert db.session.scalar(sa.select(Unit.name).where(Unit.code == "SO-MOI")) == "Sở Mới"
    home = client.get("/admin/c/T/roster").get_data(as_text=True)
    assert "Đã nhập danh sách đơn vị: 1 mới, 1 cập nhật, 1 không đổi." in flashes(home)
    assert "Sở Mới" in text_of(home)


def _validations(sheet) -> dict[str, str]:
    """First cell of each drop-down's range → its list formula."""
    return {str(dv.sqref).split(":")[0]: dv.formula1 for dv in sheet.data_validations.dataValidation}


def _range(book, formula: str) -> list[str]:
    sheet_name, cells = formula.lstrip("=").rsplit("!", 1)
    first, last = cells.replace("$", "").split(":")
    sheet = book[sheet_name.strip("'")]
    return [c.value for row in sheet[first:last] for c in row]


def test_the_template_has_the_headers_a_sample_and_drop_downs_of_this_campaigns_codes(app, client, admin, tmp_path):
    r = client.get("/admin/c/T/roster/template/respondents.xlsx")
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    assert "mau-danh-sach-can-bo.xlsx" in r.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(r.data))
    assert book.sheetnames == ["Danh sách", "Danh mục", "Hướng dẫn"]
    sheet = book["Danh sách"]
    header = [c.value for c in sheet[1]]
    assert header == ["Mã đơn vị", "Mã nhóm", "Họ và tên", "Chức vụ", "Email", "Số điện thoại", "Zalo", "Telegram"]
    assert {tabular.header_key(h) for h in header} <= set(roster.RESPONDENT_COLUMNS)
    lists = _validations(sheet)
    assert set(lists) == {"A2", "B2"}
    units = sorted(db.session.scalars(sa.select(Unit.code)))
    groups = sorted(db.session.scalars(sa.select(RespondentGroup.code)))
    assert sorted(_range(book, lists["A2"])) == units and len(units) == 32
    assert sorted(_range(book, lists["B2"])) == groups
    for dv in sheet.data_validations.dataValidation:
        assert (dv.type, dv.showErrorMessage, str(dv.sqref).split(":")[1][1:]) == ("list", True, "5001")
    sample = [c.value for c in sheet[2]]
    assert sample[0] in units and sample[1] in groups and sample[2] == "Nguyễn Văn A"

    # The sample row left in: the import refuses it by name; the filled-in sheet imports.
    path = tmp_path / "mau.xlsx"
    path.write_bytes(r.data)
    plan = roster.plan_respondents(admin.campaign, path)
    assert [(i.row, i.header, i.code) for i in plan.issues] == [(2, "Email", "invalid_email")]
    sheet.delete_rows(2)
    sheet.append(["SO-NV", "SO-CC", "Điêu Thị Mới", "Chuyên viên", "moi@thu.example", "0912345600", None, None])
    book.save(path)
    report = roster.import_respondents(admin.campaign, path)
    assert (report.created, report.updated) == (1, 0)


def test_the_units_template_lists_the_unit_types_and_its_sample_changes_nothing(app, client, admin, tmp_path):
    r = client.get("/admin/c/T/roster/template/units.xlsx")
    book = load_workbook(io.BytesIO(r.data))
    sheet = book["Danh sách"]
    assert [c.value for c in sheet[1]] == ["Mã đơn vị", "Tên đơn vị", "Loại đơn vị"]
    lists = _validations(sheet)
    assert set(lists) == {"C2"}
    assert sorted(_range(book, lists["C2"])) == sorted(t.code for t in admin.campaign.pack.unit_types)
    path = tmp_path / "u.xlsx"
    path.write_bytes(r.data)
    assert roster.import_units(admin.campaign, path) == roster.ImportReport(0, 0, 1)
    assert client.get("/admin/c/T/roster/template/other.xlsx").status_code == 404


def test_monitor_reads_the_roster_without_forms(app, client, sonla):
    sign_in(client, staff("monitor"))
    home = client.get("/admin/c/T/roster").get_data(as_text=True)
    assert "Sở Nội vụ" in home and "roster/upload" not in home
    listing = client.get("/admin/c/T/roster/people?unit=SO-NV").get_data(as_text=True)
    assert "Người Thử 1" in listing and "Thêm vào danh sách" not in listing


ROSTER_POSTS = [
    "/admin/c/T/roster/upload",
    "/admin/c/T/roster/confirm",
    "/admin/c/T/roster/people",
    "/admin/c/T/send/issue",
    "/admin/c/T/send/queue",
    "/admin/c/T/send/letters.pdf",
    "/admin/c/T/send/links.csv",
]


@pytest.mark.parametrize("url", ROSTER_POSTS)
def test_every_form_needs_its_csrf_token(app, client, sonla, url):
    sign_in(client, staff("admin"))
    r = client.post(url, data={"kind": "respondents", "understood": "1"})
    assert r.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.actor != "cli")) == 0
    assert db.session.scalar(sa.select(sa.func.count(ProgressCounter.invited))) > 0
