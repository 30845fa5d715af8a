"""Write survey points into a workbook Home Affairs already keeps, touching nothing else.

Each row of the named sheet whose unit column holds a unit's code, or its name typed with or without
accents, receives the unit's values in the named columns. Cells that already hold something are
refused unless `force` is given; the report lists written cells, refusals, rows that matched no unit
and units found in no row. openpyxl keeps values, formulas, styles, merged cells, widths and print
settings; it does not keep charts or pictures, so `fill_workbook` refuses a sheet holding them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string

from .vntext import fold

_COLUMN = re.compile(r"^[A-Z]{1,3}$")


class FillError(ValueError):
    """The workbook or the options cannot be used; `code` and `params` let an interface say why."""

    def __init__(self, code: str, message: str, **params):
        self.code, self.params = code, params
        super().__init__(message)


@dataclass(frozen=True)
class UnitValues:
    code: str
    name: str
    values: Mapping[str, Decimal | float | int | None]  # field name → value (e.g. 'survey' → 17.75); None: leave


@dataclass(frozen=True)
class UnmatchedRow:
    row: int
    text: str


@dataclass
class FillReport:
    written: list[str] = field(default_factory=list)  # cell addresses
    refused: list[str] = field(default_factory=list)  # non-empty cells left alone
    unmatched_rows: list[UnmatchedRow] = field(default_factory=list)  # rows whose text names no unit
    missing_units: list[str] = field(default_factory=list)  # unit codes found in no row
    matched: dict[int, str] = field(default_factory=dict)  # row → unit code

    @property
    def ok(self) -> bool:
        return not self.refused


def match_key(text: str) -> str:
    """'Sở Văn hóa, Thể thao và Du lịch' and 'so van hoa the thao va du lich' give the same key."""
    return " ".join(re.sub(r"[^\w\s]", " ", fold(text)).split())


def fill_workbook(
    source: str | Path,
    target: str | Path,
    sheet: str,
    unit_column: str,
    columns: Mapping[str, str],
    units: list[UnitValues],
    *,
    force: bool = False,
    first_row: int = 1,
) -> FillReport:
    """Fill `columns` ({field: column letter}) of `sheet` for every matched row and save to `target`.

    Nothing is saved when a non-empty cell would be overwritten without `force`: the report says which.
    """
    unit_column = unit_column.upper()
    letters = _checked_letters(unit_column, columns, units)
    wb = load_workbook(source)
    ws = _fillable_sheet(wb, sheet)
    by_key: dict[str, UnitValues] = {}
    for u in units:
        by_key.setdefault(u.code.strip().upper(), u)
        by_key.setdefault(match_key(u.name), u)
    report = FillReport()
    key_col = column_index_from_string(unit_column)
    for row in range(first_row, ws.max_row + 1):
        text = ws.cell(row, key_col).value
        if text is None or str(text).strip() == "":
            continue
        text = str(text)
        unit = by_key.get(text.strip().upper()) or by_key.get(match_key(text))
        if unit is None:
            report.unmatched_rows.append(UnmatchedRow(row, text))
            continue
        report.matched[row] = unit.code
        for f, letter in letters.items():
            cell = ws[f"{letter}{row}"]
            value = unit.values.get(f)
            if value is None:  # nothing to say (a unit withheld under k): the cell stays as it is
                continue
            if cell.value not in (None, "") and not force:
                report.refused.append(cell.coordinate)
                continue
            cell.value = float(value) if isinstance(value, Decimal) else value
            report.written.append(cell.coordinate)
    found = set(report.matched.values())
    report.missing_units = [u.code for u in units if u.code not in found]
    # Rows that look like headers or totals also land in unmatched_rows: the caller shows them.
    if report.ok:
        wb.save(target)
    return report


def _checked_letters(unit_column: str, columns: Mapping[str, str], units: list[UnitValues]) -> dict[str, str]:
    """{field: column letter}, refusing bad letters and fields no unit has."""
    letters = {f: c.upper() for f, c in columns.items()}
    for letter in (unit_column, *letters.values()):
        if not _COLUMN.match(letter):
            raise FillError("bad_column", f"column must be letters such as C or AB, not {letter!r}", column=letter)
    if not letters:
        raise FillError("no_column", "name at least one column to fill, e.g. survey=H")
    fields = {f for u in units for f in u.values}
    unknown = sorted(set(letters) - fields)
    if unknown:
        raise FillError(
            "unknown_field",
            f"unknown field(s) {unknown}; allowed: {sorted(fields)}",
            fields=unknown,
            allowed=sorted(fields),
        )
    return letters


def _fillable_sheet(wb, sheet: str):
    """The named sheet, refused when it is missing or holds what openpyxl would drop on saving."""
    if sheet not in wb.sheetnames:
        raise FillError(
            "unknown_sheet", f"sheet must be one of {wb.sheetnames}, not {sheet!r}", sheet=sheet, sheets=wb.sheetnames
        )
    ws = wb[sheet]
    if getattr(ws, "_charts", None) or getattr(ws, "_images", None):
        raise FillError(
            "sheet_has_pictures",
            f"sheet {sheet!r} holds charts or pictures, which would be lost on saving",
            sheet=sheet,
        )
    return ws
