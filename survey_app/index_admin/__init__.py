"""The index pages (/admin/index): tables, statistics, charts, imports with a preview, downloads."""

from flask import Blueprint

bp = Blueprint("index_admin", __name__, url_prefix="/admin/index")

from . import routes  # noqa: E402,F401
