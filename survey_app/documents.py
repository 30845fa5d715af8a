"""The documents Home Affairs downloads: the index workbook, the report draft, the charts, and the
appraisal form to fill in. Each is written from the index read model (`services.index.build_index`)
by the pure writers of `analysis/`; the words they carry come from the documents catalogue."""

from __future__ import annotations

from pathlib import Path
from typing import IO

from flask import current_app

from .errors import ServiceError
from .models import Campaign
from .services.index.imports import appraisal_max, units_of
from .services.index.read_model import IndexReadModel
from .services.progress import Progress, Ticker
from .texts import documents as words
from .timeutil import format_vn, now

Target = str | Path | IO[bytes]
# The writers (plotly, python-docx, openpyxl's write-only sheets) load when a document is made, not with the app.


def workbook(model: IndexReadModel, target: Target, progress: Progress | None = None) -> None:
    """Biểu 1, 2, 3, 4… per unit type, the survey detail, the information sheet. `progress`: phase
    index.workbook, three steps (the index sheets, the detail sheet, the file written)."""
    from analysis.workbook import (
        describe_missing,
        describe_rounding,
        describe_tie_break,
        detail_sheet,
        index_sheets,
        info_sheet,
        write_workbook,
    )

    pack, campaign, result = model.pack, model.campaign, model.result
    ticker = Ticker(progress, 3, "index.workbook")
    sheets = index_sheets(result, pack.year)
    ticker.step()
    labels = {q.code: {o.code: o.label for o in pack.scale_by_code[q.scale].options} for q in pack.questions}
    sheets.append(detail_sheet(model.detail, model.unit_names, model.group_names, model.area_names, labels))
    ticker.step()
    sheets.append(
        info_sheet(
            [
                (words.INFO["campaign"], f"{campaign.code}: {campaign.title}"),
                (words.INFO["pack"], pack.code),
                (words.INFO["sha256"], campaign.pack_sha256),
                (words.INFO["rounding"], describe_rounding(result.rules)),
                (words.INFO["tie_break"], describe_tie_break(pack.tie_break, model.area_names)),
                (words.INFO["k"], pack.anonymity_k),
                (words.INFO["missing"], describe_missing(result.missing, model.unit_names)),
                (words.INFO["last_band"], _last_band_note(model) or words.LAST_BAND_GIVEN),
                (words.INFO["made_at"], format_vn(now())),
            ]
        )
    )
    write_workbook(sheets, target)
    ticker.finish()


def _last_band_note(model: IndexReadModel) -> str:
    """Which units' last-year group was derived from their total, or '' when the file gave every group."""
    derived = model.derived_last_bands
    return words.LAST_BAND_DERIVED.format(count=len(derived), units=", ".join(derived)) if derived else ""


def report(model: IndexReadModel, target: Target) -> None:
    """The report draft (DOCX), every number from the read model; the heading block (province, agency,
    signer) from the settings, the number and the date left blank for the office to fill in."""
    from analysis.report import ReportInput, write_report

    q, settings = model.questionnaires, current_app.config
    note = _last_band_note(model)
    write_report(
        ReportInput(
            model.result,
            model.pack.year,
            words.REPORT_TITLE.format(year=model.pack.year),
            (q.issued, q.returned, q.valid),
            model.simulated,
            province=settings["PROVINCE"],
            agency=settings["AGENCY"],
            agency_code=settings["AGENCY_CODE"],
            signer_title=settings["REPORT_SIGNER_TITLE"],
            signer=settings["REPORT_SIGNER"],
            notes=(note,) if note else (),
        ),
        target,
    )


def report_pdf(docx: Path) -> Path:
    """The PDF copy of a written report beside it (same name, .pdf), made by LibreOffice. Refuses with
    `document.no_office` when LibreOffice is not installed, `document.pdf_failed` when it made no PDF."""
    from analysis.office import ConversionError, to_pdf

    try:
        pdf = to_pdf(docx, docx.parent)
    except ConversionError as exc:
        raise ServiceError("document.pdf_failed", name=docx.name, detail=str(exc)) from exc
    if pdf is None:
        raise ServiceError("document.no_office")
    return pdf


def office_installed() -> bool:
    from analysis.office import office_binary

    return office_binary() is not None


def figures(model: IndexReadModel) -> list:
    """The index's charts (plotly figures, for the index page and the offline HTML page)."""
    from analysis.charts import index_figures

    return index_figures(model.result, model.detail, model.area_names)


def charts_html(model: IndexReadModel) -> str:
    """The standalone offline HTML page of charts."""
    from analysis.charts import html_report

    title = words.CHARTS_TITLE.format(year=model.pack.year, title=model.campaign.title)
    return html_report(figures(model), title, words.SIMULATED if model.simulated else "")


def appraisal_form(campaign: Campaign, target: Target) -> int:
    """A workbook with one row per unit × area and the appraisal maximum, ready to fill in."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from analysis.cells import neutralise, neutralise_row

    pack = campaign.pack
    wb = Workbook()
    ws = wb.active
    ws.title = words.FORM_SHEET
    ws.append(neutralise_row(words.FORM_HEADER))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    order = [t.code for t in pack.unit_types]
    units = sorted(units_of(campaign).values(), key=lambda u: (order.index(u.unit_type), u.id))
    n = 0
    for u in units:
        maxima = appraisal_max(pack, u.unit_type)
        for a in pack.unit_type_by_code[u.unit_type].areas:
            # Codes and names come from imported files and the pack: openpyxl would write "=…" as a live formula.
            ws.append(neutralise_row([u.code, u.name, a.code, a.name, None, float(maxima[a.code]), None, None, None]))
            ws.cell(ws.max_row, 6).number_format = "0.00"
            n += 1
    for col, width in zip("ABCDEFGHI", (14, 40, 10, 50, 10, 14, 14, 14, 14), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "C2"
    help_ws = wb.create_sheet(words.FORM_HELP_SHEET)
    for line in words.FORM_HELP:
        help_ws.append([neutralise(line)])
    help_ws.append(
        [
            neutralise(
                words.FORM_SOURCE.format(code=campaign.code, pack=campaign.pack_code, sha=campaign.pack_sha256[:12])
            )
        ]
    )
    wb.save(target)
    return n
