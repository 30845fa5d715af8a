"""Faults as a province's server meets them, made for real: a PostgreSQL database that stops taking
connections, a SQLite file that turns read-only, an unmigrated database and a wrong DATABASE_URL at
start-up. Writes answer 503 with a Vietnamese page (JSON under /api/) and Retry-After; reads that can
still be served are; a server does not start on a database it cannot use, and says what to run."""

from __future__ import annotations

import contextlib
import html
import os
import re
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from survey_app import config as app_config
from survey_app import create_app
from survey_app.config import ROOT
from survey_app.extensions import db
from survey_app.models import Invitation
from survey_app.services.survey.sealing import read_draft

from .support.campaigns import make_campaign, person
from .support.https import gunicorn, listening_socket
from .test_catalogue import english_words

SECRETS = {"SECRET_KEY": "test-secret-key-0123456789", "LINK_SECRET": "test-link-secret-0123456789"}
PEOPLE = [person(1, "SO-NV", "SO-CC"), person(2, "SO-NV", "SO-CC")]


def _visible(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def _assert_unavailable_page(r) -> None:
    assert r.status_code == 503
    assert int(r.headers["Retry-After"]) > 0
    text = _visible(r)
    assert "Hệ thống tạm thời chưa ghi được dữ liệu" in text and "thử lại" in text
    assert not english_words(text), text


def _assert_unavailable_json(r) -> None:
    assert r.status_code == 503 and int(r.headers["Retry-After"]) > 0
    assert r.get_json()["error"] == "unavailable"
    assert "thử lại" in r.get_json()["message"] and not english_words(r.get_json()["message"])


def _campaign(app, tmp_path):
    """A migrated database with one open campaign; the first link already opened once."""
    with app.app_context():
        upgrade(revision="heads")
        setup = make_campaign(app, tmp_path, "son-la-2024", PEOPLE)
        token = setup.token("p1@thu.example")
        app.test_client().get(f"/s/{token}")
        db.session.remove()
    return setup


# -- PostgreSQL that stops taking connections ---------------------------------------------------------


@pytest.fixture
def outage_database():
    """A database of this test's own (test_faults_outage) on the test server; dropped afterwards."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("TEST_DATABASE_URL is not set")
    url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    admin = sa.create_engine(sa.make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    name = "test_faults_outage"

    def run(sql: str) -> None:
        with admin.connect() as conn:
            conn.exec_driver_sql(sql)

    def cut(allow: bool) -> None:
        run(f"ALTER DATABASE {name} ALLOW_CONNECTIONS {str(allow).lower()}")
        if not allow:  # ALLOW_CONNECTIONS binds superusers too; the open connections are ended as well
            run(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")

    run(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    run(f"CREATE DATABASE {name}")
    try:
        yield str(sa.make_url(url).set(database=name).render_as_string(hide_password=False)), cut
    finally:
        cut(True)
        run(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


def test_postgresql_unreachable_answers_503_and_recovers(outage_database, tmp_path):
    url, cut = outage_database
    app = create_app(app_config.TestConfig(url))
    setup = _campaign(app, tmp_path)
    token = setup.token("p1@thu.example")
    client = app.test_client()
    try:
        page = client.get(f"/s/{token}")
        assert page.status_code == 200
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
        cut(False)
        _assert_unavailable_page(client.get(f"/s/{token}"))
        _assert_unavailable_page(client.post(f"/s/{token}", data={"action": "save", "csrf_token": csrf}))
        _assert_unavailable_json(client.get(f"/api/v1/r/{token}"))
        _assert_unavailable_json(client.put(f"/api/v1/r/{token}/answers", json={"answers": {}}))
        _assert_unavailable_json(client.get("/api/v1/campaigns/T/progress", headers={"Authorization": "Bearer x"}))
        _assert_unavailable_page(client.get("/s/" + "u" * 24))  # the unknown-link limit's look-up too
        cut(True)
        assert client.get(f"/s/{token}").status_code == 200  # the pool reconnects by itself
        assert client.put(f"/api/v1/r/{token}/answers", json={"answers": {}}).status_code == 200
    finally:
        with app.app_context():
            db.engine.dispose()


# -- a SQLite file that turns read-only ---------------------------------------------------------------


@contextlib.contextmanager
def read_only(path: Path):
    """The file made read-only for real: immutable for root (chattr +i; root ignores file modes),
    mode 0444 for anyone else. Skipped when neither takes effect on this file system."""
    if os.geteuid() == 0:
        made = subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0
        undo = ["chattr", "-i", str(path)]
    else:
        path.chmod(0o444)
        made, undo = True, None
    try:
        try:
            path.open("r+b").close()
            writable = True
        except OSError:
            writable = False
        if not made or writable:
            pytest.skip(f"cannot make {path} read-only here (chattr or file modes)")
        yield
    finally:
        if undo:
            subprocess.run(undo, check=True)
        else:
            path.chmod(0o644)


def test_a_read_only_sqlite_file_still_serves_reads_and_answers_503_to_writes(tmp_path):
    path = tmp_path / "ro.sqlite3"
    app = create_app(app_config.TestConfig(f"sqlite:///{path}"))
    setup = _campaign(app, tmp_path)
    token, fresh = setup.token("p1@thu.example"), setup.token("p2@thu.example")
    with app.app_context():
        db.engine.dispose()
    with sqlite3.connect(path) as conn:  # everything in the main file, as after a clean stop
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    client = app.test_client()
    with read_only(path):
        page = client.get(f"/s/{token}")
        assert page.status_code == 200 and "Nộp phiếu" in page.get_data(as_text=True)  # a read
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
        body = client.get(f"/api/v1/r/{token}").get_json()
        question = body["sections"][0]["areas"][0]["questions"][0]["code"]
        everything = {"SO-NV": {q["code"]: "A" for a in body["sections"][0]["areas"] for q in a["questions"]}}
        _assert_unavailable_json(client.put(f"/api/v1/r/{token}/answers", json={"answers": {"SO-NV": {question: "A"}}}))
        _assert_unavailable_json(client.post(f"/api/v1/r/{token}/submit", json={"answers": everything}))
        refused = client.post(f"/s/{token}", data={"action": "save", "csrf_token": csrf, f"a:SO-NV:{question}": "A"})
        _assert_unavailable_page(refused)
        assert "quay lại trang trước" in _visible(refused)  # without JavaScript: go back and send again
        _assert_unavailable_page(client.get(f"/s/{fresh}"))  # a first visit writes 'opened'
        with app.app_context():
            db.engine.dispose()  # no connection opened read-only outlives the fault
    with app.app_context():
        assert client.put(f"/api/v1/r/{token}/answers", json={"answers": {"SO-NV": {question: "A"}}}).status_code == 200
        started = db.session.scalar(sa.select(Invitation).where(Invitation.status == "started"))
        assert read_draft(started) == {"SO-NV": {question: "A"}}  # the answer the phone sent again was kept
        db.engine.dispose()


# -- start-up ---------------------------------------------------------------------------------------


def _flask(args: list[str], url: str) -> subprocess.CompletedProcess:
    env = os.environ | SECRETS | {"DATABASE_URL": url, "FLASK_APP": "wsgi.py", "LOG_LEVEL": "WARNING"}
    return subprocess.run(
        [sys.executable, "-m", "flask", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_an_unmigrated_sqlite_file_stops_commands_but_not_flask_db_upgrade(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    refused = _flask(["campaign", "status"], url)
    assert refused.returncode != 0
    assert "chưa có các bảng của ứng dụng" in refused.stderr and "chạy `flask db upgrade`" in refused.stderr
    assert _flask(["db", "upgrade"], url).returncode == 0
    after = _flask(["campaign", "status"], url)
    assert "flask db upgrade" not in after.stderr
    assert "Chưa có đợt khảo sát nào" in after.stdout + after.stderr  # the command itself ran


def _gunicorn_refuses(app, tmp_path, url: str) -> str:
    """gunicorn on `url`: it must exit by itself, not serve; its log is returned."""
    with gunicorn(app, tmp_path, listening_socket(), {"DATABASE_URL": url}) as served:
        code = served.process.wait(60)
    assert code != 0
    return (tmp_path / "gunicorn.err").read_text(encoding="utf-8")


def test_gunicorn_does_not_start_on_an_unmigrated_database(tmp_path):
    app = create_app(app_config.TestConfig(f"sqlite:///{tmp_path / 'x.sqlite3'}"))
    log = _gunicorn_refuses(app, tmp_path, f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    assert "chưa có các bảng của ứng dụng" in log and "chạy `flask db upgrade`" in log


def test_gunicorn_does_not_start_on_a_database_it_cannot_reach(tmp_path):
    app = create_app(app_config.TestConfig(f"sqlite:///{tmp_path / 'x.sqlite3'}"))
    closed = listening_socket()
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there now
    log = _gunicorn_refuses(app, tmp_path, f"postgresql+psycopg://postgres:geheim@127.0.0.1:{port}/none")
    assert f"không mở được cơ sở dữ liệu postgresql+psycopg://postgres:***@127.0.0.1:{port}/none" in log
    assert "geheim" not in log and "kiểm tra DATABASE_URL" in log


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("mysql://u@h/db", "không phải «mysql»"),
        ("postgresql+psycopg2://u@h/db", "trình điều khiển là `psycopg`"),
        ("not a url", "không đọc được như một địa chỉ URL"),
    ],
)
def test_a_malformed_database_url_stops_the_start(tmp_path, url, reason):
    refused = _flask(["campaign", "status"], url)
    assert refused.returncode != 0 and "DATABASE_URL phải có dạng" in refused.stderr and reason in refused.stderr


@pytest.mark.browser
def test_the_phone_keeps_an_answer_the_server_could_not_store_and_sends_it_later(tmp_path, phone):
    """A 503 to the autosave leaves the answer in the phone's storage; once the file is writable again,
    reopening the page sends it (static/r.js) and the server has it."""
    from playwright.sync_api import expect
    from werkzeug.serving import make_server

    path = tmp_path / "phone.sqlite3"
    app = create_app(app_config.TestConfig(f"sqlite:///{path}"))
    token = _campaign(app, tmp_path).token("p1@thu.example")
    with app.app_context():
        db.engine.dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        page = phone.new_page()
        with read_only(path):
            page.goto(f"http://127.0.0.1:{server.server_port}/s/{token}")  # a read: served
            label = page.locator("fieldset").first.locator("label").nth(1)
            radio = label.locator("input")
            name, value = radio.get_attribute("name"), radio.get_attribute("value")
            with page.expect_response(lambda r: r.url.endswith("/answers")) as saved:
                label.tap()
            assert saved.value.status == 503
            expect(radio).to_be_checked()
            pending = page.evaluate("JSON.parse(localStorage.getItem('pending:' + location.pathname) || '{}')")
            assert pending == {name: value}
            with app.app_context():
                db.engine.dispose()
        with page.expect_response(lambda r: r.url.endswith("/answers")) as resent:
            page.reload()
        assert resent.value.status == 200
        expect(page.locator("fieldset").first.locator(".st")).to_have_text("Đã lưu")
        assert page.evaluate("JSON.parse(localStorage.getItem('pending:' + location.pathname) || '{}')") == {}
        _, unit, question = name.split(":")
        with app.app_context():
            started = db.session.scalar(sa.select(Invitation).where(Invitation.status == "started"))
            assert read_draft(started) == {unit: {question: value}}
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()
        with app.app_context():
            db.engine.dispose()
