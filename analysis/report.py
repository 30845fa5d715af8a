"""The report of Sở Nội vụ on the index (python-docx), laid out as a Vietnamese administrative document:
heading block, numbered sections written as sentences from the computed figures in the decision's
style (scores 17,75; maxima 20; percentages 93,2%; counts 06), charts inside, the unit tables in an
annex, and a PDF copy made by LibreOffice when it is installed (`analysis.office.to_pdf`).

Sections: I. the officials' survey; II. the index per unit type (a) general results and moves against
last year, b) results by area); III. general remarks (average and the gap between first and last, and
how the gap changed since last year). Every number in the text is one of the index's figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO

from docx.shared import Pt

from . import figures, texts
from . import report_layout as layout
from .index import IndexResult
from .index_summary import (
    AreaStat,
    Moves,
    Named,
    SurveySummary,
    TypeSummary,
    area_stats,
    disclosure_lines,
    survey_summary,
    type_summary,
)
from .vntext import format_count, format_date, format_number, format_percent, format_trimmed
from .workbook import sheet_suffix


@dataclass(frozen=True)
class ReportInput:
    """What the report says and what its heading block needs; every field after `title` is optional."""

    result: IndexResult
    year: int
    title: str  # the file's title (document properties)
    survey_counts: tuple[int, int, int] | None = None  # issued, returned, valid questionnaires
    simulated: bool = False
    province: str = ""  # 'Sơn La': 'UBND TỈNH SƠN LA', and the place when `place` is empty
    place: str = ""
    agency: str = "Sở Nội vụ"
    agency_code: str = "SNV"  # 'Số: …/BC-SNV'
    report_number: str = ""  # '…' to be filled in by hand when empty
    report_date: date | None = None  # 'ngày … tháng … năm …' when None
    subject: str = ""  # the line under 'BÁO CÁO'; made from the year and the unit types when empty
    last_year: int | None = None  # the year compared with; year - 1 when None
    signer_title: str = "GIÁM ĐỐC"
    signer: str = ""
    recipients: tuple[str, ...] = texts.DEFAULT_RECIPIENTS
    charts: bool = True
    notes: tuple[str, ...] = ()  # said under the title, e.g. how last year's groups were known


def _n(value: Decimal) -> str:
    return format_number(value)


def _lead(name: str) -> str:
    """'Sở, ban, ngành' → 'sở, ban, ngành' inside a sentence; 'UBND huyện' stays as it is."""
    return name[0].lower() + name[1:] if len(name) > 1 and name[1].islower() else name


def _names(named: Named) -> str:
    return ", ".join(named.names)


def _list(result: IndexResult, codes: Sequence[str]) -> str:
    names = {u.unit: u.name for u in result.units}
    return ", ".join(names[c] for c in codes)


def _share(part: int, whole: int, result: IndexResult) -> str:
    return format_percent(result.rules.round(Decimal(100 * part) / whole))


def count_paragraphs(result: IndexResult, counts: tuple[int, int, int]) -> list[str]:
    issued, returned, valid = counts
    lines = [f"Tổng số phiếu thu về là {format_number(returned, 0)}/{format_number(issued, 0)} phiếu"]
    if issued:
        lines[0] += f", đạt {_share(returned, issued, result)} số phiếu phát ra"
    lines.append(f"Số phiếu hợp lệ là {format_number(valid, 0)}/{format_number(returned, 0)} phiếu điều tra")
    if returned:
        lines[1] += f" (đạt {_share(valid, returned, result)})"
    return ["- " + line + "." for line in lines]


def survey_paragraph(s: SurveySummary) -> str:
    """A unit type's line of section I. One unit is named alone, and units all with the same points are
    said to be equal: not '00/01 đơn vị … thấp hơn', nor the same unit as both highest and lowest."""
    lead, most = f"+ Đối với {_lead(s.name)}: ", format_trimmed(s.max_points)
    if s.count == 1:
        points, percent = _n(s.best.value), format_percent(s.best_percent)
        alone = texts.SURVEY_ONE.format(name=_names(s.best), points=points, max_points=most, percent=percent)
        return f"{lead}{alone}."
    head = f"điểm trung bình {_n(s.average)}/{most} điểm, đạt {format_percent(s.percent)}"
    if s.best.value == s.worst.value:
        spread = texts.SURVEY_TIED.format(count=format_count(s.count), points=_n(s.best.value))
    else:
        spread = texts.SURVEY_SPREAD.format(
            below=format_count(len(s.below)),
            count=format_count(s.count),
            best=_names(s.best),
            best_points=_n(s.best.value),
            best_percent=format_percent(s.best_percent),
            worst=_names(s.worst),
            worst_points=_n(s.worst.value),
            worst_percent=format_percent(s.worst_percent),
        )
    return f"{lead}{head}; {spread}."


def general_paragraphs(result: IndexResult, t: TypeSummary, last_year: int) -> list[str]:
    change = ""
    if t.average_change is not None:
        change = (
            f", {'tăng' if t.average_change > 0 else 'giảm'} {_n(abs(t.average_change))} điểm so với năm {last_year}"
            if t.average_change
            else f", bằng năm {last_year}"
        )
    if t.count == 1:  # no unit is above or below the average: say what there is
        spread = texts.GENERAL_ONE.format(name=_names(t.best), points=_n(t.best.value))
    elif not t.above:  # every ranked unit has the same total
        spread = texts.GENERAL_TIED.format(count=format_count(t.count), points=_n(t.best.value))
    else:
        spread = texts.GENERAL_SPREAD.format(
            above=format_count(len(t.above)),
            best=_names(t.best),
            best_points=_n(t.best.value),
            below=format_count(len(t.below)),
            worst=_names(t.worst),
            worst_points=_n(t.worst.value),
        )
    head = f"Tổng điểm trung bình của {_lead(t.name)} đạt {_n(t.average)}/{format_trimmed(t.max_points)} điểm"
    out = [f"{head}{change}; {spread}; cụ thể:"]
    for b in t.bands:
        delta = ""
        if b.change:
            word = "tăng" if b.change > 0 else "giảm"
            delta = f", {word} {format_count(abs(b.change))} đơn vị so với năm {last_year}"
        if not b.count:
            if delta:
                out.append(f"- {b.name} không có đơn vị nào{delta}.")
            continue
        members = [u.unit for u in result.of_type(t.unit_type) if u.band == b.code]
        out.append(
            f"- {b.name} có {format_count(b.count)} đơn vị, chiếm tỷ lệ {format_percent(b.percent)}{delta}, "
            f"bao gồm: {_list(result, members)}."
        )
    if t.compared:
        words = (("tăng điểm", "giữ nguyên điểm", "giảm điểm"), ("tăng bậc", "giữ bậc", "giảm bậc"))
        out += _move_lines(result, t.points, "điểm", words[0], t.count, last_year)
        out += _move_lines(result, t.ranks, "bậc", words[1], t.count, last_year)
    return out


def _move_lines(result: IndexResult, m: Moves, unit: str, words: tuple[str, str, str], count: int, year: int):
    lines = []
    for codes, verb, big in zip((m.up, m.same, m.down), words, (m.biggest_up, None, m.biggest_down), strict=True):
        if not codes:
            continue
        text = f"- Có {format_count(len(codes))}/{format_count(count)} đơn vị {verb} so với năm {year}, gồm: "
        text += _list(result, codes)
        if big is not None:
            amount = _n(abs(big.value)) if unit == "điểm" else format_count(int(abs(big.value)))
            most = "nhiều nhất" if unit == "điểm" else "nhiều bậc nhất"
            word = verb.split()[0]
            text += f"; trong đó đơn vị {word} {most} là {_names(big)} ({word} {amount} {unit})"
        lines.append(text + ".")
    return lines


def area_paragraphs(stats: Sequence[AreaStat], suffix: str) -> list[str]:
    return [
        f"- {a.name} (Biểu số {n}{suffix}): điểm trung bình đạt được là {_n(a.average)}/"
        f"{format_trimmed(a.max_points)} điểm, {_names(a.best)} cao nhất ({_n(a.best.value)} điểm), "
        f"{_names(a.worst)} thấp nhất ({_n(a.worst.value)} điểm)."
        for n, a in enumerate(stats, start=4)
    ]


def gap_paragraph(t: TypeSummary, year: int, last_year: int) -> str:
    """The decision's remark: the average, the gap between first and last, and how the gap moved."""
    moved = ""
    if t.last_gap is not None:
        change = t.gap - t.last_gap
        if change < 0:
            moved = f" (khoảng cách này được rút ngắn so với năm {last_year} là {_n(-change)} điểm)"
        elif change > 0:
            moved = f" (khoảng cách này tăng thêm so với năm {last_year} là {_n(change)} điểm)"
        else:
            moved = f" (khoảng cách này không thay đổi so với năm {last_year})"
    above = texts.GAP_ABOVE.format(count=format_count(len(t.above))) if t.above else texts.GAP_NONE_ABOVE
    return (
        f"- Đối với {_lead(t.name)}: giá trị trung bình Chỉ số CCHC năm {year} là {_n(t.average)}/"
        f"{format_trimmed(t.max_points)} điểm; khoảng cách giữa đơn vị cao nhất và thấp nhất là {_n(t.gap)} "
        f"điểm{moved}; {above}."
    )


