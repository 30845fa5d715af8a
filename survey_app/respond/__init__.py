"""Public, token-addressed questionnaire pages."""

from flask import Blueprint

bp = Blueprint("respond", __name__)

from . import routes  # noqa: E402,F401
