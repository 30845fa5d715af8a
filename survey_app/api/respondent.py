"""The respondent flow as JSON: 200 / 403 / 404 / 409 / 410 / 422, as the OpenAPI document says."""

from __future__ import annotations

from dataclasses import asdict

from flask import current_app, jsonify, request

from ..extensions import limiter
from ..respond.after import mix_after
from ..respond.refusals import STATUS
from ..respond.texts import MESSAGES, PROBLEMS
from ..services.survey import refusals, responding
from ..timeutil import aware
from . import bp


def _limit() -> str:
    return current_app.config["RATELIMIT_TOKEN_ROUTES"]


def _unknown() -> str:
    return current_app.config["RATELIMIT_UNKNOWN_TOKEN"]


def _error(code: str, **extra):
    """A refusal as JSON: the code, a Vietnamese sentence for people, the HTTP status of the code."""
    message = MESSAGES[code]["title"] if code in MESSAGES else PROBLEMS[code]
    return jsonify(error=code, message=message, **extra), STATUS[code]


def _call(action):
    """Map the service's refusals to HTTP statuses (one table for the page and the API)."""
    try:
        return action(), None
    except refusals.InvalidAnswers as exc:
        problems = [asdict(p) | {"message": PROBLEMS[p.code]} for p in exc.problems]
        key = "missing" if isinstance(exc, refusals.Incomplete) else "problems"
        return None, _error(exc.code, **{key: problems})
    except refusals.Refused as exc:
        return None, _error(exc.code)


def _body_answers():
    body = request.get_json(silent=True)
    if body is None:
        return {}
    if not isinstance(body, dict):
        return body  # rejected with 422 by the service
    return body.get("answers", {})


def questionnaire_json(q: responding.Questionnaire) -> dict:
    return {
        "campaign": {
            "code": q.campaign.code,
            "title": q.campaign.title,
            "closes_at": aware(q.campaign.closes_at).isoformat(),
        },
        "group": {"code": q.group.code, "name": q.group.name},
        "status": q.invitation.status,
        "anonymity_k": q.pack.anonymity_k,
        "progress": {"answered": q.answered, "total": q.total},
        "scales": {
            s.code: [{"code": o.code, "label": o.label, "dont_know": o.dont_know} for o in s.options]
            for s in q.pack.scales
        },
        "sections": [
            {
                "unit": {"code": s.unit.code, "name": s.unit.name},
                "areas": [
                    {
                        "code": a.code,
                        "name": a.name,
                        "questions": [{"code": qq.code, "text": qq.text, "scale": qq.scale} for qq in qs],
                    }
                    for a, qs in s.areas
                ],
            }
            for s in q.sections
        ],
        "answers": q.answers,
    }


@bp.get("/r/<token>")
@limiter.limit(_limit)
@limiter.limit(_unknown, deduct_when=lambda r: r.status_code == 404)
def get_questionnaire(token: str):
    """The questionnaire, the answers saved so far and the progress."""
    q, err = _call(lambda: responding.open_questionnaire(token))
    return err or jsonify(questionnaire_json(q))


@bp.put("/r/<token>/answers")
@limiter.limit(_limit)
@limiter.limit(_unknown, deduct_when=lambda r: r.status_code == 404)
def save_answers(token: str):
    """Merge a partial set of answers into the draft."""
    q, err = _call(lambda: responding.save_answers(token, _body_answers()))
    return err or jsonify(saved=True, progress={"answered": q.answered, "total": q.total})


@bp.post("/r/<token>/submit")
@limiter.limit(_limit)
@limiter.limit(_unknown, deduct_when=lambda r: r.status_code == 404)
def submit(token: str):
    """Submit once (optionally with the last answers); 409 for every later attempt."""
    q, err = _call(lambda: responding.submit(token, _body_answers()))
    return err or mix_after(jsonify(status="submitted"), q.campaign.code)
