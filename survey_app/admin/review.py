"""Validity at close: issued / returned / valid, the responses to review one page at a time, filtered, with
the count per warning; excluding and restoring many at once with a reason (logged, reversible)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from ..auth import roles
from ..errors import ServiceError
from ..models import Campaign, CampaignStatus, ResponseStatus, Role
from ..reads import read_only
from ..services import monitoring
from ..services.survey import review as reviewing
from ..services.survey import review_list
from ..services.survey.campaigns import get_campaign
from ..texts import fill, say_error
from . import bp, texts

BULK = {"exclude": reviewing.exclude_responses, "restore": reviewing.restore_responses}
DONE = {"exclude": texts.REVIEW_EXCLUDED, "restore": texts.REVIEW_RESTORED}


def _filter(values) -> review_list.ReviewFilter:
    """The filter from GET parameters (or the hidden fields of a form that came from a filtered page)."""
    return review_list.ReviewFilter(**{k: (values.get(k) or "").strip()[:40] or None for k in review_list.FILTERS})


def _page_number(values) -> int:
    try:
        return max(1, int(values.get("page", 1)))
    except ValueError:
        return 1


@bp.get("/c/<code>/review")
@roles(Role.ADMIN, Role.MONITOR)
@read_only
def review(code: str):
    """The validity summary; after close, one page of the responses that need a look, with the filters."""
    campaign = get_campaign(code)
    selected = {"page"} if request.args.get("select") == "page" else set()
    return _page(campaign, _filter(request.args), _page_number(request.args), selected)


def _page(campaign: Campaign, where, page: int, selected: set, reason: str = "", error: str | None = None, status=200):
    closed = campaign.status == CampaignStatus.CLOSED
    listing = review_list.review_page(campaign, where, page) if closed else None
    if listing and "page" in selected:
        selected = {r.id for r in listing.rows if r.status != ResponseStatus.INVALID}  # the others can change
    html = render_template(
        "admin/review.html",
        campaign=campaign,
        closed=closed,
        where=where,
        listing=listing,
        choices=review_list.choices(campaign) if closed else None,
        flag_kinds=review_list.FLAG_KINDS,
        statuses=review_list.STATUSES,
        flag_names=texts.REVIEW_FLAGS,
        selected=selected,
        reason=reason,
        error=error,
        overview=monitoring.overview(campaign),
        cells=monitoring.cells(campaign),
        unit_warnings=review_list.unit_warnings(campaign),
    )
    return html, status


@bp.post("/c/<code>/review/bulk")
@roles(Role.ADMIN)
def review_bulk(code: str):
    """Exclude or restore the ticked responses, or (after a confirmation showing how many) every response
    matching the filter: one service call, all or nothing, one audit entry."""
    campaign = get_campaign(code)
    chosen = request.form.get("action", "")  # exclude, restore, or either with _matching: the filter's every match
    action, matching = chosen.removesuffix("_matching"), chosen.endswith("_matching")
    if action not in BULK:
        abort(400)
    where, page = _filter(request.form), _page_number(request.form)
    reason, ids = request.form.get("reason", ""), request.form.getlist("id")
    expected = request.form.get("expected", "")
    try:
        if matching and not expected.isdigit():  # first the count, for the admin to confirm
            return _confirm(campaign, where, page, action, reason)
        if matching:
            done = BULK[action](campaign, reason, where=where, expected=int(expected))
        else:
            done = BULK[action](campaign, reason, ids=ids)
    except ServiceError as exc:
        status = 409 if exc.code == "review_selection_changed" else 422
        return _page(campaign, where, page, set(ids), reason, say_error(exc), status)
    flash(fill(DONE[action], count=done.count))
    return redirect(url_for(".review", code=code, page=page, **where.as_args()))


def _confirm(campaign: Campaign, where, page: int, action: str, reason: str):
    """How many responses "every response matching the filter" means, before anything changes."""
    return render_template(
        "admin/review_confirm.html",
        campaign=campaign,
        where=where,
        page=page,
        action=action,
        count=review_list.plan_bulk(campaign, where, action),
        reason=reason,
        flag_names=texts.REVIEW_FLAGS,
        choices=review_list.choices(campaign),
    )


@bp.post("/c/<code>/responses/<response_id>/exclude")
@roles(Role.ADMIN)
def exclude(code: str, response_id: str):
    """Exclude one response with a reason (logged, reversible); `flask responses exclude` does the same."""
    try:
        reviewing.exclude_response(response_id, request.form.get("reason", ""))
        flash(texts.EXCLUDED)
    except ServiceError as exc:
        flash(say_error(exc))
    return redirect(url_for(".review", code=code))


@bp.post("/c/<code>/responses/<response_id>/restore")
@roles(Role.ADMIN)
def restore(code: str, response_id: str):
    """Count an excluded response again."""
    try:
        reviewing.restore_response(response_id)
        flash(texts.RESTORED)
    except ServiceError as exc:
        flash(say_error(exc))
    return redirect(url_for(".review", code=code))
