"""The report draft: Vietnamese sentences from the computed tables. The test parses the DOCX and checks
every number in the text against the numbers of its tables, and recomputes the key figures itself."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP
from decimal import Decimal as D

from docx import Document

from analysis.report import ReportInput, write_report

from .support.index_data import BANDS, TOTALS, sample_result

NUMBER = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?")


def vn(text: str) -> D:
    return D(text.replace(".", "").replace(",", "."))


def _doc(tmp_path, **kw):
    path = tmp_path / "bao-cao.docx"
    write_report(
        ReportInput(sample_result(), 2024, "Báo cáo kết quả Chỉ số CCHC năm 2024", (1574, 1574, 1574), **kw), path
    )
    return Document(str(path))


def _text_numbers(doc) -> list[tuple[str, D]]:
    found = []
    for p in doc.paragraphs:
        text = p.text
        for band in BANDS:
            text = text.replace(band.name, "")
        text = re.sub(r"Biểu số \d+[a-z]?", "", text)
        text = re.sub(r"năm \d{4}", "", text)
        found += [(p.text, vn(m)) for m in NUMBER.findall(text)]
    return found


def _table_numbers(doc) -> set[D]:
    return {vn(c.text) for t in doc.tables for row in t.rows for c in row.cells if c.text and NUMBER.fullmatch(c.text)}


def test_every_number_in_the_text_is_in_the_tables(tmp_path):
    doc = _doc(tmp_path)
    in_tables = _table_numbers(doc)
    numbers = _text_numbers(doc)
    assert len(numbers) > 60
    missing = [(n, p) for p, n in numbers if n not in in_tables]
    assert missing == []


def test_key_figures_recomputed_from_the_unit_table(tmp_path):
    doc = _doc(tmp_path)
    unit_table = next(t for t in doc.tables if t.rows[0].cells[1].text == "Đơn vị")  # the first type: sở
    totals = {r.cells[1].text: vn(r.cells[5].text) for r in unit_table.rows[1:]}
    assert totals == {
        "Sở Nội vụ": TOTALS["S1"],
        "Sở Tài chính": TOTALS["S2"],
        "Sở Y tế": TOTALS["S3"],
        "Sở Xây dựng": TOTALS["S4"],
    }
    average = (sum(totals.values()) / len(totals)).quantize(D("0.01"), ROUND_HALF_UP)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"Tổng điểm trung bình đạt {str(average).replace('.', ',')}/100,00 điểm" in text
    above = sum(1 for v in totals.values() if v > sum(totals.values()) / 4)
    assert f"có {above:02d} đơn vị đạt kết quả trên mức trung bình, trong đó Sở Nội vụ nhất bảng với 92,90 điểm" in text
    assert "Tổng số phiếu thu về là 1.574/1.574 phiếu" in text
    assert "Nhóm A (từ 90 điểm trở lên) có 01 đơn vị, chiếm tỷ lệ 25,00%" in text
    assert "đơn vị tăng nhiều nhất là Sở Y tế (tăng 7,00 điểm)" in text
    assert "đơn vị giảm nhiều bậc nhất là Sở Xây dựng (giảm 01 bậc)" in text


def test_simulated_data_is_labelled(tmp_path):
    assert "[MÔ PHỎNG]" in _doc(tmp_path, simulated=True).paragraphs[1].text
    assert all("MÔ PHỎNG" not in p.text for p in _doc(tmp_path).paragraphs)
