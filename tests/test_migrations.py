"""The migrations build exactly the schema the models declare, on every back end."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from survey_app.extensions import db


def test_migrations_match_models(app):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == [], f"models and migrations differ; run `flask db migrate`: {diff}"
