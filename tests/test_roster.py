"""Roster imports (units, respondents) from CSV and XLSX: all or nothing, idempotent, every bad row named."""

from __future__ import annotations

import unicodedata

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from survey_app.extensions import db
from survey_app.models import Invitation, ProgressCounter, Respondent, Unit
from survey_app.services import responding, roster
from survey_app.services.errors import ImportRejected
from survey_app.services.roster import import_respondents, import_units, normalise_phone

from .conftest import RESPONDENT_HEADER, full_answers, make_campaign, person, write_csv

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
    lines = [str(i) for i in info.value.issues]
    assert str(info.value) == f"{len(lines)} problem(s), nothing imported:\n" + "\n".join(lines)
    return lines


def test_units_create_update_and_reimport(camp, tmp_path):
    path = write_csv(
        tmp_path / "u.csv",
        ["code", "name", "unit_type"],
        [["SO-NV", "Sở Nội vụ tỉnh Sơn La", "so"], ["SO-MOI", "Sở Mới, thử", "so"]],
    )
    assert str(import_units(camp, path)) == "1 created, 1 updated, 0 unchanged"
    assert count(Unit) == 33
    assert db.session.scalar(sa.select(Unit.name).where(Unit.code == "SO-MOI")) == "Sở Mới, thử"
    assert str(import_units(camp, path)) == "0 created, 0 updated, 2 unchanged"
    assert count(Unit) == 33


def test_units_from_xlsx_with_vietnamese_headers(camp, tmp_path):
    path = write_xlsx(
        tmp_path / "u.xlsx",
        ["Mã đơn vị", "Tên đơn vị", "Loại đơn vị"],
        [["H-MOI", unicodedata.normalize("NFD", "Huyện Mới"), "huyen"]],
    )
    assert str(import_units(camp, path)) == "1 created, 0 updated, 0 unchanged"
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
        "row 3, column unit_type: unknown unit type 'huyện'; the pack has ['huyen', 'so']",
        "row 4, column code: duplicate unit code 'SO-X' (also row 3)",
        "row 5, column name: required",
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
    assert str(import_respondents(camp, path)) == "3 created, 0 updated, 0 unchanged"
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
    assert str(import_respondents(camp, path)) == "0 created, 0 updated, 3 unchanged"
    assert people_table() == stored
    rows[0][3] = "Phó trưởng phòng"
    rows[1][2] = "Lò Văn Cường (sửa)"
    rows[1][5] = "+84 912 345 679"  # same person key, typed differently
    assert (
        str(import_respondents(camp, write_csv(tmp_path / "p2.csv", RESPONDENT_HEADER, rows)))
        == "0 created, 2 updated, 1 unchanged"
    )
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
    assert str(import_respondents(camp, path)) == "2 created, 0 updated, 0 unchanged"
    assert [r[1:] for r in people_table()] == [
        ("SO-TC", "Hà Văn Bình", "Phó giám đốc", None, "+84912345678", None, None, "+84912345678"),
        ("SO-TC", "Quàng Thị Mai", None, "mai@thu.example", None, None, None, "mai@thu.example"),
    ]
    assert str(import_respondents(camp, path)) == "0 created, 0 updated, 2 unchanged"


def test_vietnamese_headers_in_csv(camp, tmp_path):
    row = ["SO-NV", "SO-CC", "Đỗ Minh An", "", "an@thu.example", "", "", ""]
    path = write_csv(tmp_path / "p.csv", VI_HEADER, [row])
    assert str(import_respondents(camp, path)) == "1 created, 0 updated, 0 unchanged"
    assert people_table()[0][2] == "Đỗ Minh An"


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
        "row 3, column unit_code: unknown unit 'SO-KHONG'",
        f"row 4, column group_code: unknown group 'SO-XYZ'; known: {groups}",
        "row 5, column group_code: group H-XA is for units of type 'huyen', but SO-NV is of type 'so'",
        "row 6, column email: not a valid email address "
        "(The part after the @-sign is not valid. It should have a period.)",
        "row 7, column phone: not a valid Vietnamese phone number: '12345'",
        "row 8, column full_name: required",
        "row 9, column email: each person needs an email or a phone number",
        "row 10, column email: duplicate person: tot@thu.example is also on row 2",
        # p1 of the first file has this phone (keyed by email): the same person twice on the list
        "row 11, column phone: duplicate person: +84912000001 already belongs to p1@thu.example on the list",
        "row 12, column phone: duplicate person: +84912000001 is also on row 11",
        "row 13, column telegram_username: 5–32 letters, digits or '_', starting with a letter",
    ]
    assert people_table() == before
    assert count(Respondent) == 1


def test_non_utf8_csv_is_refused_clearly(camp, tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes(
        ",".join(RESPONDENT_HEADER).encode() + "\nSO-NV,SO-CC,Lê Văn Anh,,a@thu.example,,,\n".encode("cp1258")
    )
    assert rejected(import_respondents, camp, path) == [
        "row 0, column -: the CSV file is not UTF-8; save it as 'CSV UTF-8' in Excel"
    ]
    assert count(Respondent) == 0


def test_submitted_respondent_cannot_move(sonla, tmp_path):
    token = sonla.token("p2@thu.example")
    responding.submit(token, full_answers(responding.open_questionnaire(token)))
    moved = person(2, "SO-TC", "SO-CC")
    assert rejected(import_respondents, sonla.campaign, write_csv(tmp_path / "m.csv", RESPONDENT_HEADER, [moved])) == [
        "row 2, column unit_code: this person has already submitted; unit and group can no longer change"
    ]
    regrouped = person(2, "SO-NV", "SO-LDP")
    assert rejected(
        import_respondents, sonla.campaign, write_csv(tmp_path / "g.csv", RESPONDENT_HEADER, [regrouped])
    ) == ["row 2, column unit_code: this person has already submitted; unit and group can no longer change"]
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
        str(import_respondents(sonla.campaign, write_csv(tmp_path / "r.csv", RESPONDENT_HEADER, [renamed])))
        == "0 created, 1 updated, 0 unchanged"
    )


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
        str(import_respondents(sonla.campaign, write_csv(tmp_path / "m.csv", RESPONDENT_HEADER, [moved])))
        == "0 created, 1 updated, 0 unchanged"
    )
    assert invited_by_unit() == {"SO-NV": 2, "SO-TC": 3, "H-MAI-SON": 2}
    assert count(Invitation) == 7


def test_unsupported_file_type(camp, tmp_path):
    path = tmp_path / "p.txt"
    path.write_text("x", encoding="utf-8")
    assert rejected(roster.import_respondents, camp, path) == [
        "row 0, column -: p.txt: only .csv and .xlsx files are read"
    ]
