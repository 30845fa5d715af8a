"""Typed refusals. A service says *why* with a code and the fields a reader needs; it never writes a
sentence. Each interface (admin pages, CLI, respondent pages, documents) renders the code from its
Vietnamese catalogue (`survey_app.texts`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar


class ServiceError(Exception):
    """A request that cannot be carried out: `code` names the reason, `params` its details."""

    default_code: ClassVar[str] = "refused"

    def __init__(self, code: str | None = None, /, **params: Any):
        self.code = code or self.default_code
        self.params = params
        super().__init__(self.code)

    def __str__(self) -> str:  # for logs and tracebacks; people read the catalogue's text
        details = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{self.code} ({details})" if details else self.code


class NotFound(ServiceError):
    """No such campaign, response, user…: pages answer 404."""

    default_code = "not_found"


@dataclass(frozen=True)
class Issue:
    """One problem in a list (a template, a pack file): a code and its fields."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RowIssue:
    """A bad row of an imported file. `row` counts as the user sees it (header = 1; 0 = the file as a
    whole); `column` is the canonical field and `header` the header the user's file wrote for it."""

    row: int
    column: str
    code: str
    header: str | None = None
    value: str | None = None
    params: dict[str, Any] = field(default_factory=dict)


class ImportRejected(ServiceError):
    """An all-or-nothing import refused; nothing was written. `issues` lists every bad row."""

    default_code = "import_rejected"

    def __init__(self, issues: list[RowIssue]):
        self.issues = issues
        super().__init__(count=len(issues))
