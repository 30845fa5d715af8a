"""The index pages: tables, statistics, charts, imports with a preview before committing, downloads."""

from __future__ import annotations

import io
import re
import secrets
import tempfile
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

from analysis.index_summary import disclosure_lines

from .. import documents
from ..auth import roles
from ..errors import NotFound, ServiceError
from ..models import Role
from ..reads import read_only
from ..security import CHART_CSP
from ..services.index import build_index, compute_statistics, imports, lastyear, stored_statistics
from ..services.survey import campaigns
from ..texts import COLUMNS, fill, say_error
from ..texts.documents import SOURCES
from ..timeutil import format_vn
from . import bp, texts

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
KINDS = {
    "appraisal": (imports.parse_appraisal, imports.import_appraisal),
    "satisfaction": (imports.parse_satisfaction, imports.import_satisfaction),
    "lastyear": (lastyear.parse_last_year, lastyear.import_last_year),
}
_UPLOAD = re.compile(r"^[A-Za-z0-9_-]{16,64}\.(csv|xlsx)$")


def _uploads() -> Path:
    folder = Path(current_app.instance_path) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@bp.get("/")
@roles(Role.ADMIN, Role.MONITOR)
@read_only
def home():
    """The newest campaign's index."""
    try:
        return redirect(url_for(".overview", code=campaigns.get_campaign().code))
    except NotFound as exc:
        flash(say_error(exc))
        return redirect(url_for("admin.index"))


@bp.get("/c/<code>/")
@roles(Role.ADMIN, Role.MONITOR)
@read_only
def overview(code: str):
    """Index tables per unit type, survey summary, stored statistics, charts, imports and downloads."""
    campaign = campaigns.get_campaign(code)
    model = build_index(campaign)
    charts = [(f.key, f.title, f.figure.to_json()) for f in documents.figures(model)]
    page = render_template(
        "index_admin/overview.html",
        campaign=campaign,
        model=model,
        result=model.result,
        missing=model.missing,
        sources=SOURCES,
        disclosure=[line for t in model.result.types for line in disclosure_lines(model.result, t.code)],
        office=documents.office_installed(),
        types=model.types,
        summaries={t: (ts, ss, areas) for t, (ts, ss, areas) in model.summaries.items()},
        charts=charts,
        kinds=texts.KINDS,
        stats=stored_statistics(campaign),
        alpha_notes=texts.ALPHA_NOTES,
    )
    resp = Response(page)
    # plotly.js adds <style> elements: allowed here, scripts still only from this site.
    resp.headers["Content-Security-Policy"] = CHART_CSP
    return resp


@bp.post("/c/<code>/stats")
@roles(Role.ADMIN)
def statistics(code: str):
    """Compute the resampling statistics now (they are stored and shown with their date)."""
    stats = compute_statistics(build_index(campaigns.get_campaign(code)))
    flash(fill(texts.STATS_DONE, responses=stats.responses, at=format_vn(stats.computed_at)))
    return redirect(url_for(".overview", code=code))


@bp.post("/c/<code>/import")
@roles(Role.ADMIN)
def upload(code: str):
    """Read the file and show what would be imported (nothing is written yet)."""
    campaign = campaigns.get_campaign(code)
    kind = request.form.get("kind", "")
    file = request.files.get("file")
    suffix = Path(file.filename or "").suffix.lower() if file else ""
    if kind not in KINDS or not file or suffix not in (".csv", ".xlsx"):
        flash(texts.CHOOSE_FILE)
        return redirect(url_for(".overview", code=code))
    name = secrets.token_urlsafe(24) + suffix
    path = _uploads() / name
    file.save(path)
    try:
        parsed = KINDS[kind][0](campaign, path)
    except ServiceError as exc:
        path.unlink(missing_ok=True)
        flash(say_error(exc))
        return redirect(url_for(".overview", code=code))
    if parsed.issues:
        path.unlink(missing_ok=True)
    return render_template(
        "index_admin/preview.html",
        campaign=campaign,
        kind=kind,
        title=texts.KINDS[kind],
        parsed=parsed,
        upload=name,
        labels=COLUMNS,
    )


@bp.post("/c/<code>/import/confirm")
@roles(Role.ADMIN)
def confirm(code: str):
    """Import the previewed file, all or nothing."""
    campaign = campaigns.get_campaign(code)
    kind, name = request.form.get("kind", ""), request.form.get("upload", "")
    path = _uploads() / name
    if kind not in KINDS or not _UPLOAD.match(name) or not path.is_file():
        flash(texts.PREVIEW_GONE)
        return redirect(url_for(".overview", code=code))
    try:
        result = KINDS[kind][1](campaign, path)
        flash(fill(texts.IMPORTED[result.kind], rows=result.rows, units=result.units))
    except ServiceError as exc:
        flash(say_error(exc))
    finally:
        path.unlink(missing_ok=True)
    return redirect(url_for(".overview", code=code))


def _download(data: bytes, name: str, mimetype: str):
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)


def _written(write, campaign_code: str) -> bytes:
    buf = io.BytesIO()
    write(build_index(campaigns.get_campaign(campaign_code)), buf)
    return buf.getvalue()


@bp.get("/c/<code>/chi-so-cchc.xlsx")
@roles(Role.ADMIN, Role.MONITOR)
@read_only
def workbook(code: str):
    """The index workbook."""
    year = campaigns.get_campaign(code).pack.year
    return _download(_written(documents.workbook, code), f"chi-so-cchc-{year}.xlsx", XLSX)


@bp.get("/c/<code>/bao-cao.docx")
@roles(Role.ADMIN, Role.MONITOR)
@read_only
def report(code: str):
    """The report draft."""
    year = campaigns.get_campaign(code).pack.year
    return _download(_written(documents.report, code), f"bao-cao-chi-so-cchc-{year}.docx", DOCX)


@bp.get("/c/<code>/bao-cao.pdf")
@roles(Role.ADMIN, Role.MONITOR)
@read_only
def report_pdf(code: str):
    """The report draft as PDF (LibreOffice on the server; the page says so when it is not installed)."""
    model = build_index(campaigns.get_campaign(code))
    with tempfile.TemporaryDirectory(prefix="bao-cao-") as folder:
        docx = Path(folder) / f"bao-cao-chi-so-cchc-{model.pack.year}.docx"
        documents.report(model, docx)
        try:
            data = documents.report_pdf(docx).read_bytes()
        except ServiceError as exc:
            flash(say_error(exc))
            return redirect(url_for(".overview", code=code))
    return _download(data, docx.with_suffix(".pdf").name, "application/pdf")


@bp.get("/c/<code>/bieu-do.html")
@roles(Role.ADMIN, Role.MONITOR)
@read_only
def charts(code: str):
    """The standalone chart report (works offline)."""
    html = documents.charts_html(build_index(campaigns.get_campaign(code)))
    return _download(html.encode("utf-8"), "bieu-do-chi-so-cchc.html", "text/html")


@bp.get("/c/<code>/mau-tham-dinh.xlsx")
@roles(Role.ADMIN)
@read_only
def template(code: str):
    """The appraisal form to fill in."""
    buf = io.BytesIO()
    documents.appraisal_form(campaigns.get_campaign(code), buf)
    return _download(buf.getvalue(), "mau-diem-tham-dinh.xlsx", XLSX)
