"""The index workbook: sheet names like the decision, numbers stored as numbers with two-decimal formats,
named styles with thin borders, frozen headers, A4 print set-up, neutralised text, LibreOffice reading back
the same numbers, and the printed copy (LibreOffice's PDF) with no text drawn over other text."""

from __future__ import annotations

import csv
import subprocess
from decimal import Decimal as D

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from analysis.index import IndexRules, compute_index
from analysis.office import ConversionError, office_binary, to_pdf
from analysis.survey_detail import DetailRow, survey_detail
from analysis.workbook import (
    describe_missing,
    describe_rounding,
    describe_tie_break,
    detail_sheet,
    index_sheets,
    info_sheet,
    neutralise,
    sheet_suffix,
    write_workbook,
)

from .support.index_data import AREAS, BANDS, CODE_MAP, LAST_YEAR, UNIT_TYPES, UNITS, points_table
from .support.pdf import read_pdf, require_office
from .support.son_la_data import son_la_campaign

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
    groups = {"LD": "Lãnh đạo", "CC": "Công chức", "PB": "Phòng"}
    labels = {"Q1": {"A": "Tốt", "B": "Khá", "C": "Trung bình", "D": "Kém", "X": "Không đánh giá"}}
    sheets.append(detail_sheet(_detail(), {"S1": "Sở Nội vụ"}, groups, {"LV1": "Chỉ đạo"}, labels))
    sheets.append(info_sheet([("Đợt khảo sát", "2024"), ("Làm tròn", describe_rounding(result.rules))]))
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
        "Tốt",
        "Khá",
        "Trung bình",
        "Kém",
        "Không đánh giá",
        "Số trả lời hợp lệ",
        "Trọng số bình quân",
        "Điểm",
    ]
    assert [c.value for c in detail[3]][5:11] == [3, 2, 0, 0, 1, 5]  # CC: 3 Tốt, 2 Khá, 1 don't know
    assert [c.value for c in detail[4]][2] == "Lãnh đạo + Phòng"
    assert dict(wb["Thông tin"].iter_rows(min_row=3, values_only=True))["Làm tròn"] == (
        "2 chữ số thập phân, làm tròn nửa lên, ở mức câu hỏi"
    )


def test_print_layout_styles_and_heights(workbook_path):
    path, _ = workbook_path
    wb = load_workbook(path)
    for ws in wb.worksheets:
        columns = ws.max_column
        assert ws.page_setup.paperSize == 9 and ws.print_title_rows == "$1:$2", ws.title
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight, ws.sheet_properties.pageSetUpPr.fitToPage) == (
            1,
            0,
            True,
        )
        assert [str(r) for r in ws.merged_cells.ranges] == [f"A1:{get_column_letter(columns)}1"]
        title, header = ws.row_dimensions[1].height, ws.row_dimensions[2].height
        # A header longer than its column wraps: its row holds two lines of 12 pt at least.
        wraps = any(len(c.value) > ws.column_dimensions[c.column_letter].width for c in ws[2])
        assert title >= 20 and header >= (30 if wraps else 15), ws.title
        for cell in [*ws[2], *ws[ws.max_row]]:
            assert (cell.border.left.style, cell.border.bottom.style) == ("thin", "thin"), cell.coordinate
        assert ws["A1"].style == "CCHC tiêu đề" and ws["A2"].style == "CCHC tiêu đề cột"
    # Wide tables print landscape; those that fit the width of a portrait page (3 areas, 8 columns) portrait.
    orientation = {ws.title: ws.page_setup.orientation for ws in wb.worksheets}
    assert [orientation[n] for n in ("Biểu 1", "Biểu 2", "Chi tiết khảo sát")] == ["landscape"] * 3
    assert [orientation[n] for n in ("Biểu 3", "Biểu 3a", "Thông tin")] == ["portrait"] * 3
    b1 = wb["Biểu 1"]
    assert b1["G3"].style == "CCHC điểm" and b1["G3"].number_format == "0.00" and b1["J3"].number_format == "0"
    assert b1["C3"].style == "CCHC chữ" and b1["C3"].font.name == "Times New Roman"
    # The header with the longest wrapped text sets the height; a long group name makes its row taller.
    detail = wb["Chi tiết khảo sát"]
    assert detail.row_dimensions[3].height is None  # one line: the sheet's default height
    assert wb["Biểu 3"]["D2"].value == "LV1. Chỉ đạo, điều hành (40 điểm)"


