"""Validity at close: issued / returned / valid, warnings to review, exclusions and their undoing."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from ..auth import roles
from ..services import monitoring, validation
from ..services.campaigns import get_campaign
from ..services.errors import ServiceError
from . import bp, texts


@bp.get("/c/<code>/review")
@roles("admin", "monitor")
def review(code: str):
    """The validity summary and the responses that need a look."""
    campaign = get_campaign(code)
    return render_template(
        "admin/review.html",
        campaign=campaign,
        overview=monitoring.overview(campaign),
        cells=monitoring.cells(campaign),
        flagged=validation.review_list(campaign),
        unit_flags=validation.unit_flags(campaign),
    )


@bp.post("/c/<code>/responses/<response_id>/exclude")
@roles("admin")
def exclude(code: str, response_id: str):
    """Exclude one response with a reason (logged, reversible)."""
    try:
        validation.exclude_response(response_id, request.form.get("reason", ""))
        flash(texts.EXCLUDED)
    except ServiceError as exc:
        flash(str(exc))
    return redirect(url_for(".review", code=code))


@bp.post("/c/<code>/responses/<response_id>/restore")
@roles("admin")
def restore(code: str, response_id: str):
    """Count an excluded response again."""
    try:
        validation.restore_response(response_id)
        flash(texts.RESTORED)
    except ServiceError as exc:
        flash(str(exc))
    return redirect(url_for(".review", code=code))
