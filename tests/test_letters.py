"""Printed letters: every QR code read back from the rendered PDF opens its own person's questionnaire."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest
import sqlalchemy as sa
import zxingcpp

from bots.letters import print_letters
from survey_app.errors import NotFound, ServiceError
from survey_app.extensions import db
from survey_app.models import Invitation, Respondent

from .support.campaigns import make_campaign, person


@pytest.fixture
def unit_of_eleven(app, tmp_path):
    people = [person(i, "SO-NV", "SO-CC") for i in range(1, 12)] + [person(20, "SO-TC", "SO-CC")]
    return make_campaign(app, tmp_path, "son-la-2024", people, code="L")


def read_pdf(path) -> tuple[list[list[str]], str]:
    """QR texts per page (rendered at about 200 dpi) and the whole text layer."""
    doc = pdfium.PdfDocument(str(path))
    codes, text = [], ""
    for page in doc:
        image = page.render(scale=200 / 72).to_pil()
        codes.append([b.text for b in zxingcpp.read_barcodes(image)])
        text += page.get_textpage().get_text_range()
    doc.close()
    return codes, text


def test_every_qr_code_opens_the_right_questionnaire(unit_of_eleven, tmp_path, client):
    out = tmp_path / "letters.pdf"
    assert print_letters(unit_of_eleven.campaign, "SO-NV", out) == 11
    pages, text = read_pdf(out)
    assert [len(p) for p in pages] == [8, 3]  # 2 × 4 slips per A4 page
    expected = {
        f"http://survey.test/s/{t}": email for email, t in unit_of_eleven.tokens.items() if email != "p20@thu.example"
    }
    found = [code for page in pages for code in page]
    assert sorted(found) == sorted(expected)
    for link in found:
        assert client.get(link.removeprefix("http://survey.test")).status_code == 200
        inv = db.session.scalar(sa.select(Invitation).join(Respondent).where(Respondent.email == expected[link]))
        assert inv.status == "opened"  # the code opened that person's own questionnaire
    assert "THƯ MỜI THAM GIA KHẢO SÁT" in text and "Người Thử 11" in text
    assert "Quét mã QR" in text and "survey.test/s/" in text


def test_unknown_unit_and_a_unit_with_nobody_waiting_are_refused(unit_of_eleven, tmp_path):
    with pytest.raises(NotFound):
        print_letters(unit_of_eleven.campaign, "NOPE", tmp_path / "x.pdf")
    with pytest.raises(ServiceError) as refused:
        print_letters(unit_of_eleven.campaign, "H-MAI-SON", tmp_path / "x.pdf")
    assert (refused.value.code, refused.value.params) == ("no_people_in_unit", {"unit": "H-MAI-SON"})