def test_detail_heads_options_by_label_across_scales():
    # Two scales use the codes A/B for different words; both have "Không đánh giá" (X), which shares a column.
    quality = {"A": "Tốt", "B": "Khá", "X": "Không đánh giá"}
    agree = {"A": "Đồng ý", "B": "Không đồng ý", "X": "Không đánh giá"}
    rows = [
        DetailRow("S1", ("CC",), "Q1", "LV1", {"A": 4, "X": 1}, 4, 1, D(1), D(1)),
        DetailRow("S1", ("CC",), "Q2", "LV1", {"B": 2, "Z": 3}, 2, 0, D(0), D(0)),  # Z: a code without a label
    ]
    table = detail_sheet(rows, {}, {}, {}, {"Q1": quality, "Q2": agree})
    assert table.headers[5:-3] == ("Tốt", "Khá", "Không đánh giá", "Đồng ý", "Không đồng ý", "Phương án Z")
    # Empty, not 0, under the labels a question's scale does not have.
    assert [r[5:-3] for r in table.rows] == [[4, 0, 1, None, None, None], [None, None, 0, 0, 2, 3]]
    assert table.formats[5:-3] == ("0",) * 6
    # Without labels the columns are the codes seen, sorted, and every count is a number.
    plain = detail_sheet(rows, {}, {}, {})
    assert plain.headers[5:-3] == ("Phương án A", "Phương án B", "Phương án X", "Phương án Z")
    assert [r[5:-3] for r in plain.rows] == [[4, 0, 1, 0], [0, 2, 0, 3]]


def test_information_sheet_words():
    assert describe_rounding(IndexRules(mode="half_even", stage="total", digits=1)) == (
        "1 chữ số thập phân, làm tròn nửa về số chẵn, ở mức tổng điểm"
    )
    assert describe_rounding(IndexRules(stage="area")).endswith("làm tròn nửa lên, ở mức lĩnh vực")
    assert describe_tie_break((), {}) == "không (bằng điểm thì đồng hạng)"
    assert describe_tie_break(("survey", "LV2"), {"LV2": "Cải cách thể chế"}) == (
        "điểm điều tra xã hội học, rồi Cải cách thể chế"
    )
    assert describe_missing((), {}) == "không"
    assert describe_missing(("S1: survey", "H9: satisfaction"), {"S1": "Sở Nội vụ"}) == (
        "Sở Nội vụ: điểm điều tra xã hội học; H9: điểm hài lòng của người dân"
    )


def test_neutralise_and_suffixes():
    assert [neutralise(v) for v in ("=1+1", "+84", "-x", "@a", "Sở", 5)] == ["'=1+1", "'+84", "'-x", "'@a", "Sở", 5]
    assert [sheet_suffix(i) for i in (0, 1, 2, 26)] == ["", "a", "b", "z"]
    with pytest.raises(ValueError, match="at most 27"):
        sheet_suffix(27)


def test_cells_keep_the_type_openpyxl_gives_each_value(tmp_path):
    """The writer sets numbers and empty cells itself (the fast path); every other value goes through
    openpyxl's own setter, so booleans, error codes and spaces read back as openpyxl would write them."""
    values = [True, "#N/A", D("1.50"), 2, 2.5, None, "=x", " a ", "Sở"]
    path = tmp_path / "types.xlsx"
    write_workbook([info_sheet([(f"v{i}", v) for i, v in enumerate(values)])], path)
    ws = load_workbook(path)["Thông tin"]
    cells = [ws.cell(row=3 + i, column=2) for i in range(len(values))]
    assert [c.value for c in cells] == [True, "#N/A", 1.5, 2, 2.5, None, "'=x", " a ", "Sở"]
    assert [c.data_type for c in cells] == ["b", "e", "n", "n", "n", "n", "s", "s", "s"]
    assert {c.style for c in cells} == {"CCHC chữ"}


