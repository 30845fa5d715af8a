"""How a long job tells its caller how far it has got: one way for every service.

A function that works through many items takes `progress: Progress | None = None` and reports through a
`Ticker`: (0, total) first, then about every total / REPORTS items, then (total, total) at the end, so a
caller is called about a hundred times whatever the number of items, and `done` never goes back.
A job made of distinct steps (closing: release, re-stamp, check, compact) names the step it reports as
`phase`, a code the interface renders; `done` starts again at 0 with each phase. A job without phases
calls `progress(done, total)`, so a plain `Callable[[int, int], None]` works for it. Services stay free
of any interface: the CLI turns the calls into progress bars with Vietnamese labels (cli/progress.py).
"""

from __future__ import annotations

from typing import Protocol

REPORTS = 100  # about this many calls per phase, at any number of items


class Progress(Protocol):
    def __call__(self, done: int, total: int, phase: str = "") -> None: ...


class Ticker:
    """Counts the items of one phase and reports a bounded number of times; without a caller it does nothing."""

    def __init__(self, progress: Progress | None, total: int, phase: str = "") -> None:
        self.progress, self.total, self.phase = progress, max(total, 0), phase
        self.done = self.reported = 0
        self.every = max(1, -(-self.total // REPORTS))  # ceil
        self._report()

    def step(self, n: int = 1) -> None:
        self.done = min(self.done + n, self.total)
        if self.done - self.reported >= self.every or (self.done == self.total and self.reported < self.total):
            self._report()

    def finish(self) -> None:
        """The phase is over: report (total, total) unless it was the last report already."""
        if self.reported < self.total:
            self.done = self.total
            self._report()

    def _report(self) -> None:
        self.reported = self.done
        if self.progress is None:
            return
        if self.phase:
            self.progress(self.done, self.total, self.phase)
        else:
            self.progress(self.done, self.total)


def in_phase(progress: Progress | None, phase: str) -> Progress | None:
    """`progress` for a step of a larger job that calls a service reporting without a phase of its own."""
    if progress is None:
        return None
    return lambda done, total, inner="": progress(done, total, inner or phase)
