"""The respondent flow as JSON: 200 / 400 / 403 / 404 / 409 / 410 / 413 / 422 / 429 / 503, as the
OpenAPI document says."""

from __future__ import annotations

from dataclasses import asdict

from flask import jsonify

from ..respond.after import mix_after
from ..respond.limits import link_route, read_link
from ..respond.refusals import STATUS
from ..respond.texts import MESSAGES, PROBLEMS
from ..services.survey import refusals, responding
from ..texts import fill, say
from ..timeutil import aware
from . import bp
from .body import BadBody, answers_from_body


def _error(code: str, **extra):
    """A refusal as JSON: the code, a Vietnamese sentence for people, the HTTP status of the code."""
    message = MESSAGES[code]["title"] if code in MESSAGES else PROBLEMS[code]
    return jsonify(error=code, message=message, **extra), STATUS[code]


def _not_open(exc: refusals.NotOpen):
    """403 saying when the campaign opens, in words and as an ISO time."""
    opens_at = aware(exc.params["opens_at"])
    message = f"{MESSAGES['not_open']['title']}. {fill(MESSAGES['not_open']['text'], opens_at=opens_at)}"
    return jsonify(error=exc.code, message=message, opens_at=opens_at.isoformat()), STATUS[exc.code]


def _call(action):
    """Map the service's refusals to HTTP statuses (one table for the page and the API); a bad body
    answers 400 before the token is looked at."""
    try:
        return action(), None
    except BadBody as exc:
        return None, (jsonify(error=exc.code, message=say(exc.code, **exc.params)), 400)
    except refusals.InvalidAnswers as exc:
        problems = [asdict(p) | {"message": PROBLEMS[p.code]} for p in exc.problems]
        key = "missing" if isinstance(exc, refusals.Incomplete) else "problems"
        return None, _error(exc.code, **{key: problems})
    except refusals.NotOpen as exc:
        return None, _not_open(exc)
    except refusals.Refused as exc:
        return None, _error(exc.code)


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
@link_route
def get_questionnaire(token: str):
    """The questionnaire, the answers saved so far and the progress."""
    q, err = _call(lambda: responding.open_questionnaire(token, link=read_link()))
    return err or jsonify(questionnaire_json(q))


@bp.put("/r/<token>/answers")
@link_route
def save_answers(token: str):
    """Merge a partial set of answers into the draft."""
    q, err = _call(lambda: responding.save_answers(token, answers_from_body(required=True), link=read_link()))
    return err or jsonify(saved=True, progress={"answered": q.answered, "total": q.total})


@bp.post("/r/<token>/submit")
@link_route
def submit(token: str):
    """Submit once (optionally with the last answers); 409 for every later attempt."""
    q, err = _call(lambda: responding.submit(token, answers_from_body(required=False), link=read_link()))
    return err or mix_after(jsonify(status="submitted"), q.campaign)
