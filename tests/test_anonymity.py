"""Anonymity: nothing in the stored response leads back to the person, and no log line carries a
personal token or an answer."""

from __future__ import annotations

import importlib.util
import json
import logging
import re
from datetime import date, timedelta
from types import SimpleNamespace

import sqlalchemy as sa
from gunicorn.config import Config as GunicornConfig

from survey_app.config import ROOT
from survey_app.extensions import db
from survey_app.logs import RedactTokens, redact
from survey_app.models import Invitation, Response
from survey_app.services.survey import responding
from survey_app.timeutil import VN, now

from .support.campaigns import full_answers, release

ALLOWED_FKS = {"campaign", "respondent_group", "unit", "question", "response"}
PERSONAL = re.compile(r"invitation|respondent|person|token|nonce|email|phone|zalo|telegram|name|ip_addr|remote|agent")


def _submit_all(client, setup, option="A"):
    for token in setup.tokens.values():
        q = responding.open_questionnaire(token, mark_opened=False)
        r = client.post(f"/api/v1/r/{token}/submit", json={"answers": full_answers(q, option)})
        assert r.status_code == 200, r.get_json()


def test_response_tables_do_not_point_at_people(app):
    inspector = sa.inspect(db.engine)
    for table in ("response", "answer"):
        columns = {c["name"]: c["type"] for c in inspector.get_columns(table)}
        assert {"response": "id", "answer": "option_code"}[table] in columns
        for name, kind in columns.items():
            assert not PERSONAL.search(name) or (table, name) == ("response", "invitation_id"), (table, name)
            # a day at most: no timestamp that could be matched with an invitation's or a server log's
            assert not isinstance(kind, sa.DateTime) and "TIME" not in str(kind).upper(), (table, name, kind)
        for fk in inspector.get_foreign_keys(table):
            if fk["referred_table"] == "invitation":
                assert (table, fk["constrained_columns"]) == ("response", ["invitation_id"])
            else:
                assert fk["referred_table"] in ALLOWED_FKS, (table, fk)
    submitted = {c["name"]: c["type"] for c in inspector.get_columns("response")}["submitted_on"]
    assert isinstance(submitted, sa.Date) and not isinstance(submitted, sa.DateTime)


def test_stored_response_is_anonymous(client, sonla):
    assert sonla.campaign.pack.anonymous
    _submit_all(client, sonla)
    release(sonla.campaign)
    rows = db.session.execute(sa.text("SELECT id, invitation_id, submitted_on FROM response")).all()
    assert len(rows) == len(sonla.tokens) == 7
    assert all(invitation_id is None for _, invitation_id, _ in rows)
    today = now().astimezone(VN).date()
    for _, _, day in rows:
        if isinstance(day, str):  # SQLite hands back the stored text
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", day) and day == today.isoformat()
        else:
            assert type(day) is date and day == today
    ids = [i for i, _, _ in rows]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)  # 128 bits, not a counter
    for a in ids:
        for b in ids:
            if a != b:  # neither a time-ordered prefix (UUIDv1/v7) nor a shared suffix
                assert a[:8] != b[:8] and a[-8:] != b[-8:]


def test_draft_is_cleared_on_submit(client, sonla):
    token = sonla.token("p2@thu.example")
    q = responding.open_questionnaire(token)
    responding.save_answers(token, {"SO-NV": {q.sections[0].questions[0].code: "B"}})
    inv_id = q.invitation.id
    assert db.session.scalar(sa.select(Invitation.draft).where(Invitation.id == inv_id))
    assert client.post(f"/api/v1/r/{token}/submit", json={"answers": full_answers(q)}).status_code == 200
    raw = db.session.execute(
        sa.text("SELECT draft, status, submitted_on FROM invitation WHERE id = :i"), {"i": inv_id}
    ).one()
    assert raw[0] is None and raw[1] == "submitted" and raw[2] is not None
    assert db.session.scalar(sa.select(Response.invitation_id)) is None


