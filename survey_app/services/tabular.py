"""Read a CSV or XLSX roster into rows numbered as the user sees them (header = row 1)."""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook

from .errors import ImportRejected, RowIssue


@dataclass(frozen=True)
class Row:
    number: int
    values: dict[str, str]


def header_key(text: str) -> str:
    """'Mã đơn vị' → 'ma_don_vi': headers match whatever case, accents or spacing were typed."""
    text = unicodedata.normalize("NFD", str(text).strip().lower()).replace("đ", "d")
    text = "".join(c for c in text if not unicodedata.combining(c))
    return "_".join(text.replace("-", " ").split())


def read_rows(path: str | Path, columns: dict[str, str], required: set[str]) -> list[Row]:
    """Rows keyed by canonical column name; `columns` maps accepted header keys to canonical names."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        raw = _read_xlsx(path)
    elif path.suffix.lower() == ".csv":
        raw = _read_csv(path)
    else:
        raise ImportRejected([RowIssue(0, "-", f"{path.name}: only .csv and .xlsx files are read")])
    if not raw:
        raise ImportRejected([RowIssue(1, "-", "the file is empty")])
    header, *body = raw
    names: list[str | None] = [columns.get(header_key(h)) if h is not None else None for h in header]
    missing = required - set(names)
    if missing:
        raise ImportRejected(
            [RowIssue(1, col, "required column is missing from the header") for col in sorted(missing)]
        )
    rows = []
    for offset, cells in enumerate(body, start=2):
        values = {name: _cell_text(cell) for name, cell in zip(names, cells, strict=False) if name is not None}
        if any(values.values()):
            rows.append(Row(offset, values))
    return rows


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
        raise ImportRejected([RowIssue(0, "-", "the CSV file is not UTF-8; save it as 'CSV UTF-8' in Excel")]) from None
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [row for row in csv.reader(io.StringIO(text), dialect)]


def _read_xlsx(path: Path) -> list[list[object]]:
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a damaged file
        raise ImportRejected([RowIssue(0, "-", f"cannot read the workbook: {exc}")]) from exc
    try:
        return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    finally:
        wb.close()
