"""The index pages (/admin/index) and the index commands (`flask appraisal|index|report …`).

`cli_group=None` puts the commands at the top level, so registering this blueprint wires both.
"""

from flask import Blueprint

bp = Blueprint("index_admin", __name__, url_prefix="/admin/index", cli_group=None)

from ..cli_index import GROUPS  # noqa: E402

for _group in GROUPS:
    bp.cli.add_command(_group)

from . import routes  # noqa: E402,F401
