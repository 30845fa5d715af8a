"""Filling survey points into a workbook Home Affairs keeps: matched by code or by name typed without
accents, every other cell (value, formula, format) untouched, non-empty cells refused unless forced."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill

from analysis.fill import UnitValues, fill_workbook, match_key

UNITS = [
    UnitValues("SO-VHTTDL", "Sở Văn hóa, Thể thao và Du lịch", {"survey": D("17.75"), "total": D("90.10")}),
    UnitValues("SO-NV", "Sở Nội vụ", {"survey": D("18.64"), "total": D("95.00")}),
    UnitValues("SO-YT", "Sở Y tế", {"survey": D("16.00"), "total": D("80.00")}),
]


@pytest.fixture
def theirs(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    ws.merge_cells("A1:E1")
    ws["A1"] = "BẢNG TỔNG HỢP ĐIỂM CHỈ SỐ CCHC"
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["STT", "Đơn vị", "Thẩm định", "Điều tra XHH", "Tổng"])
    ws.append([1, "so van hoa the thao va du lich", 60.5, None, "=C3+D3"])
    ws.append([2, "SO-NV", 65, None, "=C4+D4"])
    ws.append([3, "Sở Ngoại vụ", 55, 15, "=C5+D5"])
    ws.append([None, "Tổng cộng", "=SUM(C3:C5)", None, None])
    ws["D3"].number_format = "0.00"
    ws["C3"].fill = PatternFill("solid", fgColor="FFFF00")
    ws.column_dimensions["B"].width = 42
    wb.create_sheet("Khác")["A1"] = "không đụng tới"
    path = tmp_path / "theirs.xlsx"
    wb.save(path)
    return path


def _snapshot(path):
    wb = load_workbook(path)
    return {
        (ws.title, c.coordinate): (c.value, c.number_format, c.font.b, c.fill.fgColor.rgb)
        for ws in wb
        for row in ws.iter_rows()
        for c in row
    }, wb


def test_match_key_ignores_accents_case_and_punctuation():
    assert match_key("Sở Văn hóa, Thể thao và Du lịch") == match_key("so van hoa  the thao va du lich")
    assert match_key("Đắk Lắk") == "dak lak"


def test_fill_writes_only_the_named_cells(theirs, tmp_path):
    before, _ = _snapshot(theirs)
    out = tmp_path / "filled.xlsx"
    report = fill_workbook(theirs, out, "Tổng hợp", "B", {"survey": "D"}, UNITS, first_row=3)
    assert report.ok and report.written == ["D3", "D4"]
    assert report.matched == {3: "SO-VHTTDL", 4: "SO-NV"}
    assert [(r.row, r.text) for r in report.unmatched_rows] == [(5, "Sở Ngoại vụ"), (6, "Tổng cộng")]
    assert report.missing_units == ["SO-YT"]
    after, wb = _snapshot(out)
    changed = {k for k in before if before[k] != after.get(k)}
    assert changed == {("Tổng hợp", "D3"), ("Tổng hợp", "D4")}
    ws = wb["Tổng hợp"]
    assert ws["D3"].value == 17.75 and ws["D3"].number_format == "0.00"  # their format kept
    assert ws["E3"].value == "=C3+D3" and ws["C6"].value == "=SUM(C3:C5)"
    assert "A1:E1" in {str(r) for r in ws.merged_cells.ranges} and ws.column_dimensions["B"].width == 42


def test_non_empty_cells_are_refused_unless_forced(theirs, tmp_path):
    out = tmp_path / "filled.xlsx"
    refused = fill_workbook(theirs, out, "Tổng hợp", "B", {"total": "C"}, UNITS, first_row=3)
    assert not refused.ok and refused.refused == ["C3", "C4"] and not out.exists()
    forced = fill_workbook(theirs, out, "Tổng hợp", "B", {"total": "C"}, UNITS, first_row=3, force=True)
    assert forced.ok and load_workbook(out)["Tổng hợp"]["C4"].value == 95.0


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(sheet="Không có"), "sheet must be one of"),
        (dict(columns={"diem": "D"}), "unknown field"),
        (dict(columns={"survey": "4"}), "column must be letters"),
    ],
)
def test_bad_arguments_are_named(theirs, tmp_path, kwargs, message):
    args = dict(sheet="Tổng hợp", unit_column="B", columns={"survey": "D"}) | kwargs
    with pytest.raises(ValueError, match=message):
        fill_workbook(theirs, tmp_path / "x.xlsx", units=UNITS, **args)
