"""Office page views that only read: they run in `db_setup.reading()`, so on SQLite a dashboard, a
live-figures poll or a download takes no write lock and queues no phone's autosave behind it."""

from __future__ import annotations

import functools

from .db_setup import reading


def read_only(view):
    """Run the view, its template included, in one `reading()` block. Only for views that write nothing:
    a statement that writes in it would be committed on its own, at once, outside any transaction.
    Put it under `roles` (the user is loaded first, by the user loader's own read). Marks the view, so
    a test finds the office's GET views that are not marked (tests/test_office_reads.py)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        with reading():
            return view(*args, **kwargs)

    wrapper.read_only = True
    return wrapper
