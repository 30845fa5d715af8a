"""Draft of the report's numeric sections in Vietnamese (python-docx): survey results per unit type,
general results, results by area, written as sentences from the computed tables, numbers in the
Vietnamese style (17,75; 1.574). The tables follow the text, and every number in the text is in them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Cm, Pt

from .index import IndexResult, UnitIndex
from .index_summary import AreaStat, Moves, Named, SurveySummary, TypeSummary, area_stats, survey_summary, type_summary
from .vntext import format_number
from .workbook import sheet_suffix


@dataclass(frozen=True)
class ReportInput:
    result: IndexResult
    year: int
    title: str
    survey_counts: tuple[int, int, int] | None = None  # issued, returned, valid questionnaires
    simulated: bool = False
    notes: tuple[str, ...] = ()  # said under the title, e.g. how last year's groups were known


def _n(value: Decimal | float) -> str:
    return format_number(value)


def _c(count: int) -> str:
    return f"{count:02d}"


def _lead(name: str) -> str:
    """'Sở, ban, ngành' → 'sở, ban, ngành' inside a sentence; 'UBND huyện' stays as it is."""
    return name[0].lower() + name[1:] if len(name) > 1 and name[1].islower() else name


def _names(named: Named | None) -> str:
    return ", ".join(named.names) if named else ""


def _list(result: IndexResult, codes: Sequence[str]) -> str:
    names = {u.unit: u.name for u in result.units}
    return ", ".join(names[c] for c in codes)


def survey_paragraphs(s: SurveySummary) -> list[str]:
    return [
        f"Đối với {_lead(s.name)}: điểm trung bình {_n(s.average)}/{_n(s.max_points)} điểm, đạt {_n(s.percent)}%; "
        f"có {_c(len(s.below))}/{_c(s.count)} đơn vị có điểm đạt được thấp hơn điểm trung bình; "
        f"{_names(s.best)} có điểm cao nhất, được {_n(s.best.value)} điểm, đạt {_n(s.best_percent)}%; "
        f"{_names(s.worst)} có điểm thấp nhất, được {_n(s.worst.value)} điểm, đạt {_n(s.worst_percent)}%."
    ]


def general_paragraphs(result: IndexResult, t: TypeSummary) -> list[str]:
    change = ""
    if t.average_change is not None:
        word = "tăng" if t.average_change > 0 else "giảm" if t.average_change < 0 else "không đổi"
        change = (
            f", {word} {_n(abs(t.average_change))} điểm so với năm trước"
            if t.average_change
            else ", không đổi so với năm trước"
        )
    out = [
        f"Tổng điểm trung bình đạt {_n(t.average)}/{_n(t.max_points)} điểm{change}; có {_c(len(t.above))} đơn vị "
        f"đạt kết quả trên mức trung bình, trong đó {_names(t.best)} nhất bảng với {_n(t.best.value)} điểm; có "
        f"{_c(len(t.below))} đơn vị đạt kết quả dưới mức trung bình, trong đó {_names(t.worst)} cuối bảng với "
        f"{_n(t.worst.value)} điểm; khoảng cách giữa đơn vị cao nhất và thấp nhất là {_n(t.gap)} điểm."
    ]
    for b in t.bands:
        if not b.count:
            continue
        members = [u.unit for u in result.of_type(t.unit_type) if u.band == b.code]
        delta = ""
        if b.change:
            delta = f", {'tăng' if b.change > 0 else 'giảm'} {_c(abs(b.change))} đơn vị so với năm trước"
        out.append(
            f"{b.name} có {_c(b.count)} đơn vị, chiếm tỷ lệ {_n(b.percent)}%{delta}, gồm: {_list(result, members)}."
        )
    if t.compared:
        out += _move_lines(result, t.points, "điểm", "tăng điểm", "giữ nguyên điểm", "giảm điểm", t.count)
        out += _move_lines(result, t.ranks, "bậc", "tăng bậc", "giữ bậc", "giảm bậc", t.count)
    return out


def _move_lines(result: IndexResult, m: Moves, unit: str, up: str, same: str, down: str, count: int) -> list[str]:
    lines = []
    for codes, verb, big in ((m.up, up, m.biggest_up), (m.same, same, None), (m.down, down, m.biggest_down)):
        if not codes:
            continue
        text = f"Có {_c(len(codes))}/{_c(count)} đơn vị {verb} so với năm trước, gồm: {_list(result, codes)}"
        if big is not None:
            amount = _n(abs(big.value)) if unit == "điểm" else _c(int(abs(big.value)))
            most = "nhiều nhất" if unit == "điểm" else "nhiều bậc nhất"
            text += f"; trong đó đơn vị {verb.split()[0]} {most} là {_names(big)} ({verb.split()[0]} {amount} {unit})"
        lines.append(text + ".")
    return lines


def area_paragraphs(stats: Sequence[AreaStat], suffix: str) -> list[str]:
    return [
        f"{a.name} (Biểu số {n}{suffix}): điểm trung bình đạt được là {_n(a.average)}/{_n(a.max_points)} điểm; "
        f"{_names(a.best)} cao nhất ({_n(a.best.value)} điểm), {_names(a.worst)} thấp nhất ({_n(a.worst.value)} điểm)."
        for n, a in enumerate(stats, start=4)
    ]


def write_report(data: ReportInput, target: str | Path | IO[bytes]) -> None:
    """Write the draft: headings, sentences, then the tables the sentences come from."""
    result = data.result
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)
    for m in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, m, Cm(2))
    doc.styles["Normal"].font.name = "Times New Roman"
    doc.styles["Normal"].font.size = Pt(13)
    doc.add_heading(data.title, level=0)
    if data.simulated:
        doc.add_paragraph("[MÔ PHỎNG] Số liệu trong bản dự thảo này là số liệu mô phỏng.")
    for note in data.notes:
        doc.add_paragraph(note)
    types = [t for t in result.types if result.of_type(t.code)]
    doc.add_heading("Kết quả điều tra xã hội học", level=1)
    if data.survey_counts:
        issued, returned, valid = data.survey_counts
        doc.add_paragraph(
            f"Tổng số phiếu thu về là {format_number(returned, 0)}/{format_number(issued, 0)} phiếu; "
            f"số phiếu hợp lệ là {format_number(valid, 0)}/{format_number(returned, 0)} phiếu."
        )
    summaries = {
        t.code: (survey_summary(result, t.code), type_summary(result, t.code), area_stats(result, t.code))
        for t in types
    }
    for t in types:
        for p in survey_paragraphs(summaries[t.code][0]):
            doc.add_paragraph(p, style="List Bullet")
    doc.add_heading(f"Kết quả Chỉ số CCHC năm {data.year}", level=1)
    for pos, t in enumerate(result.types):
        if t.code not in summaries:
            continue
        s = sheet_suffix(pos)
        _, general, areas = summaries[t.code]
        doc.add_heading(f"Đối với {_lead(t.name)}", level=2)
        doc.add_paragraph(f"a) Kết quả chung (Biểu số 1{s}, 2{s})")
        for p in general_paragraphs(result, general):
            doc.add_paragraph(p, style="List Bullet")
        doc.add_paragraph(f"b) Kết quả theo lĩnh vực (Biểu số 3{s})")
        for p in area_paragraphs(areas, s):
            doc.add_paragraph(p, style="List Bullet")
    doc.add_heading("Các bảng số liệu", level=1)
    if data.survey_counts:
        _table(
            doc,
            "Số phiếu điều tra xã hội học",
            ("Phát ra", "Thu về", "Hợp lệ"),
            [tuple(format_number(n, 0) for n in data.survey_counts)],
        )
    for t in types:
        survey, general, areas = summaries[t.code]
        _summary_table(doc, f"Số liệu tổng hợp – {t.name}", survey, general, areas)
        _unit_table(doc, f"Kết quả Chỉ số CCHC – {t.name}", result.of_type(t.code))
    doc.save(target)


def _table(doc, title: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    doc.add_paragraph(title, style="Heading 3")
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text


def _summary_table(doc, title: str, s: SurveySummary, t: TypeSummary, areas: Sequence[AreaStat]) -> None:
    rows = [
        ("Số đơn vị", str(t.count)),
        ("Điểm tối đa", _n(t.max_points)),
        ("Tổng điểm trung bình", _n(t.average)),
        ("Số đơn vị trên mức trung bình", str(len(t.above))),
        ("Số đơn vị dưới mức trung bình", str(len(t.below))),
        ("Tổng điểm cao nhất", _n(t.best.value)),
        ("Tổng điểm thấp nhất", _n(t.worst.value)),
        ("Khoảng cách cao nhất – thấp nhất", _n(t.gap)),
    ]
    if t.last_average is not None:
        rows += [
            ("Tổng điểm trung bình năm trước", _n(t.last_average)),
            ("Thay đổi điểm trung bình", _n(abs(t.average_change))),
        ]
    for b in t.bands:
        rows += [(f"{b.name}: số đơn vị", str(b.count)), (f"{b.name}: tỷ lệ (%)", _n(b.percent))]
        if b.change:
            rows.append((f"{b.name}: thay đổi số đơn vị so với năm trước", str(abs(b.change))))
    if t.compared:
        for label, m in (("điểm", t.points), ("bậc", t.ranks)):
            rows += [
                (f"Số đơn vị tăng {label}", str(len(m.up))),
                (f"Số đơn vị giữ {label}", str(len(m.same))),
                (f"Số đơn vị giảm {label}", str(len(m.down))),
            ]
            for big, word in ((m.biggest_up, "tăng"), (m.biggest_down, "giảm")):
                if big is not None:
                    amount = _n(abs(big.value)) if label == "điểm" else str(int(abs(big.value)))
                    rows.append((f"Mức {word} {label} lớn nhất", amount))
    rows += [
        ("Điều tra XHH: điểm tối đa", _n(s.max_points)),
        ("Điều tra XHH: điểm trung bình", _n(s.average)),
        ("Điều tra XHH: tỷ lệ trung bình (%)", _n(s.percent)),
        ("Điều tra XHH: số đơn vị dưới trung bình", str(len(s.below))),
        ("Điều tra XHH: cao nhất", _n(s.best.value)),
        ("Điều tra XHH: tỷ lệ cao nhất (%)", _n(s.best_percent)),
        ("Điều tra XHH: thấp nhất", _n(s.worst.value)),
        ("Điều tra XHH: tỷ lệ thấp nhất (%)", _n(s.worst_percent)),
    ]
    for a in areas:
        rows += [
            (f"{a.area}: điểm tối đa", _n(a.max_points)),
            (f"{a.area}: điểm trung bình", _n(a.average)),
            (f"{a.area}: cao nhất", _n(a.best.value)),
            (f"{a.area}: thấp nhất", _n(a.worst.value)),
        ]
    _table(doc, title, ("Chỉ tiêu", "Giá trị"), rows)


def _unit_table(doc, title: str, units: Sequence[UnitIndex]) -> None:
    header = (
        "Xếp hạng",
        "Đơn vị",
        "Thẩm định",
        "Điều tra XHH",
        "Hài lòng",
        "Tổng điểm",
        "Tỷ lệ (%)",
        "Nhóm",
        "Tổng điểm năm trước",
        "Xếp hạng năm trước",
    )
    rows = []
    for u in units:
        last = u.last if u.last and u.last.last_total is not None else None
        rows.append(
            (
                str(u.rank),
                u.name,
                _n(u.appraisal),
                _n(u.survey),
                _n(u.satisfaction),
                _n(u.total),
                _n(u.percent),
                u.band or "",
                _n(last.last_total) if last else "",
                str(last.last_rank) if last and last.last_rank is not None else "",
            )
        )
    _table(doc, title, header, rows)
