"""The index workbook: sheet names like the decision, numbers stored as numbers with two-decimal formats,
frozen headers, A4 landscape, neutralised text, and LibreOffice reading back the same numbers."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from analysis.index import IndexRules, compute_index
from analysis.survey_detail import survey_detail
from analysis.workbook import detail_sheet, index_sheets, info_sheet, neutralise, sheet_suffix, write_workbook

from .support.index_data import AREAS, BANDS, CODE_MAP, LAST_YEAR, UNIT_TYPES, UNITS, points_table

NAMES = [
    "Biểu 1",
    "Biểu 2",
    "Biểu 3",
    "Biểu 4",
    "Biểu 5",
    "Biểu 6",
    "Biểu 1a",
    "Biểu 2a",
    "Biểu 3a",
    "Biểu 4a",
    "Biểu 5a",
    "Biểu 6a",
    "Chi tiết khảo sát",
    "Thông tin",
]


def _result():
    units = [dict(u, name='=HYPERLINK("x") Sở Thử') if u["unit"] == "S4" else u for u in UNITS]
    return compute_index(units, UNIT_TYPES, AREAS, points_table(), IndexRules(bands=BANDS), LAST_YEAR, CODE_MAP)


def _detail():
    tallies = [
        dict(unit="S1", group=g, question="Q1", option=o, weight=w, count=n)
        for g, o, w, n in (
            ("LD", "A", D(1), 2),
            ("CC", "A", D(1), 3),
            ("CC", "B", D("0.6"), 2),
            ("CC", "X", None, 1),
            ("PB", "C", D("0.2"), 1),
        )
    ]
    questions = [dict(question="Q1", unit_type="so", area="LV1", points=D("0.75"))]
    counts = [
        dict(unit="S1", group="LD", responses=2),
        dict(unit="S1", group="CC", responses=6),
        dict(unit="S1", group="PB", responses=1),
    ]
    return survey_detail(tallies, questions, counts, k=3)


@pytest.fixture
def workbook_path(tmp_path):
    result = _result()
    sheets = index_sheets(result, 2024)
    sheets.append(
        detail_sheet(
            _detail(), {"S1": "Sở Nội vụ"}, {"LD": "Lãnh đạo", "CC": "Công chức", "PB": "Phòng"}, {"LV1": "Chỉ đạo"}
        )
    )
    sheets.append(info_sheet([("Đợt khảo sát", "2024"), ("Làm tròn", "2 chữ số")]))
    path = tmp_path / "chi-so.xlsx"
    write_workbook(sheets, path)
    return path, result


def test_detail_folds_groups_under_k():
    rows = _detail()
    # LD (2) and PB (1) are under k = 3: folded together (3 responses), CC (6) stands alone.
    assert [r.groups for r in rows] == [("CC",), ("LD", "PB")]
    cc, folded = rows
    assert (cc.valid, cc.dont_know, cc.counts) == (5, 1, {"A": 3, "B": 2, "X": 1})
    assert cc.mean_weight == D("0.84") and cc.points == D("0.6300")  # (3·1 + 2·0,6) / 5; 0,75 · 0,84
    assert folded.mean_weight == (D(2) + D("0.2")) / 3


def test_sheets_formats_and_print_setup(workbook_path):
    path, result = workbook_path
    wb = load_workbook(path)
    assert wb.sheetnames == NAMES
    ws = wb["Biểu 1"]
    assert ws["A1"].value.startswith("Biểu số 1. Chỉ số CCHC năm 2024")
    assert [c.value for c in ws[2]][:4] == ["STT", "Mã đơn vị", "Tên đơn vị", "Điểm thẩm định"]
    first = [c for c in ws[3]]
    assert first[1].value == "S1" and first[6].value == 92.9 and first[6].number_format == "0.00"
    assert isinstance(first[6].value, float) and first[9].value == 1
    assert ws.freeze_panes == "D3" and ws.print_title_rows == "$1:$2"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.column_dimensions["C"].width >= 12
    names = [r[2].value for r in ws.iter_rows(min_row=3)]
    assert '\'=HYPERLINK("x") Sở Thử' in names  # neutralised, not a formula
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    b2 = wb["Biểu 2"]
    assert [c.value for c in b2[6]][3:] == [68, 4, 70.5, 3, -2.5, -1, "Giảm bậc"]
    assert wb["Biểu 3a"]["D2"].value == "LV1. Chỉ đạo, điều hành (40 điểm)"
    detail = wb["Chi tiết khảo sát"]
    assert [c.value for c in detail[2]] == [
        "Mã đơn vị",
        "Tên đơn vị",
        "Nhóm đối tượng",
        "Câu hỏi",
        "Lĩnh vực",
        "Phương án A",
        "Phương án B",
        "Phương án C",
        "Phương án X",
        "Số trả lời hợp lệ",
        "Trọng số bình quân",
        "Điểm",
    ]
    assert [c.value for c in detail[4]][2] == "Lãnh đạo + Phòng"


def test_neutralise_and_suffixes():
    assert [neutralise(v) for v in ("=1+1", "+84", "-x", "@a", "Sở", 5)] == ["'=1+1", "'+84", "'-x", "'@a", "Sở", 5]
    assert [sheet_suffix(i) for i in (0, 1, 2, 26)] == ["", "a", "b", "z"]
    with pytest.raises(ValueError, match="at most 27"):
        sheet_suffix(27)


def _libreoffice() -> str | None:
    found = shutil.which("libreoffice") or shutil.which("soffice")
    if not found and os.environ.get("REQUIRE_LIBREOFFICE") == "1":
        pytest.fail("LibreOffice is required (REQUIRE_LIBREOFFICE=1): apt-get install libreoffice-calc-nogui")
    return found


def test_libreoffice_reads_the_same_numbers(workbook_path, tmp_path):
    office = _libreoffice()
    if not office:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
    path, result = workbook_path
    out = tmp_path / "csv"
    # Filter options: comma, double quote, UTF-8, from row 1, …, sheet -1 = every sheet to its own file.
    subprocess.run(
        [
            office,
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
            "--outdir",
            str(out),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    files = sorted(p.name for p in out.iterdir())
    assert files == sorted(f"chi-so-{n}.csv" for n in NAMES)
    with (out / "chi-so-Biểu 1.csv").open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[1][:3] == ["STT", "Mã đơn vị", "Tên đơn vị"]
    got = {r[1]: (D(r[6]), int(r[9]), r[10]) for r in rows[2:]}
    assert got == {u.unit: (u.total, u.rank, u.band) for u in result.of_type("so")}
    with (out / "chi-so-Biểu 3a.csv").open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert {r[1]: [D(x) for x in r[3:7]] for r in rows[2:]} == {
        u.unit: [u.areas[a].points for a in ("LV1", "LV2", "LV3")] + [u.total] for u in result.of_type("huyen")
    }
