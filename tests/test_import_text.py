"""Imports refuse what one database would store and the other would refuse mid-import: a value longer
than its column, a NUL or another control character. The same rows and columns are named on SQLite
and PostgreSQL, nothing is written, and no traceback reaches the user."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from survey_app.errors import ImportRejected
from survey_app.extensions import db
from survey_app.models import AppraisalPoint, LastYearResult, Respondent, Unit
from survey_app.services.index import imports, lastyear
from survey_app.services.survey import roster
from survey_app.texts import say_row

from .support.campaigns import RESPONDENT_HEADER, write_csv


def _refused(action) -> list[str]:
    with pytest.raises(ImportRejected) as refused:
        action()
    db.session.rollback()
    return [say_row(i) for i in refused.value.issues]


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_units_over_long_or_with_a_nul_are_refused_by_row_and_column(sonla, tmp_path):
    before = _count(Unit)
    long_name = "Sở " + "rất " * 100
    path = write_csv(
        tmp_path / "units.csv",
        ["Mã đơn vị", "Tên đơn vị", "Loại đơn vị"],
        [
            ["SO-MOI", "Sở Mới", "so"],
            ["SO-DAI", long_name, "so"],
            ["SO-NUL\x00", "Sở Lỗi", "so"],
            ["X" * 41, "Sở Mã Dài", "so"],
            ["SO-BEL", "Sở \x07 Chuông", "so"],
        ],
    )
    assert _refused(lambda: roster.import_units(sonla.campaign, path)) == [
        f"dòng 3, cột Tên đơn vị: dài {len(long_name.strip())} ký tự, tối đa 300 ký tự",
        "dòng 4, cột Mã đơn vị: có ký tự điều khiển không in được (U+0000); hãy xoá ký tự đó trong tệp",
        "dòng 5, cột Mã đơn vị: dài 41 ký tự, tối đa 40 ký tự",
        "dòng 6, cột Tên đơn vị: có ký tự điều khiển không in được (U+0007); hãy xoá ký tự đó trong tệp",
    ]
    assert _count(Unit) == before


def test_respondents_over_long_or_with_a_nul_are_refused_by_row_and_column(sonla, tmp_path):
    before = _count(Respondent)
    rows = [
        ["SO-NV", "SO-CC", "Người Mới", "Chuyên viên", "moi@thu.example", "", "", ""],
        ["SO-NV", "SO-CC", "Nguyễn " * 40, "Chuyên viên", "dai@thu.example", "", "", ""],
        ["SO-NV", "SO-CC", "Người\x00Lỗi", "Chuyên viên", "nul@thu.example", "", "", ""],
        ["SO-NV", "SO-CC", "Người Chức Vụ", "Phó " * 60, "cv@thu.example", "", "", ""],
    ]
    path = write_csv(tmp_path / "people.csv", RESPONDENT_HEADER, rows)
    assert _refused(lambda: roster.import_respondents(sonla.campaign, path)) == [
        "dòng 3, cột full_name: dài 279 ký tự, tối đa 200 ký tự",
        "dòng 4, cột full_name: có ký tự điều khiển không in được (U+0000); hãy xoá ký tự đó trong tệp",
        "dòng 5, cột position: dài 239 ký tự, tối đa 200 ký tự",
    ]
    assert _count(Respondent) == before


def test_an_over_long_value_in_a_workbook_is_refused_too(sonla, tmp_path):
    wb = Workbook()
    wb.active.append(["Mã đơn vị", "Mã nhóm", "Họ và tên", "Email"])
    wb.active.append(["SO-NV", "SO-CC", "Trần " * 50, "tran@thu.example"])
    path = tmp_path / "people.xlsx"
    wb.save(path)
    assert _refused(lambda: roster.import_respondents(sonla.campaign, path)) == [
        "dòng 2, cột Họ và tên: dài 249 ký tự, tối đa 200 ký tự"
    ]


def test_appraisal_and_last_year_text_is_checked_before_writing(sonla, tmp_path):
    appraisal = write_csv(
        tmp_path / "appraisal.csv",
        ["Mã đơn vị", "Mã lĩnh vực", "Tiêu chí", "Điểm thẩm định"],
        [["SO-NV", "LV1", "TC-" + "9" * 40, "1"], ["SO-NV", "LV1", "TC\x00", "1"]],
    )
    issues = _refused(lambda: imports.import_appraisal(sonla.campaign, appraisal))
    assert issues[:2] == [
        "dòng 2, cột Tiêu chí: dài 43 ký tự, tối đa 40 ký tự",
        "dòng 3, cột Tiêu chí: có ký tự điều khiển không in được (U+0000); hãy xoá ký tự đó trong tệp",
    ]
    assert _count(AppraisalPoint) == 0
    last = write_csv(
        tmp_path / "last.csv",
        ["Mã năm trước", "Tên đơn vị", "Tổng điểm", "Nhóm"],
        [["SO-NV", "Sở Nội vụ", "80", "Nhóm " + "A" * 40], ["SO-TC", "Sở Tài chính\x00", "70", ""]],
    )
    assert _refused(lambda: lastyear.import_last_year(sonla.campaign, last)) == [
        "dòng 2, cột Nhóm: dài 45 ký tự, tối đa 40 ký tự",
        "dòng 3, cột Tên đơn vị: có ký tự điều khiển không in được (U+0000); hãy xoá ký tự đó trong tệp",
    ]
    assert _count(LastYearResult) == 0


def test_a_csv_cell_over_the_csv_modules_limit_is_a_refusal_not_a_traceback(sonla, tmp_path):
    path = tmp_path / "huge.csv"
    path.write_text("unit_code,group_code,full_name\nSO-NV,SO-CC," + "x" * 200_000 + "\n", encoding="utf-8")
    assert _refused(lambda: roster.import_respondents(sonla.campaign, path)) == [
        "không đọc được tệp CSV: có ô dài quá 131.072 ký tự hoặc dấu ngoặc kép không khớp"
    ]
