"""Questionnaire pages: load (404/410 early) → act → render. Works without JavaScript."""

from __future__ import annotations

from flask import make_response, redirect, render_template, request, url_for

from ..services.survey import refusals, responding
from ..texts import fill
from . import bp, pages
from .after import mix_after
from .limits import link_route, read_link
from .refusals import STATUS
from .texts import MESSAGES

FIELD_PREFIX = "a:"


def _message(key: str, campaign=None, **params):
    """A message page; `params` fill its placeholders (not_open: opens_at)."""
    msg = {part: fill(text, **params) for part, text in MESSAGES[key].items()} if params else MESSAGES[key]
    return render_template("respond/message.html", msg=msg, campaign=campaign), STATUS.get(key, 200)


def _guarded(action):
    """Run a service call, turning a refusal of the link itself into the matching page."""
    try:
        return action(), None
    except (refusals.UnknownLink, refusals.Gone, refusals.NotOpen) as exc:
        return None, _message(exc.code, exc.campaign, **exc.params)


def _page_index(q, raw) -> int:
    try:
        return min(max(int(raw), 0), len(q.sections) - 1)
    except (TypeError, ValueError):
        return 0


@bp.get("/s/<token>")
@link_route
def questionnaire(token: str):
    """Show one section of the questionnaire (the whole of it when the group rates its own unit)."""
    q, refusal = _guarded(lambda: responding.open_questionnaire(token, link=read_link()))
    if refusal:
        return refusal
    if q.submitted:
        return render_template("respond/message.html", msg=MESSAGES["thanks"], campaign=q.campaign)
    # ?m=1: reached from the list of missing questions; keep showing what is still missing.
    missing = bool(request.args.get("m"))
    page = _page_index(q, request.args.get("p"))
    tag = pages.etag(q, page, missing)
    if tag in request.if_none_match:
        resp = make_response("", 304)
    else:
        problems = q.missing() if missing else []
        resp = make_response(render_template("respond/questionnaire.html", q=q, page=page, problems=problems))
    # Kept by the phone's browser but asked for again each time (no-cache): an unchanged page costs a 304.
    resp.set_etag(tag)
    resp.headers["Cache-Control"] = "private, no-cache"
    return resp


@bp.post("/s/<token>")
@link_route
def save(token: str):
    """Plain form post: save the section's answers, then move, stay or submit."""
    answers: dict[str, dict[str, str]] = {}
    for name, value in request.form.items():
        if name.startswith(FIELD_PREFIX) and name.count(":") == 2:
            _, unit, question = name.split(":")
            answers.setdefault(unit, {})[question] = value
    action = request.form.get("action", "save")
    try:
        if action == "submit":
            q, refusal = _guarded(lambda: responding.submit(token, answers, link=read_link()))
            if refusal:
                return refusal
            return mix_after(redirect(url_for(".questionnaire", token=token), code=303), q.campaign)
        q, refusal = _guarded(lambda: responding.save_answers(token, answers, link=read_link()))
    except refusals.AlreadySubmitted as exc:
        return _message(exc.code)
    except refusals.InvalidAnswers as exc:
        q = responding.open_questionnaire(token, mark_opened=False)
        first = exc.problems[0]
        page = next((i for i, s in enumerate(q.sections) if s.unit.code == first.unit), 0)
        page = page if isinstance(exc, refusals.Incomplete) else 0
        return render_template("respond/questionnaire.html", q=q, page=page, problems=exc.problems), STATUS[exc.code]
    if refusal:
        return refusal
    page = _page_index(q, request.form.get("goto", request.form.get("p")))
    missing = "1" if request.form.get("m") else None
    anchor = "top" if page or missing else None
    return redirect(url_for(".questionnaire", token=token, p=page or None, m=missing, _anchor=anchor), code=303)
