"""Engine settings per database: SQLite gets WAL, foreign keys and write-locking transactions."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from .extensions import db


def init_app(app: Flask) -> None:
    """Register engine hooks once the engine exists."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            _configure_sqlite(db.engine)


def _configure_sqlite(engine: sa.Engine) -> None:
    # Every transaction takes the write lock at BEGIN (BEGIN IMMEDIATE). A deferred transaction
    # that reads and then writes fails with "database is locked" when another writer got in first;
    # an immediate one waits (busy_timeout) instead. Readers are never blocked under WAL.
    @sa.event.listens_for(engine, "connect")
    def on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        # Deleted rows are overwritten with zeros, and temporary tables stay in memory: a copy of the
        # file shows no erased draft or sealed submission, and no closing's working copy (issue 12).
        cur.execute("PRAGMA secure_delete=ON")
        cur.execute("PRAGMA temp_store=MEMORY")
        cur.close()

    @sa.event.listens_for(engine, "begin")
    def on_begin(conn):
        if conn.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
            conn.exec_driver_sql("BEGIN IMMEDIATE")


def insert_for(session) -> callable:
    """The dialect's INSERT that supports ON CONFLICT (SQLite ≥ 3.24 and PostgreSQL both do)."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert
