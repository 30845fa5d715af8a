"""Roster imports (units, respondents) from CSV and XLSX: all or nothing, idempotent, every bad row named."""

from __future__ import annotations

import unicodedata

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from survey_app.contacts import normalise_phone
from survey_app.errors import ImportRejected
from survey_app.extensions import db
from survey_app.models import Invitation, ProgressCounter, Respondent, Unit
from survey_app.services.survey import responding, roster
from survey_app.services.survey.roster import ImportReport, import_respondents, import_units
from survey_app.texts import say_error, say_row

from .support.campaigns import RESPONDENT_HEADER, full_answers, make_campaign, person, write_csv

VI_HEADER = ["Mã đơn vị", "Mã nhóm", "Họ và tên", "Chức vụ", "Thư điện tử", "Số điện thoại", "Zalo", "Telegram"]


@pytest.fixture
def camp(app, tmp_path):
    """Sơn La 2024 with its 32 units from the pack and nobody on the roster yet."""
    return make_campaign(app, tmp_path, "son-la-2024", []).campaign


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def people_table() -> list[tuple]:
    return db.session.execute(
        sa.select(
            Respondent.id,
            Unit.code,
            Respondent.full_name,
            Respondent.position,
            Respondent.email,
            Respondent.phone,
            Respondent.zalo_id,
            Respondent.telegram_username,
            Respondent.person_key,
        )
        .join(Unit, Unit.id == Respondent.unit_id)
        .order_by(Respondent.id)
    ).all()


def write_xlsx(path, header, rows):
    wb = Workbook()
    wb.active.append(header)
    for r in rows:
        wb.active.append(r)
    wb.save(path)
    return path


def rejected(fn, camp, path) -> list[str]:
    with pytest.raises(ImportRejected) as info:
        fn(camp, path)
    lines = [say_row(i) for i in info.value.issues]
    header = f"Tệp có {len(lines)} lỗi; chưa nhập gì. Sửa các dòng dưới đây rồi tải lên lại."
    assert say_error(info.value) == "\n".join([header, *lines])
    return lines


def test_units_create_update_and_reimport(camp, tmp_path):
    path = write_csv(
        tmp_path / "u.csv",
        ["code", "name", "unit_type"],
        [["SO-NV", "Sở Nội vụ tỉnh Sơn La", "so"], ["SO-MOI", "Sở Mới, thử", "so"]],
    )
    assert (import_units(camp, path)) == ImportReport(1, 1, 0)
    assert count(Unit) == 33
    assert db.session.scalar(sa.select(Unit.name).where(Unit.code == "SO-MOI")) == "Sở Mới, thử"
    assert (import_units(camp, path)) == ImportReport(0, 0, 2)
    assert count(Unit) == 33


def test_units_from_xlsx_with_vietnamese_headers(camp, tmp_path):
    path = write_xlsx(
        tmp_path / "u.xlsx",
        ["Mã đơn vị", "Tên đơn vị", "Loại đơn vị"],
        [["H-MOI", unicodedata.normalize("NFD", "Huyện Mới"), "huyen"]],
    )
    assert (import_units(camp, path)) == ImportReport(1, 0, 0)
    assert db.session.scalar(sa.select(Unit.name).where(Unit.code == "H-MOI")) == "Huyện Mới"


def test_bad_units_are_all_listed_and_nothing_written(camp, tmp_path):
    path = write_csv(
        tmp_path / "u.csv",
        ["code", "name", "unit_type"],
        [
            ["SO-NV", "Sở Nội vụ đổi tên", "so"],
            ["SO-X", "Sở X", "huyện"],
            ["SO-X", "Sở X lặp", "so"],
            ["SO-Y", "", "so"],
        ],
    )
    assert rejected(import_units, camp, path) == [
        "dòng 3, cột unit_type: loại đơn vị «huyện» không có trong bộ câu hỏi (các loại: huyen, so)",
        "dòng 4, cột code: mã đơn vị SO-X bị trùng (đã có ở dòng 3)",
        "dòng 5, cột name: bắt buộc, đang để trống",
    ]
    assert count(Unit) == 32
    assert db.session.scalar(sa.select(Unit.name).where(Unit.code == "SO-NV")) == "Sở Nội vụ"


