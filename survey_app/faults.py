"""What a request that cannot be served answers: a Vietnamese page for every error status (JSON with
`error` and `message` under /api/), and 503 with Retry-After when the database or the disk fails
(PostgreSQL stopped, a read-only or full SQLite file), so a phone keeps its answers and tries again.

The pages read nothing from the database: the database may be the fault.
"""

from __future__ import annotations

import errno
import logging
import time
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Flask, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import BadRequest, HTTPException

from .errors import NotFound
from .texts import say, say_error
from .texts.http import CSRF_REASONS
from .timeutil import format_vn

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 30
# Errors of a database that is stopped, unreachable, read-only, full or locked; of a pool that is exhausted.
DATABASE_DOWN = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.TimeoutError)
# Errors of a disk that is full or read-only; any other OSError is a bug (500).
DISK_DOWN = frozenset({errno.ENOSPC, errno.EROFS, errno.EDQUOT, errno.EIO})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
RESPONDENT_PATHS = ("/s/", "/api/v1/r/")


class BadCharacters(BadRequest):
    """A NUL byte in the path, the query or a form field: PostgreSQL cannot store it, nothing reads it."""


def init_app(app: Flask) -> None:
    """Register the error handlers, the respondent routes' body limit and the NUL guard."""
    # First of all (before CSRF or anything else reads a form): answers are small, workbooks are not.
    app.before_request_funcs.setdefault(None, []).insert(0, _limit_body)
    app.before_request(_refuse_nul)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(NotFound, _service_not_found)
    for exc_class in DATABASE_DOWN:
        app.register_error_handler(exc_class, _unavailable)
    app.register_error_handler(OSError, _os_error)


def _limit_body() -> None:
    if request.path.startswith(RESPONDENT_PATHS):
        request.max_content_length = current_app.config["MAX_ANSWERS_LENGTH"]


def _refuse_nul() -> None:
    values = [request.path, *request.args.keys(), *request.args.values()]
    if request.mimetype in FORM_TYPES and not _is_api():  # the API reads its own (JSON) bodies
        values += [*request.form.keys(), *request.form.values()]
    if any("\x00" in v for v in values):
        raise BadCharacters()


def _is_respondent() -> bool:
    return request.path.startswith(RESPONDENT_PATHS)


def _is_api() -> bool:
    return request.path.startswith("/api/")


def answer(status: int, error: str, title: str, lines: list[str], headers: dict | None = None):
    """The error as JSON under /api/ (`message` is the page's title and text), else as the page."""
    if _is_api():
        body = jsonify(error=error, message=" ".join([title, *lines]))
        return body, status, headers or {}
    page = render_template("error.html", title=title, lines=lines, respondent=_is_respondent())
    return page, status, headers or {}


def _texts(exc: HTTPException) -> tuple[str, list[str]]:
    if isinstance(exc, CSRFError):
        reason = CSRF_REASONS.get(exc.description)
        lines = [say("http.csrf.text")] + ([say("http.csrf.reason", reason=reason)] if reason else [])
        return say("http.csrf"), lines
    if isinstance(exc, BadCharacters):
        return say("http.400"), [say("http.bad_characters")]
    if exc.code == 413:
        return say("http.413"), [say("http.413.text", limit=request.max_content_length or 0)]
    if f"http.{exc.code}" in _KNOWN:
        return say(f"http.{exc.code}"), [say(f"http.{exc.code}.text")]
    return say("http.other", status=exc.code), [say("http.other.text")]


_KNOWN = frozenset({"http.400", "http.403", "http.404", "http.405", "http.415", "http.500"})


def _http_error(exc: HTTPException):
    if exc.code is None or exc.code < 400:
        return exc
    if exc.code == 429:
        return _too_many(exc)
    if exc.code >= 500:
        log.error("%s %s answered %s", request.method, request.url_rule or "(no route)", exc.code)
    error = "_".join(exc.name.lower().split())
    title, lines = _texts(exc)
    return answer(exc.code, error, title, lines)


def _too_many(exc: HTTPException):
    """429 saying when to try again, as Retry-After and in words (`rate_limits` gives the seconds)."""
    seconds = exc.retry_after if isinstance(getattr(exc, "retry_after", None), int) else 60
    at = format_vn(datetime.fromtimestamp(time.time() + seconds, UTC))
    lines = [say("http.429.text", seconds=seconds, at=at)]
    return answer(429, "too_many_requests", say("http.429"), lines, {"Retry-After": str(seconds)})


def _service_not_found(exc: NotFound):
    """A service's NotFound (no such campaign, response…) answers 404 from any view."""
    return answer(404, exc.code, say_error(exc), [])


def _unavailable(exc: Exception):
    """503: nothing was written; the client may try again (the phone's script keeps unsent answers)."""
    reason = getattr(exc, "orig", None) or exc
    log.warning("%s %s: storage unavailable (%s: %s)", request.method, request.url_rule, type(reason).__name__, reason)
    lines = [say("http.503.text", seconds=RETRY_AFTER_SECONDS)]
    if _is_respondent():
        lines.append(say("http.503.respondent"))
    return answer(503, "unavailable", say("http.503"), lines, {"Retry-After": str(RETRY_AFTER_SECONDS)})


def _os_error(exc: OSError):
    if exc.errno in DISK_DOWN:
        return _unavailable(exc)
    raise exc
