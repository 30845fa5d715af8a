"""Home Affairs' page views take no write lock: on SQLite every transaction begins with BEGIN IMMEDIATE,
and a dashboard or a live-figures poll holding one until its request ended queued every phone's
autosave behind it. Signing in is checked, and the pages read, in `db_setup.reading()` (autocommit,
no BEGIN); a request that writes still takes the lock for its write."""

from __future__ import annotations

import pytest

from survey_app.extensions import db
from survey_app.services import users
from survey_app.services.survey import responding

from .support.campaigns import full_answers
from .support.pages import csrf, sign_in
from .support.sql import locking_transactions, statements

PAGES = [
    "/admin/",
    "/admin/c/T/",
    "/api/v1/campaigns/T/progress",
    "/api/v1/campaigns/T/scores",
    "/admin/c/T/u/SO-NV",
    "/admin/c/T/campaign",
    "/admin/c/T/roster",
    "/admin/c/T/send",
    "/admin/c/T/send/preview?channel=email&scope=all",
    "/admin/c/T/send/people",
    "/admin/c/T/delivery",
    "/admin/users",
    "/admin/index/c/T/",
]


@pytest.fixture
def answered(app, sonla):
    """Sơn La with one submission, so the live figures have something to read."""
    token = sonla.token("p2@thu.example")
    responding.submit(token, full_answers(responding.open_questionnaire(token)))
    return sonla


def _immediate(seen: list[str]) -> list[str]:
    return [s for s in seen if s.upper().startswith("BEGIN")]


@pytest.mark.parametrize("path", PAGES)
def test_a_signed_in_page_view_takes_no_write_lock(app, client, answered, path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_FROM", "snv@thu.example")  # the email preview needs the channel
    sign_in(client)
    with statements() as seen, locking_transactions() as begun:
        r = client.get(path)
    assert r.status_code == 200, r.get_data(as_text=True)
    assert begun == [], seen
    assert _immediate(seen) == []
    assert any(s.upper().startswith("SELECT") for s in seen)  # the listeners see this request's reads


def test_a_script_polling_the_scores_by_bearer_token_takes_no_write_lock(app, client, answered):
    users.create_user("script@noivu.example", "mat-khau-dai-0123", "monitor")
    headers = {"Authorization": f"Bearer {users.issue_api_token('script@noivu.example')}"}
    with statements() as seen, locking_transactions() as begun:
        r = client.get("/api/v1/campaigns/T/scores", headers=headers)
    assert r.status_code == 200
    assert begun == [] and _immediate(seen) == [], seen


def test_a_post_that_writes_still_takes_the_write_lock(app, client, answered):
    """The user is read without the lock; the write that follows begins its own, locking, transaction."""
    sign_in(client)
    token = csrf(client, "/admin/users")
    form = {"email": "new@noivu.example", "password": "mat-khau-dai-0123", "role": "monitor", "csrf_token": token}
    with statements() as seen, locking_transactions() as begun:
        assert client.post("/admin/users", data=form).status_code == 302
    assert users.get_user("new@noivu.example").role == "monitor"
    assert begun == ["BEGIN"], seen
    if db.engine.dialect.name == "sqlite":
        assert _immediate(seen) == ["BEGIN IMMEDIATE"], seen
        loader = next(i for i, s in enumerate(seen) if "FROM staff_user" in s)
        assert loader < seen.index("BEGIN IMMEDIATE")  # the user was read before, outside the transaction


def test_the_signed_in_user_is_still_known_after_the_page_read(app, client, answered):
    """The user loader's object leaves the session before `reading()` ends: the page can still name the
    user (base.html shows the email) without loading it again."""
    email = sign_in(client, "monitor")
    with statements() as seen:
        page = client.get("/admin/c/T/").get_data(as_text=True)
    assert email in page
    assert sum("FROM staff_user" in s for s in seen) == 1, seen


def test_a_session_ended_elsewhere_is_still_refused(app, client, answered):
    """Reading the user in `reading()` keeps the session-version check: sign-out everywhere still works."""
    email = sign_in(client)
    users.sign_out(users.get_user(email).id)
    db.session.commit()
    assert client.get("/admin/c/T/").status_code == 302


# Office GET views that are not `read_only`, and why. Every other GET view of the office must be.
NOT_READ_ONLY = {
    "admin.login": "the same view answers the sign-in POST, which counts the attempt",
    "admin.close_confirm": "the dry run releases the waiting submissions, then rolls back: a real transaction",
    "admin.campaign_new": "reads the shipped packs from disk, not the database",
    "admin.shipped_workbook": "reads the shipped pack from disk, not the database",
    "admin.plotly_js": "a static script",
    "api.openapi": "a static document",
}
OFFICE = ("survey_app.admin", "survey_app.index_admin", "survey_app.api.monitoring", "survey_app.api.spec")


def test_every_office_get_view_reads_without_the_lock_or_says_why(app):
    office = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and app.view_functions[rule.endpoint].__module__.startswith(OFFICE)
    }
    unmarked = {e for e in office if not getattr(app.view_functions[e], "read_only", False)}
    assert unmarked == set(NOT_READ_ONLY)
    assert {"admin.dashboard", "api.progress", "api.scores", "index_admin.overview"} <= office - unmarked