@pytest.mark.parametrize("text", ["0912 345 678", "84912345678", "912345678", "+84 912-345-678", "(091) 234.5678"])
def test_phones_become_e164(text):
    assert normalise_phone(text) == "+84912345678"


@pytest.mark.parametrize("text", ["12345", "0912 345 67", "091234567890", "0212345678", "+1 202 555 0100"])
def test_bad_phones(text):
    assert normalise_phone(text) is None


def test_respondents_csv_normalised_and_idempotent(camp, tmp_path):
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Hường")
    assert nfd != "Nguyễn Thị Hường"
    rows = [
        ["SO-NV", "SO-CC", nfd, "Chuyên viên", "Huong.NT@SoNoiVu.Example", "0912 345 678", "", "@huong_nt"],
        ["SO-NV", "SO-LD", "Lò Văn Cường", "Giám đốc", "", "84912345679", "zalo-1", ""],
        ["H-MAI-SON", "H-XA", "  Cầm   Thị Lan ", "", "", "912345670", "", ""],
    ]
    path = write_csv(tmp_path / "p.csv", RESPONDENT_HEADER, rows)
    assert (import_respondents(camp, path)) == ImportReport(3, 0, 0)
    stored = people_table()
    assert [r[1:] for r in stored] == [
        (
            "SO-NV",
            "Nguyễn Thị Hường",
            "Chuyên viên",
            "huong.nt@sonoivu.example",
            "+84912345678",
            None,
            "huong_nt",
            "huong.nt@sonoivu.example",
        ),
        ("SO-NV", "Lò Văn Cường", "Giám đốc", None, "+84912345679", "zalo-1", None, "+84912345679"),
        ("H-MAI-SON", "Cầm Thị Lan", None, None, "+84912345670", None, None, "+84912345670"),
    ]
    assert unicodedata.is_normalized("NFC", stored[0][2])
    assert (import_respondents(camp, path)) == ImportReport(0, 0, 3)
    assert people_table() == stored
    rows[0][3] = "Phó trưởng phòng"
    rows[1][2] = "Lò Văn Cường (sửa)"
    rows[1][5] = "+84 912 345 679"  # same person key, typed differently
    assert (import_respondents(camp, write_csv(tmp_path / "p2.csv", RESPONDENT_HEADER, rows))) == ImportReport(0, 2, 1)
    after = people_table()
    assert [r[0] for r in after] == [r[0] for r in stored]
    assert (after[0][3], after[1][2]) == ("Phó trưởng phòng", "Lò Văn Cường (sửa)")


def test_respondents_xlsx_phone_typed_as_number(camp, tmp_path):
    path = write_xlsx(
        tmp_path / "p.xlsx",
        VI_HEADER,
        [
            ["SO-TC", "SO-LDP", "Hà Văn Bình", "Phó giám đốc", None, 912345678, None, None],
            ["SO-TC", "SO-CC", "Quàng Thị Mai", None, "mai@thu.example", None, None, None],
        ],
    )
    assert (import_respondents(camp, path)) == ImportReport(2, 0, 0)
    assert [r[1:] for r in people_table()] == [
        ("SO-TC", "Hà Văn Bình", "Phó giám đốc", None, "+84912345678", None, None, "+84912345678"),
        ("SO-TC", "Quàng Thị Mai", None, "mai@thu.example", None, None, None, "mai@thu.example"),
    ]
    assert (import_respondents(camp, path)) == ImportReport(0, 0, 2)


def test_vietnamese_headers_in_csv(camp, tmp_path):
    row = ["SO-NV", "SO-CC", "Đỗ Minh An", "", "an@thu.example", "", "", ""]
    path = write_csv(tmp_path / "p.csv", VI_HEADER, [row])
    assert (import_respondents(camp, path)) == ImportReport(1, 0, 0)
    assert people_table()[0][2] == "Đỗ Minh An"


def test_bad_rows_are_named_by_the_headers_the_file_used(camp, tmp_path):
    """A file with Vietnamese headers hears its own headers back; a missing column gets the usual name."""
    rows = [
        ["SO-NV", "SO-CC", "Đỗ Minh An", "", "an@", "", "", ""],
        ["SO-NV", "SO-CC", "Lò Thị Bình", "", "", "", "", ""],
    ]
    assert rejected(import_respondents, camp, write_csv(tmp_path / "p.csv", VI_HEADER, rows)) == [
        f"dòng 2, cột {VI_HEADER[4]}: địa chỉ email không hợp lệ (an@)",
        f"dòng 3, cột {VI_HEADER[4]}: mỗi người cần có email hoặc số điện thoại",
    ]
    no_email_column = write_csv(tmp_path / "q.csv", ["Mã đơn vị", "Mã nhóm", "Họ và tên"], [["SO-NV", "SO-CC", "An"]])
    assert rejected(import_respondents, camp, no_email_column) == [
        "dòng 2, cột Email: mỗi người cần có email hoặc số điện thoại"
    ]
    missing = write_csv(tmp_path / "r.csv", ["Mã đơn vị", "Họ và tên"], [["SO-NV", "An"]])
    assert rejected(import_respondents, camp, missing) == ["dòng 1, cột Mã nhóm: thiếu cột bắt buộc này ở dòng tiêu đề"]


def test_every_bad_row_listed_and_nothing_written(camp, tmp_path):
    good = person(1, "SO-NV", "SO-CC")
    import_respondents(camp, write_csv(tmp_path / "first.csv", RESPONDENT_HEADER, [good]))
    before = people_table()
    rows = [
        ["SO-NV", "SO-CC", "Người Tốt", "", "tot@thu.example", "", "", ""],  # 2: fine
        ["SO-KHONG", "SO-CC", "A", "", "a@thu.example", "", "", ""],  # 3
        ["SO-NV", "SO-XYZ", "B", "", "b@thu.example", "", "", ""],  # 4
        ["SO-NV", "H-XA", "C", "", "c@thu.example", "", "", ""],  # 5
        ["SO-NV", "SO-CC", "D", "", "d@thu", "", "", ""],  # 6
        ["SO-NV", "SO-CC", "E", "", "", "12345", "", ""],  # 7
        ["SO-NV", "SO-CC", "", "", "f@thu.example", "", "", ""],  # 8
        ["SO-NV", "SO-CC", "G", "", "", "", "", ""],  # 9
        ["SO-NV", "SO-CC", "H", "", "TOT@thu.example", "", "", ""],  # 10
        ["SO-NV", "SO-CC", "I", "", "", "0912 000 001", "", ""],  # 11
        ["SO-NV", "SO-CC", "J", "", "", "84912000001", "", ""],  # 12
        ["SO-NV", "SO-CC", "K", "", "k@thu.example", "", "", "@ab"],  # 13
    ]
    lines = rejected(import_respondents, camp, write_csv(tmp_path / "bad.csv", RESPONDENT_HEADER, rows))
    groups = "H-HDND, H-PB, H-TTUB, H-XA, SO-CC, SO-LD, SO-LDP"
    assert lines == [
        "dòng 3, cột unit_code: không có đơn vị mã «SO-KHONG» trong đợt khảo sát",
        f"dòng 4, cột group_code: không có nhóm đối tượng mã «SO-XYZ» (các nhóm: {groups})",
        "dòng 5, cột group_code: nhóm H-XA dành cho đơn vị loại «huyen», nhưng SO-NV thuộc loại «so»",
        "dòng 6, cột email: địa chỉ email không hợp lệ (d@thu)",
        "dòng 7, cột phone: số điện thoại Việt Nam không hợp lệ (12345)",
        "dòng 8, cột full_name: bắt buộc, đang để trống",
        "dòng 9, cột email: mỗi người cần có email hoặc số điện thoại",
        "dòng 10, cột email: trùng người: tot@thu.example đã có ở dòng 2",
        # p1 of the first file has this phone (keyed by email): the same person twice on the list
        "dòng 11, cột phone: trùng người: +84912000001 đã thuộc về p1@thu.example trong danh sách",
        "dòng 12, cột phone: trùng người: +84912000001 đã có ở dòng 11",
        "dòng 13, cột telegram_username: tên Telegram gồm 5–32 chữ, số hoặc '_', bắt đầu bằng chữ (ab)",
    ]
    assert people_table() == before
    assert count(Respondent) == 1


