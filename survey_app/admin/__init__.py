"""Home Affairs pages: sign-in, live dashboard, unit pages, roster, sending, review at close, users, audit log."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import campaigns, dashboard, review, roster, routes, sending, users  # noqa: E402,F401
