"""Printed invitation slips: A4 sheets of 8 (2 × 4) with cut marks, each with the person's QR code.

The QR code is drawn as vector squares from the `qrcode` matrix, so it stays sharp at any printer
resolution. DejaVu Sans (Debian package fonts-dejavu-core) renders Vietnamese stacked diacritics,
which PDF's built-in fonts cannot.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import BinaryIO

import qrcode
import sqlalchemy as sa
from fpdf import FPDF
from qrcode.constants import ERROR_CORRECT_M
from sqlalchemy.orm import joinedload

from analysis.vntext import sort_key
from survey_app.errors import NotFound, ServiceError
from survey_app.extensions import db
from survey_app.models import Campaign, Invitation, Respondent, Unit
from survey_app.services import audit
from survey_app.services.delivery import telegram_links
from survey_app.services.messages import Templates, person_values
from survey_app.services.survey.invitations import link_for

log = logging.getLogger(__name__)
FONT_DIR = Path(os.environ.get("LETTER_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))
PAGE_W, PAGE_H, COLS, ROWS = 210.0, 297.0, 2, 4
SLIP_W, SLIP_H = PAGE_W / COLS, PAGE_H / ROWS
MARGIN, QR_SIZE = 6.0, 36.0
TITLE = "THƯ MỜI THAM GIA KHẢO SÁT"


def qr_matrix(link: str) -> list[list[bool]]:
    """Error correction M: a ~45-character link gives a version 3–4 code that scans at 35 mm."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(link)
    code.make(fit=True)
    return code.get_matrix()


def _draw_qr(pdf: FPDF, link: str, x: float, y: float, size: float) -> None:
    matrix = qr_matrix(link)
    cell = size / len(matrix)
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                pdf.rect(x + start * cell, y + r * cell, (c - start) * cell, cell, style="F")
            else:
                c += 1


def _cut_marks(pdf: FPDF) -> None:
    pdf.set_draw_color(150)
    pdf.set_line_width(0.2)
    with pdf.local_context():
        pdf.set_dash_pattern(dash=2, gap=2)
        for col in range(1, COLS):
            pdf.line(col * SLIP_W, 0, col * SLIP_W, PAGE_H)
        for row in range(1, ROWS):
            pdf.line(0, row * SLIP_H, PAGE_W, row * SLIP_H)
    pdf.set_font("DejaVu", size=7)
    for row in range(1, ROWS):
        pdf.text(1, row * SLIP_H - 0.8, "✂")


def _slip(pdf: FPDF, x: float, y: float, person: Respondent, link: str, text: str, tg: str | None) -> None:
    left_w = SLIP_W - 2 * MARGIN - QR_SIZE - 4
    _draw_qr(pdf, link, x + SLIP_W - MARGIN - QR_SIZE, y + MARGIN + 4, QR_SIZE)
    pdf.set_xy(x + MARGIN, y + MARGIN)
    pdf.set_font("DejaVu", "B", 8)
    pdf.cell(left_w, 4, TITLE, new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(x + MARGIN)
    pdf.set_font("DejaVu", "B", 10.5)
    pdf.multi_cell(left_w, 4.8, person.full_name, align="L", new_x="LEFT", new_y="NEXT")
    pdf.set_font("DejaVu", "", 8)
    details = ", ".join(filter(None, [person.position, person.unit.name]))
    pdf.multi_cell(left_w, 3.6, details, align="L", new_x="LEFT", new_y="NEXT")
    pdf.set_xy(x + MARGIN, pdf.get_y() + 1)
    pdf.set_font("DejaVu", "", 7)
    pdf.multi_cell(left_w, 3.1, text, align="L", new_x="LEFT", new_y="NEXT")
    pdf.set_xy(x + MARGIN, y + SLIP_H - MARGIN - (8 if tg else 4.5))
    pdf.set_font("DejaVuMono", "", 8)
    pdf.cell(SLIP_W - 2 * MARGIN, 4, link.split("://", 1)[-1], new_x="LEFT", new_y="NEXT")
    if tg:
        pdf.set_font("DejaVu", "", 6.5)
        pdf.cell(SLIP_W - 2 * MARGIN, 3.5, f"Nhắc nhở qua Telegram: {tg}")


def _pdf() -> FPDF:
    fonts = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
    missing = [n for n in [*fonts.values(), "DejaVuSansMono.ttf"] if not (FONT_DIR / n).is_file()]
    if missing:
        raise ServiceError("letter_fonts_missing", folder=str(FONT_DIR), fonts=missing)
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    for style, name in fonts.items():
        pdf.add_font("DejaVu", style, str(FONT_DIR / name))
    pdf.add_font("DejaVuMono", "", str(FONT_DIR / "DejaVuSansMono.ttf"))
    pdf.set_title("Thư mời khảo sát")
    return pdf


def print_letters(campaign: Campaign, unit_code: str | None, out: str | Path | BinaryIO) -> int:
    """Write one slip per person who has not submitted, of one unit or (None) of every unit, each unit
    starting on a new sheet, in Vietnamese order; returns the number of slips. The slips carry live
    links, so each print run is written to the audit log."""
    query = (
        sa.select(Invitation)
        .join(Respondent, Respondent.id == Invitation.respondent_id)
        .options(joinedload(Invitation.respondent).joinedload(Respondent.unit))
        .where(
            Invitation.campaign_id == campaign.id,
            Invitation.revoked_at.is_(None),
            Invitation.status != "submitted",
        )
    )
    if unit_code is not None:
        unit = db.session.scalar(sa.select(Unit).where(Unit.campaign_id == campaign.id, Unit.code == unit_code))
        if unit is None:
            raise NotFound("unit_not_in_campaign", unit=unit_code, campaign=campaign.code)
        query = query.where(Respondent.unit_id == unit.id)
    invitations = db.session.scalars(query).unique().all()
    if not invitations:
        raise ServiceError("no_people_in_unit", unit=unit_code) if unit_code else ServiceError("no_people_to_print")
    invitations = sorted(
        invitations,
        key=lambda i: (sort_key(i.respondent.unit.name), i.respondent.unit.code, sort_key(i.respondent.full_name)),
    )
    templates = Templates.load()
    pdf = _pdf()
    slot, unit_id = 0, None
    for inv in invitations:
        if inv.respondent.unit_id != unit_id:  # a unit's slips never share a sheet with another's
            slot, unit_id = 0, inv.respondent.unit_id
        if slot % (COLS * ROWS) == 0:
            pdf.add_page()
            _cut_marks(pdf)
        col, row = slot % COLS, (slot // COLS) % ROWS
        text = templates.letter_text(person_values(campaign, inv.respondent))
        _slip(pdf, col * SLIP_W, row * SLIP_H, inv.respondent, link_for(inv), text, telegram_links.deep_link(inv))
        slot += 1
    if isinstance(out, str | Path):
        pdf.output(str(out))
    else:
        out.write(pdf.output())
    audit.record("letters.print", campaign.code, unit_code, slips=len(invitations))
    db.session.commit()
    log.info("campaign %s: %d letter slip(s) printed for %s", campaign.code, len(invitations), unit_code or "all units")
    return len(invitations)
