"""`flask demo`: the simulated Sơn La 2024 campaign that `make run` loads into an empty database."""

from __future__ import annotations

import click

from ..services.survey.demo import load_demo
from ..texts import fill
from . import texts
from .common import friendly
from .progress import progress_bars


@click.command("demo", help=texts.COMMAND_HELP["demo"])
@click.option("--respondents", default=1574, show_default=True, help=texts.OPTION_HELP["respondents"])
@click.option("--answered", default=0.6, show_default=True, help=texts.OPTION_HELP["answered"])
@friendly
def demo(respondents, answered):
    with progress_bars("demo.answers") as progress:
        result = load_demo(respondents, answered, progress=progress)
    if result.refused:
        click.echo(texts.DEMO_REFUSED)
        return
    if result.loaded:
        click.echo(texts.DEMO_LOADED)
    click.echo(fill(texts.DEMO_ADMIN, email=result.admin_email, password=result.admin_password))
    click.echo(texts.DEMO_LINKS)
    for link in result.links:
        click.echo(f"  {link}")
