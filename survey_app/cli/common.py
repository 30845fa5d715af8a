"""What every command shares: refusals printed in Vietnamese instead of tracebacks, the campaign
option, dates in Vietnam time, help texts from the catalogue."""

from __future__ import annotations

import functools

import click
from flask.cli import AppGroup

from ..errors import ServiceError
from ..texts import fill, say_error
from ..timeutil import parse_local
from . import texts


def friendly(fn):
    """Print a service's refusal (every listed problem, in Vietnamese) and exit 1 instead of a traceback."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ServiceError as exc:
            raise click.ClickException(say_error(exc)) from exc

    return wrapper


def group(name: str) -> AppGroup:
    return AppGroup(name, help=texts.GROUP_HELP[name])


def command(parent, name: str, full: str | None = None):
    """`parent.command(name)` with the help text of the catalogue (key: 'group name' or the name)."""
    return parent.command(name, help=texts.COMMAND_HELP[full or f"{parent.name} {name}"])


def local_time(_ctx, param, value):
    """--opens / --closes in Vietnam time; a bare date opens at 00:00 and closes at 23:59."""
    if value is None:
        return None
    try:
        return parse_local(value, closing=param.name == "closes")
    except ValueError:
        raise click.BadParameter(fill(texts.BAD_DATE, value=value)) from None


CAMPAIGN = click.option("--campaign", "code", default=None, help=texts.OPTION_HELP["campaign"])
OUT = click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True))
FILE = click.argument("path", type=click.Path(exists=True, dir_okay=False))
