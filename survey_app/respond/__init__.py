"""Public, token-addressed questionnaire pages."""

from flask import Blueprint

bp = Blueprint("respond", __name__)

from . import problems, routes  # noqa: E402,F401  (problems: the questionnaire page's template globals)
