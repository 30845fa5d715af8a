"""The index workbook: the decision's annex tables (Biểu 1, 2, 3, 4… for the first unit type, 1a, 2a…
for the second, 1b… for a third), the survey detail and an information sheet.

Shaping (`index_sheets`, `detail_sheet`, `info_sheet`: headers and rows) is kept apart from the file
format (`write_workbook`), so the same tables feed the admin pages and the report.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .cells import neutralise
from .index import IndexResult, UnitIndex
from .survey_detail import DetailRow, option_codes

POINTS, INTEGER, TEXT = "0.00", "0", None
DIRECTION = {"up": "Tăng bậc", "same": "Giữ bậc", "down": "Giảm bậc"}
H_UNIT = ("STT", "Mã đơn vị", "Tên đơn vị")
H_TOTALS = (
    "Điểm thẩm định",
    "Điểm điều tra XHH",
    "Điểm hài lòng của người dân",
    "Tổng điểm",
    "Điểm tối đa áp dụng",
    "Tỷ lệ (%)",
    "Xếp hạng",
    "Nhóm",
)
H_COMPARE = (
    "Tổng điểm năm nay",
    "Xếp hạng năm nay",
    "Tổng điểm năm trước",
    "Xếp hạng năm trước",
    "Tăng (+)/giảm (-) điểm",
    "Tăng (+)/giảm (-) bậc",
    "So với năm trước",
)
H_AREA = (
    "Điểm thẩm định",
    "Điểm điều tra XHH",
    "Điểm hài lòng của người dân",
    "Điểm lĩnh vực",
    "Điểm tối đa",
    "Tỷ lệ (%)",
    "Xếp hạng lĩnh vực",
)
H_DETAIL = ("Mã đơn vị", "Tên đơn vị", "Nhóm đối tượng", "Câu hỏi", "Lĩnh vực")
H_DETAIL_END = ("Số trả lời hợp lệ", "Trọng số bình quân", "Điểm")
_HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")


@dataclass(frozen=True)
class SheetTable:
    """One sheet: a title line, a header row, data rows, and a number format per column."""

    name: str
    title: str
    headers: tuple[str, ...]
    rows: list[list[Any]]
    formats: tuple[str | None, ...]

    def __post_init__(self) -> None:
        if len(self.name) > 31 or any(c in self.name for c in "[]:*?/\\"):
            raise ValueError(f"sheet name {self.name!r} is not allowed in Excel")
        if len(self.formats) != len(self.headers):
            raise ValueError(f"sheet {self.name!r}: {len(self.formats)} formats for {len(self.headers)} columns")


def sheet_suffix(position: int) -> str:
    """'' for the first unit type, then 'a', 'b', … (Biểu 1, Biểu 1a, Biểu 1b)."""
    if position == 0:
        return ""
    if position > 26:
        raise ValueError("at most 27 unit types")
    return string.ascii_lowercase[position - 1]


def index_sheets(result: IndexResult, year: int | str) -> list[SheetTable]:
    """Biểu 1 (totals and ranks), 2 (against last year), 3 (by area), 4… (one per area), per unit type."""
    sheets = []
    for pos, t in enumerate(result.types):
        s = sheet_suffix(pos)
        units = result.of_type(t.code)
        sheets.append(
            SheetTable(
                f"Biểu 1{s}",
                f"Biểu số 1{s}. Chỉ số CCHC năm {year} của {t.name}: tổng điểm và xếp hạng",
                H_UNIT + H_TOTALS,
                [
                    [
                        i,
                        u.unit,
                        u.name,
                        u.appraisal,
                        u.survey,
                        u.satisfaction,
                        u.total,
                        u.max_points,
                        u.percent,
                        u.rank,
                        u.band or "",
                    ]
                    for i, u in enumerate(units, 1)
                ],
                (INTEGER, TEXT, TEXT) + (POINTS,) * 6 + (INTEGER, TEXT),
            )
        )
        sheets.append(
            SheetTable(
                f"Biểu 2{s}",
                f"Biểu số 2{s}. So sánh Chỉ số CCHC năm {year} với năm trước của {t.name}",
                H_UNIT + H_COMPARE,
                [[i, u.unit, u.name, *_compare_cells(u)] for i, u in enumerate(units, 1)],
                (INTEGER, TEXT, TEXT, POINTS, INTEGER, POINTS, INTEGER, POINTS, INTEGER, TEXT),
            )
        )
        area_heads = tuple(f"{code}. {name} ({_plain(mx)} điểm)" for code, name, mx in t.areas)
        sheets.append(
            SheetTable(
                f"Biểu 3{s}",
                f"Biểu số 3{s}. Điểm theo lĩnh vực của {t.name}",
                H_UNIT + area_heads + ("Tổng điểm", "Xếp hạng"),
                [
                    [i, u.unit, u.name, *(u.areas[a[0]].points for a in t.areas), u.total, u.rank]
                    for i, u in enumerate(units, 1)
                ],
                (INTEGER, TEXT, TEXT) + (POINTS,) * (len(t.areas) + 1) + (INTEGER,),
            )
        )
        for n, (code, name, _) in enumerate(t.areas, start=4):
            sheets.append(_area_sheet(f"Biểu {n}{s}", f"Biểu số {n}{s}. {name} – {t.name}", units, code, result))
    return sheets


def _area_sheet(sheet: str, title: str, units: Sequence[UnitIndex], area: str, result: IndexResult) -> SheetTable:
    ranks = _competition_ranks([u.areas[area].points for u in units])
    rows = []
    for i, (u, rank) in enumerate(zip(units, ranks, strict=True), 1):
        a = u.areas[area]
        pct = result.rules.round(a.points * 100 / a.max_points) if a.max_points else None
        rows.append([i, u.unit, u.name, a.appraisal, a.survey, a.satisfaction, a.points, a.max_points, pct, rank])
    return SheetTable(sheet, title, H_UNIT + H_AREA, rows, (INTEGER, TEXT, TEXT) + (POINTS,) * 6 + (INTEGER,))


def _competition_ranks(values: Sequence[Decimal]) -> list[int]:
    return [1 + sum(1 for w in values if w > v) for v in values]


def _compare_cells(u: UnitIndex) -> list[Any]:
    c = u.last
    if c is None:
        return [u.total, u.rank, None, None, None, None, "Không có số liệu năm trước"]
    if c.merged_from:
        return [u.total, u.rank, None, None, None, None, "Hợp nhất từ " + ", ".join(c.merged_from)]
    return [
        u.total,
        u.rank,
        c.last_total,
        c.last_rank,
        c.points_change,
        c.rank_change,
        DIRECTION.get(c.direction or "", ""),
    ]


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f").replace(".", ",")


def detail_sheet(
    rows: Sequence[DetailRow],
    unit_names: Mapping[str, str],
    group_names: Mapping[str, str],
    area_names: Mapping[str, str],
) -> SheetTable:
    """Unit × group × question: answers per option, valid n, mean weight and points."""
    options = option_codes(rows)
    data = []
    for r in rows:
        groups = " + ".join(group_names.get(g, g) for g in r.groups)
        data.append(
            [
                r.unit,
                unit_names.get(r.unit, r.unit),
                groups,
                r.question,
                area_names.get(r.area, r.area),
                *(r.counts.get(o, 0) for o in options),
                r.valid,
                None if r.mean_weight is None else round(float(r.mean_weight), 4),
                None if r.points is None else round(float(r.points), 4),
            ]
        )
    headers = H_DETAIL + tuple(f"Phương án {o}" for o in options) + H_DETAIL_END
    return SheetTable(
        "Chi tiết khảo sát",
        "Chi tiết kết quả điều tra xã hội học (đơn vị × nhóm × câu hỏi)",
        headers,
        data,
        (TEXT,) * 5 + (INTEGER,) * (len(options) + 1) + ("0.0000", "0.0000"),
    )


def info_sheet(lines: Sequence[tuple[str, Any]]) -> SheetTable:
    """Campaign, pack hash, rounding, time made: one label and one value a row."""
    return SheetTable(
        "Thông tin", "Thông tin về tệp số liệu", ("Nội dung", "Giá trị"), [[k, v] for k, v in lines], (TEXT, TEXT)
    )


def write_workbook(sheets: Sequence[SheetTable], target: str | Path | IO[bytes]) -> None:
    """Write the sheets: numbers as numbers with formats, frozen headers, widths, A4 landscape."""
    if not sheets:
        raise ValueError("no sheet to write")
    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    for table in sheets:
        ws = wb.create_sheet(table.name)
        widths = [min(max(len(h) * 0.6, 8), 45) for h in table.headers]
        for row in table.rows[:200]:
            for i, v in enumerate(row):
                widths[i] = min(max(widths[i], len(str(v)) + 2 if v is not None else 0), 60)
        widths[:3] = [max(w, 6) for w in widths[:3]]
        for i, w in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = w
        ws.freeze_panes = "D3" if table.headers[:3] == H_UNIT else "A3"
        ws.print_title_rows = "1:2"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = "9"  # A4
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        title = WriteOnlyCell(ws, neutralise(table.title))
        title.font = Font(bold=True, size=13)
        ws.append([title])
        heads = []
        for h in table.headers:
            c = WriteOnlyCell(ws, neutralise(h))
            c.font, c.fill = bold, _HEADER_FILL
            c.alignment = Alignment(wrap_text=True, vertical="center")
            heads.append(c)
        ws.append(heads)
        for row in table.rows:
            ws.append([_cell(ws, v, fmt) for v, fmt in zip(row, table.formats, strict=True)])
    wb.save(target)


def _cell(ws, value: Any, fmt: str | None) -> Any:
    if isinstance(value, str):
        return neutralise(value)
    if value is None or fmt is None or isinstance(value, bool):
        return value
    c = WriteOnlyCell(ws, value)
    c.number_format = fmt
    return c
