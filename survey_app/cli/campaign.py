"""`flask pack check`, `flask campaign create|open|close|status`, `flask responses exclude|restore` (one id, or a
file of ids in one transaction)."""

from __future__ import annotations

from dataclasses import asdict

import click

from ..packs import load_pack
from ..services import monitoring
from ..services.survey import campaigns, closing, review
from ..texts import fill, percent, plain_number, say_pack_issue
from ..texts.survey import STATUS
from ..timeutil import format_vn
from . import texts
from .common import CAMPAIGN, command, friendly, group, local_time
from .progress import progress_bars

pack_cli = group("pack")
campaign_cli = group("campaign")
responses_cli = group("responses")


@command(pack_cli, "check")
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@friendly
def pack_check(directory):
    loaded = load_pack(directory)
    for w in loaded.warnings:
        click.echo(fill(texts.PACK_WARNING, issue=say_pack_issue(w)))
    p = loaded.pack
    for t in p.unit_types:
        n = sum(1 for q in p.questions if q.unit_type == t.code)
        click.echo(fill(texts.PACK_TYPE, code=t.code, questions=n, points=plain_number(t.survey_points)))
    click.echo(fill(texts.PACK_OK, code=p.code, sha=loaded.sha256))


@command(campaign_cli, "create")
@click.option("--pack", "pack_dir", required=True, type=click.Path(exists=True, file_okay=False))
@click.option("--code", required=True)
@click.option("--opens", required=True, callback=local_time, help=texts.OPTION_HELP["date"])
@click.option("--closes", required=True, callback=local_time, help=texts.OPTION_HELP["date"])
@click.option("--title", default=None)
@friendly
def campaign_create(pack_dir, code, opens, closes, title):
    c = campaigns.create_campaign(pack_dir, code, opens, closes, title)
    click.echo(fill(texts.CREATED, code=c.code, pack=c.pack_code, sha=c.pack_sha256[:12]))


@command(campaign_cli, "open")
@CAMPAIGN
@friendly
def campaign_open(code):
    c = campaigns.open_campaign(code)
    click.echo(fill(texts.OPENED, code=c.code, closes=format_vn(c.closes_at)))


@command(campaign_cli, "close")
@CAMPAIGN
@friendly
def campaign_close(code):
    with progress_bars("close.check") as progress:
        report = closing.close_and_validate(code, progress=progress)
    click.echo(fill(texts.CLOSED, code=campaigns.get_campaign(code).code, **asdict(report)))


@command(campaign_cli, "status")
@CAMPAIGN
@friendly
def campaign_status(code):
    c = campaigns.get_campaign(code)
    status = STATUS["campaign"][c.status]
    click.echo(
        fill(
            texts.STATUS_HEAD,
            code=c.code,
            title=c.title,
            status=status,
            opens=format_vn(c.opens_at),
            closes=format_vn(c.closes_at),
        )
    )
    pack, ov = c.pack, monitoring.overview(c)
    for utype, v in sorted(ov.by_type.items()):
        name = pack.unit_type_by_code[utype].name if utype in pack.unit_type_by_code else utype
        click.echo(
            fill(
                texts.STATUS_TYPE,
                name=name,
                **{k: v[k] for k in ("invited", "opened", "started", "submitted")},
                rate=percent(v["rate"]),
            )
        )
    below = [
        cell
        for cell in sorted(monitoring.cells(c), key=lambda cell: (cell.unit_code, cell.group_code))
        if cell.status in ("at_risk", "not_met")
    ]
    click.echo(fill(texts.STATUS_BELOW, count=len(below)))
    for cell in below:
        click.echo(
            fill(texts.STATUS_CELL, unit=cell.unit_code, group=cell.group_code, valid=cell.valid, minimum=cell.minimum)
        )
    click.echo(fill(texts.STATUS_TOTAL, invited=ov.invited, submitted=ov.submitted, valid=ov.valid))


@command(responses_cli, "exclude")
@click.argument("response_id", required=False)
@click.option("--reason", required=True, help=texts.OPTION_HELP["reason"])
@click.option("--from-file", "ids_file", type=click.File(encoding="utf-8"), help=texts.OPTION_HELP["ids_file"])
@CAMPAIGN
@friendly
def responses_exclude(response_id, reason, ids_file, code):
    if ids_file is None:
        review.exclude_response(_one(response_id), reason)
        click.echo(fill(texts.EXCLUDED, response=response_id))
        return
    done = review.exclude_responses(campaigns.get_campaign(code), reason, ids=_ids(response_id, ids_file))
    click.echo(fill(texts.EXCLUDED_MANY, count=done.count))


@command(responses_cli, "restore")
@click.argument("response_id", required=False)
@click.option("--reason", default="", help=texts.OPTION_HELP["restore_reason"])
@click.option("--from-file", "ids_file", type=click.File(encoding="utf-8"), help=texts.OPTION_HELP["ids_file"])
@CAMPAIGN
@friendly
def responses_restore(response_id, reason, ids_file, code):
    if ids_file is None:
        review.restore_response(_one(response_id))
        click.echo(fill(texts.RESTORED, response=response_id))
        return
    done = review.restore_responses(campaigns.get_campaign(code), reason, ids=_ids(response_id, ids_file))
    click.echo(fill(texts.RESTORED_MANY, count=done.count))


def _one(response_id: str | None) -> str:
    if not response_id:
        raise click.UsageError(texts.ONE_ID_OR_FILE)
    return response_id


def _ids(response_id: str | None, ids_file) -> list[str]:
    """One id per line (as the review page shows them in full, or from an export); blank lines and # notes skipped."""
    if response_id:
        raise click.UsageError(texts.ONE_ID_OR_FILE)
    return [line.strip() for line in ids_file if line.strip() and not line.lstrip().startswith("#")]
