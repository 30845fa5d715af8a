"""The criteria workbook: YAML → XLSX → pack gives the same pack for both shipped packs (also after
LibreOffice saved the file); what staff type the Excel way is read; every error class of the reader
is named by sheet, row and column, all at once, and the loader's own checks land on the cell they
are about."""

from __future__ import annotations

import datetime
import io
import subprocess

import pytest
from openpyxl import load_workbook

from analysis.office import office_binary
from survey_app.packs import PackError, load_pack
from survey_app.packs.xlsx import load_workbook_pack, workbook_files, write_workbook
from survey_app.texts import say_pack_issue

from .support.campaigns import PACKS
from .support.pdf import require_office

SHIPPED = ["son-la-2024", "hai-cap-2025"]


def _xlsx(pack: str = "son-la-2024") -> bytes:
    return write_workbook(load_pack(PACKS / pack).content)


def _book(pack: str = "son-la-2024"):
    return load_workbook(io.BytesIO(_xlsx(pack)))


def _save(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _refused(data: bytes) -> list[tuple]:
    """(sheet or file, row, column, code) of every issue, in the order they are listed."""
    with pytest.raises(PackError) as exc:
        load_workbook_pack(data, "tieu-chi.xlsx")
    for issue in exc.value.issues:
        assert "pack.yaml" not in say_pack_issue(issue) and "questions[" not in say_pack_issue(issue)
    return [(i.file, i.row, i.column, i.code) for i in exc.value.issues]


@pytest.mark.parametrize("pack", SHIPPED)
def test_yaml_to_xlsx_to_pack_is_lossless(pack):
    original = load_pack(PACKS / pack)
    data = write_workbook(original.content)
    back = load_workbook_pack(data, f"{pack}.xlsx")
    assert back.content == original.content
    assert back.pack == original.pack
    assert sorted(back.files) == ["pack.yaml", "units.csv"]
    # The generated files are canonical: a second workbook of the same pack gives the same hash.
    assert load_workbook_pack(write_workbook(back.content)).sha256 == back.sha256


def test_the_sheets_and_headers_are_vietnamese():
    wb = _book()
    assert wb.sheetnames == [
        "Thông tin chung",
        "Loại đơn vị",
        "Lĩnh vực",
        "Nhóm đối tượng",
        "Thang đo",
        "Câu hỏi",
        "Xếp loại",
        "Điểm hài lòng",
        "Đơn vị",
        "Hướng dẫn",
    ]
    questions = wb["Câu hỏi"]
    assert [c.value for c in questions[1]][:3] == ["Mã câu hỏi", "Loại đơn vị", "Lĩnh vực"]
    first = {questions.cell(1, c).value: questions.cell(2, c) for c in range(1, 11)}
    assert first["Tiêu chí"].value == "1.1" and first["Tiêu chí"].data_type == "s"  # text, never a date
    assert first["Điểm"].value == 0.75 and first["Điểm"].data_type == "n"
    general = {r[0].value: r[1].value for r in wb["Thông tin chung"].iter_rows(min_row=2)}
    assert general["Cách tính điểm"] == "Gộp mọi phiếu" and general["Ẩn danh"] == "Có"
    assert general["Năm đánh giá"] == 2024
    groups = {r[0].value: r[3].value for r in _book("hai-cap-2025")["Nhóm đối tượng"].iter_rows(min_row=2)}
    assert groups == {"SO-CC": "Đơn vị của mình", "XA-LD": "so", "XA-CC": "Đơn vị của mình"}


@pytest.mark.parametrize("pack", SHIPPED)
def test_a_workbook_saved_by_libreoffice_reads_the_same(pack, tmp_path):
    require_office()
    office = office_binary()
    source = tmp_path / "in" / f"{pack}.xlsx"
    source.parent.mkdir()
    source.write_bytes(_xlsx(pack))
    out = tmp_path / "out"
    subprocess.run(
        [
            office,
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    saved = (out / f"{pack}.xlsx").read_bytes()
    assert saved != source.read_bytes()  # LibreOffice wrote its own file
    original = load_pack(PACKS / pack)
    back = load_workbook_pack(saved)
    assert back.content == original.content
    assert back.sha256 == load_workbook_pack(source.read_bytes()).sha256


def test_an_edit_in_the_workbook_is_the_pack_of_next_year():
    wb = _book()
    q = wb["Câu hỏi"]
    q["I2"], q["I3"] = "0,5", 0.75  # H01 0,75 → 0,5 typed as text with a decimal comma; H02 0,5 → 0,75
    q["F2"] = "  Câu hỏi mới về kế hoạch CCHC năm 2025.  "
    q["J2"] = "H-PB; H-XA"
    info = wb["Thông tin chung"]
    info["B4"] = "2025"
    info["B2"] = "son-la-2025"
    for row in info.iter_rows(min_row=2):
        if row[0].value == "Ẩn danh":
            row[1].value = "không"  # lower case, no accent on the first letter: still "Không"
    wb["Câu hỏi"].title = "CAU HOI"  # a sheet renamed in capitals without accents is still found
    q["A1"] = "ma cau hoi"  # a header typed without accents
    back = load_workbook_pack(_save(wb))
    before = load_pack(PACKS / "son-la-2024").content
    h01 = back.content["questions"][0]
    assert (h01["code"], h01["points"], h01["text"]) == ("H01", 0.5, "Câu hỏi mới về kế hoạch CCHC năm 2025.")
    assert h01["groups"] == ["H-PB", "H-XA"]
    assert back.content["questions"][1]["points"] == 0.75
    assert (back.content["year"], back.content["code"], back.content["anonymous"]) == (2025, "son-la-2025", False)
    assert back.content["questions"][2:] == before["questions"][2:]
    assert back.content["unit_types"] == before["unit_types"]


def test_a_good_workbook_with_one_bad_cell_gets_exactly_that_cell():
    wb = _book()
    wb["Câu hỏi"]["I6"] = "abc"  # no follow-on: the stand-in value makes no sum error, no second line
    assert _refused(_save(wb)) == [("Câu hỏi", 6, "Điểm (I)", "xlsx_not_number")]


def test_every_error_class_at_once_named_by_sheet_row_and_column():
    wb = _book()
    q, info = wb["Câu hỏi"], wb["Thông tin chung"]
    info["B4"] = 2024.5  # year: not an integer
    info.append(["Mục lạ", "x"])  # an item the format does not have
    info.append(["Tên phiếu", "lần hai"])  # an item twice
    wb["Loại đơn vị"]["D2"] = "hai mươi"  # bad number
    wb["Lĩnh vực"]["A3"] = "sox"  # unknown unit type for an area
    wb["Nhóm đối tượng"]["D2"] = "huyn"  # a group rates an unknown unit type
    wb["Thang đo"]["F2"] = "chắc chắn"  # not Có / Không
    wb["Thang đo"]["B3"] = "Thang khác"  # a second name for the same scale
    q["C5"] = "LV9"  # unknown area
    q["A7"] = None  # empty required cell
    q["D8"] = datetime.datetime(2024, 2, 1)  # Excel turned criterion 1.2 into a date
    q["A10"] = q["A9"].value  # duplicate question code
    q["H11"] = "thang-x"  # unknown scale
    q["J12"] = "H-PB, KHONG-CO"  # unknown group
    q.merge_cells("B20:B22")  # merged cells
    q["M30"] = "ghi chú lạc"  # a cell outside the table
    q["K1"] = "Ghi chú riêng"  # a column the format does not have
    wb["Đơn vị"]["A4"] = wb["Đơn vị"]["A5"].value  # duplicate unit code
    wb["Xếp loại"].delete_cols(3)  # missing column
    del wb["Điểm hài lòng"]  # optional sheet: not an error
    got = _refused(_save(wb))
    assert got == [
        ("Thông tin chung", 4, "Giá trị (B)", "xlsx_not_integer"),
        ("Thông tin chung", 16, "Mục (A)", "xlsx_unknown_item"),
        ("Thông tin chung", 17, "Mục (A)", "xlsx_duplicate_item"),
        ("Loại đơn vị", 2, "Điểm điều tra XHH (D)", "xlsx_not_number"),
        ("Lĩnh vực", 3, "Loại đơn vị (A)", "unknown_unit_type"),
        ("Nhóm đối tượng", 2, "Đánh giá (D)", "unknown_unit_type"),
        ("Thang đo", 2, "Không đánh giá (F)", "xlsx_not_choice"),
        ("Thang đo", 3, "Tên thang đo (B)", "xlsx_scale_name_differs"),
        ("Câu hỏi", 1, None, "xlsx_unknown_column"),
        ("Câu hỏi", 5, "Lĩnh vực (C)", "unknown_area"),
        ("Câu hỏi", 7, "Mã câu hỏi (A)", "xlsx_required"),
        ("Câu hỏi", 8, "Tiêu chí (D)", "xlsx_date_in_text"),
        ("Câu hỏi", 10, "Mã câu hỏi (A)", "xlsx_duplicate_question"),
        ("Câu hỏi", 11, "Thang đo (H)", "unknown_scale"),
        ("Câu hỏi", 12, "Nhóm trả lời (J)", "unknown_group"),
        ("Câu hỏi", 20, "Loại đơn vị (B)", "xlsx_merged"),
        ("Câu hỏi", 30, None, "xlsx_extra_cell"),
        ("Xếp loại", 1, None, "xlsx_column_missing"),
        ("Đơn vị", 4, "Mã đơn vị (A)", "duplicate_unit_code"),
        ("Đơn vị", 5, "Mã đơn vị (A)", "duplicate_unit_code"),
    ]


def test_the_errors_read_as_sentences_with_their_place():
    wb = _book()
    wb["Câu hỏi"]["C5"] = "LV9"
    wb["Câu hỏi"]["A10"] = wb["Câu hỏi"]["A9"].value
    wb["Câu hỏi"].merge_cells("B20:B22")
    with pytest.raises(PackError) as exc:
        load_workbook_pack(_save(wb))
    assert [say_pack_issue(i) for i in exc.value.issues] == [
        "Câu hỏi: dòng 5, cột Lĩnh vực (C): không có lĩnh vực «LV9» trong loại đơn vị «huyen»",
        "Câu hỏi: dòng 10, cột Mã câu hỏi (A): mã câu hỏi «H08» bị trùng (lần đầu ở dòng 9)",
        "Câu hỏi: dòng 20, cột Loại đơn vị (B): ô gộp B20:B22: hãy bỏ gộp ô và ghi giá trị vào từng ô",
    ]


def test_structure_errors_and_meaning_errors_come_in_one_upload():
    """The loader checks structure before meaning; the reader gives refused values a stand-in and asks again."""
    wb = _book()
    wb["Câu hỏi"]["A5"] = "H 03"  # a code with a space: structure
    wb["Câu hỏi"]["C6"] = "LV9"  # unknown area: meaning, found in the same upload
    wb["Lĩnh vực"]["D2"] = -1
    wb["Thông tin chung"]["B2"] = "Son La"
    assert _refused(_save(wb)) == [
        ("Thông tin chung", 2, "Giá trị (B)", "bad_code"),
        ("Lĩnh vực", 2, "Điểm tối đa (D)", "below_minimum"),
        ("Câu hỏi", 5, "Mã câu hỏi (A)", "bad_code"),
        ("Câu hỏi", 6, "Lĩnh vực (C)", "unknown_area"),
    ]


def test_a_sum_that_does_not_add_up_is_named_on_the_unit_type_row():
    wb = _book()
    wb["Câu hỏi"]["I2"] = 1.75  # H01 0,75 → 1,75: the huyen questions add up to 21
    with pytest.raises(PackError) as exc:
        load_workbook_pack(_save(wb))
    (issue,) = exc.value.issues
    assert (issue.file, issue.row, issue.column, issue.code) == (
        "Loại đơn vị",
        3,
        "Điểm điều tra XHH (D)",
        "survey_points_sum",
    )
    assert issue.params["sum"] == 21


def test_missing_sheets_items_and_empty_lists():
    wb = _book("hai-cap-2025")
    del wb["Xếp loại"]
    del wb["Câu hỏi"]
    for row in list(wb["Thông tin chung"].iter_rows(min_row=2)):
        if row[0].value == "Năm đánh giá":
            wb["Thông tin chung"].delete_rows(row[0].row)
    wb["Thang đo"].delete_rows(3, 10)  # one option left
    wb["Lĩnh vực"].delete_rows(10, 20)  # the communes' areas gone
    wb["Nhóm đối tượng"].delete_rows(2, 10)  # a sheet with its header only
    got = _refused(_save(wb))
    assert got == [
        ("Thông tin chung", None, None, "xlsx_item_missing"),
        ("Loại đơn vị", 3, None, "xlsx_type_without_areas"),
        ("Nhóm đối tượng", None, None, "xlsx_sheet_empty"),
        ("Thang đo", 2, None, "xlsx_too_few_options"),
        ("tieu-chi.xlsx", None, None, "xlsx_sheet_missing"),
        ("tieu-chi.xlsx", None, None, "xlsx_sheet_missing"),
    ]


def test_what_is_not_a_workbook_is_refused():
    for data, code in (
        (b"PK\x03\x04 not really a zip", "zip_unreadable"),
        (b"", "upload_empty"),
        (b"x" * (5 * 1024 * 1024 + 1), "upload_too_large"),
    ):
        with pytest.raises(PackError) as exc:
            load_workbook_pack(data, "hong.xlsx")
        assert [i.code for i in exc.value.issues] == [code]
    zipped = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("hello.txt", "không phải Excel")
    with pytest.raises(PackError) as exc:
        load_workbook_pack(zipped.getvalue(), "hong.xlsx")
    assert [i.code for i in exc.value.issues] == ["xlsx_unreadable"]


def test_only_the_pack_files_are_generated():
    files = workbook_files(_xlsx())
    assert sorted(files) == ["pack.yaml", "units.csv"]
    assert files["units.csv"].splitlines()[0] == "code,name,unit_type"
    assert "questions:" in files["pack.yaml"]
    assert load_pack(PACKS / "son-la-2024").content["units"][0]["name"] in files["units.csv"]
