"""Reading a PDF back for the document tests: text lines as boxes (pdfium), and the pairs that overlap."""

from __future__ import annotations

import ctypes
import os
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from analysis.office import office_binary


@dataclass
class TextRun:
    """Characters on one baseline, side by side; the box spans the font's ascent to descent."""

    left: float
    bottom: float
    right: float
    top: float
    baseline: float
    text: str

    def overlaps(self, other: TextRun, tolerance: float = 0.3) -> bool:
        wide = min(self.right, other.right) - max(self.left, other.left)
        high = min(self.top, other.top) - max(self.bottom, other.bottom)
        return wide > tolerance and high > tolerance


@dataclass
class Page:
    number: int  # from 1
    width: float
    height: float
    text: str
    runs: list[TextRun]

    @property
    def landscape(self) -> bool:
        return self.width > self.height

    def overlapping(self) -> list[tuple[TextRun, TextRun]]:
        """Every pair of runs whose boxes overlap (a sweep over the runs sorted by their left edge)."""
        found = []
        runs = sorted(self.runs, key=lambda r: r.left)
        for i, a in enumerate(runs):
            for b in runs[i + 1 :]:
                if b.left >= a.right:
                    break
                if a.overlaps(b):
                    found.append((a, b))
        return found


def read_pdf(path: Path) -> list[Page]:
    doc = pdfium.PdfDocument(str(path))
    try:
        return [_page(doc[i], i + 1) for i in range(len(doc))]
    finally:
        doc.close()


def _page(page, number: int) -> Page:
    text_page = page.get_textpage()
    x, y = ctypes.c_double(), ctypes.c_double()
    runs: list[TextRun] = []
    current: TextRun | None = None
    for i in range(text_page.count_chars()):
        char = chr(pdfium_c.FPDFText_GetUnicode(text_page, i))
        if char.isspace():
            current = None
            continue
        pdfium_c.FPDFText_GetCharOrigin(text_page, i, x, y)
        left, bottom, right, top = text_page.get_charbox(i, loose=True)
        same_line = current is not None and abs(current.baseline - y.value) < 0.5 and left > current.left
        if same_line and left - current.right < (top - bottom) * 0.6:
            current.right, current.text = max(current.right, right), current.text + char
            current.top, current.bottom = max(current.top, top), min(current.bottom, bottom)
        else:
            current = TextRun(left, bottom, right, top, y.value, char)
            runs.append(current)
    width, height = page.get_size()
    return Page(number, width, height, text_page.get_text_range(), runs)


def require_office() -> None:
    """Skip without LibreOffice, unless REQUIRE_LIBREOFFICE=1 (CI), where its absence fails."""
    if office_binary():
        return
    if os.environ.get("REQUIRE_LIBREOFFICE") == "1":
        pytest.fail(
            "LibreOffice is required (REQUIRE_LIBREOFFICE=1): apt-get install libreoffice-calc-nogui libreoffice-writer-nogui"
        )
    pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc-nogui libreoffice-writer-nogui)")
