"""Shared fixtures: an app per database back end (SQLite always, PostgreSQL when
TEST_DATABASE_URL is set), emptied between tests, plus ready-made campaigns."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_migrate import upgrade

from survey_app import create_app, rate_limits
from survey_app.config import TestConfig
from survey_app.extensions import db

from .support.campaigns import Setup, make_campaign, person

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def _database_url(backend: str, tmp_root: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_root / 'test.sqlite3'}"
    url = os.environ["TEST_DATABASE_URL"]
    return url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url


class FreshContextClient(FlaskClient):
    """Each request gets its own app context (its own `g` and session), as under a real server,
    even though the test itself holds an app context open for calling services."""

    def open(self, *args, **kwargs):
        db.session.commit()  # the test's own unit of work ends first, as between two real requests
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def _apps(tmp_path_factory):
    """One app per back end for the whole session, its schema built by the migrations."""
    apps = {}
    for backend in BACKENDS:
        url = _database_url(backend, tmp_path_factory.mktemp(backend))
        app = create_app(TestConfig(url))
        app.test_client_class = FreshContextClient
        with app.app_context():
            if backend == "postgresql":
                with db.engine.begin() as conn:
                    conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
            upgrade(revision="heads")
        apps[backend] = app
    yield apps
    for app in apps.values():
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(params=BACKENDS)
def app(request, _apps):
    """The app on one back end, with every table emptied and rate limits reset."""
    app = _apps[request.param]
    with app.app_context():
        _empty(app)
        rate_limits.reset(app)
        yield app
        db.session.remove()


def _empty(app) -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"TRUNCATE {', '.join(map(repr, tables))} RESTART IDENTITY CASCADE".replace("'", '"'))
        else:
            for name in tables:
                conn.exec_driver_sql(f'DELETE FROM "{name}"')


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def sonla(app, tmp_path) -> Setup:
    """Sơn La 2024: two departments and one district, a few people in each group."""
    people = [
        person(1, "SO-NV", "SO-LD"),
        person(2, "SO-NV", "SO-CC"),
        person(3, "SO-NV", "SO-CC"),
        person(4, "SO-TC", "SO-LDP"),
        person(5, "SO-TC", "SO-CC"),
        person(6, "H-MAI-SON", "H-PB"),
        person(7, "H-MAI-SON", "H-XA"),
    ]
    return make_campaign(app, tmp_path, "son-la-2024", people)


@pytest.fixture
def matrix(app, tmp_path) -> Setup:
    """The two-level 2025 pack: commune leaders rate every department (a matrix questionnaire)."""
    from survey_app.models import Unit

    people = [
        person(1, "SO-NV", "SO-CC"),
        person(2, "SO-TC", "SO-CC"),
        person(3, "X-DEMO-1", "XA-LD"),
        person(4, "X-DEMO-2", "XA-CC"),
    ]
    setup = make_campaign(app, tmp_path, "hai-cap-2025", people, code="M")
    assert db.session.scalar(sa.select(sa.func.count(Unit.id)).where(Unit.campaign_id == setup.campaign.id)) == 12
    return setup


# Browser fixtures live in support/browser.py; imported here once so every module shares one Chromium.
from .support.browser import browser, desktop, live_server, phone, phone_without_js  # noqa: E402,F401
