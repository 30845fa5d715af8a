"""The report's layout in python-docx, as a Vietnamese administrative document (Nghị định 30/2020/NĐ-CP,
Phụ lục I): A4 portrait, margins top and bottom 2 cm, left 3 cm, right 1,5 cm, Times New Roman 14; the
heading block (issuing agency and number on the left, national title, motto and place and date on the
right); numbered headings in the document's own black styles (never Word's blue Heading styles);
tables with borders whose header row repeats on every page; charts as pictures with a caption."""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from . import texts
from .disclosure import WithheldUnit
from .index import UnitIndex
from .vntext import format_number

FONT = "Times New Roman"
BODY_PT, TABLE_PT = 14, 10.5
CELL_MARGIN_TWIPS = 57  # 0,1 cm
MARGINS_CM = {"top_margin": 2, "bottom_margin": 2, "left_margin": 3, "right_margin": 1.5}
TEXT_WIDTH_CM = 21 - 3 - 1.5
BLACK = RGBColor(0, 0, 0)
# Heading levels: I. (bold capitals), 1. (bold), a) (bold italic); all black, 14 pt like the text.
HEADINGS = {1: ("CCHC Mục", False), 2: ("CCHC Tiểu mục", False), 3: ("CCHC Điểm", True)}


def new_document(title: str) -> Document:
    """An empty A4 portrait document with the body and heading styles set."""
    doc = Document()
    doc.core_properties.title = title
    doc.core_properties.language = "vi-VN"
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for name, cm in MARGINS_CM.items():
        setattr(section, name, Cm(cm))
    normal = doc.styles["Normal"]
    _font(normal, BODY_PT)
    fmt = normal.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(6), 1.15
    fmt.first_line_indent = Cm(1)
    for level, (name, italic) in HEADINGS.items():
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.next_paragraph_style = normal
        _font(style, BODY_PT, bold=True, italic=italic)
        style.paragraph_format.keep_with_next = True
        style.paragraph_format.space_before = Pt(6)
        outline = OxmlElement("w:outlineLvl")  # the navigation pane and the PDF's bookmarks see the levels
        outline.set(qn("w:val"), str(level - 1))
        style.element.get_or_add_pPr().append(outline)
    _page_number(section)
    return doc


def _font(style, size: float, bold: bool = False, italic: bool = False) -> None:
    font = style.font
    font.name, font.size, font.bold, font.italic, font.color.rgb = FONT, Pt(size), bold, italic, BLACK
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)


