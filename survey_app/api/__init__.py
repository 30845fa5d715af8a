"""Versioned JSON API (/api/v1) with its OpenAPI document."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from . import monitoring, respondent, spec  # noqa: E402,F401