def write_report(data: ReportInput, target: str | Path | IO[bytes]) -> None:
    """Write the report: heading block, sections I–III with their charts, signature, annex tables."""
    result = data.result
    last_year = data.last_year or data.year - 1
    types = [(pos, t) for pos, t in enumerate(result.types) if result.of_type(t.code)]
    summaries = {t.code: (survey_summary(result, t.code), type_summary(result, t.code)) for _, t in types}
    doc = layout.new_document(data.title)
    _heading(doc, data, [t.name for _, t in types])
    layout.heading(doc, "I. KẾT QUẢ ĐIỀU TRA XÃ HỘI HỌC", 1)
    if data.survey_counts:
        for line in count_paragraphs(result, data.survey_counts):
            layout.body(doc, line)
    layout.body(doc, "- Kết quả điều tra:")
    for _, t in types:
        layout.body(doc, survey_paragraph(summaries[t.code][0]))
    layout.heading(doc, f"II. KẾT QUẢ CHỈ SỐ CCHC NĂM {data.year}", 1)
    charts = _Charts(doc) if data.charts else None
    for n, (pos, t) in enumerate(types, start=1):
        s, general = sheet_suffix(pos), summaries[t.code][1]
        name = _lead(t.name)
        layout.heading(doc, f"{n}. Đối với {name}", 2)
        layout.heading(doc, f"a) Kết quả chung (Biểu số 1{s}, 2{s})", 3)
        for line in general_paragraphs(result, general, last_year) + disclosure_lines(result, t.code):
            layout.body(doc, line)
        if charts:
            charts.add(figures.ranking_chart(result, t.code), texts.CHART_RANKING.format(year=data.year, type=name))
            charts.add(figures.band_chart(general, data.year, last_year), texts.CHART_BANDS.format(type=name))
            change = figures.change_chart(result, t.code)
            charts.add(change, texts.CHART_CHANGE.format(last=last_year, type=name))
        layout.heading(doc, f"b) Kết quả của các tiêu chí (Biểu số 3{s})", 3)
        areas = area_stats(result, t.code)
        for line in area_paragraphs(areas, s):
            layout.body(doc, line)
        if charts:
            charts.add(figures.area_chart(areas), texts.CHART_AREAS.format(type=name))
    unranked = [t for t in result.types if not result.of_type(t.code) and result.withheld_of_type(t.code)]
    for n, t in enumerate(unranked, start=len(types) + 1):  # every unit of the type under k
        layout.heading(doc, f"{n}. Đối với {_lead(t.name)}", 2)
        for line in disclosure_lines(result, t.code):
            layout.body(doc, line)
    layout.heading(doc, "III. NHẬN XÉT CHUNG", 1)
    for _, t in types:
        layout.body(doc, gap_paragraph(summaries[t.code][1], data.year, last_year))
    layout.signature(doc, data.recipients, data.signer_title, data.signer)
    layout.page_break(doc)
    layout.centred(doc, texts.ANNEX, bold=True)
    for n, t in enumerate([t for _, t in types] + unranked, start=1):
        caption = layout.centred(doc, texts.ANNEX_TABLE.format(n=n, year=data.year, type=_lead(t.name)), bold=True)
        caption.paragraph_format.keep_with_next = True
        layout.unit_table(doc, result.of_type(t.code), last_year, result.withheld_of_type(t.code))
    doc.save(target)