def test_non_utf8_csv_is_refused_clearly(camp, tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes(
        ",".join(RESPONDENT_HEADER).encode() + "\nSO-NV,SO-CC,Lê Văn Anh,,a@thu.example,,,\n".encode("cp1258")
    )
    assert rejected(import_respondents, camp, path) == [
        "tệp CSV không phải mã UTF-8; trong Excel hãy lưu dạng «CSV UTF-8 (phân cách bằng dấu phẩy)»"
    ]
    assert count(Respondent) == 0


def test_submitted_respondent_cannot_move(sonla, tmp_path):
    token = sonla.token("p2@thu.example")
    responding.submit(token, full_answers(responding.open_questionnaire(token)))
    moved = person(2, "SO-TC", "SO-CC")
    assert rejected(import_respondents, sonla.campaign, write_csv(tmp_path / "m.csv", RESPONDENT_HEADER, [moved])) == [
        "dòng 2, cột unit_code: người này đã nộp phiếu nên không đổi được đơn vị và nhóm"
    ]
    regrouped = person(2, "SO-NV", "SO-LDP")
    assert rejected(
        import_respondents, sonla.campaign, write_csv(tmp_path / "g.csv", RESPONDENT_HEADER, [regrouped])
    ) == ["dòng 2, cột unit_code: người này đã nộp phiếu nên không đổi được đơn vị và nhóm"]
    assert (
        db.session.scalar(
            sa.select(Unit.code)
            .join(Respondent, Respondent.unit_id == Unit.id)
            .where(Respondent.email == "p2@thu.example")
        )
        == "SO-NV"
    )
    renamed = person(2, "SO-NV", "SO-CC")
    renamed[3] = "Trưởng phòng"
    assert (
        import_respondents(sonla.campaign, write_csv(tmp_path / "r.csv", RESPONDENT_HEADER, [renamed]))
    ) == ImportReport(0, 1, 0)


def test_moving_an_unsubmitted_respondent_moves_the_counters(sonla, tmp_path):
    def invited_by_unit():
        return dict(
            db.session.execute(
                sa.select(Unit.code, sa.func.sum(ProgressCounter.invited))
                .join(Unit, Unit.id == ProgressCounter.unit_id)
                .group_by(Unit.code)
            ).all()
        )

    assert invited_by_unit() == {"SO-NV": 3, "SO-TC": 2, "H-MAI-SON": 2}
    moved = person(3, "SO-TC", "SO-CC")
    assert (
        import_respondents(sonla.campaign, write_csv(tmp_path / "m.csv", RESPONDENT_HEADER, [moved]))
    ) == ImportReport(0, 1, 0)
    assert invited_by_unit() == {"SO-NV": 2, "SO-TC": 3, "H-MAI-SON": 2}
    assert count(Invitation) == 7


def test_unsupported_file_type(camp, tmp_path):
    path = tmp_path / "p.txt"
    path.write_text("x", encoding="utf-8")
    assert rejected(roster.import_respondents, camp, path) == ["chỉ đọc được tệp .csv hoặc .xlsx (tệp đã chọn: p.txt)"]
