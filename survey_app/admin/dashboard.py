"""The live dashboard, the per-unit page, reminders and closing a campaign."""

from __future__ import annotations

from dataclasses import asdict
from functools import lru_cache

from flask import Response, abort, flash, redirect, render_template, request, url_for

from ..auth import READ, check_unit, roles
from ..errors import ServiceError
from ..models import Role
from ..reads import read_only
from ..security import CHART_CSP
from ..services import lagging, monitoring
from ..services.delivery import queue, status
from ..services.survey import closing
from ..services.survey.campaigns import get_campaign
from ..texts import fill, say, say_error
from . import bp, texts

HEADLINE_ROWS = 5  # units and cells named in the headline; the tables below list them all


@bp.get("/c/<code>/")
@roles(Role.ADMIN, Role.MONITOR)
@read_only
def dashboard(code: str):
    """Overview, unit × group table, live scores and charts; the page refreshes itself from the JSON API."""
    campaign = get_campaign(code)
    page = render_template(
        "admin/dashboard.html",
        campaign=campaign,
        overview=monitoring.overview(campaign),
        headline=lagging.lagging(campaign),
        shown=HEADLINE_ROWS,
    )
    resp = Response(page)
    # plotly.js injects its own <style> element (layout of the chart layers, hover labels); without it the
    # charts' SVG layers spill over the tables. Inline styles are allowed on this page only; scripts stay 'self'.
    resp.headers["Content-Security-Policy"] = CHART_CSP
    return resp


@bp.post("/c/<code>/remind")
@roles(Role.ADMIN)
def remind_units(code: str):
    """Queue reminders for the non-respondents of the units the headline showed (their codes are posted)."""
    campaign = get_campaign(code)
    known = {c.unit_code: c.unit_name for c in monitoring.cells(campaign)}
    chosen = [u for u in dict.fromkeys(request.form.getlist("unit")) if u in known]
    if not chosen:
        flash(texts.REMIND_NO_UNITS)
        return redirect(url_for(".dashboard", code=code))
    ids = [p.respondent_id for u in chosen for p in monitoring.non_respondents(campaign, u)]
    try:
        report = queue.queue_reminders(campaign, respondent_ids=ids)
    except ServiceError as exc:
        flash(say_error(exc))
    else:
        reasons = sorted({s.reason for s in report.skipped})
        why = [
            fill(texts.SKIP_REASON, reason=say(f"skip.{r}"), count=sum(s.reason == r for s in report.skipped))
            for r in reasons
        ]
        flash(
            fill(
                texts.REMIND_UNITS_QUEUED,
                queued=report.queued,
                units=[known[u] for u in chosen],
                skipped=len(report.skipped),
                reasons=fill(texts.SKIP_REASONS, reasons="; ".join(why)) if why else "",
            )
        )
    return redirect(url_for(".dashboard", code=code))


@bp.get("/c/<code>/u/<unit_code>")
@roles(*READ)
@read_only
def unit(code: str, unit_code: str):
    """One unit: its cells, its live score and who has not answered yet."""
    check_unit(unit_code)
    campaign = get_campaign(code)
    cells = monitoring.cells(campaign, unit_code)
    if not cells:
        abort(404)
    return render_template(
        "admin/unit.html",
        campaign=campaign,
        unit_name=cells[0].unit_name,
        unit_code=unit_code,
        cells=cells,
        scores=monitoring.live_scores(campaign, unit_code),
        area_names={a.code: a.name for t in campaign.pack.unit_types for a in t.areas},
        people=monitoring.non_respondents(campaign, unit_code),
    )


@bp.post("/c/<code>/u/<unit_code>/remind")
@roles(Role.ADMIN)
def remind(code: str, unit_code: str):
    """Queue reminders for the unit's non-respondents (or the ones ticked) through the delivery outbox."""
    campaign = get_campaign(code)
    ids = [int(i) for i in request.form.getlist("respondent") if i.isdigit()]
    if not ids:
        ids = [p.respondent_id for p in monitoring.non_respondents(campaign, unit_code)]
    try:
        report = queue.queue_reminders(campaign, respondent_ids=ids)
    except ServiceError as exc:
        flash(say_error(exc))
    else:
        flash(fill(texts.REMIND_QUEUED, queued=report.queued, skipped=len(report.skipped)))
    return redirect(url_for(".unit", code=code, unit_code=unit_code))


@bp.post("/c/<code>/close")
@roles(Role.ADMIN)
def close(code: str):
    """Close the campaign now and run the validity rules."""
    get_campaign(code)
    try:
        report = closing.close_and_validate(code)
    except ServiceError as exc:
        flash(say_error(exc))
        return redirect(url_for(".dashboard", code=code))
    flash(fill(texts.CLOSED, **asdict(report)))
    return redirect(url_for(".review", code=code))


@bp.get("/assets/plotly.js")
@roles(*READ)
def plotly_js():
    """plotly.js from the installed plotly package: no CDN, cached by the browser for a day."""
    resp = Response(_plotly_source(), mimetype="text/javascript")
    resp.headers["Cache-Control"] = "private, max-age=86400"
    return resp


@lru_cache(maxsize=1)
def _plotly_source() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


@bp.get("/c/<code>/delivery")
@roles(Role.ADMIN, Role.MONITOR)
@read_only
def delivery_page(code: str):
    """Messages by status, and every failure or bounce with its reason and another channel to try."""
    campaign = get_campaign(code)
    return render_template(
        "admin/delivery.html",
        campaign=campaign,
        counts=sorted(status.status_counts(campaign=campaign).items()),
        failures=status.delivery_failures(campaign),
    )
