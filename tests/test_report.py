"""The report of Sở Nội vụ: read back with python-docx, every number in its text is one of the index's
figures (computed here from the index result and its summaries, not read from the document), the key
sentences are checked against figures worked out by hand, the heading block, section numbering, styles
and page set-up are those of an administrative document, the charts are embedded PNGs, and the PDF copy
LibreOffice makes is readable."""

from __future__ import annotations

import io
import os
import re
from datetime import date
from decimal import ROUND_HALF_UP
from decimal import Decimal as D

import pytest
from docx import Document
from docx.shared import Cm, Pt
from PIL import Image

from analysis.index import IndexRules, compute_index
from analysis.index_summary import area_stats, survey_summary, type_summary
from analysis.office import ConversionError, to_pdf
from analysis.report import ReportInput, write_report

from .support.index_data import AREAS, BANDS, LAST_YEAR, PARTS, TOTALS, UNIT_TYPES, UNITS, points_table, sample_result
from .support.pdf import read_pdf, require_office

NUMBER = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?")
COUNTS = (1574, 1574, 1560)  # issued, returned, valid
SECTIONS = [
    "I. KẾT QUẢ ĐIỀU TRA XÃ HỘI HỌC",
    "II. KẾT QUẢ CHỈ SỐ CCHC NĂM 2024",
    "1. Đối với sở, ban, ngành",
    "a) Kết quả chung (Biểu số 1, 2)",
    "b) Kết quả của các tiêu chí (Biểu số 3)",
    "2. Đối với UBND huyện, thành phố",
    "a) Kết quả chung (Biểu số 1a, 2a)",
    "b) Kết quả của các tiêu chí (Biểu số 3a)",
    "III. NHẬN XÉT CHUNG",
]


def vn(text: str) -> D:
    return D(text.replace(".", "").replace(",", "."))


def _doc(tmp_path, result=None, **kw):
    path = tmp_path / "bao-cao.docx"
    data = ReportInput(result or sample_result(), 2024, "Báo cáo kết quả Chỉ số CCHC năm 2024", COUNTS, **kw)
    write_report(data, path)
    return Document(str(path))


def _text(doc) -> str:
    return "\n".join(p.text for p in doc.paragraphs)


def index_figures(result) -> set[D]:
    """Every figure the report may quote, from the result and the summaries (amounts of change as sizes)."""
    found: set[D] = {D(n) for n in COUNTS}
    found |= {(D(a) * 100 / b).quantize(D("0.01"), ROUND_HALF_UP) for a, b in ((1574, 1574), (1560, 1574))}
    for u in result.units:
        found |= {u.total, u.survey, u.appraisal, u.satisfaction, u.percent, u.max_points, D(u.rank)}
        found |= {a.points for a in u.areas.values()}
        if u.last and u.last.points_change is not None:
            found |= {u.last.last_total, abs(u.last.points_change), D(abs(u.last.rank_change or 0))}
    for t in result.types:
        s, g = survey_summary(result, t.code), type_summary(result, t.code)
        found |= {s.average, s.max_points, s.percent, s.best.value, s.best_percent, s.worst.value, s.worst_percent}
        found |= {D(s.count), D(len(s.below)), g.average, g.max_points, g.best.value, g.worst.value, g.gap}
        found |= {D(len(g.above)), D(len(g.below)), D(g.count)}
        if g.last_gap is not None:
            found |= {abs(g.gap - g.last_gap), abs(g.average_change)}
        for b in g.bands:
            found |= {D(b.count), b.percent, D(abs(b.change or 0))}
        for m in (g.points, g.ranks):
            found |= {D(len(m.up)), D(len(m.same)), D(len(m.down))}
            found |= {abs(x.value) for x in (m.biggest_up, m.biggest_down) if x}
        for a in area_stats(result, t.code):
            found |= {a.average, a.max_points, a.best.value, a.worst.value}
    return found


