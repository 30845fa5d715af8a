"""`flask tallies rebuild`: recompute every live counter from the stored rows; `flask mixer`: release
waiting submissions into the results (issue 12)."""

from __future__ import annotations

import time

import click
from flask import current_app

from ..services.survey import campaigns, tallies
from ..texts import fill
from . import texts
from .common import CAMPAIGN, command, friendly, group

tallies_cli = group("tallies")


@command(tallies_cli, "rebuild")
@CAMPAIGN
@friendly
def tallies_rebuild(code):
    c = campaigns.get_campaign(code)
    tallies.rebuild_tallies(c)
    click.echo(fill(texts.TALLIES_REBUILT, code=c.code))


@click.command("mixer", help=texts.COMMAND_HELP["mixer"])
@click.option("--once", is_flag=True, help=texts.OPTION_HELP["once"])
@click.option("--flush", is_flag=True, help=texts.OPTION_HELP["flush"])
@CAMPAIGN
@friendly
def mixer(once, flush, code):
    """Release waiting submissions into responses and tallies (the worker does it too)."""
    from ..services.survey import mixing

    if flush:
        report = mixing.mix(campaigns.get_campaign(code), flush=True)
        click.echo(fill(texts.MIXED, released=report.released, waiting=report.waiting))
        return
    released = mixing.mix_all()
    while not once:
        time.sleep(current_app.config["WORKER_POLL_SECONDS"])
        released += mixing.mix_all()
    click.echo(fill(texts.MIXED_ALL, released=released))
