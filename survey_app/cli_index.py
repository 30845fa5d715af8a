"""`flask appraisal|satisfaction|lastyear|index|report ...`: thin wrappers over the index services."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from analysis.fill import UnitValues, fill_workbook

from .cli import CAMPAIGN, friendly
from .services import appraisal, campaigns
from .services import index as index_service

appraisal_cli = AppGroup("appraisal", help="Appraisal points (self-assessed and appraised).")
satisfaction_cli = AppGroup("satisfaction", help="Citizens' satisfaction points.")
lastyear_cli = AppGroup("lastyear", help="Last year's results, for the comparison.")
index_cli = AppGroup("index", help="The PAR index: workbook, charts, filling an existing workbook.")
report_cli = AppGroup("report", help="The report draft (DOCX).")
GROUPS = (appraisal_cli, satisfaction_cli, lastyear_cli, index_cli, report_cli)
OUT = click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True))
FILE = click.argument("path", type=click.Path(exists=True, dir_okay=False))


@appraisal_cli.command("template")
@CAMPAIGN
@OUT
@friendly
def appraisal_template(code, out):
    """Write a workbook with the campaign's units and areas (and the appraisal maxima) to fill in."""
    n = appraisal.write_appraisal_template(campaigns.get_campaign(code), out)
    click.echo(f"{n} dòng (đơn vị × lĩnh vực) đã ghi vào {out}")


@appraisal_cli.command("import")
@FILE
@CAMPAIGN
@friendly
def appraisal_import(path, code):
    """Import appraisal points from CSV/XLSX; any bad row and nothing is written."""
    click.echo(appraisal.import_appraisal(campaigns.get_campaign(code), path))


@satisfaction_cli.command("import")
@FILE
@CAMPAIGN
@friendly
def satisfaction_import(path, code):
    """Import citizens' satisfaction (points, or a percentage turned into points by the pack's rule)."""
    click.echo(appraisal.import_satisfaction(campaigns.get_campaign(code), path))


@lastyear_cli.command("import")
@FILE
@CAMPAIGN
@friendly
def lastyear_import(path, code):
    """Import last year's results (code, total, rank, group; 'Mã năm nay' for renamed or merged units)."""
    click.echo(index_service.import_last_year(campaigns.get_campaign(code), path))


@index_cli.command("export")
@CAMPAIGN
@OUT
@friendly
def index_export(code, out):
    """Write the index workbook (Biểu 1, 2, 3, 4… per unit type, survey detail, information)."""
    result = index_service.export_workbook(campaigns.get_campaign(code), out)
    click.echo(f"{len(result.units)} đơn vị; bảng chỉ số đã ghi vào {out}")
    for m in result.missing:
        click.echo(f"cảnh báo: chưa có điểm {m}")


@index_cli.command("fill")
@CAMPAIGN
@click.option("--workbook", "workbook", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--sheet", required=True)
@click.option("--unit-column", required=True, help="Column letter holding unit codes or names, e.g. C.")
@click.option(
    "--column",
    "columns",
    multiple=True,
    required=True,
    help="FIELD=LETTER, e.g. survey=H; fields: survey, appraisal, satisfaction, total, rank, LV1…",
)
@click.option("--out", default=None, type=click.Path(dir_okay=False), help="Default: overwrite --workbook.")
@click.option("--force", is_flag=True, help="Overwrite cells that already hold something.")
@friendly
def index_fill(code, workbook, sheet, unit_column, columns, out, force):
    """Write survey points (or other index values) into an existing workbook, leaving the rest as it was."""
    pairs = {}
    for item in columns:
        name, sep, letter = item.partition("=")
        if not sep:
            raise click.BadParameter(f"{item!r}: write FIELD=LETTER, e.g. survey=H", param_hint="--column")
        pairs[name.strip()] = letter.strip()
    result = index_service.compute_campaign_index(campaigns.get_campaign(code))
    units = [
        UnitValues(
            u.unit,
            u.name,
            {
                "survey": u.survey,
                "appraisal": u.appraisal,
                "satisfaction": u.satisfaction,
                "total": u.total,
                "rank": u.rank,
                **{f"survey_{a}": r.survey for a, r in u.areas.items()},
                **{a: r.points for a, r in u.areas.items()},
            },
        )
        for u in result.units
    ]
    report = fill_workbook(workbook, out or workbook, sheet, unit_column, pairs, units, force=force)
    for row in report.unmatched_rows:
        click.echo(f"dòng {row.row} không khớp đơn vị nào: {row.text!r}")
    for unit in report.missing_units:
        click.echo(f"không tìm thấy dòng của đơn vị {unit}")
    if not report.ok:
        raise click.ClickException(
            f"{len(report.refused)} ô đã có dữ liệu ({', '.join(report.refused[:10])}); "
            "không ghi gì. Dùng --force để ghi đè."
        )
    click.echo(f"{len(report.written)} ô đã ghi vào {out or workbook} ({len(report.matched)} dòng khớp đơn vị)")


@index_cli.command("charts")
@CAMPAIGN
@OUT
@friendly
def index_charts(code, out):
    """Write the charts as one HTML file that works offline."""
    Path(out).write_text(index_service.charts_html(campaigns.get_campaign(code)), encoding="utf-8")
    click.echo(f"biểu đồ đã ghi vào {out}")


@report_cli.command("draft")
@CAMPAIGN
@OUT
@friendly
def report_draft(code, out):
    """Write the report draft in Vietnamese (DOCX), numbers from the computed tables."""
    index_service.write_report_draft(campaigns.get_campaign(code), out)
    click.echo(f"dự thảo báo cáo đã ghi vào {out}")