def numbers_in_text(doc) -> list[tuple[D, str]]:
    """Numbers of the body paragraphs, leaving out labels: section numbers, 'Biểu số 3a', years, band names."""
    found = []
    for p in doc.paragraphs:
        text = re.sub(r"^(?:[IVX]+|\d+)\. ", "", p.text)
        for band in BANDS:
            text = text.replace(band.name, "")
        text = re.sub(r"Biểu (?:số|đồ) \d+[a-z]?|Bảng \d+|(?i:năm) \d{4}", "", text)
        found += [(vn(m), p.text) for m in NUMBER.findall(text)]
    return found


def foreign_numbers(doc, allowed: set[D]) -> list[tuple[D, str]]:
    return [(n, p) for n, p in numbers_in_text(doc) if n not in allowed]


def test_every_number_in_the_text_is_one_of_the_index_figures(tmp_path):
    result = sample_result()
    doc = _doc(tmp_path, result)
    numbers = numbers_in_text(doc)
    assert len(numbers) > 80
    assert foreign_numbers(doc, index_figures(result)) == []
    # The check itself: a figure the index does not have is caught.
    doc.add_paragraph("Điểm trung bình đạt được là 12,34/40 điểm.")
    assert foreign_numbers(doc, index_figures(result)) == [(D("12.34"), "Điểm trung bình đạt được là 12,34/40 điểm.")]


def test_key_figures_worked_out_by_hand(tmp_path):
    text = _text(_doc(tmp_path))
    # Sở: 92,90 87,00 87,00 68,00 → mean 83,725 → 83,73, three above it; a maximum of 100 is written '100'.
    # Last year (S1 90,00; S2 88,00 as S2-OLD; S3 80,00; S4 70,50): mean 82,125 → 82,13, so 1,60 up.
    average = (sum(TOTALS[u] for u in ("S1", "S2", "S3", "S4")) / 4).quantize(D("0.01"), ROUND_HALF_UP)
    assert average == D("83.73")
    assert "Tổng điểm trung bình của sở, ban, ngành đạt 83,73/100 điểm, tăng 1,60 điểm so với năm 2023" in text
    assert "có 03 đơn vị đạt kết quả trên mức trung bình, trong đó Sở Nội vụ nhất bảng với 92,90 điểm" in text
    assert "Tổng số phiếu thu về là 1.574/1.574 phiếu, đạt 100% số phiếu phát ra" in text
    assert "Số phiếu hợp lệ là 1.560/1.574 phiếu điều tra (đạt 99,11%)" in text  # 1.560 / 1.574 = 99,110…
    # Survey: 18,75 16,00 16,00 12,00 → 15,69/20 = 78,45 %; best 18,75 = 93,75 %; worst 12,00 = 60 %.
    assert "+ Đối với sở, ban, ngành: điểm trung bình 15,69/20 điểm, đạt 78,45%;" in text
    assert "Sở Nội vụ có điểm cao nhất, được 18,75 điểm, đạt 93,75%" in text
    assert "Sở Xây dựng có điểm thấp nhất, được 12,00 điểm, đạt 60%." in text
    assert "- Nhóm A (từ 90 điểm trở lên) có 01 đơn vị, chiếm tỷ lệ 25%, bao gồm: Sở Nội vụ." in text
    assert "đơn vị tăng nhiều nhất là Sở Y tế (tăng 7,00 điểm)" in text
    assert "đơn vị giảm nhiều bậc nhất là Sở Xây dựng (giảm 01 bậc)" in text
    # Areas keep their maxima without trailing zeros: LV1 of 40 points.
    assert "- Chỉ đạo, điều hành (Biểu số 4): điểm trung bình đạt được là 33,38/40 điểm" in text
    # The gap: 92,90 − 68,00 = 24,90; last year 90,00 − 70,50 = 19,50, so it widened by 5,40.
    assert (
        "khoảng cách giữa đơn vị cao nhất và thấp nhất là 24,90 điểm "
        "(khoảng cách này tăng thêm so với năm 2023 là 5,40 điểm)"
    ) in text


