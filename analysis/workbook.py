"""The index workbook: the decision's annex tables (Biểu 1, 2, 3, 4… for the first unit type, 1a, 2a…
for the second, 1b… for a third), the survey detail and an information sheet.

Shaping (`index_sheets`, `detail_sheet`, `info_sheet`: headers and rows) is kept apart from the file
format (`write_workbook`, in `sheet_writer`), so the same tables feed the admin pages and the report.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import texts
from .index import IndexResult, IndexRules, UnitIndex
from .ranking import competition_ranks
from .sheet_writer import neutralise, write_workbook
from .survey_detail import DetailRow, option_columns
from .vntext import format_trimmed

__all__ = [
    "SheetTable",
    "describe_missing",
    "describe_rounding",
    "describe_tie_break",
    "detail_sheet",
    "index_sheets",
    "info_sheet",
    "neutralise",
    "sheet_suffix",
    "write_workbook",
]

POINTS, INTEGER, WEIGHT, TEXT = "0.00", "0", "0.0000", None
UNIT_FREEZE = "D3"  # STT, code and name stay in view
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


@dataclass(frozen=True)
class SheetTable:
    """One sheet: a title line, a header row, data rows, a number format per column, the frozen corner."""

    name: str
    title: str
    headers: tuple[str, ...]
    rows: list[list[Any]]
    formats: tuple[str | None, ...]
    freeze: str = "A3"  # the title and header rows stay in view; unit tables keep STT, code and name too

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
                ]
                + _withheld_rows(result, t.code, len(H_TOTALS), len(H_TOTALS) - 1),
                (INTEGER, TEXT, TEXT) + (POINTS,) * 6 + (INTEGER, TEXT),
                UNIT_FREEZE,
            )
        )
        sheets.append(
            SheetTable(
                f"Biểu 2{s}",
                f"Biểu số 2{s}. So sánh Chỉ số CCHC năm {year} với năm trước của {t.name}",
                H_UNIT + H_COMPARE,
                [[i, u.unit, u.name, *_compare_cells(u)] for i, u in enumerate(units, 1)]
                + _withheld_rows(result, t.code, len(H_COMPARE), len(H_COMPARE) - 1),
                (INTEGER, TEXT, TEXT, POINTS, INTEGER, POINTS, INTEGER, POINTS, INTEGER, TEXT),
                UNIT_FREEZE,
            )
        )
        area_heads = tuple(f"{code}. {name} ({format_trimmed(mx)} điểm)" for code, name, mx in t.areas)
        sheets.append(
            SheetTable(
                f"Biểu 3{s}",
                f"Biểu số 3{s}. Điểm theo lĩnh vực của {t.name}",
                H_UNIT + area_heads + ("Tổng điểm", "Xếp hạng"),
                [
                    [i, u.unit, u.name, *(u.areas[a[0]].points for a in t.areas), u.total, u.rank]
                    for i, u in enumerate(units, 1)
                ]
                + _withheld_rows(result, t.code, len(t.areas) + 2, len(t.areas) + 1),
                (INTEGER, TEXT, TEXT) + (POINTS,) * (len(t.areas) + 1) + (INTEGER,),
                UNIT_FREEZE,
            )
        )
        for n, (code, name, _) in enumerate(t.areas, start=4):
            sheets.append(_area_sheet(f"Biểu {n}{s}", f"Biểu số {n}{s}. {name} – {t.name}", t.code, code, result))
    return sheets


def _area_sheet(sheet: str, title: str, unit_type: str, area: str, result: IndexResult) -> SheetTable:
    units = result.of_type(unit_type)
    ranks = competition_ranks([u.areas[area].points for u in units])
    rows = []
    for i, (u, rank) in enumerate(zip(units, ranks, strict=True), 1):
        a = u.areas[area]
        pct = result.rules.round(a.points * 100 / a.max_points) if a.max_points else None
        rows.append([i, u.unit, u.name, a.appraisal, a.survey, a.satisfaction, a.points, a.max_points, pct, rank])
    rows += _withheld_rows(result, unit_type, len(H_AREA), len(H_AREA) - 1)
    formats = (INTEGER, TEXT, TEXT) + (POINTS,) * 6 + (INTEGER,)
    return SheetTable(sheet, title, H_UNIT + H_AREA, rows, formats, UNIT_FREEZE)


def _withheld_rows(result: IndexResult, unit_type: str, width: int, at: int) -> list[list[Any]]:
    """Rows after the ranked ones for units under k: code and name, no figure, the reason in column `at`."""
    rows = []
    for w in result.withheld_of_type(unit_type):
        cells: list[Any] = [None] * width
        cells[at] = texts.WITHHELD.format(responses=w.responses, k=w.k)
        rows.append([None, w.unit, w.name, *cells])
    return rows


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
        texts.DIRECTION.get(c.direction or "", ""),
    ]


def detail_sheet(
    rows: Sequence[DetailRow],
    unit_names: Mapping[str, str],
    group_names: Mapping[str, str],
    area_names: Mapping[str, str],
    option_labels: Mapping[str, Mapping[str, str]] | None = None,
) -> SheetTable:
    """Unit × group × question: answers per option headed by the scale's labels, valid n, mean weight, points.

    `option_labels` maps each question to its scale's options in order (code → label). Several scales
    may use one code for different words, so columns go by label: one column per distinct label, in
    the order labels first appear; scales that share a label share its column, and a row stays empty
    under the labels its question's scale does not have. A code without a label is headed 'Phương án X'.
    """
    labels, slots = option_columns(rows, option_labels or {})
    data = []
    for r in rows:
        base, column = slots[r.question]
        counts = base.copy()
        for code, n in r.counts.items():
            counts[column[code]] += n
        data.append(
            [
                r.unit,
                unit_names.get(r.unit, r.unit),
                " + ".join(group_names.get(g, g) for g in r.groups),
                r.question,
                area_names.get(r.area, r.area),
                *counts,
                r.valid,
                None if r.mean_weight is None else round(float(r.mean_weight), 4),
                None if r.points is None else round(float(r.points), 4),
            ]
        )
    return SheetTable(
        "Chi tiết khảo sát",
        "Chi tiết kết quả điều tra xã hội học (đơn vị × nhóm × câu hỏi)",
        H_DETAIL + tuple(labels) + H_DETAIL_END,
        data,
        (TEXT,) * 5 + (INTEGER,) * (len(labels) + 1) + (WEIGHT, WEIGHT),
    )


def describe_rounding(rules: IndexRules) -> str:
    """'2 chữ số thập phân, làm tròn nửa lên, ở mức câu hỏi' (the information sheet's words)."""
    return ", ".join(
        (
            texts.DIGITS.format(digits=rules.digits),
            texts.ROUNDING_MODES[rules.mode],
            texts.ROUNDING_STAGES[rules.stage],
        )
    )


def describe_tie_break(tie_break: Sequence[str], area_names: Mapping[str, str]) -> str:
    """What decides between equal totals, in words: a source's name or an area's name, in order."""
    if not tie_break:
        return texts.NO_TIE_BREAK
    return ", rồi ".join(texts.SOURCES.get(k) or area_names.get(k, k) for k in tie_break)


def describe_missing(missing: Sequence[str], unit_names: Mapping[str, str]) -> str:
    """`IndexResult.missing` ('SO-NV: survey') in words: 'Sở Nội vụ: điểm điều tra xã hội học'; 'không'."""
    if not missing:
        return texts.NONE_MISSING
    words = []
    for item in missing:
        unit, _, source = item.partition(": ")
        words.append(f"{unit_names.get(unit, unit)}: {texts.SOURCES.get(source, source)}")
    return "; ".join(words)


def info_sheet(lines: Sequence[tuple[str, Any]]) -> SheetTable:
    """Campaign, pack hash, rounding, time made: one label and one value a row."""
    return SheetTable(
        "Thông tin", "Thông tin về tệp số liệu", ("Nội dung", "Giá trị"), [[k, v] for k, v in lines], (TEXT, TEXT)
    )
