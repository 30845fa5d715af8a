"""Text that a spreadsheet program would run as a formula (CSV and formula injection): one rule for
every CSV and XLSX the platform writes. A text cell starting with = + - @, or with a tab or a carriage
return (which some programs skip before looking), gets a leading apostrophe, so it is shown as the
text it is; numbers and empty cells are left alone. The rule is OWASP's for CSV injection."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PHONE = re.compile(r"\+[0-9]{6,15}")


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would read as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def neutralise_row(values: Iterable[Any]) -> list[Any]:
    """A row of cells, each through `neutralise`."""
    return [neutralise(v) for v in values]


def phone_cell(value: str) -> str:
    """A phone number as stored (+84912345678: a plus and digits, nothing a spreadsheet can run) is
    kept exact, for a mail merge; anything else goes through `neutralise`."""
    return value if _PHONE.fullmatch(value) else neutralise(value)
