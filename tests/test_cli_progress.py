"""Issue 9, point 6: every long command shows a progress bar (Vietnamese label, counts to the total, the
time left), driven by the services' `progress(done, total[, phase])` calls, reported a bounded number of
times; without a callback the services work as before."""

from __future__ import annotations

import re
from collections import defaultdict

import click._termui_impl
import pytest

from survey_app import documents
from survey_app.cli import progress as cli_progress
from survey_app.cli import texts
from survey_app.services.index import build_index, compute_statistics
from survey_app.services.progress import REPORTS, Ticker, in_phase
from survey_app.services.survey import closing, demo, invitations, roster

from .support.campaigns import RESPONDENT_HEADER, full_answers, person, release, write_csv

BAR = re.compile(r"(?P<label>[^\r\n\[]+?)\s+\[[#-]*\]\s+(?P<done>[\d.]+)/(?P<total>[\d.]+)")


@pytest.fixture
def terminal(monkeypatch):
    """Commands run as on a terminal: click draws the bars (CliRunner's streams are not terminals)."""
    monkeypatch.setattr(cli_progress, "on_terminal", lambda stream: True)
    monkeypatch.setattr(click._termui_impl, "isatty", lambda stream: True)


def bars(output: str) -> dict[str, tuple[int, int]]:
    """Each bar's label → its last (done, total) as drawn; checks the counts never go back."""
    last: dict[str, tuple[int, int]] = {}
    for m in BAR.finditer(re.sub(r"\x1b\[\?25[lh]", "", output)):  # click hides the cursor while drawing
        label = m["label"].strip()
        done, total = (int(m[k].replace(".", "")) for k in ("done", "total"))
        assert done <= total and done >= last.get(label, (0, 0))[0], (label, done, total)
        last[label] = (done, total)
    return last


def invoke(runner, *args: str) -> str:
    result = runner.invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


class Recorder:
    """A service's progress callback: every call, by phase."""

    def __init__(self) -> None:
        self.calls: dict[str, list[tuple[int, int]]] = defaultdict(list)

    def __call__(self, done: int, total: int, phase: str = "") -> None:
        self.calls[phase].append((done, total))

    def check(self, *phases: str) -> dict[str, int]:
        """Every phase: done rises to total, ends at (total, total), a bounded number of calls, a label."""
        assert list(self.calls) == list(phases)
        totals = {}
        for phase, calls in self.calls.items():
            dones = [d for d, _ in calls]
            total = calls[0][1]
            assert all(t == total for _, t in calls) and dones == sorted(dones) and max(dones) <= total, calls
            assert calls[-1] == (total, total) and len(calls) <= REPORTS + 2, (phase, calls)
            assert phase == "" or phase in texts.BARS, phase  # "": the command's own label
            totals[phase] = total
        return totals


def _answer(setup, emails):
    from survey_app.services.survey import responding

    for email in emails:
        token = setup.token(email)
        responding.submit(token, full_answers(responding.open_questionnaire(token, mark_opened=False)))
    release(setup.campaign)


# -- the shared protocol --------------------------------------------------------------------------------------


def test_a_ticker_reports_a_bounded_number_of_times_and_ends_at_the_total():
    calls = []
    ticker = Ticker(lambda done, total: calls.append((done, total)), 10_000)
    for _ in range(10_000):
        ticker.step()
    ticker.finish()
    assert calls[0] == (0, 10_000) and calls[-1] == (10_000, 10_000) and len(calls) <= REPORTS + 2
    assert [d for d, _ in calls] == sorted(set(d for d, _ in calls))  # rising, and (total, total) only once
    empty = []
    Ticker(lambda done, total: empty.append((done, total)), 0).finish()
    assert empty == [(0, 0)]
    Ticker(None, 5).step()  # without a caller: nothing to call, nothing fails
    phased = Recorder()
    Ticker(in_phase(phased, "invitations.issue"), 3).finish()
    assert dict(phased.calls) == {"invitations.issue": [(0, 3), (3, 3)]}


# -- the commands ---------------------------------------------------------------------------------------------


def test_units_and_respondents_import_show_their_bars(sonla, runner, tmp_path, terminal):
    units = write_csv(tmp_path / "u.csv", ["code", "name", "unit_type"], [["SO-NV", "Sở Nội vụ", "so"]])
    out = invoke(runner, "units", "import", str(units))
    assert bars(out) == {texts.BARS["roster.check"]: (1, 1), texts.BARS["roster.write"]: (1, 1)}
    assert out.rstrip().endswith("Đơn vị: 0 mới, 0 cập nhật, 1 không đổi.")
    people = [person(i, "SO-NV", "SO-CC") for i in range(8, 20)]
    out = invoke(runner, "respondents", "import", str(write_csv(tmp_path / "p.csv", RESPONDENT_HEADER, people)))
    assert bars(out) == {texts.BARS["roster.check"]: (12, 12), texts.BARS["roster.write"]: (12, 12)}
    assert out.rstrip().endswith("Cán bộ: 12 mới, 0 cập nhật, 0 không đổi.")


def test_invitations_issue_shows_its_bar(sonla, runner, tmp_path, terminal):
    roster.import_respondents(
        sonla.campaign, write_csv(tmp_path / "p.csv", RESPONDENT_HEADER, [person(8, "SO-TC", "SO-CC")])
    )
    out = invoke(runner, "invitations", "issue")
    assert bars(out) == {"Đang cấp đường liên kết": (8, 8)}
    assert out.rstrip().endswith("Đã cấp 1 đường liên kết; 7 người đã có đường liên kết.")


