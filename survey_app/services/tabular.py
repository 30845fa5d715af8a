"""Read a CSV or XLSX file into rows numbered as the user sees them (header = row 1).

Headers match whatever case, accents or spacing were typed ('Mã đơn vị', 'ma don vi', 'unit_code');
the table remembers the header each field came from, so a refusal can name the column as the user's
file wrote it.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ImportRejected, RowIssue


@dataclass(frozen=True)
class Row:
    number: int
    values: dict[str, str]


@dataclass(frozen=True)
class Table:
    rows: list[Row]
    headers: dict[str, str] = field(default_factory=dict)  # canonical field → header as written

    def issue(self, row: int, column: str, code: str, value: str | None = None, **params) -> RowIssue:
        """A bad cell, named by the header this file used for its column."""
        return RowIssue(row, column, code, self.headers.get(column), value, params)

    def text_issues(self, limits: Mapping[str, int]) -> list[RowIssue]:
        """Every cell holding a control character (NUL…) and every cell longer than its column's
        `limits` (the database column's length): refused before anything is written, the same on
        SQLite (which would store them) and PostgreSQL (which would refuse them mid-import)."""
        issues = []
        for row in self.rows:
            for column, value in row.values.items():
                bad = next((c for c in value if unicodedata.category(c) == "Cc"), None)
                if bad is not None:
                    issues.append(self.issue(row.number, column, "control_character", char=f"U+{ord(bad):04X}"))
                elif column in limits and len(value) > limits[column]:
                    issues.append(self.issue(row.number, column, "too_long", length=len(value), limit=limits[column]))
        return issues


def column_lengths(model: type, fields: Mapping[str, str]) -> dict[str, int]:
    """Field of a file → the length of the model's column that stores it (`fields`: field → attribute)."""
    return {field: getattr(model, attribute).type.length for field, attribute in fields.items()}


def header_key(text: str) -> str:
    """'Mã đơn vị' → 'ma_don_vi'."""
    text = unicodedata.normalize("NFD", str(text).strip().lower()).replace("đ", "d")
    text = "".join(c for c in text if not unicodedata.combining(c))
    return "_".join(text.replace("-", " ").split())


def read_table(path: str | Path, columns: dict[str, str], required: set[str]) -> Table:
    """Rows keyed by canonical field; `columns` maps accepted header keys to canonical names."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        raw = _read_xlsx(path)
    elif path.suffix.lower() == ".csv":
        raw = _read_csv(path)
    else:
        raise ImportRejected([RowIssue(0, "-", "file_type", value=path.name)])
    if not raw:
        raise ImportRejected([RowIssue(1, "-", "file_empty")])
    header, *body = raw
    names: list[str | None] = [columns.get(header_key(h)) if h is not None else None for h in header]
    missing = required - set(names)
    if missing:
        raise ImportRejected([RowIssue(1, col, "column_missing") for col in sorted(missing)])
    headers = {name: " ".join(str(h).split()) for name, h in zip(names, header, strict=False) if name}
    rows = []
    for offset, cells in enumerate(body, start=2):
        values = {name: _cell_text(cell) for name, cell in zip(names, cells, strict=False) if name is not None}
        if any(values.values()):
            rows.append(Row(offset, values))
    return Table(rows, headers)


def _cell_text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return unicodedata.normalize("NFC", " ".join(str(cell).split()))


def _read_csv(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRejected([RowIssue(0, "-", "csv_not_utf8")]) from None
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return [row for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error:  # a cell over the csv module's field limit (128 KiB), a stray quote
        raise ImportRejected([RowIssue(0, "-", "csv_unreadable", params={"limit": csv.field_size_limit()})]) from None


def _read_xlsx(path: Path) -> list[list[object]]:
    from openpyxl import load_workbook  # openpyxl brings numpy: loaded when a workbook is read, not with the app

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a damaged file
        raise ImportRejected([RowIssue(0, "-", "workbook_unreadable", value=type(exc).__name__)]) from exc
    try:
        return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    finally:
        wb.close()
