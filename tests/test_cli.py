"""The `flask ...` commands: output, exit codes, and the errors they print instead of tracebacks."""

from __future__ import annotations

import re
import shutil

import pytest
import sqlalchemy as sa

from survey_app.extensions import db
from survey_app.models import Campaign, Invitation, ProgressCounter, Respondent, Response, Unit, User
from survey_app.packs import load_pack
from survey_app.services.survey import invitations, responding, tallies

from .support.campaigns import PACKS, RESPONDENT_HEADER, full_answers, person, release, taken_in, write_csv

LINK = re.compile(r"^  http://survey\.test/s/[A-Za-z0-9_-]{24}$")


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def run(runner, *args: str, code: int = 0, **kw) -> list[str]:
    result = runner.invoke(args=list(args), **kw)
    assert result.exit_code == code, result.output
    return result.output.splitlines()


def test_pack_check_ok_lists_warnings_and_counts(runner):
    root = PACKS / "son-la-2024"
    assert run(runner, "pack", "check", str(root)) == [
        f"cảnh báo: {root}/pack.yaml: unit_types[0].areas: điểm tối đa các lĩnh vực cộng lại là 99,5, "
        "không bằng total_points 100",
        f"cảnh báo: {root}/pack.yaml: unit_types[1].areas: điểm tối đa các lĩnh vực cộng lại là 98,5, "
        "không bằng total_points 100",
        "so: 32 câu hỏi, 20 điểm điều tra XHH",
        "huyen: 32 câu hỏi, 20 điểm điều tra XHH",
        f"hợp lệ: son-la-2024, sha256 {load_pack(root).sha256}",
    ]


@pytest.fixture
def bad_pack(tmp_path):
    root = shutil.copytree(PACKS / "hai-cap-2025", tmp_path / "bad")
    with (root / "units.csv").open("a", encoding="utf-8") as fh:
        fh.write("X-DEMO-1,Xã lặp,xa\nX-SAI,Xã Sai,huyện\n")
    return root


def test_pack_check_bad_pack_lists_errors(runner, bad_pack):
    assert run(runner, "pack", "check", str(bad_pack), code=1) == [
        "Lỗi: Bộ câu hỏi có 3 lỗi:",
        f"{bad_pack}/units.csv: dòng 10, cột code: mã đơn vị «X-DEMO-1» bị trùng",
        f"{bad_pack}/units.csv: dòng 14, cột code: mã đơn vị «X-DEMO-1» bị trùng",
        f"{bad_pack}/units.csv: dòng 15, cột unit_type: không có loại đơn vị «huyện»",
    ]


def test_campaign_lifecycle(runner):
    pack = str(PACKS / "son-la-2024")
    out = run(
        runner,
        "campaign",
        "create",
        "--pack",
        pack,
        "--code",
        "C1",
        "--opens",
        "2024-11-01",
        "--closes",
        "2024-12-20 17:00",
    )
    sha = load_pack(pack).sha256[:12]
    assert out == [f"Đã tạo đợt khảo sát C1 từ bộ câu hỏi son-la-2024 (sha256 {sha}), trạng thái: chưa mở."]
    assert count(Unit) == 32
    assert run(runner, "campaign", "open", "--campaign", "C1") == ["Đợt khảo sát C1 đã mở đến 17:00 ngày 20/12/2024."]
    status = run(runner, "campaign", "status")
    assert status[0] == (
        "C1: Điều tra xã hội học xác định Chỉ số cải cách hành chính năm 2024 [đang mở] "
        "00:00 ngày 01/11/2024 → 17:00 ngày 20/12/2024"  # a bare opening date opens at the start of the day
    )
    assert status[1] == "Số ô đơn vị × nhóm chưa đủ mẫu tối thiểu: 108"
    assert len(status) == 2 + 108 + 1
    assert "  SO-NV × SO-CC: 0/5 phiếu hợp lệ" in status
    assert status[-1] == "Phát ra / thu về / hợp lệ: 0 / 0 / 0"
    assert run(runner, "campaign", "close", "--campaign", "C1") == [
        "Đợt khảo sát C1 đã đóng; đã kiểm tra 0 phiếu: 0 không hợp lệ, 0 phiếu có cảnh báo cần xem lại, "
        "0 cảnh báo theo đơn vị."
    ]
    assert run(runner, "campaign", "open", code=1) == [
        "Lỗi: Đợt khảo sát C1 đã đóng; một đợt đã đóng không mở lại được."
    ]
    assert db.session.scalar(sa.select(Campaign.status)) == "closed"