def test_campaign_close_shows_a_bar_per_phase(sonla, runner, terminal):
    _answer(sonla, ["p1@thu.example", "p2@thu.example", "p6@thu.example"])
    out = invoke(runner, "campaign", "close")
    assert bars(out) == {
        "Đang đưa phiếu chờ vào kết quả và xáo lại thứ tự": (3, 3),
        "Đang kiểm tra từng phiếu": (3, 3),
        "Đang dọn tệp cơ sở dữ liệu": (1, 1),
    }
    assert out.splitlines()[-1].startswith("Đợt khảo sát T đã đóng; đã kiểm tra 3 phiếu: 0 không hợp lệ")


def test_index_commands_show_their_bars(sonla, runner, tmp_path, terminal):
    _answer(sonla, ["p1@thu.example", "p2@thu.example", "p3@thu.example"])
    out = invoke(runner, "index", "export", "--out", str(tmp_path / "chi-so.xlsx"))
    assert bars(out) == {"Đang tính chỉ số": (4, 4), "Đang ghi bảng chỉ số": (3, 3)}
    assert "đã ghi bảng chỉ số vào" in out
    out = invoke(runner, "index", "stats", "--resamples", "10")
    assert bars(out) == {"Đang tính chỉ số": (4, 4), "Đang tính thống kê": (4, 4)}
    assert out.splitlines()[-1].startswith("Đã tính thống kê từ")
    out = invoke(runner, "index", "charts", "--out", str(tmp_path / "c.html"))
    assert bars(out) == {"Đang tính chỉ số": (4, 4)} and "Đã ghi biểu đồ vào" in out


def test_demo_shows_a_bar_per_phase_with_vietnamese_counts(app, runner, terminal):
    out = invoke(runner, "demo", "--respondents", "1200", "--answered", "0.05")
    assert bars(out) == {
        "Đang kiểm tra từng dòng của tệp": (1200, 1200),
        "Đang ghi danh sách": (1200, 1200),
        "Đang cấp đường liên kết": (1200, 1200),
        "Đang tạo câu trả lời mô phỏng": (1200, 1200),
    }
    assert "1.200/1.200" in out and "1200/1200" not in out  # Vietnamese thousands separator
    assert "Đã nạp đợt khảo sát mô phỏng 2024 (số liệu mô phỏng)." in out


def test_off_a_terminal_the_commands_print_only_their_result_lines(sonla, runner):
    out = invoke(runner, "invitations", "issue")
    assert out == "Đã cấp 0 đường liên kết; 7 người đã có đường liên kết.\n"


# -- the services ---------------------------------------------------------------------------------------------


def test_roster_imports_and_issue_report_progress(sonla, tmp_path):
    c = sonla.campaign
    units = write_csv(tmp_path / "u.csv", ["code", "name", "unit_type"], [["SO-NV", "Sở Nội vụ", "so"]])
    seen = Recorder()
    roster.import_units(c, units, progress=seen)
    assert seen.check("roster.check", "roster.write") == {"roster.check": 1, "roster.write": 1}
    rows = [["SO-TC", "SO-CC", f"Người {i}", "", f"q{i}@thu.example", f"0913{i:06d}", "", ""] for i in range(250)]
    people = write_csv(tmp_path / "p.csv", RESPONDENT_HEADER, rows)
    seen = Recorder()
    roster.import_respondents(c, people, progress=seen)
    assert seen.check("roster.check", "roster.write") == {"roster.check": 250, "roster.write": 250}
    seen = Recorder()
    assert invitations.issue_invitations(c, progress=seen).issued == 250
    assert seen.check("") == {"": 257}
    assert invitations.issue_invitations(c).issued == 0  # without a callback


def test_closing_reports_its_phases(sonla):
    _answer(sonla, ["p1@thu.example", "p2@thu.example"])
    seen = Recorder()
    assert closing.close_and_validate(sonla.campaign.code, progress=seen).checked == 2
    assert seen.check("close.release", "close.check", "close.compact") == {
        "close.release": 3,
        "close.check": 2,
        "close.compact": 1,
    }


def test_closing_without_a_callback(sonla):
    _answer(sonla, ["p1@thu.example"])
    assert closing.close_and_validate(sonla.campaign.code).checked == 1


def test_index_services_report_progress(sonla, tmp_path):
    _answer(sonla, ["p1@thu.example", "p2@thu.example", "p3@thu.example"])
    seen = Recorder()
    model = build_index(sonla.campaign, seen)
    documents.workbook(model, tmp_path / "a.xlsx", seen)
    compute_statistics(model, 10, 1, progress=seen)
    assert seen.check("index.build", "index.workbook", "index.statistics") == {
        "index.build": 4,
        "index.workbook": 3,
        "index.statistics": 4,
    }
    documents.workbook(build_index(sonla.campaign), tmp_path / "b.xlsx")  # without a callback
    assert compute_statistics(build_index(sonla.campaign), 10, 1).responses == 3


def test_the_demo_reports_every_phase(app):
    seen = Recorder()
    assert demo.load_demo(40, 0.1, progress=seen).loaded
    totals = seen.check("roster.check", "roster.write", "invitations.issue", "demo.answers")
    assert len(set(totals.values())) == 1 and 35 <= totals["demo.answers"] <= 45  # every simulated person, once


def test_the_demo_without_a_callback(app):
    assert demo.load_demo(20, 0.1).loaded
