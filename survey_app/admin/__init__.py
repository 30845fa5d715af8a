"""Home Affairs pages. This first version: sign-in and the campaign overview."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import routes  # noqa: E402,F401
