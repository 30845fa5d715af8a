"""Heavy libraries load only where they are used: sorting Vietnamese names or serving a questionnaire
must not pay for plotly, scipy, numpy or python-docx (each gunicorn worker would carry them)."""

from __future__ import annotations

import json
import secrets
import subprocess
import sys

from survey_app.config import ROOT

HEAVY = ("plotly", "scipy", "numpy", "docx", "matplotlib")


def _loaded_after(code: str) -> set[str]:
    probe = code + "\nimport sys, json\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    env = {"SECRET_KEY": secrets.token_urlsafe(32), "LINK_SECRET": secrets.token_urlsafe(32), "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60, env=env
    )
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_sorting_names_loads_no_heavy_library():
    loaded = _loaded_after("from analysis import sort_key, format_number\nsort_key('Sở Nội vụ'); format_number(1)")
    assert loaded.isdisjoint(HEAVY), loaded & set(HEAVY)


def test_the_app_starts_without_loading_the_index_libraries():
    loaded = _loaded_after("from survey_app import create_app\ncreate_app()")
    assert loaded.isdisjoint(HEAVY), loaded & set(HEAVY)


def test_the_check_sees_a_heavy_import():
    assert "scipy" in _loaded_after("import analysis.statistics")
