"""Schemathesis against the served OpenAPI document, a bounded number of examples per operation:
no server error and no status the document does not describe, with a real personal link and a staff
token (the paths behind the token), and with tokens it makes up (unknown links, 404)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from survey_app.extensions import db
from survey_app.services import users

MAX_EXAMPLES = 25
CHECKS = "not_a_server_error,status_code_conformance,negative_data_rejection"


def _schemathesis(url: str, tmp_path: Path, name: str, config: str, token: str) -> subprocess.CompletedProcess:
    settings = tmp_path / f"{name}.toml"
    settings.write_text(config, encoding="utf-8")
    command = [sys.executable, "-m", "schemathesis.cli", "--config-file", str(settings), "run"]
    command += [f"{url}/api/v1/openapi.json", "--checks", CHECKS, "--max-examples", str(MAX_EXAMPLES)]
    command += ["--seed", "20261202", "--workers", "1", "--no-color", "--generation-database", "none"]
    command += ["--header", f"Authorization: Bearer {token}", "--request-timeout", "60"]
    env = os.environ | {"SCHEMATHESIS_HOOKS": "", "NO_COLOR": "1"}
    return subprocess.run(command, capture_output=True, text=True, timeout=540, env=env, cwd=tmp_path)


@pytest.mark.parametrize("links", ["real", "made-up"])
def test_the_api_answers_only_documented_statuses_and_no_server_error(app, sonla, live_server, tmp_path, links):
    users.create_user("monitor@thu.example", "mat-khau-dai-0123", "monitor")
    staff = users.issue_api_token("monitor@thu.example")
    token, code = sonla.token("p2@thu.example"), sonla.campaign.code
    db.session.commit()  # on SQLite an open transaction holds the write lock the server needs
    # Limits stay on, high enough that the run tests the API, not the limiter (429 is documented anyway).
    app.config.update(RATELIMIT_TOKEN_ROUTES="100000 per minute", RATELIMIT_UNKNOWN_TOKEN="100000 per minute")
    try:
        fixed = f'token = "{token}"\ncode = "{code}"\n'
        config = f"[parameters]\n{fixed}" if links == "real" else ""
        run = _schemathesis(live_server, tmp_path, links, config, staff)
    finally:
        app.config.update(RATELIMIT_TOKEN_ROUTES="300 per minute", RATELIMIT_UNKNOWN_TOKEN="20 per minute")
    report = run.stdout[-6000:] + run.stderr[-2000:]
    assert run.returncode == 0, report
    assert "No issues found" in run.stdout or " passed" in run.stdout, report
    assert "5 selected" in run.stdout or "Operations:" in run.stdout, report
