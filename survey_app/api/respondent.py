"""The respondent flow as JSON: 200 / 403 / 404 / 409 / 410 / 422, as the OpenAPI document says."""

from __future__ import annotations

from dataclasses import asdict

from flask import current_app, jsonify, request

from ..extensions import limiter
from ..services import responding
from ..services.errors import NotFound
from ..timeutil import aware
from . import bp


def _limit() -> str:
    return current_app.config["RATELIMIT_TOKEN_ROUTES"]


def _unknown() -> str:
    return current_app.config["RATELIMIT_UNKNOWN_TOKEN"]


def _error(status: int, code: str, message: str, **extra):
    return jsonify(error=code, message=message, **extra), status


def _call(action):
    """Map the service's refusals to HTTP statuses."""
    try:
        return action(), None
    except NotFound:
        return None, _error(404, "unknown_token", "no questionnaire for this link")
    except responding.Gone as exc:
        return None, _error(
            410,
            exc.reason,
            "the campaign is closed" if exc.reason == "closed" else "this link was replaced by a newer one",
        )
    except responding.NotOpen:
        return None, _error(403, "not_open", "the campaign has not opened yet")
    except responding.AlreadySubmitted:
        return None, _error(409, "already_submitted", "this questionnaire was already submitted")
    except responding.Incomplete as exc:
        return None, _error(
            422, "incomplete", "some questions are not answered", missing=[asdict(p) for p in exc.problems]
        )
    except responding.InvalidAnswers as exc:
        return None, _error(
            422, "invalid_answers", "some answers are not valid", problems=[asdict(p) for p in exc.problems]
        )


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
        "status": "submitted" if q.submitted else q.invitation.status,
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
    return err or jsonify(status="submitted")
