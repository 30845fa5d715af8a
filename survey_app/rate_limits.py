"""Rate limits per client address (behind TRUSTED_PROXIES, the forwarded one), as fixed windows.

Two kinds of routes are limited: the personal-link routes (`respond.limits`: every tap of every phone
passes there) and the sign-in form (`limited`). A check is one counter hit on the storage that
RATELIMIT_STORAGE_URI names: `memory://` (the default) is `CountsInProcess`, per worker process; any
other URI (redis://…) is the `limits` storage it names, shared by the workers.

This replaced Flask-Limiter: on the link routes it evaluated its whole rule set once per decorator
(twice per request) plus once more before every request of the app, and its memory storage started a
timer thread every 10 ms to expire keys; a tap paid for all of it.
"""

from __future__ import annotations

import math
import threading
import time
from functools import wraps

from flask import Flask, current_app, request
from limits import parse
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

_EXTENSION = "survey_rate_limits"


class CountsInProcess(Storage):
    """Fixed-window counters in this process's memory. An expired window is dropped when its key is met
    again, and all of them in a sweep at most once a minute: no timer thread."""

    STORAGE_SCHEME = None  # made by `init_app` for memory://, never looked up by URI

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._counts: dict[str, list] = {}  # key → [count, end of its window]
        self._swept = time.time()

    @property
    def base_exceptions(self) -> tuple[type[Exception], ...]:
        return ()

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        with self._lock:
            if now - self._swept > 60:
                self._counts = {k: v for k, v in self._counts.items() if v[1] > now}
                self._swept = now
            entry = self._counts.get(key)
            if entry is None or entry[1] <= now:
                entry = self._counts[key] = [0, now + expiry]
            entry[0] += amount
            return entry[0]

    def get(self, key: str) -> int:
        entry = self._counts.get(key)
        return entry[0] if entry is not None and entry[1] > time.time() else 0

    def get_expiry(self, key: str) -> float:
        entry = self._counts.get(key)
        return entry[1] if entry is not None else time.time()

    def check(self) -> bool:
        return True

    def reset(self) -> int | None:
        with self._lock:
            cleared, self._counts = len(self._counts), {}
        return cleared

    def clear(self, key: str) -> None:
        with self._lock:
            self._counts.pop(key, None)


class RateLimits:
    def __init__(self, app: Flask) -> None:
        uri = app.config["RATELIMIT_STORAGE_URI"]
        self.storage = CountsInProcess() if uri.startswith("memory://") else storage_from_string(uri)
        self.strategy = FixedWindowRateLimiter(self.storage)

    def hit(self, limit: str, scope: str) -> None:
        """Count this request against `limit` ("300 per minute") for its address, route and `scope`;
        past it, 429 with Retry-After (faults.py says it in Vietnamese)."""
        item = parse(limit)
        where = (scope, request.endpoint or "-", request.remote_addr or "-")
        if not self.strategy.hit(item, *where):
            reset_at = self.strategy.get_window_stats(item, *where).reset_time
            raise TooManyRequests(retry_after=max(1, math.ceil(reset_at - time.time())))


def init_app(app: Flask) -> None:
    app.extensions[_EXTENSION] = RateLimits(app)


def hit(limit: str, scope: str) -> None:
    """Count the request (see `RateLimits.hit`), unless RATELIMIT_ENABLED is off."""
    if current_app.config.get("RATELIMIT_ENABLED", True):
        current_app.extensions[_EXTENSION].hit(limit, scope)


def reset(app: Flask) -> None:
    """Forget every count (tests; a restart does the same for memory://)."""
    app.extensions[_EXTENSION].storage.reset()


def limited(limit: str, methods: tuple[str, ...]):
    """A view counted against `limit` per address, for requests of these methods only."""

    def decorate(view):
        @wraps(view)
        def counted(*args, **kwargs):
            if request.method in methods:
                hit(limit, "view")
            return view(*args, **kwargs)

        return counted

    return decorate