def test_annex_tables_hold_every_unit(tmp_path):
    result = sample_result()
    doc = _doc(tmp_path, result)
    so, huyen = doc.tables[2:]
    col = {c.text: i for i, c in enumerate(so.rows[0].cells)}
    rank, unit, total, last = col["Xếp hạng"], col["Đơn vị"], col["Tổng điểm"], col["Tổng điểm năm 2023"]
    rows = {
        r.cells[unit].text: (int(r.cells[rank].text), vn(r.cells[total].text), r.cells[last].text) for r in so.rows[1:]
    }
    assert rows == {
        "Sở Nội vụ": (1, D("92.90"), "90,00"),
        "Sở Tài chính": (2, D("87.00"), "88,00"),  # last year as S2-OLD
        "Sở Y tế": (2, D("87.00"), "80,00"),
        "Sở Xây dựng": (4, D("68.00"), "70,50"),
    }
    assert len(huyen.rows) == 1 + len(result.of_type("huyen"))


def test_the_gap_narrowed_or_unknown(tmp_path):
    last = [dict(r, total={"S1": "95.00", "S4": "60.00"}.get(r["unit"], r["total"])) for r in LAST_YEAR]
    text = _text(_doc(tmp_path, sample_result(last_year=last)))
    # 95,00 − 60,00 = 35,00 last year against 24,90 now: 10,10 narrower.
    assert "là 24,90 điểm (khoảng cách này được rút ngắn so với năm 2023 là 10,10 điểm)" in text
    alone = _text(_doc(tmp_path, sample_result(last_year=())))
    assert "khoảng cách giữa đơn vị cao nhất và thấp nhất là 24,90 điểm; có 03 đơn vị" in alone
    assert "so với năm 2023" not in alone and "năm 2023" not in alone


def test_one_ranked_unit_or_equal_totals_get_their_own_words(tmp_path):
    """One sở ranked, and two huyện with the same total: nobody is above or below the average, so the
    report says so instead of '00 đơn vị … trên mức trung bình, trong đó Sở Nội vụ nhất bảng'."""
    parts = [p for p in PARTS if p[0] == "S1"] + [("H1", *PARTS[4][1:]), ("H2", *PARTS[4][1:])]  # both 86,10
    units = [u for u in UNITS if u["unit"] in ("S1", "H1", "H2")]
    result = compute_index(units, UNIT_TYPES, AREAS, points_table(parts), IndexRules(bands=BANDS), ())
    doc = _doc(tmp_path, result)
    text = _text(doc)
    assert (
        "Tổng điểm trung bình của sở, ban, ngành đạt 92,90/100 điểm; chỉ có một đơn vị được xác định Chỉ số là "
        "Sở Nội vụ, với 92,90 điểm; cụ thể:"
    ) in text
    assert (
        "Tổng điểm trung bình của UBND huyện, thành phố đạt 86,10/100 điểm; cả 02 đơn vị đều đạt 86,10 điểm, "
        "bằng mức trung bình; cụ thể:"
    ) in text
    assert "không có đơn vị nào đạt Chỉ số CCHC trên giá trị trung bình." in text  # section III
    assert " 00 " not in text and "nhất bảng" not in text and "cuối bảng" not in text
    assert foreign_numbers(doc, index_figures(result)) == []
    # With totals apart, the usual sentence stays.
    assert "có 03 đơn vị đạt kết quả trên mức trung bình" in _text(_doc(tmp_path))


