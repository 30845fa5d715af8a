"""Files uploaded for a preview, kept until the import is confirmed: instance/uploads, owner-only.

A file holds personal data (names, emails, phones): it is readable by the server's user only, named
at random, deleted once imported, and anything left from an abandoned preview goes after a day.
"""

from __future__ import annotations

import os
import re
import secrets
import time
from pathlib import Path

from flask import current_app, request
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge

MAX_BYTES = 10 * 1024 * 1024  # a roster of 30.000 people is about 3 MB as XLSX
MAX_AGE_SECONDS = 24 * 3600
SUFFIXES = (".csv", ".xlsx")
_NAME = re.compile(r"^[A-Za-z0-9_-]{32}\.(csv|xlsx)$")


class TooLarge(Exception):
    """The upload is over MAX_BYTES."""


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "uploads"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def uploaded_file(field: str = "file") -> FileStorage | None:
    """The request's file, refused above MAX_BYTES. Call it before touching `request.form`: the limit
    then stops the body being read at all. (With CSRF on, the form is parsed before the view runs;
    the declared length still refuses it. An app-wide MAX_CONTENT_LENGTH would stop it earlier.)"""
    if (request.content_length or 0) > MAX_BYTES:
        raise TooLarge()
    request.max_content_length = MAX_BYTES
    try:
        return request.files.get(field)
    except RequestEntityTooLarge:
        raise TooLarge() from None


def save(file: FileStorage) -> str | None:
    """Keep an uploaded .csv or .xlsx under a random name; None for any other file."""
    suffix = Path(file.filename or "").suffix.lower()
    if suffix not in SUFFIXES:
        return None
    folder = _folder()
    _forget_old(folder)
    name = secrets.token_urlsafe(24) + suffix
    fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        file.save(out)
    return name


def path_of(name: str) -> Path | None:
    """The stored file behind a name from a form, or None (bad name, gone)."""
    if not _NAME.match(name or ""):
        return None
    path = _folder() / name
    return path if path.is_file() else None


def discard(name: str) -> None:
    path = path_of(name)
    if path is not None:
        path.unlink(missing_ok=True)


def _forget_old(folder: Path) -> None:
    limit = time.time() - MAX_AGE_SECONDS
    for path in folder.iterdir():
        if _NAME.match(path.name) and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