def test_libreoffice_reads_the_same_numbers(workbook_path, tmp_path):
    require_office()
    office = office_binary()
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


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """The workbook of a campaign the size of Sơn La 2024 (32 units, 3.032 detail rows), printed to PDF."""
    require_office()
    c = son_la_campaign()
    sheets = index_sheets(c.result, 2024)
    sheets.append(detail_sheet(c.detail, c.unit_names, c.group_names, c.area_names, c.option_labels))
    sheets.append(
        info_sheet(
            [
                ("Đợt khảo sát", "2024: [MÔ PHỎNG] Điều tra xã hội học xác định Chỉ số cải cách hành chính năm 2024"),
                ("Mã băm SHA-256 của bộ câu hỏi", "9f" * 32),
                ("Làm tròn", describe_rounding(c.result.rules)),
                ("Tiêu chí phụ khi bằng điểm", describe_tie_break(("survey", "LV1"), c.area_names)),
            ]
        )
    )
    out = tmp_path_factory.mktemp("printed")
    write_workbook(sheets, out / "chi-so-cchc-2024.xlsx")
    return sheets, read_pdf(to_pdf(out / "chi-so-cchc-2024.xlsx", out))


def _owner(page, sheets):
    text = " ".join(page.text.split())
    found = [s for s in sheets if " ".join(s.title.split()) in text]
    assert len(found) == 1, f"page {page.number}: title of {[s.name for s in found]}"
    return found[0]


def test_printed_workbook_has_no_text_drawn_over_text(printed, record_property):
    sheets, pages = printed
    overlaps = [(p.number, a.text, b.text) for p in pages for a, b in p.overlapping()]
    assert overlaps == []
    assert not [p.number for p in pages if "###" in p.text]  # a number too wide for its column
    outside = [p.number for p in pages for r in p.runs if r.left < 0 or r.bottom < 0 or r.right > p.width]
    assert outside == []
    # Pages follow the sheets in order, each page repeats its sheet's title and header rows.
    owners = [_owner(p, sheets).name for p in pages]
    assert list(dict.fromkeys(owners)) == [s.name for s in sheets]
    counts = {name: owners.count(name) for name in dict.fromkeys(owners)}
    assert all(counts[s.name] == 1 for s in sheets if s.name.startswith("Biểu"))  # 20 or 12 units: one page each
    assert counts["Thông tin"] == 1
    detail = next(s for s in sheets if s.name == "Chi tiết khảo sát")
    assert len(detail.rows) / counts["Chi tiết khảo sát"] >= 25  # rows per page, most of them on one line
    orientation = {name: {p.landscape for p, o in zip(pages, owners, strict=True) if o == name} for name in counts}
    assert orientation == {name: {name != "Thông tin"} for name in counts}
    record_property("pages", len(pages))
    print(
        f"\n{len(sheets)} sheets on {len(pages)} pages; the detail ({len(detail.rows)} rows) on {counts[detail.name]}"
    )


def test_the_overlap_check_sees_a_header_drawn_over_the_title(tmp_path):
    # The fault this guards against: a wrapped header row left at the default height.
    require_office()
    wb = Workbook()
    ws = wb.active
    ws["A1"] = "Biểu số 1. Chỉ số CCHC năm 2024 của Sở, ban, ngành: tổng điểm và xếp hạng"
    ws["A2"] = "Điểm hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính"
    ws["A2"].alignment = Alignment(wrap_text=True)
    ws.column_dimensions["A"].width = 12
    ws["A3"] = 17.75
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    wb.save(tmp_path / "bad.xlsx")
    (page,) = read_pdf(to_pdf(tmp_path / "bad.xlsx", tmp_path))
    pairs = {(a.text, b.text) for a, b in page.overlapping()}
    assert any("Biểu" in a + b or "17.75" in a + b for a, b in pairs), pairs


def test_pdf_copy_bad_paths(workbook_path, tmp_path, monkeypatch):
    require_office()
    with pytest.raises(FileNotFoundError):
        to_pdf(tmp_path / "none.xlsx", tmp_path)
    path, _ = workbook_path
    with pytest.raises(ConversionError, match="did not convert chi-so.xlsx within 0.01 s"):
        to_pdf(path, tmp_path, timeout=0.01)  # killed with its children, and said so
    assert not (tmp_path / "chi-so.pdf").exists()
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice on the PATH: no copy, and no error
    assert office_binary() is None and to_pdf(path, tmp_path) is None