def test_campaign_create_refusals(runner, bad_pack):
    good = str(PACKS / "son-la-2024")
    out = run(
        runner,
        "campaign",
        "create",
        "--pack",
        good,
        "--code",
        "X",
        "--opens",
        "2024-13-01",
        "--closes",
        "2024-12-20",
        code=2,
    )
    assert (
        "Lỗi: Giá trị không hợp lệ cho '--opens': «2024-13-01» không phải ngày giờ: viết YYYY-MM-DD hoặc "
        "YYYY-MM-DD HH:MM (giờ Việt Nam)."
    ) in out
    assert run(
        runner,
        "campaign",
        "create",
        "--pack",
        good,
        "--code",
        "X",
        "--opens",
        "2024-12-20",
        "--closes",
        "2024-12-01",
        code=1,
    ) == ["Lỗi: Thời điểm đóng (23:59 ngày 01/12/2024) phải sau thời điểm mở (00:00 ngày 20/12/2024)."]
    out = run(
        runner,
        "campaign",
        "create",
        "--pack",
        str(bad_pack),
        "--code",
        "X",
        "--opens",
        "2025-08-01",
        "--closes",
        "2025-09-01",
        code=1,
    )
    assert out[0] == "Lỗi: Bộ câu hỏi có 3 lỗi:"
    assert out[3] == f"{bad_pack}/units.csv: dòng 15, cột unit_type: không có loại đơn vị «huyện»"
    assert count(Campaign) == 0
    assert run(runner, "campaign", "status", code=1) == [
        "Lỗi: Chưa có đợt khảo sát nào: hãy tạo một đợt khảo sát trước."
    ]
    run(runner, "campaign", "create", "--pack", good, "--code", "X", "--opens", "2024-11-01", "--closes", "2024-12-20")
    assert run(
        runner,
        "campaign",
        "create",
        "--pack",
        good,
        "--code",
        "X",
        "--opens",
        "2024-11-01",
        "--closes",
        "2024-12-20",
        code=1,
    ) == ["Lỗi: Đã có đợt khảo sát mã X; hãy chọn mã khác."]
    assert run(runner, "campaign", "status", "--campaign", "Y", code=1) == ["Lỗi: Không có đợt khảo sát mã Y."]


def test_units_respondents_invitations_export(runner, tmp_path):
    run(
        runner,
        "campaign",
        "create",
        "--pack",
        str(PACKS / "son-la-2024"),
        "--code",
        "C",
        "--opens",
        "2024-11-01",
        "--closes",
        "2030-12-20",
    )
    units = write_csv(
        tmp_path / "u.csv",
        ["Mã đơn vị", "Tên đơn vị", "Loại đơn vị"],
        [["SO-MOI", "Sở Mới", "so"], ["SO-NV", "Sở Nội vụ", "so"]],
    )
    assert run(runner, "units", "import", str(units)) == ["Đơn vị: 1 mới, 0 cập nhật, 1 không đổi."]
    bad = write_csv(
        tmp_path / "bad.csv",
        RESPONDENT_HEADER,
        [person(1, "SO-KHAC", "SO-CC"), person(2, "SO-NV", "H-XA"), person(3, "SO-MOI", "SO-LD")],
    )
    assert run(runner, "respondents", "import", str(bad), code=1) == [
        "Lỗi: Tệp có 2 lỗi; chưa nhập gì. Sửa các dòng dưới đây rồi tải lên lại.",
        "dòng 2, cột unit_code: không có đơn vị mã «SO-KHAC» trong đợt khảo sát",
        "dòng 3, cột group_code: nhóm H-XA dành cho đơn vị loại «huyen», nhưng SO-NV thuộc loại «so»",
    ]
    assert count(Respondent) == 0
    good = write_csv(tmp_path / "p.csv", RESPONDENT_HEADER, [person(1, "SO-MOI", "SO-CC"), person(2, "SO-NV", "SO-LD")])
    assert run(runner, "respondents", "import", str(good)) == ["Cán bộ: 2 mới, 0 cập nhật, 0 không đổi."]
    assert run(runner, "invitations", "issue") == ["Đã cấp 2 đường liên kết; 0 người đã có đường liên kết."]
    assert run(runner, "invitations", "issue") == ["Đã cấp 0 đường liên kết; 2 người đã có đường liên kết."]
    before = set(db.session.scalars(sa.select(Invitation.token_hash)))
    assert run(runner, "invitations", "issue", "--reissue", "p2@thu.example") == [
        "Đã cấp đường liên kết mới cho p2@thu.example; đường liên kết cũ không dùng được nữa."
    ]
    assert run(runner, "invitations", "issue", "--reissue", "0912 000 001") == [
        "Đã cấp đường liên kết mới cho 0912 000 001; đường liên kết cũ không dùng được nữa."
    ]
    assert run(runner, "invitations", "issue", "--reissue", "x@thu.example", code=1) == [
        "Lỗi: x@thu.example không có đường liên kết còn hiệu lực trong đợt C."
    ]
    assert count(Invitation) == 4
    live = set(db.session.scalars(sa.select(Invitation.token_hash).where(Invitation.revoked_at.is_(None))))
    assert len(live) == 2 and not live & before
    out = tmp_path / "links.csv"
    assert run(runner, "invitations", "export-links", "--out", str(out)) == [
        f"Đã ghi 2 đường liên kết vào {out}. Tệp này nhạy cảm: ai có tệp đều trả lời được thay người khác."
    ]
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "unit_code,unit_name,group_code,full_name,email,phone,status,link"
    assert [ln.split(",")[0] for ln in lines[1:]] == ["SO-MOI", "SO-NV"]
    assert {invitations.hash_token(ln.rsplit("/", 1)[1]) for ln in lines[1:]} == live


