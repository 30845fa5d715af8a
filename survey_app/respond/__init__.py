"""Public, token-addressed questionnaire pages."""

from flask import Blueprint

bp = Blueprint("respond", __name__)


@bp.app_template_filter("vn_time")
def vn_time(value):
    """'17:00 ngày 20/12/2024', Vietnam time."""
    from ..timeutil import format_vn

    return format_vn(value)


@bp.app_template_global()
def anonymity_note(k: int) -> str:
    from .texts import ANONYMITY

    return ANONYMITY.format(k=k)


@bp.app_template_global()
def section_of(q, unit_code: str) -> int:
    return next((i for i, s in enumerate(q.sections) if s.unit.code == unit_code), 0)


@bp.app_template_global()
def unit_name(q, unit_code: str) -> str:
    return next((s.unit.name for s in q.sections if s.unit.code == unit_code), unit_code)


from . import routes  # noqa: E402,F401


@bp.app_template_filter("vn_number")
def vn_number(value, digits: int = 2) -> str:
    """17,75 and 1.574: Vietnamese separators."""
    from analysis.vntext import format_number

    return format_number(value, digits)
