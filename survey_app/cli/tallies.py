"""`flask tallies rebuild`: recompute every live counter from the stored rows."""

from __future__ import annotations

import click

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