def test_the_survey_line_of_one_unit_or_of_equal_units(tmp_path):
    """Section I with one sở (S1: survey 9,50 + 9,25 = 18,75 of 20 = 93,75 %) and two huyện that both have
    8,00 + 9,00 = 17,00 (85 %): not '00/01 đơn vị … thấp hơn', nor one unit both highest and lowest."""
    parts = [p for p in PARTS if p[0] == "S1"] + [("H1", *PARTS[4][1:]), ("H2", *PARTS[4][1:])]
    units = [u for u in UNITS if u["unit"] in ("S1", "H1", "H2")]
    result = compute_index(units, UNIT_TYPES, AREAS, points_table(parts), IndexRules(bands=BANDS), ())
    doc = _doc(tmp_path, result)
    lines = [p.text for p in doc.paragraphs if p.text.startswith("+ Đối với")]
    assert lines == [
        "+ Đối với sở, ban, ngành: chỉ có một đơn vị được xác định điểm là Sở Nội vụ, với 18,75/20 điểm, đạt 93,75%.",
        "+ Đối với UBND huyện, thành phố: điểm trung bình 17,00/20 điểm, đạt 85%; cả 02 đơn vị đều được 17,00 điểm, "
        "bằng điểm trung bình.",
    ]
    assert foreign_numbers(doc, index_figures(result)) == []


def test_the_survey_line_of_units_apart_is_unchanged(tmp_path):
    """The usual sentence, word for word as before the one-unit and equal cases had their own (sample data:
    sở 18,75 16,00 16,00 12,00 → 15,69; huyện 17,00 18,00 → 17,50)."""
    lines = [p.text for p in _doc(tmp_path).paragraphs if p.text.startswith("+ Đối với")]
    assert lines == [
        "+ Đối với sở, ban, ngành: điểm trung bình 15,69/20 điểm, đạt 78,45%; có 01/04 đơn vị có điểm đạt được thấp "
        "hơn điểm trung bình; Sở Nội vụ có điểm cao nhất, được 18,75 điểm, đạt 93,75%; Sở Xây dựng có điểm thấp "
        "nhất, được 12,00 điểm, đạt 60%.",
        "+ Đối với UBND huyện, thành phố: điểm trung bình 17,50/20 điểm, đạt 87,5%; có 01/02 đơn vị có điểm đạt được "
        "thấp hơn điểm trung bình; UBND huyện Mộc Châu có điểm cao nhất, được 18,00 điểm, đạt 90%; UBND huyện Mai "
        "Sơn có điểm thấp nhất, được 17,00 điểm, đạt 85%.",
    ]


def test_heading_block_sections_and_styles(tmp_path):
    doc = _doc(tmp_path, province="Sơn La", report_number="15", report_date=date(2025, 1, 5), signer="Nguyễn Văn A")
    block = doc.tables[0]
    cells = [[p for p in c.paragraphs] for row in block.rows for c in row.cells]
    (parent, agency), (nation, motto), (number,), (place,) = cells
    assert (parent.text, agency.text, number.text) == ("UBND TỈNH SƠN LA", "SỞ NỘI VỤ", "Số: 15/BC-SNV")
    assert agency.runs[0].bold and not parent.runs[0].bold
    assert nation.text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and nation.runs[0].bold
    assert motto.text == "Độc lập - Tự do - Hạnh phúc" and motto.runs[0].bold and motto.runs[0].underline
    assert place.text == "Sơn La, ngày 05 tháng 01 năm 2025" and place.runs[0].italic
    report, subject = doc.paragraphs[1:3]
    assert report.text == "BÁO CÁO" and report.runs[0].bold
    assert subject.text == (
        "Kết quả xác định Chỉ số cải cách hành chính năm 2024 của sở, ban, ngành và UBND huyện, thành phố"
    )
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("CCHC")]
    assert headings == SECTIONS
    # No Word heading or title style, no colour: the document's own black, bold styles.
    assert not [p.style.name for p in doc.paragraphs if re.match(r"Heading|Title", p.style.name)]
    for name in ("CCHC Mục", "CCHC Tiểu mục", "CCHC Điểm"):
        style = doc.styles[name]
        assert style.font.bold and style.font.color.rgb == (0, 0, 0) and style.font.size == Pt(14), name
    assert doc.styles["Normal"].font.name == "Times New Roman" and doc.styles["Normal"].font.size == Pt(14)
    coloured = [r.text for p in doc.paragraphs for r in p.runs if r.font.color.rgb not in (None, (0, 0, 0))]
    assert coloured == []
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    margins = [round(getattr(section, m).cm, 2) for m in ("top_margin", "bottom_margin", "left_margin", "right_margin")]
    assert margins == [2.0, 2.0, 3.0, 1.5]
    # The annex tables have borders (Table Grid) and the signer signs on the right.
    assert [t.style.name for t in doc.tables[2:]] == ["Table Grid", "Table Grid"]
    signature = doc.tables[1].rows[0].cells[1].text
    assert signature.startswith("GIÁM ĐỐC") and signature.endswith("Nguyễn Văn A")


