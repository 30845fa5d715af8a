"""The index commands and admin pages: template, imports, export, fill, charts, report draft, and the
preview-before-commit import page."""

from __future__ import annotations

import re

import sqlalchemy as sa
from docx import Document
from openpyxl import Workbook, load_workbook

from survey_app import documents
from survey_app.extensions import db
from survey_app.index_admin.texts import ALPHA_NOTES
from survey_app.models import AppraisalPoint, IndexStatistics
from survey_app.services import users
from survey_app.services.index import build_index
from survey_app.services.index import statistics as index_statistics

from .support.pdf import read_pdf, require_office
from .test_appraisal_import import _appraisal_file, small  # noqa: F401  (fixture)

PASSWORD = "mat-khau-dai-0123"


def count_points() -> int:
    """Read, then end the test's transaction: on SQLite an open one holds the write lock the requests need."""
    n = db.session.scalar(sa.select(sa.func.count(AppraisalPoint.id)))
    db.session.rollback()
    return n


def run(runner, *args: str, code: int = 0) -> list[str]:
    result = runner.invoke(args=list(args))
    assert result.exit_code == code, result.output
    return result.output.splitlines()


def test_commands_from_template_to_report(runner, small, tmp_path):  # noqa: F811
    c = small.campaign
    tpl = tmp_path / "appraisal.xlsx"
    assert run(runner, "appraisal", "template", "--out", str(tpl)) == [f"Đã ghi 16 dòng (đơn vị × lĩnh vực) vào {tpl}."]
    filled = _appraisal_file(tmp_path, c)
    assert run(runner, "appraisal", "import", str(filled)) == ["Đã nhập 16 dòng điểm thẩm định cho 2 đơn vị."]
    bad = tmp_path / "bad.csv"
    bad.write_text("Mã đơn vị,Điểm\nSO-NV,x\n", encoding="utf-8")
    out = run(runner, "satisfaction", "import", str(bad), code=1)
    assert out[0] == "Lỗi: Tệp có 2 lỗi; chưa nhập gì. Sửa các dòng dưới đây rồi tải lên lại."
    assert out[1] == "dòng 2, cột Điểm: «x» không phải là số"
    assert out[2] == "cột Mã đơn vị: thiếu đơn vị SO-TC (Sở Tài chính): tệp không có dòng nào của đơn vị"
    good = tmp_path / "sat.csv"
    good.write_text("Mã đơn vị;Điểm hài lòng\nSO-NV;9,5\nSO-TC;9\n", encoding="utf-8")
    assert run(runner, "satisfaction", "import", str(good)) == ["Đã nhập điểm hài lòng của 2 đơn vị."]

    xlsx = tmp_path / "chi-so-cchc-2024.xlsx"
    assert run(runner, "index", "export", "--out", str(xlsx)) == [
        f"1 đơn vị; đã ghi bảng chỉ số vào {xlsx}.",
        "Có 01 đơn vị không đủ mẫu điều tra xã hội học (dưới 3 phiếu hợp lệ) nên không xác định Chỉ số, "
        "không xếp hạng và không tính vào các giá trị trung bình: Sở Tài chính (0 phiếu).",
    ]
    wb = load_workbook(xlsx)
    assert wb.sheetnames[:4] == ["Biểu 1", "Biểu 2", "Biểu 3", "Biểu 4"] and "Thông tin" in wb.sheetnames
    result = build_index(c).result
    b1 = {r[1]: r[6] for r in wb["Biểu 1"].iter_rows(min_row=3, values_only=True)}
    assert b1 == {"SO-NV": float(result.units[0].total), "SO-TC": None}  # SO-TC: no answer, under k
    withheld = [r for r in wb["Biểu 1"].iter_rows(min_row=3, values_only=True) if r[1] == "SO-TC"]
    assert withheld == [(None, "SO-TC", "Sở Tài chính", *[None] * 7, "Không đủ mẫu (0/3 phiếu hợp lệ): không xếp hạng")]
    info = dict(wb["Thông tin"].iter_rows(min_row=3, values_only=True))
    assert info["Mã băm SHA-256 của bộ câu hỏi"] == c.pack_sha256
    detail = list(wb["Chi tiết khảo sát"].iter_rows(min_row=3, values_only=True))
    assert {r[0] for r in detail} == {"SO-NV"}  # SO-TC has no answers; SO-NV's 3 answers form one cell (k = 3)
    (groups,) = {r[2] for r in detail}  # SO-CC (2 responses) and SO-LDP (1) are under k = 3: shown folded
    assert groups.count(" + ") == 1

    html = tmp_path / "report.html"
    run(runner, "index", "charts", "--out", str(html))
    page = html.read_text(encoding="utf-8")
    assert "Plotly.newPlot" in page and 'id="ranking-so"' in page
    assert not re.search(r"<script[^>]+src=\"https?://", page)  # offline: plotly.js is inside

    docx = tmp_path / "bao-cao.docx"
    assert run(runner, "report", "draft", "--out", str(docx), "--no-pdf") == [f"Đã ghi dự thảo báo cáo vào {docx}."]
    text = "\n".join(p.text for p in Document(str(docx)).paragraphs)
    assert "Kết quả Chỉ số CCHC năm 2024" in text and "Biểu số 1, 2" in text
    assert not docx.with_suffix(".pdf").exists()


