"""Live progress and scores as JSON for the dashboard and for scripts (bearer token), by role.

Read-only: with cookies or a bearer header, these answer GET only, so CSRF does not apply.
"""

from __future__ import annotations

from dataclasses import asdict

from flask import jsonify
from flask_login import current_user

from ..auth import READ, roles
from ..reads import read_only
from ..services import lagging, monitoring
from ..services.survey.campaigns import get_campaign
from ..timeutil import aware
from . import bp


def _own_unit() -> str | None:
    """A focal point sees their own unit only; admins and monitors see all."""
    return current_user.unit_code if current_user.role == "unit" else None


@bp.get("/campaigns/<code>/progress")
@roles(*READ)
@read_only
def progress(code: str):
    """Funnel per unit × group, sample status, what lags, overall counts and submissions per day."""
    campaign = get_campaign(code)
    unit = _own_unit()
    cells = monitoring.cells(campaign, unit)
    headline = lagging.summarise(cells)
    body = {
        "campaign": _campaign_json(campaign),
        "unit_type_names": {t.code: t.name for t in campaign.pack.unit_types},
        "cells": [_cell_json(c) for c in cells],
        # Worst first, as [unit code, group code] keys into `cells`.
        "short_cells": [[c.unit_code, c.group_code] for c in headline.short_cells],
        "rated_cells": headline.rated_cells,
        "units": [asdict(u) | {"rate": u.rate} for u in headline.units],
    }
    ov = monitoring.overview(campaign, unit)
    body["overview"] = asdict(ov) | {
        "rate": ov.rate,
        "closes_at": _iso(ov.closes_at),
        "closed_at": _iso(ov.closed_at),
        "closed_early": ov.closed_early,
    }
    if unit is None:  # the per-day series is province-wide
        body["by_day"] = monitoring.submissions_by_day(campaign)
        body["days"] = lagging.daily_series(campaign)
    return jsonify(body)


@bp.get("/campaigns/<code>/scores")
@roles(*READ)
@read_only
def scores(code: str):
    """Live survey points per unit, area and total, with rank within the unit type."""
    campaign = get_campaign(code)
    rows = monitoring.live_scores(campaign, _own_unit())
    pack = campaign.pack
    return jsonify(
        campaign=_campaign_json(campaign),
        anonymity_k=pack.anonymity_k,
        unit_types=[
            {
                "code": t.code,
                "name": t.name,
                "survey_points": float(t.survey_points),
                "areas": [
                    {"code": a.code, "name": a.name}
                    for a in t.areas
                    if any(q.area == a.code and q.unit_type == t.code for q in pack.questions)
                ],
            }
            for t in pack.unit_types
        ],
        units=[_score_json(r) for r in rows],
    )


def _score_json(r: monitoring.ScoreRow) -> dict:
    """A unit's live score, or why it is not shown: figures from fewer than k responses never leave."""
    number = lambda v: None if v is None else float(v)  # noqa: E731
    return {
        "unit_code": r.unit_code,
        "unit_name": r.unit_name,
        "unit_type": r.unit_type,
        "responses": r.responses,
        "disclosed": r.disclosed,
        "reason": None if r.disclosed else "below_k",
        "k": r.k,
        "total": number(r.total),
        "percent": number(r.percent),
        "rank": r.rank,
        "areas": None if r.areas is None else {a: float(v) for a, v in r.areas.items()},
        "unanswered": r.unanswered,
        "groups": r.groups,
    }


def _campaign_json(c) -> dict:
    return {
        "code": c.code,
        "title": c.title,
        "status": c.status,
        "opens_at": _iso(c.opens_at),
        "closes_at": _iso(c.closes_at),
        "closed_at": _iso(c.closed_at),
    }


def _iso(value) -> str | None:
    return aware(value).isoformat() if value is not None else None


def _cell_json(c: monitoring.Cell) -> dict:
    return asdict(c) | {"rate": c.rate}
