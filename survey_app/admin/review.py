"""Validity at close: issued / returned / valid, warnings to review, exclusions and their undoing."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from ..auth import roles
from ..errors import ServiceError
from ..models import Role
from ..services import monitoring
from ..services.survey import review as reviewing
from ..services.survey.campaigns import get_campaign
from ..texts import say_error
from . import bp, texts


@bp.get("/c/<code>/review")
@roles(Role.ADMIN, Role.MONITOR)
def review(code: str):
    """The validity summary and the responses that need a look."""
    campaign = get_campaign(code)
    return render_template(
        "admin/review.html",
        campaign=campaign,
        overview=monitoring.overview(campaign),
        cells=monitoring.cells(campaign),
        flagged=reviewing.review_list(campaign),
        unit_flags=reviewing.unit_flags(campaign),
    )


@bp.post("/c/<code>/responses/<response_id>/exclude")
@roles(Role.ADMIN)
def exclude(code: str, response_id: str):
    """Exclude one response with a reason (logged, reversible)."""
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
