"""The review services after close, on both databases: one page at a time in a stable order, filters by unit,
group, warning and status, the counts per warning and per status; bulk exclude / restore of chosen ids or of
everything a filter matches, all or nothing, with every refusal, one audit entry, tallies equal to a rebuild.

The expected lists and counts come from how the responses were built (tests/support/reviewing.py), never
from the code under test."""

from __future__ import annotations

import json
from collections import Counter

import pytest
import sqlalchemy as sa

from survey_app.errors import NotFound, ServiceError
from survey_app.extensions import db
from survey_app.models import Answer, AuditEntry, Campaign, Response, ResponseStatus
from survey_app.services.survey import closing, review, review_list, tallies
from survey_app.services.survey.review_list import PAGE_SIZE, ReviewFilter

from .support.campaigns import make_campaign
from .support.reviewing import Built, insert_responses

N = 200  # responses built; about 120 of them need a look: three pages
NONE = {status: 0 for status in ResponseStatus}


@pytest.fixture
def closed(app, tmp_path):
    """A closed son-la-2024 campaign with N responses of known shapes, warnings raised by the real close."""
    setup = make_campaign(app, tmp_path, "son-la-2024", [])
    built = insert_responses(setup.campaign, N)
    report = closing.close_and_validate(setup.campaign.code)
    assert report.checked == N
    return setup.campaign, built


def everything(campaign: Campaign, where: ReviewFilter) -> list[str]:
    """Every id of the filtered list, page after page."""
    first = review_list.review_page(campaign, where, 1)
    ids = [r.id for r in first.rows]
    for page in range(2, first.pages + 1):
        ids += [r.id for r in review_list.review_page(campaign, where, page).rows]
    return ids


def statuses() -> dict[str, str]:
    db.session.expire_all()
    return dict(db.session.execute(sa.select(Response.id, Response.status)).all())


def bulk_entries() -> list[AuditEntry]:
    return db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action.like("responses.%")).order_by(AuditEntry.id)
    ).all()


def test_the_builder_spreads_the_shapes_as_intended(closed):
    campaign, built = closed
    to_review = [b for b in built if b.to_review]
    assert 2 * PAGE_SIZE < len(to_review) < 3 * PAGE_SIZE  # three pages, the last one short
    assert {b.unit for b in to_review} > {"SO-NV", "H-MAI-SON"} and len({b.group for b in to_review}) > 3


def test_pages_of_fifty_in_a_stable_order_cover_the_list_once(closed):
    campaign, built = closed
    expected = {b.id for b in built if b.to_review}
    first = review_list.review_page(campaign, ReviewFilter(), 1)
    assert (first.total, first.pages, len(first.rows), first.first) == (len(expected), 3, PAGE_SIZE, 1)
    ids = everything(campaign, ReviewFilter())
    assert len(ids) == len(set(ids)) == len(expected) and set(ids) == expected
    assert everything(campaign, ReviewFilter()) == ids  # the same order when asked again
    # Ordered by group code, then by the (random) id inside a group.
    group_of = {b.id: b.group for b in built}
    assert ids == sorted(ids, key=lambda i: (group_of[i], i))
    # A page beyond the last is the last; a page before the first is the first.
    last = review_list.review_page(campaign, ReviewFilter(), 99)
    assert last.page == 3 and [r.id for r in last.rows] == ids[2 * PAGE_SIZE :]
    assert [r.id for r in review_list.review_page(campaign, ReviewFilter(), 0).rows] == ids[:PAGE_SIZE]


def test_rows_carry_their_warnings_units_and_status_and_nothing_personal(closed):
    campaign, built = closed
    by_id = {b.id: b for b in built}
    for row in review_list.review_page(campaign, ReviewFilter(), 1).rows:
        b = by_id[row.id]
        assert {k for k, _ in row.flags} == b.flags
        assert row.status == b.status and row.units and len(row.units) == 1
        for kind, params in row.flags:
            expected = {"seconds": 30, "minimum": 120} if kind == "too_fast" else {"answers": params["answers"]}
            assert params == expected
        if b.shape.incomplete:
            assert row.reason == "incomplete" and row.reason_params["answers"] == row.reason_params["expected"] - 1
    assert set(vars(row)) == {"id", "group_name", "units", "status", "reason", "reason_params", "flags"}


