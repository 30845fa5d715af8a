"""Engine settings per database: SQLite gets WAL, foreign keys and write-locking transactions."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from flask import Flask

from .extensions import db


@contextmanager
def reading() -> Iterator[None]:
    """A block that only reads, on a connection in autocommit mode: each statement is its own
    transaction, with no BEGIN and no ROLLBACK sent (one round trip per statement on PostgreSQL), and on
    SQLite no write lock is waited for or held (WAL readers see the last commit). The end expires ORM
    objects (read values, with Core). Entered inside an open transaction, it changes nothing: the block
    reads in that transaction, which its owner ends."""
    if db.session().in_transaction():
        yield
        return
    try:
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        yield
    finally:
        db.session.rollback()  # gives the connection back; nothing was written


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

    @sa.event.listens_for(engine, "checkout")
    def on_checkout(dbapi_conn, _record, _proxy):
        # SQLAlchemy hands a connection back to the pool with the driver's own transaction handling
        # switched on again (isolation_level "") once it has served an AUTOCOMMIT block, such as
        # `mixing.compact`; that driver then opens transactions of its own, and a reader in one kept
        # reading an old snapshot. Every checkout starts from the state `on_connect` set.
        dbapi_conn.isolation_level = None

    @sa.event.listens_for(engine, "begin")
    def on_begin(conn):
        # In autocommit (`reading()`, `mixing.compact`) no BEGIN at all: with the driver's own
        # transaction handling off, each statement is its own transaction, and no lock is taken.
        if conn.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
            return
        # The threads of one process queue for the write lock on a Python lock, which wakes the next
        # one the moment it is free; SQLite's own busy handler sleeps 1, 2, 5 … 100 ms between tries,
        # which under autosaves on every tap made the slowest requests wait for nothing. Other
        # processes still meet at BEGIN IMMEDIATE (busy_timeout).
        hold_writer(conn.info)
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    @sa.event.listens_for(engine, "checkin")
    def on_checkin(_dbapi_conn, record):
        _release_writer(record)

    @sa.event.listens_for(engine, "invalidate")
    def on_invalidate(_dbapi_conn, record, _exc):
        _release_writer(record)


_WRITER = threading.Lock()
_WRITER_HELD = "survey_writer_lock"
WRITER_WAIT_SECONDS = 30  # as busy_timeout: past it the transaction goes on to SQLite's own wait


def hold_writer(info: dict) -> None:
    """Queue for the process's writer lock before BEGIN IMMEDIATE; `info` is the pooled connection's,
    whose return to the pool lets the lock go."""
    if not info.get(_WRITER_HELD):
        info[_WRITER_HELD] = _WRITER.acquire(timeout=WRITER_WAIT_SECONDS)


def release_writer(info: dict) -> None:
    """Let the process's writer lock go, if this connection holds it (after its COMMIT or ROLLBACK)."""
    if info.pop(_WRITER_HELD, False):
        _WRITER.release()


def _release_writer(record) -> None:
    """The process's writer lock goes with the connection back to the pool, if it still holds it."""
    release_writer(record.info)


def insert_for(session) -> callable:
    """The dialect's INSERT that supports ON CONFLICT (SQLite ≥ 3.24 and PostgreSQL both do)."""
    return insert_for_dialect(session.get_bind().dialect.name)


def insert_for_dialect(name: str) -> callable:
    if name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


UPGRADE = "flask db upgrade"


def check_on_start(app: Flask) -> None:
    """Stop the start when the database cannot be reached or its schema is not the migrations' head:
    a server started anyway would answer every request with an error. Under `flask` the app is loaded
    before the command is known: the check runs when one of the app's commands is looked up, except
    `flask db …` (upgrading an unmigrated database is its job)."""
    import click

    if click.get_current_context(silent=True) is None:  # gunicorn, or a script
        check_database(app)
        return
    look_up, passed = app.cli.get_command, []

    def get_command(ctx: click.Context, name: str):
        if name != "db" and not passed:
            check_database(app)
            passed.append(name)
        return look_up(ctx, name)

    app.cli.get_command = get_command


def check_database(app: Flask) -> None:
    """Raise ConfigError, naming the command to run, unless the database answers at the schema's head.
    It reads through a plain driver connection: no transaction, so no SQLite write lock (BEGIN IMMEDIATE)
    that a worker starting next to a busy one would have to wait for."""
    from alembic.script import ScriptDirectory

    from .config import ConfigError

    with app.app_context():
        where = db.engine.url.render_as_string(hide_password=True)
        try:
            raw = db.engine.raw_connection()
        except (sa.exc.DBAPIError, db.engine.dialect.loaded_dbapi.Error) as exc:  # wrapped or not, by driver
            reason = getattr(exc, "orig", exc)
            raise ConfigError("database_unreachable", where=where, reason=str(reason), command=UPGRADE) from None
        try:
            cursor = raw.cursor()
            try:
                cursor.execute("SELECT version_num FROM alembic_version")
                current = {row[0] for row in cursor.fetchall()}
            except Exception:  # no such table (each driver names it its own way): never migrated
                current = set()
        finally:
            raw.close()
            db.engine.dispose()  # a forking server must not share this connection with its workers
    heads = set(ScriptDirectory(app.extensions["migrate"].directory).get_heads())
    if current != heads:
        found = {"current": ", ".join(sorted(current))} if current else {}
        code = "database_behind" if current else "database_empty"
        raise ConfigError(code, where=where, heads=", ".join(sorted(heads)), command=UPGRADE, **found)
