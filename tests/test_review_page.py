"""The review page through the test client: counts per warning and status at the top (each a filter link),
filters as GET parameters that survive paging, the plain no-JS form (select the page, a reason, exclude or
restore), the count before "every response matching", refusals shown on the page with the ticks kept,
roles and CSRF, and nothing on the page that leads to a person."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from survey_app.extensions import db
from survey_app.models import AuditEntry, RespondentGroup, Response, ResponseStatus
from survey_app.services.survey import closing

from .support.campaigns import make_campaign, person
from .support.pages import csrf, flashes, hidden, sign_in, text_of
from .support.reviewing import insert_responses

N = 200


@pytest.fixture
def closed(app, tmp_path):
    people = [person(i, "SO-NV", "SO-CC") for i in range(1, 4)]
    setup = make_campaign(app, tmp_path, "son-la-2024", people)
    built = insert_responses(setup.campaign, N)
    closing.close_and_validate(setup.campaign.code)
    return setup.campaign.code, built


def page_of(client, code: str, **args) -> str:
    r = client.get(f"/admin/c/{code}/review", query_string=args)
    assert r.status_code == 200, r.status_code
    return r.get_data(as_text=True)


def ids_on(page: str) -> list[str]:
    return re.findall(r'<input type="checkbox" name="id" value="([0-9a-f]{32})"', page)


def checked_on(page: str) -> list[str]:
    return re.findall(r'<input type="checkbox" name="id" value="([0-9a-f]{32})"[^>]* checked', page)


def links(page: str, selector: str) -> dict[str, str]:
    """The links inside the element with this id: text → href."""
    part = page.split(f'id="{selector}"', 1)[1].split("</nav>", 1)[0]
    return {text_of(t): html.unescape(h) for h, t in re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', part, re.S)}


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def statuses() -> dict[str, str]:
    db.session.expire_all()
    return dict(db.session.execute(sa.select(Response.id, Response.status)).all())


def test_counts_at_the_top_are_filter_links_with_vietnamese_words(client, closed):
    code, built = closed
    sign_in(client, "admin")
    page = page_of(client, code)
    fast, straight = sum(b.shape.fast for b in built), sum(b.shape.straight for b in built)
    to_review = sum(b.to_review for b in built)
    flags = links(page, "by-flag")
    assert flags == {
        f"Mọi phiếu cần xem lại {to_review}": f"/admin/c/{code}/review",
        f"Trả lời quá nhanh {fast}": f"/admin/c/{code}/review?flag=too_fast",
        f"Mọi câu cùng một phương án {straight}": f"/admin/c/{code}/review?flag=straight_lining",
    }
    invalid = sum(b.shape.incomplete for b in built)
    assert set(links(page, "by-status")) == {
        f"Mọi trạng thái {to_review}",
        f"hợp lệ {to_review - invalid}",
        "đã loại 0",
        f"không hợp lệ {invalid}",
    }
    words = text_of(page)
    assert "Trả lời quá nhanh: khoảng 30 giây, tối thiểu 120 giây" in words
    assert re.search(r"Cả \d+ câu trả lời cùng một phương án", words)
    assert re.search(r"không hợp lệ: chưa đủ câu: (\d+)/\d+ câu trả lời", words)
    assert f"{to_review} phiếu; trang 1/3, phiếu 1–50." in words
    # Following a count keeps the other filters: from a group's view, the warning's link names the group.
    grouped = page_of(client, code, group="SO-CC")
    assert query(links(grouped, "by-flag")[next(t for t in links(grouped, "by-flag") if t.startswith("Trả lời"))]) == {
        "group": "SO-CC",
        "flag": "too_fast",
    }


def test_filters_survive_paging(client, closed):
    code, built = closed
    sign_in(client, "admin")
    first = page_of(client, code, flag="too_fast")
    pager = links(first, "pager")
    expected = {b.id for b in built if b.shape.fast}
    assert len(expected) > 50 and "Sau ›" in pager and "‹ Trước" not in pager
    seen = ids_on(first)
    url = pager["Sau ›"]
    assert query(url) == {"flag": "too_fast", "page": "2"}
    second = client.get(url).get_data(as_text=True)
    assert 'aria-current="page">2<' in second and "trang 2/2" in text_of(second)
    seen += ids_on(second)
    assert len(seen) == len(set(seen)) and set(seen) == expected
    # The filter form shows the filter chosen; the bulk form carries it as hidden fields.
    assert '<option value="too_fast" selected>' in second
    assert hidden(second, "flag") == "too_fast" and hidden(second, "page") == "2"
    # Every pager link keeps the filter.
    assert all(query(u).get("flag") == "too_fast" for u in links(second, "pager").values())


def test_select_the_page_and_exclude_without_javascript(client, closed):
    code, built = closed
    sign_in(client, "admin")
    page = page_of(client, code, status="valid", page=1)
    assert checked_on(page) == [] and "trang 1/2" in text_of(page)
    select = re.search(r'<a href="([^"]+)" id="select-page">', page).group(1)
    ticked = client.get(html.unescape(select)).get_data(as_text=True)
    assert checked_on(ticked) == ids_on(ticked) and len(ids_on(ticked)) == 50
    before = statuses()
    # The form as a browser without JavaScript sends it: its hidden fields, every ticked box, the reason.
    form = {"csrf_token": hidden(ticked, "csrf_token"), "status": "valid", "page": "1"}
    form |= {"id": checked_on(ticked), "reason": "cùng một máy, cùng một lúc", "action": "exclude"}
    r = client.post(f"/admin/c/{code}/review/bulk", data=form)
    assert r.status_code == 302 and query(r.headers["Location"]) == {"status": "valid", "page": "1"}
    after = statuses()
    assert {i for i in after if after[i] != before[i]} == set(form["id"])
    back = client.get(r.headers["Location"]).get_data(as_text=True)
    assert flashes(back) == ["Đã loại 50 phiếu khỏi kết quả."]
    assert "đã loại 50" in text_of(back).lower()
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "responses.exclude")).one()
    assert entry.actor == "admin@noivu.example"
    audit = client.get("/admin/audit").get_data(as_text=True)
    assert "Loại nhiều phiếu" in audit and "50 phiếu; lý do: cùng một máy, cùng một lúc" in text_of(audit)
    # Restoring them from the "excluded" view.
    excluded = page_of(client, code, status="excluded")
    form = {"csrf_token": csrf(client, f"/admin/c/{code}/review"), "status": "excluded", "page": "1"}
    form |= {"id": ids_on(excluded), "reason": "đã xác minh với đơn vị", "action": "restore"}
    r = client.post(f"/admin/c/{code}/review/bulk", data=form)
    assert r.status_code == 302 and statuses() == before


def test_a_refusal_is_shown_on_the_page_with_the_ticks_kept(client, closed):
    code, built = closed
    sign_in(client, "admin")
    page = page_of(client, code, status="valid")
    chosen = ids_on(page)[:7]
    form = {"csrf_token": hidden(page, "csrf_token"), "status": "valid", "page": "1", "id": chosen, "reason": " "}
    r = client.post(f"/admin/c/{code}/review/bulk", data=form | {"action": "exclude"})
    body = r.get_data(as_text=True)
    assert r.status_code == 422 and "Loại phiếu cần ghi lý do." in text_of(body)
    assert checked_on(body) == chosen and hidden(body, "status") == "valid"
    r = client.post(f"/admin/c/{code}/review/bulk", data=form | {"action": "restore", "reason": "nhầm"})
    body = text_of(r.get_data(as_text=True))
    assert r.status_code == 422 and "7 phiếu đã chọn không ở trạng thái đã loại" in body
    r = client.post(f"/admin/c/{code}/review/bulk", data=form | {"id": [], "action": "exclude", "reason": "x"})
    assert r.status_code == 422 and "Chưa chọn phiếu nào." in text_of(r.get_data(as_text=True))
    assert ResponseStatus.EXCLUDED not in statuses().values()
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.action.like("responses.%"))
        )
        == 0
    )
    r = client.post(f"/admin/c/{code}/review/bulk", data=form | {"action": "delete"})
    assert r.status_code == 400


def test_every_response_matching_the_filter_shows_the_count_first(client, closed):
    code, built = closed
    sign_in(client, "admin")
    page = page_of(client, code, flag="straight_lining", group="SO-CC")
    expected = {b.id for b in built if b.shape.straight and b.group == "SO-CC" and not b.shape.incomplete}
    assert f"Loại mọi phiếu hợp lệ khớp bộ lọc ({len(expected)})…" in text_of(page)
    base = {"csrf_token": hidden(page, "csrf_token"), "flag": "straight_lining", "group": "SO-CC", "page": "1"}
    r = client.post(f"/admin/c/{code}/review/bulk", data=base | {"action": "exclude_matching", "reason": "máy"})
    confirm = r.get_data(as_text=True)
    assert r.status_code == 200 and ResponseStatus.EXCLUDED not in statuses().values()
    words = text_of(confirm)
    assert f"{len(expected)} phiếu sẽ bị loại khỏi kết quả." in words
    group = db.session.scalar(sa.select(RespondentGroup.name).where(RespondentGroup.code == "SO-CC"))
    assert f"Bộ lọc: nhóm {group}, cảnh báo «Mọi câu cùng một phương án»." in words
    assert hidden(confirm, "expected") == str(len(expected)) and hidden(confirm, "action") == "exclude_matching"
    form = base | {"action": "exclude_matching", "expected": hidden(confirm, "expected"), "reason": "cùng máy"}
    r = client.post(f"/admin/c/{code}/review/bulk", data=form)
    assert r.status_code == 302
    assert {i for i, s in statuses().items() if s == ResponseStatus.EXCLUDED} == expected
    # Confirming an old count again: nothing valid is left to match, so nothing happens and the page says so.
    r = client.post(f"/admin/c/{code}/review/bulk", data=form)
    assert r.status_code == 422 and "Không có phiếu hợp lệ nào khớp bộ lọc để loại." in text_of(
        r.get_data(as_text=True)
    )


def test_a_stale_confirmation_is_refused_with_409(client, closed):
    code, built = closed
    sign_in(client, "admin")
    page = page_of(client, code, flag="too_fast")
    count = sum(b.shape.fast and not b.shape.incomplete for b in built)
    base = {"csrf_token": hidden(page, "csrf_token"), "flag": "too_fast", "page": "1", "reason": "nhanh quá"}
    one = ids_on(page_of(client, code, flag="too_fast", status="valid"))[0]
    client.post(f"/admin/c/{code}/review/bulk", data=base | {"action": "exclude", "id": [one]})
    r = client.post(f"/admin/c/{code}/review/bulk", data=base | {"action": "exclude_matching", "expected": count})
    assert r.status_code == 409
    assert f"({count} → {count - 1} phiếu)" in text_of(r.get_data(as_text=True))
    assert list(statuses().values()).count(ResponseStatus.EXCLUDED) == 1


def test_a_monitor_reads_without_a_form_and_a_focal_point_is_refused(app, client, closed):
    code, built = closed
    sign_in(client, "monitor")
    page = page_of(client, code, flag="too_fast")
    assert ids_on(page) == [] and 'id="bulk"' not in page and "Chọn cả" not in page
    assert "Trả lời quá nhanh: khoảng 30 giây" in text_of(page)
    token = csrf(client, f"/admin/c/{code}/review")
    r = client.post(f"/admin/c/{code}/review/bulk", data={"csrf_token": token, "action": "exclude", "reason": "x"})
    assert r.status_code == 403
    client.post("/admin/logout", data={"csrf_token": token})
    sign_in(client, "unit", unit="SO-NV")
    assert client.get(f"/admin/c/{code}/review").status_code == 403
    # An admin's form without its CSRF token is refused before anything is read.
    client.post("/admin/logout", data={"csrf_token": csrf(client, "/admin/c/T/u/SO-NV")})
    sign_in(client, "admin")
    one = next(b.id for b in built if b.to_review and not b.shape.incomplete)
    r = client.post(f"/admin/c/{code}/review/bulk", data={"action": "exclude", "reason": "x", "id": [one]})
    assert r.status_code == 400 and ResponseStatus.EXCLUDED not in statuses().values()


def test_unknown_filters_answer_404(client, closed):
    code, _ = closed
    sign_in(client, "admin")
    for args in ({"unit": "NO-SUCH"}, {"group": "X"}, {"flag": "slow"}, {"status": "gone"}):
        assert client.get(f"/admin/c/{code}/review", query_string=args).status_code == 404
    assert client.get(f"/admin/c/{code}/review", query_string={"page": "abc"}).status_code == 200


def test_the_page_leads_to_no_person(client, closed):
    code, built = closed
    sign_in(client, "admin")
    for args in ({}, {"unit": "SO-NV"}, {"status": "invalid"}):
        page = page_of(client, code, **args)
        words = text_of(page)
        assert "Người Thử" not in words and "@thu.example" not in page
        # no phone number (+84912000001, 0912000001); response ids are hex and may hold the digits "0912"
        assert not re.search(r"(?<![0-9a-f])(\+84|0)9\d{8}(?![0-9a-f])", page)
        assert not re.search(r"\b\d{1,2}/\d{1,2}/\d{4}\b|\d{1,2}:\d{2}", words.split("Phát ra, thu về")[0])
        assert "/s/" not in page and "invitation" not in page


def test_before_close_the_page_says_why_there_is_nothing_to_review(app, client, tmp_path):
    setup = make_campaign(app, tmp_path, "son-la-2024", [person(1, "SO-NV", "SO-CC")])
    insert_responses(setup.campaign, 10)
    sign_in(client, "admin")
    page = page_of(client, "T")
    assert 'id="not-closed"' in page and "chỉ có sau khi đóng" in text_of(page)
    assert 'id="bulk"' not in page and ids_on(page) == []
    r = client.post(
        "/admin/c/T/review/bulk", data={"csrf_token": hidden(page, "csrf_token"), "action": "exclude", "reason": "x"}
    )
    assert r.status_code == 422 and "Đợt khảo sát T chưa đóng" in text_of(r.get_data(as_text=True))


def test_two_thousand_flagged_responses_make_a_page_of_fifty(app, client, tmp_path):
    """The page stays the size of one page of the list, whatever the number of flagged responses."""
    setup = make_campaign(app, tmp_path, "son-la-2024", [])
    insert_responses(setup.campaign, 2400)
    closing.close_and_validate("T")
    sign_in(client, "admin")
    page = page_of(client, "T")
    assert len(ids_on(page)) == 50 and page.count("<tr>") < 250
    assert len(page.encode()) < 120_000


def test_invalid_responses_cannot_be_ticked(client, closed):
    code, built = closed
    sign_in(client, "admin")
    page = page_of(client, code, select="page")
    invalid = {b.id for b in built if b.shape.incomplete}
    on_page = ids_on(page)
    assert invalid & set(on_page) and set(on_page) - invalid
    assert set(checked_on(page)) == set(on_page) - invalid
    disabled = re.findall(r'name="id" value="([0-9a-f]{32})"[^>]* disabled', page)
    assert set(disabled) == invalid & set(on_page)
    only_invalid = page_of(client, code, status="invalid")
    assert 'id="select-page"' not in only_invalid
