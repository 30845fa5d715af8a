"""`flask ...` commands: thin wrappers over the services; errors are printed, not raised."""

from __future__ import annotations

import functools

import click
from flask import Flask
from flask.cli import AppGroup

from .packs import PackError, load_pack
from .services import campaigns, invitations, roster, tallies
from .services.errors import ServiceError
from .services.monitoring import status_lines
from .timeutil import format_vn, parse_local

campaign_cli = AppGroup("campaign", help="Create, open, close campaigns and show their status.")
units_cli = AppGroup("units", help="Import the units of a campaign.")
respondents_cli = AppGroup("respondents", help="Import the respondents of a campaign.")
invitations_cli = AppGroup("invitations", help="Issue personal links and export them.")
tallies_cli = AppGroup("tallies", help="Live counters.")
pack_cli = AppGroup("pack", help="Questionnaire packs.")
users_cli = AppGroup("users", help="Staff accounts.")
responses_cli = AppGroup("responses", help="Review of submitted responses.")


def friendly(fn):
    """Print a service's refusal (every listed problem) and exit 1 instead of a traceback."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (ServiceError, PackError, ValueError) as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper


def _date(_ctx, _param, value):
    try:
        return parse_local(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


CAMPAIGN = click.option("--campaign", "code", default=None, help="Campaign code (default: the newest).")


@pack_cli.command("check")
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@friendly
def pack_check(directory):
    """Validate a pack directory and list warnings."""
    loaded = load_pack(directory)
    for w in loaded.warnings:
        click.echo(f"warning: {w}")
    p = loaded.pack
    for t in p.unit_types:
        n = sum(1 for q in p.questions if q.unit_type == t.code)
        click.echo(f"{t.code}: {n} questions, {t.survey_points} survey points")
    click.echo(f"ok: {p.code} sha256 {loaded.sha256}")


@campaign_cli.command("create")
@click.option("--pack", "pack_dir", required=True, type=click.Path(exists=True, file_okay=False))
@click.option("--code", required=True)
@click.option("--opens", required=True, callback=_date, help="YYYY-MM-DD [HH:MM], Vietnam time")
@click.option("--closes", required=True, callback=_date, help="YYYY-MM-DD [HH:MM], Vietnam time")
@click.option("--title", default=None)
@friendly
def campaign_create(pack_dir, code, opens, closes, title):
    """Create a campaign from a questionnaire pack (the pack's content is kept with it)."""
    c = campaigns.create_campaign(pack_dir, code, opens, closes, title)
    click.echo(f"campaign {c.code} created from {c.pack_code} (sha256 {c.pack_sha256[:12]}), status draft")


@campaign_cli.command("open")
@CAMPAIGN
@friendly
def campaign_open(code):
    """Accept answers (between the opening and closing times)."""
    c = campaigns.open_campaign(code)
    click.echo(f"campaign {c.code} is open until {format_vn(c.closes_at)}")


@campaign_cli.command("close")
@CAMPAIGN
@friendly
def campaign_close(code):
    """Stop accepting answers, then check every response (validity rules and review warnings)."""
    from .services.validation import close_and_validate

    report = close_and_validate(code)
    click.echo(f"campaign {campaigns.get_campaign(code).code} is closed; {report}")


@campaign_cli.command("status")
@CAMPAIGN
@friendly
def campaign_status(code):
    """Invitation funnel per unit type and the campaign window."""
    c = campaigns.get_campaign(code)
    click.echo(f"{c.code}: {c.title} [{c.status}] {format_vn(c.opens_at)} → {format_vn(c.closes_at)}")
    for line in status_lines(c):
        click.echo(line)


@units_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@CAMPAIGN
@friendly
def units_import(path, code):
    """Create or update units by code from CSV/XLSX (code, name, unit_type). All or nothing."""
    click.echo(roster.import_units(campaigns.get_campaign(code), path))


@respondents_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@CAMPAIGN
@friendly
def respondents_import(path, code):
    """Create or update respondents from CSV/XLSX (see README for columns). All or nothing."""
    click.echo(roster.import_respondents(campaigns.get_campaign(code), path))


@invitations_cli.command("issue")
@CAMPAIGN
@click.option("--unit", default=None, help="Only respondents of this unit code.")
@click.option(
    "--reissue", "person", default=None, help="Revoke this person's link (email or phone) and issue a new one."
)
@friendly
def invitations_issue(code, unit, person):
    """Give every respondent one personal link (existing links are kept)."""
    c = campaigns.get_campaign(code)
    if person:
        invitations.reissue_invitation(c, person)
        click.echo(f"new link issued for {person}; the old one now answers 410")
    else:
        click.echo(invitations.issue_invitations(c, unit))


@invitations_cli.command("export-links")
@CAMPAIGN
@click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True))
@friendly
def invitations_export(code, out):
    """Write every live link to a CSV file. Anyone holding the file can answer: keep it safe."""
    n = invitations.export_links(campaigns.get_campaign(code), out)
    click.echo(f"{n} links written to {out}. This file is sensitive: anyone with it can answer in others' names.")


@tallies_cli.command("rebuild")
@CAMPAIGN
@friendly
def tallies_rebuild(code):
    """Recompute every counter from the stored answers and invitations."""
    c = campaigns.get_campaign(code)
    tallies.rebuild_tallies(c)
    click.echo(f"tallies of {c.code} rebuilt")


@users_cli.command("create")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--role", type=click.Choice(["admin", "monitor", "unit"]), default="admin")
@click.option("--unit", "unit_code", default=None, help="Unit code of a focal point (role unit).")
@friendly
def users_create(email, password, role, unit_code):
    """Create a staff account: admin (everything), monitor (reads), unit (its own unit only)."""
    from .services.users import create_user

    create_user(email, password, role, unit_code)
    click.echo(f"user {email} created ({role}{' ' + unit_code if unit_code else ''})")


@users_cli.command("reset-password")
@click.argument("email")
@friendly
def users_reset(email):
    """Give a user a new random password (printed once) and unlock the account."""
    from .services.users import reset_password

    click.echo(f"new password for {email}: {reset_password(email)}")


@users_cli.command("token")
@click.argument("email")
@friendly
def users_token(email):
    """Issue an API token (Authorization: Bearer ...) with the user's role; the old one stops working."""
    from .services.users import issue_api_token

    click.echo(issue_api_token(email))


@responses_cli.command("exclude")
@click.argument("response_id")
@click.option("--reason", required=True)
@friendly
def responses_exclude(response_id, reason):
    """Leave a response out of the results, with a reason (logged; undo with `restore`)."""
    from .services.validation import exclude_response

    exclude_response(response_id, reason)
    click.echo(f"response {response_id} excluded")


@responses_cli.command("restore")
@click.argument("response_id")
@friendly
def responses_restore(response_id):
    """Count an excluded response again."""
    from .services.validation import restore_response

    restore_response(response_id)
    click.echo(f"response {response_id} restored")


@click.command("demo")
@click.option("--respondents", default=1574, show_default=True)
@click.option("--answered", default=0.6, show_default=True, help="Share of respondents who already submitted.")
@friendly
def demo(respondents, answered):
    """Load the simulated Sơn La 2024 campaign into an empty database and print how to use it."""
    from .services.demo import load_demo

    for line in load_demo(respondents, answered):
        click.echo(line)


def init_app(app: Flask) -> None:
    for group in (
        campaign_cli,
        units_cli,
        respondents_cli,
        invitations_cli,
        tallies_cli,
        pack_cli,
        users_cli,
        responses_cli,
    ):
        app.cli.add_command(group)
    app.cli.add_command(demo)
    from . import cli_delivery  # delivery: worker, bot, invitations send|remind|print|failures

    cli_delivery.init_app(app)
