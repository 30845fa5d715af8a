"""The index pages: tables, statistics, charts, imports with a preview before committing, downloads."""

from __future__ import annotations

import io
import re
import secrets
from pathlib import Path

from flask import (
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)

from analysis.charts import index_figures
from analysis.index_summary import area_stats, survey_summary, type_summary

from ..auth import roles
from ..security import CHART_CSP
from ..services import appraisal, campaigns
from ..services import index as index_service
from ..services.errors import NotFound, ServiceError
from ..services.index_stats import campaign_statistics
from . import bp

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
KINDS = {
    "appraisal": ("Điểm thẩm định", appraisal.parse_appraisal, appraisal.import_appraisal),
    "satisfaction": ("Điểm hài lòng của người dân", appraisal.parse_satisfaction, appraisal.import_satisfaction),
    "lastyear": ("Kết quả năm trước", index_service.parse_last_year, index_service.import_last_year),
}
LABELS = {
    "unit_code": "Mã đơn vị",
    "area": "Lĩnh vực",
    "criterion": "Tiêu chí",
    "appraised": "Điểm thẩm định",
    "self_assessed": "Điểm tự đánh giá",
    "not_applicable": "Điểm không áp dụng",
    "percent": "Tỷ lệ hài lòng (%)",
    "points": "Điểm hài lòng",
    "old_code": "Mã năm trước",
    "new_code": "Mã năm nay",
    "name": "Tên đơn vị",
    "total": "Tổng điểm",
    "rank": "Xếp hạng",
    "band": "Nhóm",
}
_UPLOAD = re.compile(r"^[A-Za-z0-9_-]{16,64}\.(csv|xlsx)$")


def _uploads() -> Path:
    folder = Path(current_app.instance_path) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@bp.get("/")
@roles("admin", "monitor")
def home():
    """The newest campaign's index."""
    try:
        return redirect(url_for(".overview", code=campaigns.get_campaign().code))
    except NotFound:
        flash("Chưa có đợt khảo sát nào.")
        return redirect(url_for("admin.index"))


@bp.get("/c/<code>/")
@roles("admin", "monitor")
def overview(code: str):
    """Index tables per unit type, survey summary, statistics, charts, imports and downloads."""
    campaign = campaigns.get_campaign(code)
    result = index_service.compute_campaign_index(campaign)
    types = [t for t in result.types if result.of_type(t.code)]
    summaries = {
        t.code: (type_summary(result, t.code), survey_summary(result, t.code), area_stats(result, t.code))
        for t in types
    }
    _, _, area_names = index_service._names(campaign)
    figures = index_figures(result, index_service.detail_rows(campaign), area_names)
    charts = [(f.key, f.title, f.figure.to_json()) for f in figures]
    missing: dict[str, list[str]] = {}
    for entry in result.missing:  # "UNIT: source"
        unit, _, source = entry.partition(": ")
        missing.setdefault(source, []).append(unit)
    page = render_template(
        "index_admin/overview.html",
        campaign=campaign,
        result=result,
        missing=missing,
        types=types,
        summaries=summaries,
        charts=charts,
        kinds=KINDS,
        stats=campaign_statistics(campaign, result=result),
    )
    resp = Response(page)
    # plotly.js adds <style> elements: allowed here, scripts still only from this site.
    resp.headers["Content-Security-Policy"] = CHART_CSP
    return resp


@bp.post("/c/<code>/import")
@roles("admin")
def upload(code: str):
    """Read the file and show what would be imported (nothing is written yet)."""
    campaign = campaigns.get_campaign(code)
    kind = request.form.get("kind", "")
    file = request.files.get("file")
    suffix = Path(file.filename or "").suffix.lower() if file else ""
    if kind not in KINDS or not file or suffix not in (".csv", ".xlsx"):
        flash("Chọn loại số liệu và một tệp .csv hoặc .xlsx.")
        return redirect(url_for(".overview", code=code))
    name = secrets.token_urlsafe(24) + suffix
    path = _uploads() / name
    file.save(path)
    try:
        parsed = KINDS[kind][1](campaign, path)
    except ServiceError as exc:
        path.unlink(missing_ok=True)
        flash(str(exc))
        return redirect(url_for(".overview", code=code))
    if parsed.issues:
        path.unlink(missing_ok=True)
    return render_template(
        "index_admin/preview.html",
        campaign=campaign,
        kind=kind,
        title=KINDS[kind][0],
        parsed=parsed,
        upload=name,
        labels=LABELS,
    )


@bp.post("/c/<code>/import/confirm")
@roles("admin")
def confirm(code: str):
    """Import the previewed file, all or nothing."""
    campaign = campaigns.get_campaign(code)
    kind, name = request.form.get("kind", ""), request.form.get("upload", "")
    path = _uploads() / name
    if kind not in KINDS or not _UPLOAD.match(name) or not path.is_file():
        flash("Tệp đã xem trước không còn; hãy tải lên lại.")
        return redirect(url_for(".overview", code=code))
    try:
        flash(KINDS[kind][2](campaign, path))
    except ServiceError as exc:
        flash(str(exc))
    finally:
        path.unlink(missing_ok=True)
    return redirect(url_for(".overview", code=code))


def _download(data: bytes, name: str, mimetype: str):
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)


@bp.get("/c/<code>/chi-so-cchc.xlsx")
@roles("admin", "monitor")
def workbook(code: str):
    """The index workbook."""
    campaign = campaigns.get_campaign(code)
    buf = io.BytesIO()
    index_service.export_workbook(campaign, buf)
    return _download(buf.getvalue(), f"chi-so-cchc-{campaign.pack.year}.xlsx", XLSX)


@bp.get("/c/<code>/bao-cao.docx")
@roles("admin", "monitor")
def report(code: str):
    """The report draft."""
    campaign = campaigns.get_campaign(code)
    buf = io.BytesIO()
    index_service.write_report_draft(campaign, buf)
    return _download(buf.getvalue(), f"bao-cao-chi-so-cchc-{campaign.pack.year}.docx", DOCX)


@bp.get("/c/<code>/bieu-do.html")
@roles("admin", "monitor")
def charts(code: str):
    """The standalone chart report (works offline)."""
    html = index_service.charts_html(campaigns.get_campaign(code))
    return _download(html.encode("utf-8"), "bieu-do-chi-so-cchc.html", "text/html")


@bp.get("/c/<code>/mau-tham-dinh.xlsx")
@roles("admin")
def template(code: str):
    """The appraisal template to fill in."""
    buf = io.BytesIO()
    appraisal.write_appraisal_template(campaigns.get_campaign(code), buf)
    return _download(buf.getvalue(), "mau-diem-tham-dinh.xlsx", XLSX)
