"""Creating a campaign from the browser: a shipped pack, a criteria workbook or a zipped pack folder;
the check is shown first (errors by sheet, row and column; warnings; title, k, bands); nothing is
created from a bad pack, a bad form or an upload that is too large, unsafe or of the wrong kind."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from datetime import datetime

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from survey_app.extensions import db
from survey_app.models import AuditEntry, Campaign, Unit
from survey_app.packs import load_pack
from survey_app.packs.archive import MAX_UPLOAD
from survey_app.packs.xlsx import load_workbook_pack, write_workbook
from survey_app.timeutil import VN, aware

from .support.campaigns import PACKS
from .support.pages import csrf, sign_in

NEW = "/admin/campaigns/new"


@pytest.fixture
def admin(client, app, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))  # checked uploads are kept under it: one per test
    sign_in(client, "admin")
    return client


def _check(client, **form):
    files = form.pop("file", None)
    data = {"csrf_token": csrf(client, NEW), **form}
    if files is not None:
        data["file"] = files
    return client.post("/admin/campaigns/check", data=data, content_type="multipart/form-data")


def _ref(page: str) -> str:
    return re.search(r'name="ref" value="([^"]+)"', page).group(1)


def _create(client, ref: str, **form):
    data = {"csrf_token": csrf(client, NEW), "ref": ref, "code": "2030", "title": "", **form}
    data.setdefault("opens_date", "2030-11-15")
    data.setdefault("closes_date", "2030-12-20")
    return client.post("/admin/campaigns", data=data)


def _campaigns() -> list[str]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(Campaign.code)))


def _workbook(pack: str = "son-la-2024") -> bytes:
    return write_workbook(load_pack(PACKS / pack).content)


def _vn(value: datetime) -> datetime:
    return aware(value).astimezone(VN)


def _pending_uploads(app) -> list:
    from pathlib import Path

    folder = Path(app.instance_path) / "uploads" / "packs"
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def test_the_new_page_lists_the_shipped_packs_with_their_workbooks(admin):
    page = admin.get(NEW).get_data(as_text=True)
    for name in ("son-la-2024", "hai-cap-2025"):
        assert f'value="{name}"' in page and f"/admin/packs/{name}/tieu-chi.xlsx" in page
    assert "Điều tra xã hội học xác định Chỉ số cải cách hành chính năm 2024" in page
    assert 'accept=".xlsx,.zip"' in page


def test_a_shipped_pack_is_checked_then_created_with_a_bare_date_window(admin, app):
    r = _check(admin, source="shipped", pack="son-la-2024")
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "Bộ câu hỏi hợp lệ: Điều tra xã hội học xác định Chỉ số cải cách hành chính năm 2024" in page
    # The pack's own warning (its published area maxima add up to 99,5), its k and its bands.
    assert "điểm tối đa các lĩnh vực cộng lại là 99,5, không bằng total_points 100" in page
    assert "<dt>Ngưỡng ẩn danh (k)</dt><dd>3</dd>" in page
    assert "Nhóm A (từ 90 điểm trở lên)" in page and "Nhóm D (dưới 50 điểm)" in page
    assert load_pack(PACKS / "son-la-2024").sha256 in page
    assert _campaigns() == []  # checking creates nothing
    r = _create(admin, _ref(page), code="2030", title="Đợt thử nghiệm 2030")
    assert r.status_code == 302 and r.headers["Location"].endswith("/admin/c/2030/campaign")
    c = db.session.scalar(sa.select(Campaign).where(Campaign.code == "2030"))
    assert c.title == "Đợt thử nghiệm 2030" and c.status == "draft"
    # A bare date opens at 00:00 and closes at 23:59, Vietnam time.
    assert _vn(c.opens_at) == datetime(2030, 11, 15, 0, 0, tzinfo=VN)
    assert _vn(c.closes_at) == datetime(2030, 12, 20, 23, 59, tzinfo=VN)
    assert c.pack_sha256 == load_pack(PACKS / "son-la-2024").sha256
    assert db.session.scalar(sa.select(sa.func.count(Unit.id)).where(Unit.campaign_id == c.id)) == 32
    actions = list(db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.campaign_code == "2030")))
    assert actions == ["campaign.create"]
    follow = admin.get(r.headers["Location"]).get_data(as_text=True)
    assert "Đã tạo đợt khảo sát 2030 (32 đơn vị từ bộ câu hỏi)" in follow


def test_a_time_of_day_is_kept_and_the_title_defaults_to_the_packs(admin):
    page = _check(admin, source="shipped", pack="hai-cap-2025").get_data(as_text=True)
    r = _create(admin, _ref(page), code="M-2030", opens_time="08:00", closes_time="17:00")
    assert r.status_code == 302
    c = db.session.scalar(sa.select(Campaign).where(Campaign.code == "M-2030"))
    assert (_vn(c.opens_at).hour, _vn(c.closes_at).hour) == (8, 17)
    assert c.title == "Điều tra xã hội học xác định Chỉ số cải cách hành chính năm 2025"


@pytest.mark.parametrize(
    ("form", "said"),
    [
        ({"code": "2030 / x"}, "Mã đợt khảo sát «2030 / x» chỉ được gồm chữ không dấu"),
        ({"closes_date": "2030-11-01"}, "phải sau thời điểm mở"),
        ({"opens_date": "15/11/2030"}, "«15/11/2030» không phải ngày giờ hợp lệ"),
        ({"closes_time": "25:00"}, "«2030-12-20 25:00» không phải ngày giờ hợp lệ"),
        ({"title": "x" * 301}, "Tên đợt khảo sát dài 301 ký tự; tối đa 300 ký tự."),
    ],
)
def test_a_bad_form_creates_nothing_and_says_why_on_the_same_page(admin, form, said):
    page = _check(admin, source="shipped", pack="son-la-2024").get_data(as_text=True)
    r = _create(admin, _ref(page), **form)
    body = r.get_data(as_text=True)
    assert r.status_code == 422 and said in body
    assert 'name="ref"' in body  # the form is still there, with the pack
    assert _campaigns() == []


def test_a_code_already_used_is_refused(admin, sonla):
    page = _check(admin, source="shipped", pack="son-la-2024").get_data(as_text=True)
    r = _create(admin, _ref(page), code=sonla.campaign.code)
    assert r.status_code == 422 and f"Đã có đợt khảo sát mã {sonla.campaign.code}; hãy chọn mã khác." in r.get_data(
        as_text=True
    )
    assert _campaigns() == [sonla.campaign.code]


@pytest.mark.parametrize("ref", ["shipped:../../etc", "shipped:khong-co", "../../../etc/passwd", "A" * 32, ""])
def test_a_reference_that_names_no_checked_pack_creates_nothing(admin, ref):
    r = _create(admin, ref)
    assert r.status_code == 302 and r.headers["Location"].endswith(NEW)
    assert _campaigns() == []
    assert "hãy chọn và kiểm tra lại" in admin.get(NEW).get_data(as_text=True)


def test_an_unknown_shipped_pack_is_not_a_path(admin):
    r = _check(admin, source="shipped", pack="../son-la-2024")
    assert r.status_code == 302
    assert "Không có bộ câu hỏi «../son-la-2024» trong các bộ có sẵn." in admin.get(NEW).get_data(as_text=True)


def test_a_criteria_workbook_upload_becomes_the_campaigns_pack(admin, app):
    wb = load_workbook(io.BytesIO(_workbook()))
    info = wb["Thông tin chung"]
    info["B2"], info["B3"], info["B4"] = "son-la-2025", "Điều tra xã hội học năm 2025", 2025
    out = io.BytesIO()
    wb.save(out)
    data = out.getvalue()
    r = _check(admin, source="upload", file=(io.BytesIO(data), "Tiêu chí 2025.xlsx"))
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "Bộ câu hỏi hợp lệ: Điều tra xã hội học năm 2025" in page
    assert "Loại đơn vị: dòng 2: điểm tối đa các lĩnh vực cộng lại là 99,5" in page  # warnings named by sheet and row
    assert len(_pending_uploads(app)) == 1
    r = _create(admin, _ref(page), code="2025")
    assert r.status_code == 302
    c = db.session.scalar(sa.select(Campaign).where(Campaign.code == "2025"))
    expected = load_workbook_pack(data)
    assert c.pack_files == expected.files and sorted(c.pack_files) == ["pack.yaml", "units.csv"]
    assert (c.pack_sha256, c.pack_code, c.title) == (expected.sha256, "son-la-2025", "Điều tra xã hội học năm 2025")
    assert c.pack_content == expected.content
    entries = {
        a: p
        for a, p in db.session.execute(
            sa.select(AuditEntry.action, AuditEntry.detail).where(AuditEntry.campaign_code == "2025")
        )
    }
    assert set(entries) == {"campaign.create", "pack.upload"}
    assert hashlib.sha256(data).hexdigest() in entries["pack.upload"] and "Tiêu chí 2025.xlsx" in entries["pack.upload"]
    assert _pending_uploads(app) == []  # used once, then gone
    again = _create(admin, _ref(page), code="2025-b")
    assert again.status_code == 302 and again.headers["Location"].endswith(NEW)


def test_a_bad_workbook_lists_every_error_and_creates_nothing(admin, app):
    wb = load_workbook(io.BytesIO(_workbook()))
    wb["Câu hỏi"]["C5"] = "LV9"
    wb["Câu hỏi"]["I6"] = "abc"
    del wb["Xếp loại"]
    out = io.BytesIO()
    wb.save(out)
    r = _check(admin, source="upload", file=(io.BytesIO(out.getvalue()), "tieu-chi.xlsx"))
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and "Có 3 lỗi; chưa tạo gì." in page
    rows = re.findall(
        r"<tr><td>([^<]*)</td><td class=\"n\">(\d*)</td><td>([^<]*)</td><td><code>[^<]*</code></td><td>([^<]*)</td></tr>",
        page,
    )
    assert rows == [
        ("Câu hỏi", "5", "Lĩnh vực (C)", "không có lĩnh vực «LV9» trong loại đơn vị «huyen»"),
        ("Câu hỏi", "6", "Điểm (I)", "«abc» không phải là số"),
        ("tieu-chi.xlsx", "", "", "thiếu trang «Xếp loại»"),
    ]
    assert 'name="ref"' not in page and _campaigns() == [] and _pending_uploads(app) == []


def _zip(entries: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, content in entries.items():
            z.writestr(name, content)
    return out.getvalue()


def test_a_zipped_pack_folder_is_created_with_its_own_files(admin):
    root = PACKS / "hai-cap-2025"
    entries = {f"hai-cap-2025/{p.relative_to(root).as_posix()}": p.read_bytes() for p in root.rglob("*") if p.is_file()}
    page = _check(admin, source="upload", file=(io.BytesIO(_zip(entries)), "goi.zip")).get_data(as_text=True)
    assert _create(admin, _ref(page), code="Z").status_code == 302
    c = db.session.scalar(sa.select(Campaign).where(Campaign.code == "Z"))
    assert c.pack_files == load_pack(root).files and c.pack_sha256 == load_pack(root).sha256


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        ("goi.zip", _zip({"../pack.yaml": "format: 1"}), "không an toàn"),
        ("goi.rar", b"Rar!\x1a\x07", "chỉ nhận tệp .zip"),
        ("goi.zip", _zip({"doc/README.md": "x"}), "không có tệp pack.yaml trong tệp nén"),
        ("tieu-chi.xlsx", b"", "tệp trống"),
    ],
)
def test_an_unusable_upload_is_refused_with_its_reason(admin, app, name, data, said):
    r = _check(admin, source="upload", file=(io.BytesIO(data), name))
    assert r.status_code == 422 and said in r.get_data(as_text=True)
    assert _campaigns() == [] and _pending_uploads(app) == []


def test_an_upload_form_without_its_file_says_so(admin):
    r = _check(admin, source="upload")
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and "<td>tệp tải lên</td>" in page and "<td>tệp trống</td>" in page
    assert _campaigns() == []


def test_an_upload_above_the_limit_is_refused_before_it_is_read(admin, app):
    # The body is built in memory: the test client would spool a large upload to a file it never closes.
    values = {
        "csrf_token": csrf(admin, NEW),
        "source": "upload",
        "file": FileStorage(io.BytesIO(b"\0" * (MAX_UPLOAD + 100 * 1024)), "a.xlsx"),
    }
    boundary, body = encode_multipart(values)
    r = admin.post("/admin/campaigns/check", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert r.status_code == 413
    assert "vượt giới hạn 5 MB" in r.get_data(as_text=True)
    assert _campaigns() == [] and _pending_uploads(app) == []


def test_the_pages_refuse_a_post_without_its_csrf_token(client, app):
    sign_in(client, "admin")
    r = client.post("/admin/campaigns/check", data={"source": "shipped", "pack": "son-la-2024"})
    assert r.status_code == 400
    r = client.post(
        "/admin/campaigns",
        data={"ref": "shipped:son-la-2024", "code": "X", "opens_date": "2030-01-01", "closes_date": "2030-02-01"},
    )
    assert r.status_code == 400 and _campaigns() == []


def test_monitors_and_focal_points_cannot_create(client, sonla):
    sign_in(client, "monitor")
    assert client.get(NEW).status_code == 403
    token = csrf(client, "/admin/")
    r = client.post("/admin/campaigns", data={"csrf_token": token, "ref": "shipped:son-la-2024", "code": "X"})
    assert r.status_code == 403 and _campaigns() == [sonla.campaign.code]