@pytest.mark.parametrize(
    "where, keep",
    [
        (ReviewFilter(flag="too_fast"), lambda b: b.shape.fast),
        (ReviewFilter(flag="straight_lining"), lambda b: b.shape.straight),
        (ReviewFilter(status="invalid"), lambda b: b.shape.incomplete),
        (ReviewFilter(status="valid"), lambda b: b.to_review and not b.shape.incomplete),
        (ReviewFilter(unit="SO-NV"), lambda b: b.to_review and b.unit == "SO-NV"),
        (ReviewFilter(group="H-XA"), lambda b: b.to_review and b.group == "H-XA"),
        (ReviewFilter(group="SO-CC", flag="too_fast", status="valid"), None),
    ],
)
def test_filters(closed, where, keep):
    campaign, built = closed
    if keep is None:  # every part at once
        keep = lambda b: b.group == "SO-CC" and b.shape.fast and not b.shape.incomplete  # noqa: E731
    expected = {b.id for b in built if keep(b)}
    assert expected, "the filter should match something"
    assert set(everything(campaign, where)) == expected
    assert review_list.review_page(campaign, where).total == len(expected)


def test_counts_per_warning_and_status_leave_out_their_own_part_of_the_filter(closed):
    campaign, built = closed
    page = review_list.review_page(campaign, ReviewFilter())
    assert page.by_flag == {
        "too_fast": sum(b.shape.fast for b in built),
        "straight_lining": sum(b.shape.straight for b in built),
    }
    assert page.any_flag == page.total == sum(b.to_review for b in built)
    assert page.by_status == NONE | dict(Counter(b.status for b in built if b.to_review))
    # Filtered by group and by a warning: the warning counts keep the group and drop the warning, the status
    # counts keep both.
    page = review_list.review_page(campaign, ReviewFilter(group="SO-CC", flag="straight_lining"))
    mine = [b for b in built if b.group == "SO-CC"]
    assert page.by_flag == {
        "too_fast": sum(b.shape.fast for b in mine),
        "straight_lining": sum(b.shape.straight for b in mine),
    }
    assert page.any_flag == sum(b.to_review for b in mine)
    assert page.by_status == NONE | dict(Counter(b.status for b in mine if b.shape.straight))
    assert 0 < page.by_status["invalid"] < page.by_status["valid"]
    assert page.total == sum(b.shape.straight for b in mine)


def test_unknown_filter_values_are_refused(closed):
    campaign, _ = closed
    for where, code in [
        (ReviewFilter(unit="NO-SUCH"), "review_unknown_unit"),
        (ReviewFilter(group="NO-SUCH"), "review_unknown_group"),
        (ReviewFilter(flag="slow"), "review_unknown_flag"),
        (ReviewFilter(status="deleted"), "review_unknown_status"),
    ]:
        with pytest.raises(NotFound) as refused:
            review_list.review_page(campaign, where)
        assert refused.value.code == code


def test_a_page_costs_the_same_statements_at_any_size(app, tmp_path):
    """The counts are aggregates in SQL and a page reads its own rows only: the number of statements does not
    grow with the number of flagged responses (120 responses in one campaign, 720 in another)."""
    costs = []
    for code, n in (("S", 120), ("L", 720)):
        setup = make_campaign(app, tmp_path, "son-la-2024", [], code=code)
        insert_responses(setup.campaign, n)
        closing.close_and_validate(code)
        costs.append(_cost(setup.campaign))
    small, large = costs
    assert large["total"] > 5 * small["total"] and large["rows"] == small["rows"] == PAGE_SIZE
    assert large["statements"] == small["statements"] <= 8


def _cost(campaign) -> dict:
    seen = {"statements": 0}

    def count(conn, cursor, statement, parameters, context, executemany):
        seen["statements"] += 1

    engine = db.engine
    sa.event.listen(engine, "after_cursor_execute", count)
    try:
        page = review_list.review_page(campaign, ReviewFilter(), 1)
    finally:
        sa.event.remove(engine, "after_cursor_execute", count)
    return seen | {"rows": len(page.rows), "total": page.total}


# ---------------------------------------------------------------- bulk exclude and restore


