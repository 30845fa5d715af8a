"""`flask invitations issue|export-links|print`: the personal links themselves."""

from __future__ import annotations

import click

from ..services.survey import campaigns, invitations
from ..texts import fill
from . import texts
from .common import CAMPAIGN, OUT, command, friendly, group
from .progress import progress_bars

invitations_cli = group("invitations")


@command(invitations_cli, "issue")
@CAMPAIGN
@click.option("--unit", default=None, help=texts.OPTION_HELP["unit"])
@click.option("--reissue", "person", default=None, help=texts.OPTION_HELP["reissue"])
@friendly
def invitations_issue(code, unit, person):
    c = campaigns.get_campaign(code)
    if person:
        invitations.reissue_invitation(c, person)
        click.echo(fill(texts.REISSUED, person=person))
    else:
        with progress_bars("invitations.issue") as progress:
            r = invitations.issue_invitations(c, unit, progress=progress)
        click.echo(fill(texts.ISSUED, issued=r.issued, already=r.already))


@command(invitations_cli, "export-links")
@CAMPAIGN
@OUT
@friendly
def invitations_export(code, out):
    n = invitations.export_links(campaigns.get_campaign(code), out)
    click.echo(fill(texts.EXPORTED, count=n, out=out))


@command(invitations_cli, "print")
@CAMPAIGN
@click.option("--unit", required=True, help=texts.OPTION_HELP["unit"])
@OUT
@friendly
def invitations_print(code, unit, out):
    from bots.letters import print_letters  # the CLI is the one place outside bots/ that starts channel code

    n = print_letters(campaigns.get_campaign(code), unit, out)
    click.echo(fill(texts.PRINTED, count=n, out=out))