def _page_number(section) -> None:
    """Page numbers centred at the top from the second page (the decree's place for them)."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = Cm(0)
    run = paragraph.add_run()
    for tag, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if tag:
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), tag)
        else:
            field = OxmlElement("w:instrText")
            field.set(qn("xml:space"), "preserve")
            field.text = text
        run._r.append(field)


def heading(doc: Document, text: str, level: int) -> None:
    doc.add_paragraph(text, style=HEADINGS[level][0])


def body(doc: Document, text: str, italic: bool = False) -> None:
    paragraph = doc.add_paragraph()
    paragraph.add_run(text).italic = italic


def centred(doc: Document, text: str, size: float = BODY_PT, bold: bool = False, italic: bool = False):
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = Cm(0)
    paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run(text)
    run.bold, run.italic, run.font.size = bold, italic, Pt(size)
    return paragraph


def heading_block(doc: Document, parent: str, agency: str, number: str, place_date: str) -> None:
    """Issuing agency over its number (left), national title over the motto and place and date (right)."""
    table = doc.add_table(rows=2, cols=2)  # no style: no borders
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, (6.3, TEXT_WIDTH_CM - 6.3))
    left, right = table.rows[0].cells
    _lines(left, ((parent, 13, False, False, False), (agency.upper(), 13, True, False, False)))
    _lines(right, ((texts.NATION, 13, True, False, False), (texts.MOTTO, 14, True, False, True)))
    _lines(table.rows[1].cells[0], ((number, 13, False, False, False),))
    _lines(table.rows[1].cells[1], ((place_date, 14, False, True, False),))


def _lines(cell, lines: Sequence[tuple[str, float, bool, bool, bool]]) -> None:
    """Centred lines in a table cell: (text, size, bold, italic, underline)."""
    for i, (text, size, bold, italic, underline) in enumerate(lines):
        paragraph = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt = paragraph.paragraph_format
        fmt.first_line_indent, fmt.space_after, fmt.line_spacing = Cm(0), Pt(2), 1.0
        run = paragraph.add_run(text)
        run.bold, run.italic, run.underline, run.font.size = bold, italic, underline, Pt(size)


def table(
    doc: Document,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths_cm: Sequence[float],
    centre: Sequence[int] = (),
) -> None:
    """A bordered table, header row bold and repeated on every page; text left, numbers right, the
    columns in `centre` centred."""
    grid = doc.add_table(rows=1, cols=len(header))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    margins = OxmlElement("w:tblCellMar")  # narrow cell margins: ten columns share 16,5 cm
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(CELL_MARGIN_TWIPS))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    grid._tbl.tblPr.append(margins)
    header_row = grid.rows[0]
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_row._tr.get_or_add_trPr().append(repeat)
    for cell, text in zip(header_row.cells, header, strict=True):
        _cell(cell, text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for values in rows:
        for i, (cell, text) in enumerate(zip(grid.add_row().cells, values, strict=True)):
            numeric = bool(text) and text[0].isdigit()
            align = WD_ALIGN_PARAGRAPH.RIGHT if numeric else WD_ALIGN_PARAGRAPH.LEFT
            _cell(cell, text, align=WD_ALIGN_PARAGRAPH.CENTER if i in centre else align)
    _widths(grid, widths_cm)


def _widths(grid, widths_cm: Sequence[float]) -> None:
    """Fixed column widths, in the grid (LibreOffice reads these) and in every cell (Word reads those)."""
    grid.autofit = False
    for column, width in zip(grid.columns, widths_cm, strict=True):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)


def _cell(cell, text: str, bold: bool = False, align=WD_ALIGN_PARAGRAPH.LEFT) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.first_line_indent, fmt.space_after, fmt.line_spacing = Cm(0), Pt(0), 1.0
    run = paragraph.add_run(text)
    run.bold, run.font.size = bold, Pt(TABLE_PT)


def picture(doc: Document, png: bytes, caption: str) -> None:
    """A chart as wide as the text, centred, with its caption below, kept on one page."""
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = Cm(0)
    paragraph.paragraph_format.keep_with_next = True
    paragraph.add_run().add_picture(io.BytesIO(png), width=Cm(TEXT_WIDTH_CM - 0.5))
    centred(doc, caption, size=13, italic=True).paragraph_format.space_after = Pt(8)


def signature(doc: Document, recipients: Sequence[str], signer_title: str, signer: str) -> None:
    """'Nơi nhận' on the left; the signer's title, room for the signature and the name on the right."""
    block = doc.add_table(rows=1, cols=2)
    _widths(block, (8, TEXT_WIDTH_CM - 8))
    left, right = block.rows[0].cells
    first = left.paragraphs[0]
    first.paragraph_format.first_line_indent = Cm(0)
    run = first.add_run(texts.RECIPIENTS)
    run.bold, run.italic, run.font.size = True, True, Pt(12)
    for item in recipients:
        paragraph = left.add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.first_line_indent, fmt.space_after, fmt.line_spacing = Cm(0), Pt(0), 1.0
        paragraph.add_run("- " + item).font.size = Pt(11)
    lines = [(signer_title, 14, True, False, False), *[("", 14, False, False, False)] * 4]
    _lines(right, [*lines, (signer, 14, True, False, False)] if signer else lines)


def page_break(doc: Document) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def unit_table(doc, units: Sequence[UnitIndex], last_year: int, withheld: Sequence[WithheldUnit] = ()) -> None:
    """The annex table of one unit type: the ranked units, then the withheld ones with the reason."""
    header = (
        "Xếp hạng",
        "Đơn vị",
        "Thẩm định",
        "Điều tra XHH",
        "Hài lòng",
        "Tổng điểm",
        "Tỷ lệ (%)",
        "Nhóm",
        f"Tổng điểm năm {last_year}",
        f"Xếp hạng năm {last_year}",
    )
    rows = []
    for u in units:
        last = u.last if u.last and u.last.last_total is not None else None
        rows.append(
            (
                str(u.rank),
                u.name,
                format_number(u.appraisal),
                format_number(u.survey),
                format_number(u.satisfaction),
                format_number(u.total),
                format_number(u.percent),
                u.band or "",
                format_number(last.last_total) if last else "",
                str(last.last_rank) if last and last.last_rank is not None else "",
            )
        )
    for w in withheld:  # no figure: the reason across the figure columns' first cell
        rows.append(("", w.name, texts.WITHHELD.format(responses=w.responses, k=w.k), "", "", "", "", "", "", ""))
    table(doc, header, rows, (1.25, 3.65, 1.5, 1.5, 1.35, 1.5, 1.5, 1.25, 1.6, 1.4), centre=(0, 7, 9))
