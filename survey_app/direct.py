"""The respondent's hot statements, run on the pool's DBAPI connection instead of through a Session.

A phone autosaves on every tap. Each of those requests is one read (the link) and one short write (the
draft, a funnel counter). SQLite answers either in about 0,03 ms; through a Session, SQLAlchemy's Python
around the same statement costs 0,5 ms or more (transaction objects, events, result wrapping, a pragma on
every autocommit checkout). So these few statements are compiled once per dialect by SQLAlchemy's own
compiler, with its own type processors for parameters and results, and executed on a pooled DBAPI
connection: the SQL and the values are exactly what SQLAlchemy would send.

When the request's Session already holds a transaction (a locked retry, a script, a test), the same
statements run through the Session in that transaction instead: one owner per connection, so the
SQLite writer lock is never waited for by its own holder.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from . import db_setup
from .extensions import db


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: tuple[str, ...] | None  # the parameters' order for a positional paramstyle; None: named
    binds: Mapping[str, Any]  # parameter name → bind processor (or None)
    results: tuple[Any, ...]  # result processor per column (or None); empty for DML

    def parameters(self, compiled: sa.sql.compiler.Compiled, given: Mapping[str, Any]):
        values = compiled.construct_params(given)  # fills the statement's own literal values too
        for name, process in self.binds.items():
            if process is not None and values.get(name) is not None:
                values[name] = process(values[name])
        return values if self.names is None else tuple(values[n] for n in self.names)

    def row(self, raw: tuple) -> tuple:
        return tuple(v if p is None or v is None else p(v) for p, v in zip(self.results, raw, strict=True))


class Statement:
    """A Core statement (SELECT, UPDATE or INSERT with bound parameters) prepared for direct execution."""

    def __init__(self, statement: sa.Executable):
        self.statement = statement
        self._by_dialect: dict[str, tuple[sa.sql.compiler.Compiled, _Compiled]] = {}

    def _for(self, dialect: sa.Dialect) -> tuple[sa.sql.compiler.Compiled, _Compiled]:
        found = self._by_dialect.get(dialect.name)
        if found is None:
            compiled = self.statement.compile(dialect=dialect)
            binds = {
                name: bind.type.dialect_impl(dialect).bind_processor(dialect) for name, bind in compiled.binds.items()
            }
            columns = getattr(self.statement, "selected_columns", ())
            results = tuple(c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns)
            names = tuple(compiled.positiontup) if compiled.positional else None
            found = self._by_dialect[dialect.name] = (compiled, _Compiled(str(compiled), names, binds, results))
        return found

    def _execute(self, cursor, dialect: sa.Dialect, params: Mapping[str, Any]) -> _Compiled:
        compiled, prepared = self._for(dialect)
        cursor.execute(prepared.sql, prepared.parameters(compiled, params))
        return prepared


def session_in_transaction() -> bool:
    """Whether the request's Session holds a transaction; a request that never used it gets none made."""
    return db.session.registry.has() and db.session().in_transaction()


_HELD: ContextVar = ContextVar("survey_direct_connection", default=None)


@contextmanager
def _translated(raw=None) -> Iterator[None]:
    """A DBAPI error as SQLAlchemy raises it (sa.exc.OperationalError…), so callers and the 503 page see
    the same errors on this path as through a Session; a lost connection is invalidated with every other
    connection of its pool, as SQLAlchemy's Connection does, so the pool reconnects by itself."""
    dialect = db.engine.dialect
    try:
        yield
    except dialect.loaded_dbapi.Error as exc:
        lost = raw is not None and dialect.is_disconnect(exc, raw.dbapi_connection, None)
        if lost:
            db.engine.pool._invalidate(raw, exc)  # this connection, and the pool's older ones at checkout
        raise sa.exc.DBAPIError.instance(
            None,
            None,
            exc,
            dialect.loaded_dbapi.Error,
            hide_parameters=True,
            connection_invalidated=lost,
            dialect=dialect,
        ) from exc


def _checkout():
    with _translated():
        return db.engine.raw_connection()


@contextmanager
def holding() -> Iterator[None]:
    """Within the block, `rows` and `writing` share one pooled connection, checked out once (a tap's read
    and write); outside one, each checks out its own."""
    if _HELD.get() is not None:
        yield
        return
    raw = _checkout()
    token = _HELD.set(raw)
    try:
        yield
    finally:
        _HELD.reset(token)
        raw.close()


@contextmanager
def _connection() -> Iterator[Any]:
    held = _HELD.get()
    if held is not None:
        with _translated(held):
            yield held
        return
    raw = _checkout()
    try:
        with _translated(raw):
            yield raw
    finally:
        raw.close()  # back to the pool, which lets the process's writer lock go (db_setup)


def rows(statement: Statement, params: Mapping[str, Any]) -> list[tuple]:
    """The rows of a SELECT, read as committed now: in autocommit (no BEGIN, no SQLite write lock, one round
    trip on PostgreSQL), or in the Session's open transaction."""
    if session_in_transaction():
        return [tuple(r) for r in db.session.execute(statement.statement, params)]
    dialect = db.engine.dialect
    on_postgresql = dialect.name == "postgresql"
    with _connection() as raw:
        if on_postgresql:
            raw.driver_connection.autocommit = True  # no BEGIN, and nothing to roll back afterwards
        cursor = raw.cursor()
        try:
            prepared = statement._execute(cursor, dialect, params)
            return [prepared.row(r) for r in cursor.fetchall()]
        finally:
            cursor.close()
            if on_postgresql:
                with suppress(dialect.loaded_dbapi.Error):  # a lost connection: the read's error is the one to see
                    raw.driver_connection.autocommit = False


class Writer:
    """Statements of one write transaction (`writing`)."""

    def __init__(self, cursor=None, dialect: sa.Dialect | None = None):
        self._cursor, self._dialect = cursor, dialect

    def execute(self, statement: Statement, params: Mapping[str, Any]) -> int:
        """Run the statement; the number of rows it changed."""
        if self._cursor is None:
            return db.session.execute(statement.statement, params).rowcount
        statement._execute(self._cursor, self._dialect, params)
        return self._cursor.rowcount

    def rows(self, statement: Statement, params: Mapping[str, Any]) -> list[tuple]:
        """The rows of a SELECT, read in this transaction."""
        if self._cursor is None:
            return [tuple(r) for r in db.session.execute(statement.statement, params)]
        prepared = statement._execute(self._cursor, self._dialect, params)
        return [prepared.row(r) for r in self._cursor.fetchall()]


@contextmanager
def writing() -> Iterator[Writer]:
    """One short write transaction, committed when the block ends and rolled back if it raises. On SQLite
    it takes the write lock at BEGIN (BEGIN IMMEDIATE, after the process's writer lock, which is let go
    at the end of the block), as every write transaction does (`db_setup`). Inside an open Session
    transaction the statements join it, and its owner commits."""
    if session_in_transaction():
        yield Writer()
        return
    dialect = db.engine.dialect
    on_sqlite = dialect.name == "sqlite"
    with _connection() as raw:
        if on_sqlite:
            db_setup.hold_writer(raw.info)
        try:
            cursor = raw.cursor()
            try:
                if on_sqlite:
                    cursor.execute("BEGIN IMMEDIATE")
                yield Writer(cursor, dialect)
                raw.commit()
            except BaseException:
                if raw.is_valid:
                    with suppress(dialect.loaded_dbapi.Error):  # the error that brought us here is the one to see
                        raw.rollback()
                raise
            finally:
                cursor.close()
        finally:
            if on_sqlite:
                db_setup.release_writer(raw.info)
