"""The channel interface the worker drives, and the pacing every provider asks for."""

from __future__ import annotations

import time
from contextlib import AbstractContextManager
from typing import Protocol

from survey_app.services.delivery.outbox import Claimed, Outcome


class ChannelDown(Exception):
    """The channel cannot be reached at all; the message being sent did not go out.

    The worker puts it and the rest of the batch back untried, so nothing is counted as an attempt
    and nothing is sent twice when the server returns. `code` says why (the pages render it),
    `detail` keeps the provider's or the network's own words.
    """

    def __init__(self, code: str, detail: str = ""):
        self.code, self.detail = code, detail
        super().__init__(f"{code}: {detail}" if detail else code)


class Session(Protocol):
    def send(self, message: Claimed) -> Outcome: ...


class Channel(Protocol):
    name: str

    def session(self) -> AbstractContextManager[Session]: ...


class Pacer:
    """At most one call per `interval` seconds overall and per `per_key_interval` per recipient."""

    def __init__(self, interval: float, per_key_interval: float = 0.0, clock=time.monotonic, sleep=time.sleep):
        self.interval, self.per_key = interval, per_key_interval
        self.clock, self.sleep = clock, sleep
        self.last = float("-inf")
        self.last_by_key: dict[str, float] = {}

    def wait(self, key: str | None = None) -> None:
        """Block until the next call is allowed."""
        ready = self.last + self.interval
        if key is not None and self.per_key:
            ready = max(ready, self.last_by_key.get(key, float("-inf")) + self.per_key)
        delay = ready - self.clock()
        if delay > 0:
            self.sleep(delay)
        self.last = self.clock()
        if key is not None:
            self.last_by_key[key] = self.last
