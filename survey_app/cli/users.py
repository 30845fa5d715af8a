"""`flask users create|reset-password|token`: staff accounts for the pages and the API."""

from __future__ import annotations

import click

from ..models import Role
from ..services import users
from ..texts import fill
from ..texts.survey import STATUS
from . import texts
from .common import command, friendly, group

users_cli = group("users")


@command(users_cli, "create")
@click.argument("email")
@click.option(
    "--password",
    prompt=texts.USER_CREATE_PROMPT,
    hide_input=True,
    confirmation_prompt=True,
    help=texts.OPTION_HELP["password"],
)
@click.option(
    "--role", type=click.Choice([r.value for r in Role]), default=Role.ADMIN.value, help=texts.OPTION_HELP["role"]
)
@click.option("--unit", "unit_code", default=None, help=texts.OPTION_HELP["unit_code"])
@friendly
def users_create(email, password, role, unit_code):
    users.create_user(email, password, role, unit_code)
    unit = f" {unit_code}" if unit_code else ""
    click.echo(fill(texts.USER_CREATED, email=email, role=STATUS["role"][role], unit=unit))


@command(users_cli, "reset-password")
@click.argument("email")
@friendly
def users_reset(email):
    click.echo(fill(texts.NEW_PASSWORD, email=email, password=users.reset_password(email)))


@command(users_cli, "token")
@click.argument("email")
@friendly
def users_token(email):
    click.echo(users.issue_api_token(email))
