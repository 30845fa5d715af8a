"""Vietnamese catalogues: every code a service, a pack check or an import returns, as people read it.

Interfaces render codes through `say` (one code and its fields), `say_error` (a `ServiceError`) and
`say_row` (a bad row of an imported file, named by the header the user's file used). Numbers come
out Vietnamese style (17,75 and 1.574), dates as 02/12/2026. Each interface keeps its own labels and
buttons in its own `texts.py`; the sentences here are shared so a refusal reads the same on a page
and in the terminal.
"""

from __future__ import annotations

import string
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from analysis.vntext import format_number

from ..errors import RowIssue, ServiceError
from . import accounts, config, delivery, documents, http, index, packs, survey  # noqa: F401  (documents: words only)

CATALOGUE: dict[str, str] = {}
for _part in (survey, delivery, index, packs, accounts, http, config):
    _clash = CATALOGUE.keys() & _part.CODES.keys()
    if _clash:
        raise RuntimeError(f"codes defined twice in the catalogue: {sorted(_clash)}")
    CATALOGUE |= _part.CODES
COLUMNS: dict[str, str] = survey.COLUMNS | index.COLUMNS


class _Vietnamese(string.Formatter):
    """str.format with Vietnamese numbers, dates and lists."""

    def format_field(self, value: Any, spec: str) -> str:
        if spec == "date":  # an ISO date kept in JSON
            return f"{date.fromisoformat(str(value)):%d/%m/%Y}"
        if spec.endswith("_status"):
            return survey.STATUS[spec.removesuffix("_status")].get(str(value), str(value))
        if spec == "columns" and isinstance(value, list | tuple):  # roster fields, by their Vietnamese headers
            return ", ".join(COLUMNS.get(str(v), str(v)) for v in value)
        if spec == "json_type":
            return packs.TYPES.get(str(value), str(value))
        if spec.startswith(".") and spec.endswith("g") and isinstance(value, int | float | Decimal):
            return plain_number(value, int(spec[1:-1]))
        if isinstance(value, bool):
            return "có" if value else "không"
        if isinstance(value, int) and not spec:
            return format_number(value, 0)
        if isinstance(value, float | Decimal):
            digits = int(spec[1:-1]) if spec.startswith(".") and spec.endswith("f") else 2
            return format_number(value, digits)
        if isinstance(value, datetime):
            from ..timeutil import format_vn

            return format_vn(value)
        if isinstance(value, date):
            return f"{value:%d/%m/%Y}"
        if isinstance(value, list | tuple | set | frozenset):
            return ", ".join(str(v) for v in value)
        return super().format_field(value, spec)


_FORMAT = _Vietnamese()


def say(code: str, /, **params: Any) -> str:
    """The Vietnamese text of a code, its fields filled in."""
    try:
        template = CATALOGUE[code]
    except KeyError:
        raise KeyError(f"no catalogue entry for code {code!r}") from None
    return _FORMAT.format(template, **params)


def say_error(exc: ServiceError) -> str:
    """A refusal as one sentence (an import's bad rows: one line each after the first)."""
    from ..errors import ImportRejected
    from ..packs import PackError

    if isinstance(exc, PackError):
        return "\n".join([say(exc.code, **exc.params), *(say_pack_issue(i) for i in exc.issues)])
    if isinstance(exc, ImportRejected):
        return "\n".join([say(exc.code, **exc.params), *(say_row(i) for i in exc.issues)])
    issues = exc.params.get("issues")
    if issues:
        return "\n".join([say(exc.code), *(say(i.code, **i.params) for i in issues)])
    return say(exc.code, **exc.params)


def column_label(issue: RowIssue) -> str:
    """The header the user's file used, else the usual Vietnamese header of the field."""
    return issue.header or COLUMNS.get(issue.column, issue.column)


def say_row(issue: RowIssue) -> str:
    """'dòng 5, cột Email: địa chỉ email không hợp lệ (abc@)'."""
    reason = say(issue.code, value=issue.value, **issue.params)
    if issue.row == 0:
        return reason if issue.column in ("", "-") else f"cột {column_label(issue)}: {reason}"
    if issue.column in ("", "-"):
        return f"dòng {issue.row}: {reason}"
    return f"dòng {issue.row}, cột {column_label(issue)}: {reason}"


def percent(value: float | Decimal, digits: int = 1) -> str:
    """59.8 → '59,8%'."""
    return f"{format_number(value, digits)}%"


def number(value: float | Decimal | int, digits: int = 0) -> str:
    return format_number(value, digits)


def plain_number(value: float | Decimal | int, digits: int = 2) -> str:
    """At most `digits` decimals, trailing zeros dropped: 9.50 → '9,5', 99 → '99', 1574 → '1.574'."""
    text = format_number(value, digits)
    return text.rstrip("0").rstrip(",") if "," in text else text


def say_pack_issue(issue) -> str:
    """'questions/so.yaml: questions[1].area: không có lĩnh vực «LV7» …' or 'units.csv: dòng 5, cột code: …'."""
    reason = say(f"pack.{issue.code}", **issue.params)
    if issue.row and issue.column:
        return f"{issue.file}: dòng {issue.row}, cột {issue.column}: {reason}"
    if issue.row:
        return f"{issue.file}: dòng {issue.row}: {reason}"
    return f"{issue.file}: {issue.path}: {reason}" if issue.path else f"{issue.file}: {reason}"


def fill(template: str, /, **params: Any) -> str:
    """A catalogue template of an interface, its fields filled Vietnamese style (1.574; 17,75)."""
    return _FORMAT.format(template, **params)


def describe_audit(action: str, params: dict[str, Any]) -> tuple[str, str]:
    """(action in words, its details in words) of an audit entry; unknown fields are listed as they are."""
    from .audit import ACTIONS

    label, template = ACTIONS.get(action, (action, ""))
    try:
        detail = _FORMAT.format(template, **params) if template else ""
    except (KeyError, IndexError, ValueError):
        detail = "; ".join(f"{k}: {v}" for k, v in params.items())
    return label, detail