def test_bulk_exclude_then_restore_moves_the_tallies_and_writes_one_entry_each(closed):
    campaign, built = closed
    chosen = [r.id for r in review_list.review_page(campaign, ReviewFilter(status="valid")).rows]
    assert len(chosen) == PAGE_SIZE
    before, was = tallies.snapshot(campaign), statuses()
    done = review.exclude_responses(campaign, "  trả lời hộ nhau  ", ids=chosen)
    assert (done.action, done.count) == ("exclude", PAGE_SIZE)
    now = statuses()
    assert {i for i, s in now.items() if s != was[i]} == set(chosen)
    assert all(now[i] == ResponseStatus.EXCLUDED for i in chosen)
    reasons = set(db.session.scalars(sa.select(Response.status_reason).where(Response.id.in_(chosen))))
    assert reasons == {"trả lời hộ nhau"}
    after = tallies.snapshot(campaign)
    answers = lambda snap: sum(v[0] for v in snap["answer_tally"].values())  # noqa: E731
    responses = lambda snap: sum(v[0] for v in snap["response_count"].values())  # noqa: E731
    assert responses(before) - responses(after) == PAGE_SIZE
    their_answers = sa.select(sa.func.count()).select_from(Answer).where(Answer.response_id.in_(chosen))
    assert answers(before) - answers(after) == db.session.scalar(their_answers) > 0
    tallies.rebuild_tallies(campaign)
    assert tallies.snapshot(campaign) == after  # live counters equal a rebuild
    # The counts on the page moved by exactly the batch.
    page = review_list.review_page(campaign, ReviewFilter())
    assert page.by_status["excluded"] == PAGE_SIZE
    # Restore the same batch: everything as before.
    again = review.restore_responses(campaign, "kiểm tra lại: không phải trả lời hộ", ids=chosen)
    assert again.count == PAGE_SIZE and statuses() == was
    assert tallies.snapshot(campaign) == before
    entries = bulk_entries()
    assert [(e.action, e.campaign_code, e.actor, e.target) for e in entries] == [
        ("responses.exclude", campaign.code, "cli", None),
        ("responses.restore", campaign.code, "cli", None),
    ]
    first, second = (json.loads(e.detail) for e in entries)
    assert first == {"count": 50, "reason": "trả lời hộ nhau", "scope": "selected", "ids": sorted(chosen)}
    assert second["count"] == 50 and second["reason"] == "kiểm tra lại: không phải trả lời hộ"
    assert db.session.scalar(
        sa.select(sa.func.count()).select_from(Response).where(Response.status_reason.isnot(None))
    ) == sum(b.shape.incomplete for b in built)  # a restored response keeps no exclusion reason


def test_every_response_matching_a_filter_after_a_confirmed_count(closed):
    campaign, built = closed
    where = ReviewFilter(flag="too_fast", group="SO-CC")
    expected = {b.id for b in built if b.shape.fast and b.group == "SO-CC" and not b.shape.incomplete}
    assert review_list.plan_bulk(campaign, where, "exclude") == len(expected) > 0
    assert bulk_entries() == []  # counting wrote nothing
    done = review.exclude_responses(campaign, "nhập thử", where=where, expected=len(expected))
    assert done.count == len(expected)
    assert {i for i, s in statuses().items() if s == ResponseStatus.EXCLUDED} == expected
    detail = json.loads(bulk_entries()[0].detail)
    assert detail["scope"] == "filter" and detail["filter"] == {"flag": "too_fast", "group": "SO-CC"}
    # Nothing valid is left to exclude under that filter; restoring takes them all back.
    with pytest.raises(ServiceError) as refused:
        review_list.plan_bulk(campaign, where, "exclude")
    assert refused.value.code == "review_nothing_to_exclude"
    assert review_list.plan_bulk(campaign, where, "restore") == len(expected)
    review.restore_responses(campaign, "nhập nhầm", where=where, expected=len(expected))
    assert ResponseStatus.EXCLUDED not in statuses().values()
    with pytest.raises(ServiceError) as refused:
        review_list.plan_bulk(campaign, where, "restore")
    assert refused.value.code == "review_nothing_to_restore"


