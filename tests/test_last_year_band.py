"""Last year's file without its optional group column: each unit's last-year group is derived from its
last-year total with the campaign's bands (and the workbook and report say so), instead of every unit
counting as having joined its group this year ("Nhóm D … tăng 2 đơn vị" that never happened)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
import sqlalchemy as sa
from docx import Document
from openpyxl import load_workbook

from analysis.index_summary import type_summary
from survey_app import documents
from survey_app.extensions import db
from survey_app.models import Unit
from survey_app.services.index import build_index, lastyear
from survey_app.services.survey import responding
from survey_app.texts import documents as words

from .support.campaigns import full_answers, make_campaign, person, release, write_csv

UNITS = ("SO-NV", "SO-TC")


@pytest.fixture
def two_units(app, tmp_path):
    """Sơn La 2024 with two departments only, three answers (k) about each, so both have an index."""
    people = [person(i, unit, "SO-CC") for i, unit in enumerate(UNITS * 3, start=1)]
    setup = make_campaign(app, tmp_path, "son-la-2024", people)
    db.session.execute(sa.delete(Unit).where(Unit.campaign_id == setup.campaign.id, Unit.code.not_in(UNITS)))
    db.session.commit()
    for i, option in zip(range(1, 7), "ABABCA", strict=True):
        token = setup.token(f"p{i}@thu.example")
        responding.submit(token, full_answers(responding.open_questionnaire(token, mark_opened=False), option))
    release(setup.campaign)
    return setup


def _band_by_hand(pack, total: D) -> str:
    """The pack's bands read directly: the first whose minimum percentage the total (of 100) reaches."""
    assert pack.unit_type_by_code["so"].total_points == 100
    return next(b.code for b in pack.bands if total >= b.min_percent)


def _report_text(model, tmp_path) -> str:
    path = tmp_path / "bao-cao.docx"
    documents.report(model, path)
    return "\n".join(p.text for p in Document(path).paragraphs)


def _info(model, tmp_path) -> dict:
    path = tmp_path / "chi-so.xlsx"
    documents.workbook(model, path)
    ws = load_workbook(path)["Thông tin"]
    return {row[0].value: row[1].value for row in ws.iter_rows(min_row=3)}


def test_last_year_groups_are_derived_from_totals_when_the_file_has_none(two_units, tmp_path):
    c = two_units.campaign
    now = {u.unit: u for u in build_index(c).result.units}
    same = now["SO-NV"].total  # last year as this year: the same group, no move to claim
    last = write_csv(
        tmp_path / "ly.csv",
        ["Mã năm trước", "Tổng điểm", "Xếp hạng"],
        [["SO-NV", str(same), "2"], ["SO-TC", "95", "1"]],
    )
    lastyear.import_last_year(c, last)
    model = build_index(c)
    units = {u.unit: u for u in model.result.units}
    assert units["SO-NV"].last.last_band == _band_by_hand(c.pack, same) == units["SO-NV"].band
    assert units["SO-TC"].last.last_band == _band_by_hand(c.pack, D(95)) == "A"
    assert model.derived_last_bands == ("SO-NV", "SO-TC")

    bands = {b.code: b for b in type_summary(model.result, "so").bands}
    this_year = {b: sum(1 for u in units.values() if u.band == b) for b in bands}
    last_year = {b: sum(1 for u in units.values() if u.last.last_band == b) for b in bands}
    assert {b: (x.count, x.last_count) for b, x in bands.items()} == {b: (this_year[b], last_year[b]) for b in bands}
    assert bands[units["SO-NV"].band].change == this_year[units["SO-NV"].band] - last_year[units["SO-NV"].band]

    note = words.LAST_BAND_DERIVED.format(count=2, units="SO-NV, SO-TC")
    text = _report_text(model, tmp_path)
    assert note in text
    wrong = f"tăng {this_year[units['SO-NV'].band]:02d} đơn vị so với năm trước"  # what an absent group claimed
    assert wrong not in text
    assert _info(model, tmp_path)[words.INFO["last_band"]] == note


def test_groups_given_by_the_file_are_kept_and_nothing_is_said(two_units, tmp_path):
    c = two_units.campaign
    last = write_csv(
        tmp_path / "ly.csv", ["Mã năm trước", "Tổng điểm", "Nhóm"], [["SO-NV", "95", "B"], ["SO-TC", "40", ""]]
    )
    lastyear.import_last_year(c, last)
    model = build_index(c)
    units = {u.unit: u for u in model.result.units}
    assert units["SO-NV"].last.last_band == "B"  # as published, even if the total says otherwise
    assert units["SO-TC"].last.last_band == _band_by_hand(c.pack, D(40))  # the empty cell is derived
    assert model.derived_last_bands == ("SO-TC",)
    assert _info(model, tmp_path)[words.INFO["last_band"]] == words.LAST_BAND_DERIVED.format(count=1, units="SO-TC")
    full = write_csv(
        tmp_path / "ly2.csv", ["Mã năm trước", "Tổng điểm", "Nhóm"], [["SO-NV", "95", "B"], ["SO-TC", "40", "D"]]
    )
    lastyear.import_last_year(c, full)
    model = build_index(c)
    assert model.derived_last_bands == ()
    assert _info(model, tmp_path)[words.INFO["last_band"]] == words.LAST_BAND_GIVEN
    assert "suy ra từ tổng điểm" not in _report_text(model, tmp_path)