def test_tallies_rebuild_restores_counters(runner, sonla):
    token = sonla.token("p2@thu.example")
    responding.submit(token, full_answers(responding.open_questionnaire(token)))
    release(sonla.campaign)
    before = tallies.snapshot(sonla.campaign)
    db.session.execute(sa.update(ProgressCounter).values(invited=99, submitted=0))
    db.session.commit()
    assert tallies.snapshot(sonla.campaign) != before
    assert run(runner, "tallies", "rebuild") == ["Đã tính lại bộ đếm của đợt T."]
    db.session.expire_all()
    assert tallies.snapshot(sonla.campaign) == before
    status = run(runner, "campaign", "status", "--campaign", "T")
    assert status[1:4] == [
        "UBND huyện, thành phố: phát ra 2, đã mở 0, đang trả lời 0, đã nộp 0 (0,0%)",
        "Sở, ban, ngành: phát ra 5, đã mở 1, đang trả lời 1, đã nộp 1 (20,0%)",
        "Số ô đơn vị × nhóm chưa đủ mẫu tối thiểu: 108",
    ]
    assert "  SO-NV × SO-CC: 1/5 phiếu hợp lệ" in status


def test_users_create(runner):
    assert run(
        runner, "users", "create", "Thu.Truong@SoNoiVu.example", "--password", "mat-khau-dai-1", "--role", "monitor"
    ) == ["Đã tạo tài khoản Thu.Truong@SoNoiVu.example (theo dõi)."]
    user = db.session.scalar(sa.select(User))
    assert (user.email, user.role) == ("thu.truong@sonoivu.example", "monitor")
    assert user.check_password("mat-khau-dai-1") and "mat-khau-dai-1" not in user.password_hash
    out = run(runner, "users", "create", "admin@thu.example", input="mat-khau-dai-2\nmat-khau-dai-2\n")
    assert out[-1] == "Đã tạo tài khoản admin@thu.example (quản trị)."
    assert run(runner, "users", "create", "x@thu.example", "--password", "ngan", code=1) == [
        "Lỗi: Mật khẩu cần ít nhất 10 ký tự."
    ]
    assert run(runner, "users", "create", "THU.TRUONG@sonoivu.example", "--password", "mat-khau-dai-3", code=1) == [
        "Lỗi: Đã có tài khoản thu.truong@sonoivu.example."
    ]
    assert count(User) == 2


def test_demo_loads_once(runner):
    out = run(runner, "demo", "--respondents", "60", "--answered", "0.5")
    assert out[:3] == [
        "Đã nạp đợt khảo sát mô phỏng 2024 (số liệu mô phỏng).",
        "Quản trị: admin@mo-phong.example / mo-phong-2024  (tài khoản mô phỏng; /admin/)",
        "Đường liên kết của người trả lời:",
    ]
    assert len(out) == 6 and all(LINK.match(line) for line in out[3:])
    assert count(Respondent) == 60 and count(Invitation) == 60
    submitted = taken_in()
    assert 0 < count(Response) <= submitted < 60  # cells with fewer than k responses still wait for the mixer
    assert db.session.scalar(sa.select(sa.func.count()).where(Invitation.status == "submitted")) == submitted
    assert db.session.scalar(sa.select(sa.func.sum(ProgressCounter.submitted))) == submitted
    admin = db.session.scalar(sa.select(User))
    assert admin.check_password("mo-phong-2024")
    for line in out[3:]:
        q = responding.open_questionnaire(line.rsplit("/", 1)[1], mark_opened=False)
        assert not q.submitted
    again = run(runner, "demo", "--respondents", "60", "--answered", "0.5")
    assert again == out[1:]
    assert (count(Campaign), count(Respondent), taken_in(), count(User)) == (1, 60, submitted, 1)