def test_a_filter_whose_matches_changed_since_the_count_changes_nothing(closed):
    campaign, built = closed
    where = ReviewFilter(flag="straight_lining")
    count = review_list.plan_bulk(campaign, where, "exclude")
    one = next(b.id for b in built if b.shape.straight and not b.shape.incomplete)
    review.exclude_responses(campaign, "người khác vừa loại", ids=[one])  # meanwhile, another admin
    before, was = tallies.snapshot(campaign), statuses()
    with pytest.raises(ServiceError) as refused:
        review.exclude_responses(campaign, "cả nhóm", where=where, expected=count)
    assert (refused.value.code, refused.value.params) == (
        "review_selection_changed",
        {"expected": count, "count": count - 1},
    )
    assert statuses() == was and tallies.snapshot(campaign) == before and len(bulk_entries()) == 1


def _valid_ids(built: list[Built], n: int) -> list[str]:
    return [b.id for b in built if b.to_review and b.status == ResponseStatus.VALID][:n]


@pytest.mark.parametrize(
    "action, reason, make_ids, code",
    [
        ("exclude", "", lambda c, b: _valid_ids(b, 3), "exclusion_needs_reason"),
        ("exclude", "   ", lambda c, b: _valid_ids(b, 3), "exclusion_needs_reason"),
        ("restore", "", lambda c, b: _valid_ids(b, 3), "restoring_needs_reason"),
        ("exclude", "x" * 501, lambda c, b: _valid_ids(b, 3), "review_reason_too_long"),
        ("exclude", "lý do", lambda c, b: [], "review_nothing_selected"),
        ("exclude", "lý do", lambda c, b: ["", "  "], "review_nothing_selected"),
        ("exclude", "lý do", lambda c, b: [*_valid_ids(b, 49), "0" * 32], "responses_not_in_campaign"),
        ("exclude", "lý do", lambda c, b: [*_valid_ids(b, 49), c["other"]], "responses_not_in_campaign"),
        ("exclude", "lý do", lambda c, b: [*_valid_ids(b, 49), c["excluded"]], "responses_already_excluded"),
        (
            "exclude",
            "lý do",
            lambda c, b: [*_valid_ids(b, 10), *[x.id for x in b if x.shape.incomplete][:7]],
            "responses_invalid",
        ),
        ("restore", "lý do", lambda c, b: [c["excluded"], *_valid_ids(b, 2)], "responses_not_excluded"),
    ],
)
def test_refusals_change_nothing(app, tmp_path, closed, action, reason, make_ids, code):
    campaign, built = closed
    other = make_campaign(app, tmp_path, "son-la-2024", [], code="OTHER")
    other_id = insert_responses(other.campaign, 1)[0].id
    excluded = _valid_ids(built, 60)[-1]
    review.exclude_responses(campaign, "đã loại từ trước", ids=[excluded])
    ids = make_ids({"other": other_id, "excluded": excluded}, built)
    before, was, entries = tallies.snapshot(campaign), statuses(), len(bulk_entries())
    with pytest.raises(ServiceError) as refused:
        getattr(review, f"{action}_responses")(campaign, reason, ids=ids)
    assert refused.value.code == code
    assert statuses() == was and tallies.snapshot(campaign) == before and len(bulk_entries()) == entries
    if "count" in refused.value.params:  # how many, and the first few by their short ids
        offending = refused.value.params
        assert offending["count"] >= 1 and 1 <= len(offending["ids"]) <= 6
        assert all(len(i) <= 8 for i in offending["ids"])
    if code == "responses_invalid":
        assert refused.value.params["count"] == 7 and refused.value.params["ids"][-1] == "…"


def test_before_close_there_is_nothing_to_exclude_in_bulk(app, tmp_path):
    setup = make_campaign(app, tmp_path, "son-la-2024", [])
    ids = [b.id for b in insert_responses(setup.campaign, 5)]
    for call in (
        lambda: review.exclude_responses(setup.campaign, "lý do", ids=ids),
        lambda: review.restore_responses(setup.campaign, "lý do", ids=ids),
        lambda: review_list.plan_bulk(setup.campaign, ReviewFilter(), "exclude"),
    ):
        with pytest.raises(ServiceError) as refused:
            call()
        assert refused.value.code == "review_not_closed"
    assert set(statuses().values()) == {ResponseStatus.VALID} and bulk_entries() == []