def _heading(doc, data: ReportInput, type_names: Sequence[str]) -> None:
    province = data.province.upper() or texts.BLANK
    when = format_date(data.report_date) if data.report_date else texts.BLANK_DATE
    layout.heading_block(
        doc,
        texts.PROVINCE_COMMITTEE.format(province=province),
        data.agency,
        texts.NUMBER.format(number=data.report_number or "…", code=data.agency_code),
        texts.PLACE_DATE.format(place=data.place or data.province or texts.BLANK, date=when),
    )
    layout.centred(doc, "")
    layout.centred(doc, texts.REPORT, bold=True)
    subject = data.subject or texts.SUBJECT.format(
        year=data.year, types=" và ".join(_lead(name) for name in type_names)
    )
    layout.centred(doc, subject, bold=True).paragraph_format.space_after = Pt(12)
    if data.simulated:
        layout.body(doc, texts.SIMULATED, italic=True)
    for note in data.notes:
        layout.body(doc, note, italic=True)


class _Charts:
    """Puts each chart in as a picture with its numbered caption ('Biểu đồ 1. …')."""

    def __init__(self, doc) -> None:
        self.doc, self.count = doc, 0

    def add(self, figure, caption: str) -> None:
        if figure is None:  # e.g. no unit to compare with last year
            return
        self.count += 1
        layout.picture(self.doc, figures.chart_png(figure), texts.CHART_CAPTION.format(n=self.count, title=caption))