def test_report_heading_comes_from_the_settings_and_a_pdf_lies_beside_it(app, runner, small, tmp_path):  # noqa: F811
    require_office()
    app.config.update(PROVINCE="Sơn La", REPORT_SIGNER="Nguyễn Văn A")
    docx = tmp_path / "bao-cao.docx"
    out = run(runner, "report", "draft", "--out", str(docx))
    pdf = docx.with_suffix(".pdf")
    assert out == [f"Đã ghi dự thảo báo cáo vào {docx}.", f"Đã ghi bản PDF vào {pdf}."]
    head = [p.text for t in Document(str(docx)).tables for row in t.rows for p in row.cells[0].paragraphs]
    assert "UBND TỈNH SƠN LA" in head and "SỞ NỘI VỤ" in head
    text = "\n".join(page.text for page in read_pdf(pdf))
    assert "UBND TỈNH SƠN LA" in text and "Nguyễn Văn A" in text


def test_without_libreoffice_the_pdf_is_refused_in_vietnamese(runner, small, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice on the path: the machine without LibreOffice
    docx = tmp_path / "bao-cao.docx"
    out = run(runner, "report", "draft", "--out", str(docx), "--pdf", code=1)
    assert out[-1] == "Lỗi: máy chủ chưa cài LibreOffice nên chưa làm được bản PDF; hãy tải bản DOCX"
    assert docx.exists()  # the DOCX is written all the same
    assert run(runner, "report", "draft", "--out", str(docx)) == [f"Đã ghi dự thảo báo cáo vào {docx}."]


def test_fill_command(runner, small, tmp_path):  # noqa: F811
    wb = Workbook()
    ws = wb.active
    ws.title = "Sở"
    ws.append(["Đơn vị", "XHH", "Ghi chú"])
    ws.append(["so noi vu", 5, "=1+1"])
    ws.append(["Sở Tài chính", None, None])
    path = tmp_path / "theirs.xlsx"
    wb.save(path)
    scores = {u.unit: u.survey for u in build_index(small.campaign).result.units}
    out = run(
        runner,
        "index",
        "fill",
        "--workbook",
        str(path),
        "--sheet",
        "Sở",
        "--unit-column",
        "A",
        "--column",
        "survey=B",
        code=1,
    )
    assert out[-1].startswith("Lỗi: 1 ô đã có dữ liệu (B2)")
    assert load_workbook(path)["Sở"]["B2"].value == 5  # refused: nothing saved
    out = run(
        runner,
        "index",
        "fill",
        "--workbook",
        str(path),
        "--sheet",
        "Sở",
        "--unit-column",
        "A",
        "--column",
        "survey=B",
        "--force",
    )
    assert out == [
        "dòng 1 không khớp đơn vị nào: 'Đơn vị'",
        "để trống Sở Tài chính: không đủ mẫu (0/3 phiếu hợp lệ)",  # no answer about it: under k
        f"Đã ghi 1 ô vào {path} (2 dòng khớp đơn vị).",
    ]
    ws = load_workbook(path)["Sở"]
    assert (ws["B2"].value, ws["B3"].value, ws["C2"].value) == (float(scores["SO-NV"]), None, "=1+1")


def _no_statistics(*args, **kwargs):
    raise AssertionError("the statistics ran on a page view")


def test_admin_import_preview_then_confirm(app, client, small, tmp_path, monkeypatch):  # noqa: F811
    users.create_user("admin@thu.example", PASSWORD, "admin")
    app.config["WTF_CSRF_ENABLED"] = False
    try:
        client.post("/admin/login", data={"email": "admin@thu.example", "password": PASSWORD})
        code = small.campaign.code
        db.session.rollback()
        with monkeypatch.context() as m:  # a page view must not read the answers for the statistics
            m.setattr(index_statistics, "response_answers", _no_statistics)
            m.setattr("analysis.statistics.bootstrap_survey_scores", _no_statistics)
            page = client.get(f"/admin/index/c/{code}/")
        assert page.status_code == 200 and "style-src 'self' 'unsafe-inline'" in page.headers["Content-Security-Policy"]
        assert "Chỉ số CCHC năm 2024" in page.get_data(as_text=True)
        assert "Chưa tính thống kê" in page.get_data(as_text=True)  # a page view never resamples
        assert db.session.scalar(sa.select(sa.func.count()).select_from(IndexStatistics)) == 0
        db.session.rollback()
        assert client.post(f"/admin/index/c/{code}/stats").status_code == 302
        stored = db.session.get(IndexStatistics, small.campaign.id)
        assert (stored.n_resamples, stored.responses) == (1000, 3)
        made = stored.computed_at
        db.session.rollback()
        with monkeypatch.context() as m:
            m.setattr(index_statistics, "response_answers", _no_statistics)
            page = client.get(f"/admin/index/c/{code}/").get_data(as_text=True)
        assert "Tính lúc" in page and "từ 3 phiếu hợp lệ" in page
        notes = {a["note"] for a in stored.payload["alphas"]} - {""}  # areas without an alpha say why, in words
        assert notes and all(ALPHA_NOTES[n] in page and n not in page for n in notes), notes
        assert db.session.get(IndexStatistics, small.campaign.id).computed_at == made  # not recomputed by the view
        db.session.rollback()
        path = _appraisal_file(tmp_path, small.campaign)
        db.session.rollback()
        with path.open("rb") as fh:
            preview = client.post(
                f"/admin/index/c/{code}/import", data={"kind": "appraisal", "file": (fh, "diem.xlsx")}
            )
        body = preview.get_data(as_text=True)
        assert preview.status_code == 200 and "16 dòng hợp lệ" in body
        assert count_points() == 0  # nothing written yet
        upload = re.search(r'name="upload" value="([^"]+)"', body).group(1)
        done = client.post(f"/admin/index/c/{code}/import/confirm", data={"kind": "appraisal", "upload": upload})
        assert done.status_code == 302
        assert count_points() == 16
        again = client.post(f"/admin/index/c/{code}/import/confirm", data={"kind": "appraisal", "upload": upload})
        assert again.status_code == 302  # the upload is used once
        for url, kind in (
            ("chi-so-cchc.xlsx", "spreadsheetml"),
            ("bao-cao.docx", "wordprocessingml"),
            ("bieu-do.html", "text/html"),
        ):
            r = client.get(f"/admin/index/c/{code}/{url}")
            assert r.status_code == 200 and kind in r.headers["Content-Type"]
        if documents.office_installed():
            r = client.get(f"/admin/index/c/{code}/bao-cao.pdf")
            assert r.status_code == 200 and r.mimetype == "application/pdf" and r.data.startswith(b"%PDF")
            assert "bao-cao.pdf" in client.get(f"/admin/index/c/{code}/").get_data(as_text=True)
        monkeypatch.setenv("PATH", str(tmp_path))  # a server without LibreOffice: no link, a message
        assert "bao-cao.pdf" not in client.get(f"/admin/index/c/{code}/").get_data(as_text=True)
        r = client.get(f"/admin/index/c/{code}/bao-cao.pdf", follow_redirects=True)
        assert "máy chủ chưa cài LibreOffice" in r.get_data(as_text=True)
    finally:
        app.config["WTF_CSRF_ENABLED"] = True


def test_statistics_are_an_explicit_step_stored_with_the_campaign(runner, small):  # noqa: F811
    out = run(runner, "index", "stats", "--resamples", "50", "--seed", "7")
    assert out[0].startswith("Đã tính thống kê từ 3 phiếu hợp lệ (50 lần lấy mẫu lại) lúc ")
    from survey_app.services.index import stored_statistics

    stats = stored_statistics(small.campaign)
    assert stats.responses == 3 and stats.bootstrap.n_resamples == 50 and stats.bootstrap.seed == 7
    assert {u.unit for u in stats.bootstrap.units} == {"SO-NV"}
    again = run(runner, "index", "stats", "--resamples", "50", "--seed", "7")
    assert len(again) == 1
    assert stored_statistics(small.campaign).bootstrap == stats.bootstrap  # same seed, same result, one row
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IndexStatistics)) == 1
