"""`flask units import`, `flask respondents import`: all-or-nothing imports of the roster."""

from __future__ import annotations

import click

from ..services.survey import campaigns, roster
from ..texts import fill
from . import texts
from .common import CAMPAIGN, FILE, command, friendly, group
from .progress import progress_bars

units_cli = group("units")
respondents_cli = group("respondents")


@command(units_cli, "import")
@FILE
@CAMPAIGN
@friendly
def units_import(path, code):
    with progress_bars("roster.write") as progress:
        r = roster.import_units(campaigns.get_campaign(code), path, progress=progress)
    click.echo(fill(texts.UNITS_IMPORTED, created=r.created, updated=r.updated, unchanged=r.unchanged))


@command(respondents_cli, "import")
@FILE
@CAMPAIGN
@friendly
def respondents_import(path, code):
    with progress_bars("roster.write") as progress:
        r = roster.import_respondents(campaigns.get_campaign(code), path, progress=progress)
    click.echo(fill(texts.RESPONDENTS_IMPORTED, created=r.created, updated=r.updated, unchanged=r.unchanged))
