"""What a request sends to the database: its statements, and the transactions that take SQLite's write lock."""

from __future__ import annotations

from contextlib import contextmanager

import sqlalchemy as sa

from survey_app.extensions import db


@contextmanager
def statements():
    """Every SQL statement sent to the database inside the block, in order."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(" ".join(statement.split()))

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


@contextmanager
def driver_statements():
    """Every SQL statement the database driver was given inside the block, in order, whichever way it was
    sent: through a Session or a Connection, or on the pool's DBAPI connection as `survey_app.direct`
    does. SQLite reports them itself (its trace callback, the SQL as SQLite runs it); psycopg through a
    recording cursor. Commits and rollbacks are left out."""
    seen: list[str] = []
    traced: list = []

    def record(statement) -> None:
        text = " ".join(str(statement).split())
        if text.upper() not in ("COMMIT", "ROLLBACK"):
            seen.append(text)

    def trace(dbapi_conn, *_args) -> None:
        if any(c is dbapi_conn for c in traced):
            return
        traced.append(dbapi_conn)
        if db.engine.dialect.name == "sqlite":
            dbapi_conn.set_trace_callback(record)
        else:
            dbapi_conn.cursor_factory = _recording_cursor(dbapi_conn.cursor_factory, record)

    sa.event.listen(db.engine, "checkout", trace)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "checkout", trace)
        print("DBG traced", traced, seen)
        for conn in traced:
            if db.engine.dialect.name == "sqlite":
                conn.set_trace_callback(None)
            else:
                conn.cursor_factory = conn.cursor_factory.__bases__[0]


def _recording_cursor(base, record):
    class Recording(base):
        def execute(self, query, params=None, **kwargs):
            record(query)
            return super().execute(query, params, **kwargs)

        def executemany(self, query, params_seq, **kwargs):
            record(query)
            return super().executemany(query, params_seq, **kwargs)

    return Recording


@contextmanager
def locking_transactions():
    """The transactions begun inside the block that are not in autocommit (`db_setup.reading()`), one
    entry each: on SQLite each one is a BEGIN IMMEDIATE, which waits for and holds the write lock."""
    begun: list[str] = []

    def record(conn):
        if conn.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
            begun.append("BEGIN")

    sa.event.listen(db.engine, "begin", record)
    try:
        yield begun
    finally:
        sa.event.remove(db.engine, "begin", record)