def test_no_token_or_answer_in_logs(app, client, sonla, caplog):
    caplog.set_level(logging.DEBUG)
    token = sonla.token("p2@thu.example")
    page = client.get(f"/s/{token}").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    q = responding.open_questionnaire(token, mark_opened=False)
    answers = full_answers(q, "C")
    first = q.sections[0].questions[0].code
    client.put(f"/api/v1/r/{token}/answers", json={"answers": {"SO-NV": {first: "D"}}})
    client.post(f"/s/{token}", data={f"a:SO-NV:{first}": "B", "csrf_token": csrf, "action": "save"})
    assert client.post(f"/api/v1/r/{token}/submit", json={"answers": answers}).status_code == 200
    assert client.post(f"/s/{token}", data={"csrf_token": csrf, "action": "submit"}).status_code == 409
    assert caplog.records, "the flow logs nothing at DEBUG: the check would be empty"
    payloads = [
        json.dumps(answers),
        json.dumps(answers["SO-NV"]),
        f'"{first}": "C"',
        f"'{first}': 'C'",
        f"a:SO-NV:{first}",
        json.dumps({"SO-NV": {first: "D"}}),
    ]
    for name, text in [(r.name, r.getMessage()) for r in caplog.records] + [("formatted", caplog.text)]:
        assert token not in text, name
        for p in payloads:
            assert p not in text, (name, p)


def test_werkzeug_style_line_is_redacted(sonla):
    token = sonla.token("p2@thu.example")
    for path in (f"/s/{token}?p=1", f"/api/v1/r/{token}/answers", f"/api/v1/r/{token}/submit"):
        record = logging.LogRecord(
            "werkzeug",
            logging.INFO,
            __file__,
            1,
            '%s - - [%s] "%s" %s %s',
            ("127.0.0.1", "27/Nov/2026 10:00:00", f"PUT {path} HTTP/1.1", "200", "-"),
            None,
        )
        assert RedactTokens().filter(record) is True
        message = record.getMessage()
        assert token not in message
        assert message.startswith('127.0.0.1 - - [27/Nov/2026 10:00:00] "PUT /')
        assert "/<token>" in message and message.endswith('HTTP/1.1" 200 -')
    assert redact(f"GET /s/{token} HTTP/1.1") == "GET /s/<token> HTTP/1.1"
    assert redact("GET /admin/campaigns HTTP/1.1") == "GET /admin/campaigns HTTP/1.1"


def _gunicorn_logger():
    spec = importlib.util.spec_from_file_location("gunicorn_conf_under_test", ROOT / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.RedactingLogger(GunicornConfig())


def test_gunicorn_access_log_is_redacted(sonla):
    token = sonla.token("p2@thu.example")
    logger = _gunicorn_logger()
    environ = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": f"/s/{token}?p=2",
        "PATH_INFO": f"/s/{token}",
        "QUERY_STRING": "p=2",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_USER_AGENT": "Mozilla/5.0",
        "HTTP_REFERER": f"https://survey.test/s/{token}",
        "REQUEST_URI": f"/s/{token}?p=2",
    }
    req = SimpleNamespace(headers=[("USER-AGENT", "Mozilla/5.0"), ("REFERER", f"https://survey.test/s/{token}")])
    resp = SimpleNamespace(status="303 SEE OTHER", headers=[("Location", f"/s/{token}?p=2")], sent=0)
    atoms = logger.atoms(resp, req, environ, timedelta(milliseconds=12))
    assert atoms["r"] == "POST /s/<token>?p=2 HTTP/1.1"
    assert atoms["U"] == "/s/<token>"
    assert atoms["s"] == "303"
    leaking = {k: v for k, v in atoms.items() if isinstance(v, str) and token in v}
    assert leaking == {}
    line = logger.cfg.access_log_format % atoms
    assert token not in line and '"POST /s/<token>?p=2 HTTP/1.1" 303' in line
