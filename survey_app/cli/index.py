"""`flask appraisal|satisfaction|lastyear|index|report …`: thin wrappers over the index wing."""

from __future__ import annotations

from pathlib import Path

import click

from analysis.index_summary import disclosure_lines

from .. import documents
from ..services.index import build_index, compute_statistics, imports, lastyear
from ..services.survey import campaigns
from ..texts import fill, say
from ..texts.documents import SOURCES
from ..timeutil import format_vn
from . import texts
from .common import CAMPAIGN, FILE, OUT, command, friendly, group
from .progress import progress_bars

appraisal_cli = group("appraisal")
satisfaction_cli = group("satisfaction")
lastyear_cli = group("lastyear")
index_cli = group("index")
report_cli = group("report")


def _imported(result) -> None:
    click.echo(fill(texts.IMPORTED[result.kind], rows=result.rows, units=result.units))


@command(appraisal_cli, "template")
@CAMPAIGN
@OUT
@friendly
def appraisal_template(code, out):
    n = documents.appraisal_form(campaigns.get_campaign(code), out)
    click.echo(fill(texts.FORM_WRITTEN, count=n, out=out))


@command(appraisal_cli, "import")
@FILE
@CAMPAIGN
@friendly
def appraisal_import(path, code):
    _imported(imports.import_appraisal(campaigns.get_campaign(code), path))


@command(satisfaction_cli, "import")
@FILE
@CAMPAIGN
@friendly
def satisfaction_import(path, code):
    _imported(imports.import_satisfaction(campaigns.get_campaign(code), path))


@command(lastyear_cli, "import")
@FILE
@CAMPAIGN
@friendly
def lastyear_import(path, code):
    _imported(lastyear.import_last_year(campaigns.get_campaign(code), path))


@command(index_cli, "export")
@CAMPAIGN
@OUT
@friendly
def index_export(code, out):
    with progress_bars("index.build") as progress:
        model = build_index(campaigns.get_campaign(code), progress)
        documents.workbook(model, out, progress)
    click.echo(fill(texts.INDEX_WRITTEN, count=len(model.result.units), out=out))
    for source, units in model.missing.items():
        click.echo(fill(texts.MISSING, source=SOURCES.get(source, source), units=", ".join(units)))
    for t in model.result.types:
        for line in disclosure_lines(model.result, t.code):
            click.echo(line)


@command(index_cli, "fill")
@CAMPAIGN
@click.option(
    "--workbook",
    "workbook",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help=texts.OPTION_HELP["workbook"],
)
@click.option("--sheet", required=True, help=texts.OPTION_HELP["sheet"])
@click.option("--unit-column", required=True, help=texts.OPTION_HELP["unit_column"])
@click.option("--column", "columns", multiple=True, required=True, help=texts.OPTION_HELP["column"])
@click.option("--out", default=None, type=click.Path(dir_okay=False), help=texts.OPTION_HELP["out_fill"])
@click.option("--force", is_flag=True, help=texts.OPTION_HELP["force"])
@friendly
def index_fill(code, workbook, sheet, unit_column, columns, out, force):
    from analysis.fill import FillError, UnitValues, fill_workbook  # openpyxl (and numpy) only for this command

    pairs = {}
    for item in columns:
        name, sep, letter = item.partition("=")
        if not sep:
            raise click.BadParameter(fill(texts.BAD_COLUMN, item=item), param_hint="--column")
        pairs[name.strip()] = letter.strip()
    with progress_bars("index.build") as progress:
        result = build_index(campaigns.get_campaign(code), progress).result
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
    units += [UnitValues(w.unit, w.name, dict.fromkeys(pairs)) for w in result.withheld]  # matched, left empty
    try:
        report = fill_workbook(workbook, out or workbook, sheet, unit_column, pairs, units, force=force)
    except FillError as exc:
        raise click.ClickException(say(f"fill.{exc.code}", **exc.params)) from exc
    for row in report.unmatched_rows:
        click.echo(fill(texts.UNMATCHED, row=row.row, text=row.text))
    for unit in report.missing_units:
        click.echo(fill(texts.NOT_FOUND_ROW, unit=unit))
    if not report.ok:
        raise click.ClickException(
            fill(texts.FILL_REFUSED, count=len(report.refused), cells=", ".join(report.refused[:10]))
        )
    for w in result.withheld:
        click.echo(fill(texts.FILL_WITHHELD, unit=w.name, responses=w.responses, k=w.k))
    click.echo(fill(texts.FILLED, count=len(report.written), out=out or workbook, matched=len(report.matched)))


@command(index_cli, "charts")
@CAMPAIGN
@OUT
@friendly
def index_charts(code, out):
    with progress_bars("index.build") as progress:
        model = build_index(campaigns.get_campaign(code), progress)
    Path(out).write_text(documents.charts_html(model), encoding="utf-8")
    click.echo(fill(texts.CHARTS_WRITTEN, out=out))


@command(index_cli, "stats")
@CAMPAIGN
@click.option(
    "--resamples", default=1000, show_default=True, type=click.IntRange(min=10), help=texts.OPTION_HELP["resamples"]
)
@click.option("--seed", default=2024, show_default=True, help=texts.OPTION_HELP["seed"])
@friendly
def index_stats(code, resamples, seed):
    with progress_bars("index.statistics") as progress:
        stats = compute_statistics(build_index(campaigns.get_campaign(code), progress), resamples, seed, progress)
    click.echo(fill(texts.STATS_DONE, responses=stats.responses, resamples=resamples, at=format_vn(stats.computed_at)))


@command(report_cli, "draft")
@CAMPAIGN
@OUT
@click.option("--pdf/--no-pdf", default=None, help=texts.OPTION_HELP["pdf"])
@friendly
def report_draft(code, out, pdf):
    with progress_bars("index.build") as progress:
        model = build_index(campaigns.get_campaign(code), progress)
    documents.report(model, out)
    click.echo(fill(texts.REPORT_WRITTEN, out=out))
    if pdf is None:  # a PDF copy when LibreOffice is there, quietly none when not
        pdf = documents.office_installed()
    if pdf:
        click.echo(fill(texts.PDF_WRITTEN, out=documents.report_pdf(Path(out))))
