"""Writing the workbook's sheets ready to print: column widths, title and header heights, orientation,
print set-up, and the named styles every cell uses (created once per workbook). Spreadsheets do not
size wrapped rows themselves when a file is made in write-only mode (LibreOffice keeps the default
height), so heights are worked out here from the text and the column widths, erring on the tall side.

Widths are in Excel's unit (the digit width of the default font, about 7 px); the estimates assume
Times New Roman 12 or the wider serif LibreOffice puts in its place (DejaVu Serif on Debian).
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from . import texts
from .cells import FORMULA_START, neutralise

FONT = "Times New Roman"
CHAR, BOLD_CHAR = 1.05, 1.2  # width units per character of the text font, regular and bold (capitals: × 1,3)
PAD = 1.6  # width units a cell keeps free around its text
TEXT_CAP = 40  # characters a text column shows on one line before it wraps
HEADER_LINES = 6  # a header wraps into at most this many lines before its column widens
LINE_PT, TITLE_LINE_PT, ROW_PT = 15.0, 20.0, 16.0  # heights: one header line, one title line, a data row
PX_PER_UNIT, PX_PER_COLUMN = 7, 5
# Printable width at 100 % on A4 with the margins below (0,5 inch each side), in pixels at 96 dpi.
PORTRAIT_PX = (8.27 - 1.0) * 96
MARGINS = dict(left=0.5, right=0.5, top=0.6, bottom=0.6, header=0.3, footer=0.3)

_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_STYLES = {
    "title": dict(font=Font(name=FONT, size=14, bold=True), alignment=Alignment("center", "center", wrap_text=True)),
    "head": dict(
        font=Font(name=FONT, size=12, bold=True),
        alignment=Alignment("center", "center", wrap_text=True),
        fill=PatternFill("solid", fgColor="E7E6E6"),
        border=_BOX,
    ),
    None: dict(font=Font(name=FONT, size=12), alignment=Alignment(vertical="center", wrap_text=True), border=_BOX),
    "0": dict(font=Font(name=FONT, size=12), alignment=Alignment("center", "center"), border=_BOX),
    "0.00": dict(font=Font(name=FONT, size=12), alignment=Alignment(vertical="center"), border=_BOX),
    "0.0000": dict(font=Font(name=FONT, size=12), alignment=Alignment(vertical="center"), border=_BOX),
}


@dataclass(frozen=True)
class SheetLayout:
    widths: tuple[float, ...]
    title_height: float
    header_height: float
    landscape: bool
    text_columns: tuple[int, ...]  # indexes of the columns that hold text
    line_chars: tuple[int, ...]  # characters one line of each column holds

    def row_height(self, row: Sequence[Any]) -> float | None:
        """The height a data row needs when one of its texts wraps onto more lines; None when one line does."""
        lines = 1
        for i in self.text_columns:
            v = row[i]
            if isinstance(v, str) and len(v) > self.line_chars[i]:
                lines = max(lines, wrapped_lines(v, self.line_chars[i]))
        return None if lines == 1 else lines * LINE_PT + 2


def named_styles(wb) -> dict[str | None, Any]:
    """Register the named styles once per workbook; return each one's style array by number format."""
    arrays = {}
    for key, spec in _STYLES.items():
        fmt = key if key not in ("title", "head", None) else "General"
        style = NamedStyle(name=texts.STYLE_NAMES[key], number_format=fmt, **spec)
        wb.add_named_style(style)
        arrays[key] = style.as_tuple()
    return arrays


def wrapped_lines(text: str, chars: int) -> int:
    return max(1, len(textwrap.wrap(text, width=max(chars, 1))))


def _shown_length(value: Any, fmt: str | None) -> int:
    if value is None:
        return 0
    if fmt is not None and isinstance(value, int | float | Decimal):
        digits = len(fmt.split(".")[1]) if fmt and "." in fmt else 0
        return len(f"{float(value):,.{digits}f}")
    return _units(str(value))


def _units(text: str) -> int:
    """Length in average characters: capitals count 1,3 (codes such as SO-NNPTNT are all capitals)."""
    return len(text) + sum(c.isupper() for c in text) * 3 // 10