def test_every_new_code_and_action_has_vietnamese_words(closed):
    from survey_app import texts
    from survey_app.admin import texts as admin_texts
    from survey_app.texts.audit import ACTIONS

    campaign, _ = closed
    assert set(review_list.FLAG_KINDS) == set(closing.FLAG_CODES) == set(admin_texts.REVIEW_FLAGS)
    assert (
        texts.say("flag.too_fast", seconds=40, minimum=120) == "Trả lời quá nhanh: khoảng 40 giây, tối thiểu 120 giây"
    )
    said = texts.say("responses_already_excluded", count=1574, ids=["ab12cd34", "…"])
    assert said == "1.574 phiếu đã chọn đã bị loại từ trước: ab12cd34, …. Chưa thay đổi phiếu nào."
    label, detail = texts.describe_audit("responses.exclude", {"count": 1574, "reason": "trả lời hộ", "ids": []})
    assert (label, detail) == ("Loại nhiều phiếu", "1.574 phiếu; lý do: trả lời hộ")
    assert "responses.restore" in ACTIONS


def test_the_commands_take_one_id_or_a_file_of_ids(runner, closed, tmp_path):
    campaign, built = closed
    ids = _valid_ids(built, 4)
    listed = tmp_path / "ids.txt"
    listed.write_text("# phiếu cần loại\n" + "\n".join(ids[1:]) + "\n\n", encoding="utf-8")
    one = runner.invoke(args=["responses", "exclude", ids[0], "--reason", "trả lời hộ"])
    assert one.exit_code == 0 and one.output.strip() == f"Đã loại phiếu {ids[0]}."
    many = runner.invoke(args=["responses", "exclude", "--from-file", str(listed), "--reason", "cùng máy"])
    assert many.exit_code == 0 and many.output.strip() == "Đã loại 3 phiếu khỏi kết quả."
    assert all(statuses()[i] == ResponseStatus.EXCLUDED for i in ids)
    # Again: every one of them is already excluded, so nothing changes and the command says which.
    again = runner.invoke(args=["responses", "exclude", "--from-file", str(listed), "--reason", "cùng máy"])
    assert again.exit_code == 1 and "3 phiếu đã chọn đã bị loại từ trước" in again.output
    no_reason = runner.invoke(args=["responses", "restore", "--from-file", str(listed)])
    assert no_reason.exit_code == 1 and "Khôi phục phiếu cần ghi lý do." in no_reason.output
    back = runner.invoke(args=["responses", "restore", "--from-file", str(listed), "--reason", "nhầm"])
    assert back.exit_code == 0 and back.output.strip() == "Đã khôi phục 3 phiếu."
    assert runner.invoke(args=["responses", "restore", ids[0]]).exit_code == 0
    assert ResponseStatus.EXCLUDED not in statuses().values()
    both = runner.invoke(args=["responses", "exclude", ids[0], "--from-file", str(listed), "--reason", "x"])
    neither = runner.invoke(args=["responses", "restore"])
    assert both.exit_code == neither.exit_code == 2 and "không cả hai" in both.output
    assert [e.action for e in bulk_entries()] == ["responses.exclude", "responses.restore"]


def test_two_admins_excluding_overlapping_batches_at_once(app, closed):
    """Two transactions at the same moment (one per thread, each its own session and connection): one wins,
    the other is refused as a whole, and the tallies still equal a rebuild."""
    import threading

    from survey_app.services.survey.campaigns import get_campaign

    campaign, built = closed
    ids = _valid_ids(built, 80)
    batches = [ids[:50], ids[30:]]  # 20 in common
    code = campaign.code
    db.session.commit()
    barrier, outcome = threading.Barrier(2), {}

    def one(k: int) -> None:
        barrier.wait(10)
        with app.app_context():  # on SQLite the first read takes the write lock: the other waits for it
            try:
                c = get_campaign(code)
                outcome[k] = review.exclude_responses(c, f"quản trị viên {k}", ids=batches[k]).count
            except ServiceError as exc:
                outcome[k] = exc.code
            finally:
                db.session.remove()

    threads = [threading.Thread(target=one, args=(k,)) for k in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcome.values(), key=str) == [50, "responses_already_excluded"]
    winner = next(k for k, v in outcome.items() if v == 50)
    excluded = {i for i, s in statuses().items() if s == ResponseStatus.EXCLUDED}
    assert excluded == set(batches[winner]) and len(bulk_entries()) == 1
    live = tallies.snapshot(campaign)
    tallies.rebuild_tallies(campaign)
    assert tallies.snapshot(campaign) == live
