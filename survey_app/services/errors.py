"""Errors services raise; each carries a message a user can act on."""

from __future__ import annotations

from dataclasses import dataclass


class ServiceError(Exception):
    """A request that cannot be carried out; the message says why."""


class NotFound(ServiceError):
    pass


@dataclass(frozen=True)
class RowIssue:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.reason}"


class ImportRejected(ServiceError):
    """An all-or-nothing import refused; nothing was written. `issues` lists every bad row."""

    def __init__(self, issues: list[RowIssue]):
        self.issues = issues
        super().__init__(f"{len(issues)} problem(s), nothing imported:\n" + "\n".join(map(str, issues)))
