"""Progress bars of the long commands: a service's `progress(done, total, phase)` calls drive
`click.progressbar`, one bar per phase, labelled from the catalogue (`texts.BARS`), with counts
written Vietnamese style (1.234/1.574) and the time left. The bars go to stderr, so `> result.txt` keeps
only the result lines."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

from ..texts import number
from . import texts

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar


def on_terminal(stream) -> bool:
    return stream.isatty()


def progressbar(length: int, label: str, **options) -> ProgressBar:
    """`click.progressbar` on stderr, with the position as 1.234/1.574 (click writes 1234/1574). Only on a
    terminal: piped or logged, a command prints its result lines and nothing else, as before the bars."""
    err = sys.stderr
    bar = click.progressbar(
        length=length, label=label, show_eta=True, show_pos=True, file=err, hidden=not on_terminal(err), **options
    )
    bar.format_pos = lambda: f"{number(bar.pos)}/{number(bar.length or 0)}"  # click calls self.format_pos()
    return bar


class _Bars:
    """The callback handed to a service: a new bar when the phase changes, or when a count starts again."""

    def __init__(self, job: str) -> None:
        self.job = job  # the label's key when the service names no phase
        self.bar: ProgressBar | None = None
        self.phase: str | None = None

    def __call__(self, done: int, total: int, phase: str = "") -> None:
        bar = self.bar
        if bar is None or phase != self.phase or total != bar.length or done < bar.pos:
            self.close()
            self.phase = phase
            bar = self.bar = progressbar(total, texts.BARS[phase or self.job])
            bar.__enter__()
        bar.update(done - bar.pos)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@contextmanager
def progress_bars(job: str) -> Iterator[_Bars]:
    """`with progress_bars("invitations.issue") as progress: service(..., progress=progress)`; the bars end
    (a new line) before the command prints its result."""
    bars = _Bars(job)
    try:
        yield bars
    finally:
        bars.close()