def plan(
    title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]], formats: Sequence[str | None]
) -> SheetLayout:
    """Widths from the headers and the first 200 rows; heights from the wrapped header and title."""
    widths, chars = [], []
    for i, (head, fmt) in enumerate(zip(headers, formats, strict=True)):
        shown = max((_shown_length(r[i], fmt) for r in rows[:200]), default=0)
        text = min(shown, TEXT_CAP) * CHAR
        longest_word = max((_units(w) for w in head.split()), default=1) * BOLD_CHAR
        header_fit = _units(head) * BOLD_CHAR / HEADER_LINES
        width = max(text, longest_word, header_fit, (6 if fmt else 3) * CHAR) + PAD
        widths.append(round(width, 1))
        chars.append(max(1, int((width - PAD) / CHAR)))
    header_lines = max(wrapped_lines(h, int((w - PAD) / BOLD_CHAR)) for h, w in zip(headers, widths, strict=True))
    total_px = sum(w * PX_PER_UNIT + PX_PER_COLUMN for w in widths)
    title_chars = int(sum(widths) / (BOLD_CHAR * 1.2))  # 14 pt against the 12 pt the widths assume
    title_lines = wrapped_lines(title, title_chars)
    return SheetLayout(
        tuple(widths),
        title_lines * TITLE_LINE_PT + 6,
        header_lines * LINE_PT + 6,
        total_px > PORTRAIT_PX,
        tuple(i for i, f in enumerate(formats) if f is None),
        tuple(chars),
    )


def write_workbook(sheets: Sequence[Any], target: str | Path | IO[bytes]) -> None:
    """Write `workbook.SheetTable`s ready to print: A4 fit to width, landscape only when the table is too wide for
    portrait, title and header rows repeated on every page and tall enough for their wrapped text,
    thin borders, frozen panes, numbers as numbers in the sheet's formats."""
    if not sheets:
        raise ValueError("no sheet to write")
    wb = Workbook(write_only=True)
    styles = named_styles(wb)
    for table in sheets:
        _write_sheet(wb, table, styles)
    wb.save(target)


def _write_sheet(wb: Workbook, table: Any, styles: Mapping[str | None, Any]) -> None:
    ws = wb.create_sheet(table.name)
    layout = plan(table.title, table.headers, table.rows, table.formats)
    for i, width in enumerate(layout.widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    _print_setup(ws, layout, len(table.headers))
    ws.freeze_panes = table.freeze
    ws.row_dimensions[1].height = layout.title_height
    ws.row_dimensions[2].height = layout.header_height
    ws._values_to_row = _placed  # the rows below are lists of ready cells: skip openpyxl's per-value probing
    ws.append([_ColumnCell(ws, 1, styles["title"], neutralise(table.title))])
    ws.append([_ColumnCell(ws, i, styles["head"], neutralise(h)) for i, h in enumerate(table.headers, 1)])
    cells = [_ColumnCell(ws, i, styles[f]) for i, f in enumerate(table.formats, 1)]
    row_height = layout.row_height
    for n, row in enumerate(table.rows, 3):
        for cell, value in zip(cells, row, strict=True):
            cell.put(value)
        if (height := row_height(row)) is not None:
            ws.row_dimensions[n].height = height
        ws.append(cells)


def _placed(cells: Sequence[_ColumnCell], row: int) -> Iterator[_ColumnCell]:
    """openpyxl's write-only `_values_to_row` for a row of `_ColumnCell`s: each already knows its column
    and value, so it only takes the row number (openpyxl would first try each cell as a value, fail,
    and make a fresh cell after every styled one)."""
    for cell in cells:
        cell.row = row
        yield cell


_NUMBERS = frozenset((int, float, Decimal))  # exactly these types (not bool) are openpyxl's type "n"


class _ColumnCell(Cell):
    """The one styled cell of a column, given each row's value in turn (write-only mode writes a row as
    it is appended, so one cell per column serves every row). Its style never changes, so its style id
    is looked up once instead of per row; its repr is cheap because write-only mode formats it once per
    value it takes."""

    __slots__ = ("_style_id",)
    has_style = True

    def __init__(self, ws, column: int, style, value: Any = None) -> None:
        super().__init__(ws, 1, column, None, style)
        self._style_id: int | None = None
        self.put(value)

    def put(self, value: Any) -> None:
        """Take a row's value as openpyxl's value setter would, text starting with = + - @ neutralised;
        numbers and empty cells need none of the setter's checks."""
        if value is None or value.__class__ in _NUMBERS:
            self._value, self.data_type = value, "n"
        elif value.__class__ is str and value.startswith(FORMULA_START):
            self.value = "'" + value
        else:
            self.value = value

    @property
    def style_id(self) -> int:
        if self._style_id is None:
            self._style_id = Cell.style_id.fget(self)
        return self._style_id

    def __repr__(self) -> str:
        return "<column cell>"


def _print_setup(ws, layout: SheetLayout, columns: int) -> None:
    ws.merged_cells.add(f"A1:{get_column_letter(columns)}1")
    ws.print_title_rows = "1:2"
    ws.page_setup.orientation = "landscape" if layout.landscape else "portrait"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(**MARGINS)
    ws.sheet_format.defaultRowHeight, ws.sheet_format.customHeight = ROW_PT, True
    ws.oddFooter.center.text = texts.PAGE_FOOTER
    ws.oddFooter.center.size = 10
