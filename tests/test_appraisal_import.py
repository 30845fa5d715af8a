"""Appraisal, satisfaction and last-year imports: all or nothing, every error listed, and the index
built from the database equals the sum of its parts."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from survey_app.documents import appraisal_form
from survey_app.errors import ImportRejected
from survey_app.extensions import db
from survey_app.models import AppraisalPoint, LastYearResult, SatisfactionScore, Unit
from survey_app.services.index import build_index, lastyear
from survey_app.services.index import imports as appraisal
from survey_app.services.index.statistics import response_answers
from survey_app.services.survey import responding
from survey_app.texts import say_row

from .support.campaigns import full_answers, make_campaign, person, release, write_csv

UNITS = ["SO-NV", "SO-TC"]


@pytest.fixture
def small(app, tmp_path):
    """Sơn La 2024 with only two departments (other units removed), three answers for SO-NV."""
    people = [
        person(1, "SO-NV", "SO-CC"),
        person(2, "SO-NV", "SO-CC"),
        person(3, "SO-NV", "SO-LDP"),
        person(4, "SO-TC", "SO-CC"),
    ]
    setup = make_campaign(app, tmp_path, "son-la-2024", people)
    db.session.execute(sa.delete(Unit).where(Unit.campaign_id == setup.campaign.id, Unit.code.not_in(UNITS)))
    db.session.commit()
    for i, option in ((1, "A"), (2, "B"), (3, "A")):
        token = setup.token(f"p{i}@thu.example")
        responding.submit(token, full_answers(responding.open_questionnaire(token, mark_opened=False), option))
    release(setup.campaign)
    return setup


def _appraisal_file(tmp_path, campaign, edit=None):
    path = tmp_path / "appraisal.xlsx"
    appraisal_form(campaign, path)
    wb = load_workbook(path)
    ws = wb.active
    for row in ws.iter_rows(min_row=2):
        row[6].value = row[5].value  # self-assessed: the maximum
        row[7].value = round(row[5].value * 0.9, 2)
    if edit:
        edit(ws)
    wb.save(path)
    return path


def test_template_lists_units_areas_and_appraisal_maxima(small, tmp_path):
    path = tmp_path / "t.xlsx"
    assert appraisal_form(small.campaign, path) == 16  # 2 units × 8 areas
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Mã đơn vị", "Tên đơn vị", "Mã lĩnh vực")
    lv1 = next(r for r in rows if r[0] == "SO-NV" and r[2] == "LV1")
    lv8 = next(r for r in rows if r[0] == "SO-NV" and r[2] == "LV8")
    # LV1: 12 points − 2,5 survey points (questions/so.yaml) = 9,5; LV8: 10 − 10 satisfaction = 0
    assert (lv1[5], lv8[5]) == (9.5, 0)


def test_every_error_is_listed_and_nothing_is_written(small, tmp_path):
    def spoil(ws):
        ws["A2"] = "SO-XX"  # unknown unit
        ws["H3"] = 99  # above the maximum
        ws["H4"] = -1  # negative
        ws["H5"] = "mười"  # text in a number cell
        ws["C6"] = "LV9"  # unknown area
        for row in ws.iter_rows(min_row=2):
            if row[0].value == "SO-TC":  # SO-TC missing entirely
                for cell in row:
                    cell.value = None

    with pytest.raises(ImportRejected) as exc:
        appraisal.import_appraisal(small.campaign, _appraisal_file(tmp_path, small.campaign, spoil))
    reasons = [say_row(i) for i in exc.value.issues]
    assert reasons[0] == "dòng 2, cột Mã đơn vị: không có đơn vị mã «SO-XX» trong đợt khảo sát"
    assert "dòng 3, cột Điểm thẩm định: điểm lĩnh vực LV2 của SO-NV là 99, vượt điểm tối đa thẩm định 9,5" in reasons
    assert "dòng 4, cột Điểm thẩm định: điểm âm (-1)" in reasons
    assert "dòng 5, cột Điểm thẩm định: «mười» không phải là số" in reasons
    assert any(i.row == 6 and i.column == "area" and i.code == "area_not_of_type" for i in exc.value.issues)
    assert reasons[-1].startswith("cột Mã đơn vị: thiếu đơn vị SO-TC (Sở Tài chính)")
    assert db.session.scalar(sa.select(sa.func.count(AppraisalPoint.id))) == 0


def test_index_from_the_database_is_the_sum_of_its_parts(small, tmp_path):
    c = small.campaign
    appraisal.import_appraisal(c, _appraisal_file(tmp_path, c))
    sat = write_csv(tmp_path / "sat.csv", ["Mã đơn vị", "Tỷ lệ hài lòng (%)"], [["SO-NV", "95,5"], ["SO-TC", "88"]])
    appraisal.import_satisfaction(c, sat)
    assert db.session.scalar(
        sa.select(SatisfactionScore.points).join(Unit, Unit.id == SatisfactionScore.unit_id).where(Unit.code == "SO-NV")
    ) == D("9.55")  # 10 × 95,5 %
    last = write_csv(
        tmp_path / "ly.csv",
        ["Mã năm trước", "Mã năm nay", "Tổng điểm", "Xếp hạng", "Nhóm"],
        [["SO-NOI-VU", "SO-NV", "80,5", "2", "B"], ["SO-TC", "", "85", "1", "B"], ["SO-CU", "-", "70", "3", "B"]],
    )
    lastyear.import_last_year(c, last)
    assert db.session.scalar(sa.select(sa.func.count(LastYearResult.id))) == 3
    result = build_index(c).result
    nv = next(u for u in result.units if u.unit == "SO-NV")
    # Appraisal: 90 % of each area's appraisal maximum (12 − 2,5 → 8,55; …), summed by the database read.
    expected_appraisal = sum((round(m * D("0.9"), 2) for m in appraisal.appraisal_max(c.pack, "so").values()), D(0))
    assert nv.appraisal == expected_appraisal
    # Survey: two A (1) and one B (0,6) on every question → 20 × 2,6 / 3 = 17,33 (rounded per question)
    from survey_app.services.survey.scores import unit_scores

    assert nv.survey == unit_scores(c)["SO-NV"].total
    assert nv.satisfaction == D("9.55")
    assert nv.total == nv.appraisal + nv.survey + nv.satisfaction
    assert (nv.last.last_total, nv.last.points_change) == (D("80.5"), nv.total - D("80.5"))
    answers = response_answers(c)
    assert len(answers) == 3 * 32 and {a["unit"] for a in answers} == {"SO-NV"}


def test_satisfaction_and_last_year_errors(small, tmp_path):
    sat = write_csv(
        tmp_path / "sat.csv",
        ["Mã đơn vị", "Điểm", "Tỷ lệ"],
        [["SO-NV", "11", ""], ["SO-NV", "9", ""], ["SO-TC", "", "120"], ["SO-XX", "5", ""]],
    )
    with pytest.raises(ImportRejected) as exc:
        appraisal.import_satisfaction(small.campaign, sat)
    assert [say_row(i) for i in exc.value.issues] == [
        "dòng 2, cột Điểm: điểm 11 vượt điểm tối đa 10",
        "dòng 3, cột Mã đơn vị: đơn vị SO-NV đã có ở dòng 2",
        "dòng 4, cột Tỷ lệ: tỷ lệ 120 vượt 100%",
        "dòng 5, cột Mã đơn vị: không có đơn vị mã «SO-XX» trong đợt khảo sát",
    ]
    last = write_csv(
        tmp_path / "ly.csv",
        ["Mã đơn vị", "Tổng điểm", "Xếp hạng"],
        [["SO-CU", "80", "1"], ["SO-NV", "tám mươi", "2"], ["SO-TC", "85", "nhất"]],
    )
    with pytest.raises(ImportRejected) as exc:
        lastyear.import_last_year(small.campaign, last)
    assert [(i.row, i.column) for i in exc.value.issues] == [(2, "code"), (3, "total"), (4, "rank")]
    assert db.session.scalar(sa.select(sa.func.count(LastYearResult.id))) == 0
