"""Plain tables, the analysis library's input: sequences of mappings, one mapping a row."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

Table = Sequence[Mapping[str, Any]]


def require_columns(rows: Table, columns: Sequence[str], table: str) -> None:
    """Refuse a table whose first row lacks a column, naming what it has."""
    if rows:
        missing = [c for c in columns if c not in rows[0]]
        if missing:
            raise ValueError(f"table {table!r} lacks column(s) {missing}; it has {sorted(rows[0])}")


def dec(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))
