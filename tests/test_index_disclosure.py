"""The disclosure rule in the index: a unit with fewer than k valid responses is withheld from the index,
its workbook rows and its report ('không đủ mẫu'), or published flagged when the pack says so; in a small
matrix campaign no number in the workbook or the report comes from fewer than k responses."""

from __future__ import annotations

import re
from decimal import Decimal as D

import sqlalchemy as sa
from docx import Document
from openpyxl import load_workbook

from analysis.disclosure import Sample
from analysis.index import IndexRules, compute_index
from analysis.index_summary import disclosure_lines, type_summary
from survey_app import documents
from survey_app.extensions import db
from survey_app.models import RespondentGroup, ResponseCount, Unit
from survey_app.services.index import build_index
from survey_app.services.survey import responding

from .support.campaigns import full_answers, make_campaign, person, release
from .support.index_data import AREAS, BANDS, UNIT_TYPES, UNITS, points_table

RULES = IndexRules(bands=BANDS)


def _index(sample: Sample | None):
    return compute_index(UNITS, UNIT_TYPES, AREAS, points_table(), RULES, sample=sample)


def test_a_unit_under_k_is_neither_ranked_nor_averaged():
    full = _index(None)
    counts = {u["unit"]: 5 for u in UNITS} | {"S1": 2}  # S1, first of its type, had two responses
    result = _index(Sample(counts, k=3))
    assert [w.unit for w in result.withheld] == ["S1"] and result.withheld[0].responses == 2
    assert "S1" not in {u.unit for u in result.units}
    assert [u.rank for u in result.of_type("so")] == [1, 1, 3]  # the others ranked among themselves
    others = [u.total for u in full.of_type("so") if u.unit != "S1"]
    assert type_summary(result, "so").average == RULES.round(sum(others) / len(others))
    assert not any(u.below_k for u in result.units)
    (line,) = disclosure_lines(result, "so")
    assert line.startswith("Có 01 đơn vị không đủ mẫu điều tra xã hội học (dưới 3 phiếu hợp lệ)")
    assert line.endswith(": Sở Nội vụ (2 phiếu).")
    assert disclosure_lines(result, "huyen") == []


def test_publish_below_k_ranks_the_unit_and_says_so():
    counts = {u["unit"]: 5 for u in UNITS} | {"S1": 2}
    result = _index(Sample(counts, k=3, publish_below_k=True))
    assert result.withheld == ()
    assert [u.unit for u in result.units if u.below_k] == ["S1"]
    assert [(u.unit, u.rank) for u in result.of_type("so")] == [(u.unit, u.rank) for u in _index(None).of_type("so")]
    (line,) = disclosure_lines(result, "so")
    assert line.startswith("Chỉ số của Sở Nội vụ được công bố dù chưa đủ 3 phiếu hợp lệ")


def test_every_unit_of_a_type_under_k_leaves_the_type_empty():
    counts = {u["unit"]: (0 if u["unit_type"] == "huyen" else 4) for u in UNITS}
    result = _index(Sample(counts, k=4))
    assert result.of_type("huyen") == [] and {w.unit for w in result.withheld} == {"H1", "H2"}
    assert result.missing == ()  # withheld units are not reported as missing points either
    assert D(0) not in {u.total for u in result.units}


def _matrix_campaign(app, tmp_path):
    """hai-cap-2025: 3 commune leaders rate every department (3 = k each); in commune X-DEMO-1, 2 of its
    own officials answer (under k); the other communes, no one."""
    people = [person(i, f"X-DEMO-{i}", "XA-LD") for i in (1, 2, 3)]
    people += [person(4, "X-DEMO-1", "XA-CC"), person(5, "X-DEMO-1", "XA-CC"), person(6, "SO-NV", "SO-CC")]
    setup = make_campaign(app, tmp_path, "hai-cap-2025", people, code="M")
    for i, option in zip(range(1, 7), "ABCABA", strict=True):
        token = setup.token(f"p{i}@thu.example")
        responding.submit(token, full_answers(responding.open_questionnaire(token, mark_opened=False), option))
    release(setup.campaign)
    return setup.campaign


def _responses_about(campaign) -> dict[str, int]:
    rows = db.session.execute(
        sa.select(Unit.code, sa.func.sum(ResponseCount.responses))
        .join(Unit, Unit.id == ResponseCount.unit_id)
        .join(RespondentGroup, RespondentGroup.id == ResponseCount.group_id)
        .where(ResponseCount.campaign_id == campaign.id)
        .group_by(Unit.code)
    )
    return dict(rows.all())


def test_matrix_workbook_and_report_show_no_figure_under_k(app, tmp_path):
    campaign = _matrix_campaign(app, tmp_path)
    about = _responses_about(campaign)
    k = campaign.pack.anonymity_k
    assert about["SO-NV"] == 4 and about["SO-TC"] == 3 and about["X-DEMO-1"] == 2
    model = build_index(campaign)
    shown = {u.unit for u in model.result.units}
    assert shown == {u for u, n in about.items() if n >= k} and all(u.startswith("SO-") for u in shown)
    withheld = {w.unit for w in model.result.withheld}
    assert len(withheld) == 6 and "X-DEMO-1" in withheld  # every commune: 2 or 0 responses

    xlsx = tmp_path / "chi-so.xlsx"
    documents.workbook(model, xlsx)
    wb = load_workbook(xlsx)
    unit_sheets = [ws for ws in wb.worksheets if ws.title.startswith("Biểu")]
    assert unit_sheets
    for ws in unit_sheets:
        for row in ws.iter_rows(min_row=3, values_only=True):
            if row[1] in withheld:  # code and name only, then the reason
                assert [v for v in row[3:] if v is not None] == [
                    f"Không đủ mẫu ({about.get(row[1], 0)}/3 phiếu hợp lệ): không xếp hạng"
                ], (ws.title, row)
            else:
                assert row[1] in shown, (ws.title, row)
    for row in wb["Chi tiết khảo sát"].iter_rows(min_row=3, values_only=True):
        assert row[0] in shown

    docx = tmp_path / "bao-cao.docx"
    documents.report(model, docx)
    doc = Document(str(docx))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Có 06 đơn vị không đủ mẫu điều tra xã hội học (dưới 3 phiếu hợp lệ)" in text
    names = {u.name: u.unit for u in model.result.units} | {w.name: w.unit for w in model.result.withheld}
    annex = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    seen_withheld = set()
    for cells in annex:
        code = names.get(cells[1]) if len(cells) > 1 else None
        if code in withheld:
            seen_withheld.add(code)
            assert not any(re.search(r"\d,\d", c) for c in cells), cells  # no score of a withheld unit
    assert seen_withheld == withheld
    for w in model.result.withheld:  # a withheld unit is named only where the text says it is under k
        for p in doc.paragraphs:
            if w.name in p.text:
                assert "không đủ mẫu" in p.text, p.text
