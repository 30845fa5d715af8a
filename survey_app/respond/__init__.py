"""Public, token-addressed questionnaire pages."""

from flask import Blueprint

bp = Blueprint("respond", __name__)

from . import pages, problems, routes  # noqa: E402,F401  (pages, problems: the page's template globals)
