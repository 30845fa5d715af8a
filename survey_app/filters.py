"""Template filters and globals, registered app-wide in one place (every blueprint's templates use them)."""

from __future__ import annotations

from flask import Flask
from flask_login import current_user

from analysis.vntext import format_number

from . import texts
from .admin.texts import CLOSE_REASONS
from .models import Role
from .texts.delivery import CHANNEL, KIND, MESSAGE_STATUS
from .texts.survey import STATUS
from .timeutil import format_vn


def vn_time(value) -> str:
    """'17:00 ngày 20/12/2024', Vietnam time."""
    return format_vn(value)


def vn_number(value, digits: int = 2) -> str:
    """17,75 and 1.574: Vietnamese separators."""
    return format_number(value, digits)


def status_label(value: str, kind: str) -> str:
    """A status in words: `{{ c.status|status('campaign') }}` → 'đang mở'."""
    return STATUS[kind].get(str(value), str(value))


def is_admin() -> bool:
    return current_user.is_authenticated and current_user.role == Role.ADMIN


def section_of(q, unit_code: str) -> int:
    """The page of a questionnaire that shows this unit."""
    return next((i for i, s in enumerate(q.sections) if s.unit.code == unit_code), 0)


def unit_name(q, unit_code: str) -> str:
    return next((s.unit.name for s in q.sections if s.unit.code == unit_code), unit_code)


def init_app(app: Flask) -> None:
    app.add_template_filter(vn_time, "vn_time")
    app.add_template_filter(vn_number, "vn_number")
    app.add_template_filter(status_label, "status")
    app.add_template_filter(lambda code, **p: texts.say(code, **p), "say")
    app.add_template_filter(texts.say_row, "say_row")
    app.add_template_filter(texts.say_pack_issue, "say_pack_issue")
    app.add_template_global(is_admin)
    app.add_template_global(section_of)
    app.add_template_global(unit_name)
    app.add_template_global(texts.say, "say")
    app.add_template_global(texts.column_label, "column_label")
    app.add_template_global(lambda status: STATUS["sample"].get(status, "–"), "sample_label")
    app.jinja_env.globals.update(CHANNEL_NAMES=CHANNEL, MESSAGE_STATUS=MESSAGE_STATUS, MESSAGE_KIND=KIND)
    app.jinja_env.globals.update(CLOSE_REASONS=CLOSE_REASONS)  # the close page's reasons (admin catalogue)