def test_defaults_leave_blanks_to_fill_in(tmp_path):
    doc = _doc(tmp_path)  # what current callers pass: no province, number or date
    texts = [c.text for row in doc.tables[0].rows for c in row.cells]
    assert texts == ["UBND TỈNH ……\nSỞ NỘI VỤ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc",
                     "Số: …/BC-SNV", "……, ngày … tháng … năm …"]  # fmt: skip


def test_charts_are_embedded_pngs(tmp_path):
    doc = _doc(tmp_path)
    shapes = doc.inline_shapes
    # Per unit type: ranks, bands, change against last year, areas.
    assert len(shapes) == 8
    for shape in shapes:
        blob = doc.part.related_parts[shape._inline.graphic.graphicData.pic.blipFill.blip.embed].blob
        image = Image.open(io.BytesIO(blob))
        assert image.format == "PNG" and image.width >= 1200
        image.verify()
        assert abs(shape.width - Cm(16)) < Cm(0.1)
    captions = [p.text for p in doc.paragraphs if p.text.startswith("Biểu đồ ")]
    assert [c.split(".")[0] for c in captions] == [f"Biểu đồ {n}" for n in range(1, 9)]
    assert captions[2] == "Biểu đồ 3. Tăng (+)/giảm (-) tổng điểm so với năm 2023 của sở, ban, ngành"
    # Without last year there is nothing to compare: no change chart; charts can be left out.
    assert len(_doc(tmp_path, sample_result(last_year=())).inline_shapes) == 6
    assert len(_doc(tmp_path, charts=False).inline_shapes) == 0


def test_simulated_data_is_labelled(tmp_path):
    assert "[MÔ PHỎNG]" in _text(_doc(tmp_path, simulated=True))
    assert "MÔ PHỎNG" not in _text(_doc(tmp_path))


def test_pdf_copy_made_by_libreoffice(tmp_path):
    require_office()
    _doc(tmp_path, province="Sơn La")
    try:
        pdf = to_pdf(tmp_path / "bao-cao.docx", tmp_path / "pdf")
    except ConversionError as exc:  # soffice is there but cannot open text documents
        if os.environ.get("REQUIRE_LIBREOFFICE") == "1":
            pytest.fail(f"LibreOffice Writer is required: apt-get install libreoffice-writer-nogui ({exc})")
        pytest.skip("LibreOffice Writer is not installed (apt-get install libreoffice-writer-nogui)")
    pages = read_pdf(pdf)
    assert len(pages) >= 4
    assert all(abs(p.width - 595.3) < 1 and abs(p.height - 841.9) < 1 for p in pages)  # A4 portrait
    text = " ".join(" ".join(p.text.split()) for p in pages)
    for words in ("BÁO CÁO", "UBND TỈNH SƠN LA", "Độc lập - Tự do - Hạnh phúc", "III. NHẬN XÉT CHUNG"):
        assert words in text
    assert "đạt 83,73/100 điểm" in text
    assert [(p.number, a.text, b.text) for p in pages for a, b in p.overlapping()] == []
