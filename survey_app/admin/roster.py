"""The roster pages: units and officials from a file, previewed before anything is written; the list
of officials per unit; one person added, corrected, moved, removed or given a new link."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for

from ..auth import roles
from ..errors import ImportRejected, NotFound, ServiceError
from ..models import Campaign, Role
from ..reads import read_only
from ..services.delivery import status
from ..services.survey import invitations, people, roster
from ..services.survey.campaigns import get_campaign
from ..texts import fill, say_error
from . import bp, roster_workbook, texts, uploads

KINDS = {
    "respondents": (roster.plan_respondents, roster.import_respondents),
    "units": (roster.plan_units, roster.import_units),
}
LIST_LIMIT = 500  # people shown at once; a search or a unit narrows the list


@bp.get("/c/<code>/roster")
@roles(Role.ADMIN, Role.MONITOR)
@read_only
def roster_home(code: str):
    """Units with their people, links and submissions; the file uploads and the templates."""
    campaign = get_campaign(code)
    return render_template("admin/roster.html", campaign=campaign, units=people.unit_rosters(campaign))


@bp.get("/c/<code>/roster/template/<kind>.xlsx")
@roles(Role.ADMIN)
@read_only
def roster_template(code: str, kind: str):
    """The workbook to fill in: headers, a sample row and drop-down lists of this campaign's codes."""
    if kind not in KINDS:
        abort(404)
    data = roster_workbook.template(get_campaign(code), kind)
    name = texts.TEMPLATE_NAMES[kind]
    return send_file(io.BytesIO(data), mimetype=roster_workbook.XLSX, as_attachment=True, download_name=name)


@bp.post("/c/<code>/roster/upload")
@roles(Role.ADMIN)
def roster_upload(code: str):
    """Read a file and show what importing it would change, or every bad row (nothing is written)."""
    campaign = get_campaign(code)
    try:
        file = uploads.uploaded_file()
    except uploads.TooLarge:
        flash(fill(texts.UPLOAD_TOO_LARGE, megabytes=uploads.MAX_BYTES / 2**20))
        return redirect(url_for(".roster_home", code=code))
    kind = request.form.get("kind", "")
    name = uploads.save(file) if kind in KINDS and file and file.filename else None
    if name is None:
        flash(texts.CHOOSE_ROSTER_FILE)
        return redirect(url_for(".roster_home", code=code))
    return _preview(campaign, kind, name, file.filename[:200])


def _preview(campaign: Campaign, kind: str, name: str, source: str, status_code: int = 200):
    try:
        plan = KINDS[kind][0](campaign, uploads.path_of(name))
    except ImportRejected as exc:  # the file as a whole: its type, an empty file, a missing column
        plan = roster.RosterPlan(kind, issues=exc.issues)
    if plan.issues:
        uploads.discard(name)
    page = render_template(
        "admin/roster_preview.html",
        campaign=campaign,
        kind=kind,
        plan=plan,
        upload=name,
        source=source,
        kinds=texts.ROSTER_KINDS,
        names=texts.CHANGE_KINDS,
        fields=texts.CHANGE_FIELDS,
    )
    return page, 422 if plan.issues else status_code


@bp.post("/c/<code>/roster/confirm")
@roles(Role.ADMIN)
def roster_confirm(code: str):
    """Import the previewed file as it was previewed, all or nothing."""
    campaign = get_campaign(code)
    kind, name, source = request.form.get("kind", ""), request.form.get("upload", ""), request.form.get("source", "")
    path = uploads.path_of(name)
    if kind not in KINDS or path is None:
        flash(texts.PREVIEW_GONE)
        return redirect(url_for(".roster_home", code=code))
    try:
        report = KINDS[kind][1](campaign, path, expected_digest=request.form.get("digest", ""), source=source[:200])
    except ServiceError as exc:  # the list changed since the preview: show the new one
        if not isinstance(exc, ImportRejected):
            flash(say_error(exc))
        return _preview(campaign, kind, name, source[:200], status_code=409)
    uploads.discard(name)
    template = texts.IMPORTED_PEOPLE if kind == "respondents" else texts.IMPORTED_UNITS
    flash(fill(template, **vars(report)))
    if report.cancelled:
        flash(fill(texts.MESSAGES_CANCELLED, count=report.cancelled))
    return redirect(url_for(".roster_home", code=code))


@bp.get("/c/<code>/roster/people")
@roles(Role.ADMIN, Role.MONITOR)
@read_only
def roster_people(code: str):
    """Officials of one unit (or everyone), searchable by name, email or phone, with their link state."""
    return _people_page(get_campaign(code), request.args.get("unit") or None, request.args.get("q", ""))


def _people_page(campaign: Campaign, unit_code: str | None, search: str, form=None, issues=(), status_code=200):
    codes = people.roster_codes(campaign)
    unit = next((u for u in codes.units if u[0] == unit_code), None)
    if unit_code and unit is None:
        if form is None:
            abort(404)
        unit_code = None  # a form's bad unit is named by its error; the list shows everyone
    rows = people.list_people(campaign, unit_code, search.strip()[:100])
    shown = rows[:LIST_LIMIT]
    page = render_template(
        "admin/roster_people.html",
        campaign=campaign,
        unit=unit,
        search=search,
        rows=shown,
        total=len(rows),
        messages=status.last_status_by_respondent(campaign, [r.id for r in shown]),
        codes=codes,
        form=form or {"unit_code": unit_code or ""},
        issues=issues,
    )
    return page, status_code


def _form_values() -> dict[str, str]:
    return {f: request.form.get(f, "") for f in people.FORM_FIELDS}


@bp.post("/c/<code>/roster/people")
@roles(Role.ADMIN)
def roster_add(code: str):
    """Put one person on the list (or back on it, when they were removed)."""
    campaign = get_campaign(code)
    values = _form_values()
    try:
        result = people.add_person(campaign, values)
    except people.PersonRejected as exc:
        flash(say_error(exc))
        return _people_page(campaign, values["unit_code"] or None, "", values, exc.issues, 422)
    flash(fill(texts.PERSON_RESTORED if result.restored else texts.PERSON_ADDED, name=values["full_name"]))
    return redirect(url_for(".roster_person", code=code, respondent_id=result.respondent_id))


@bp.get("/c/<code>/roster/people/<int:respondent_id>")
@roles(Role.ADMIN, Role.MONITOR)
@read_only
def roster_person(code: str, respondent_id: int):
    """One person: details, link state and messages (never answers); the admin's forms to change them."""
    campaign = get_campaign(code)
    return _person_page(campaign, people.get_person(campaign, respondent_id))


def _person_page(campaign: Campaign, person: people.PersonRow, form=None, issues=(), status_code=200):
    page = render_template(
        "admin/roster_person.html",
        campaign=campaign,
        person=person,
        messages=status.last_messages(campaign, [person.id]).get(person.id, {}),
        codes=people.roster_codes(campaign),
        form=form or person.form(),
        issues=issues,
    )
    return page, status_code


def _back(code: str, respondent_id: int):
    return redirect(url_for(".roster_person", code=code, respondent_id=respondent_id))


@bp.post("/c/<code>/roster/people/<int:respondent_id>")
@roles(Role.ADMIN)
def roster_correct(code: str, respondent_id: int):
    """Save a person's corrected details; another unit or group moves them."""
    campaign = get_campaign(code)
    values = _form_values()
    try:
        result = people.correct_person(campaign, respondent_id, values)
    except people.PersonRejected as exc:
        flash(say_error(exc))
        return _person_page(campaign, people.get_person(campaign, respondent_id), values, exc.issues, 422)
    except NotFound:
        raise
    except ServiceError as exc:  # submitted, or removed
        flash(say_error(exc))
        return _back(code, respondent_id)
    flash(fill(texts.PERSON_MOVED if result.moved else texts.PERSON_CORRECTED, name=values["full_name"]))
    if result.cancelled:
        flash(fill(texts.MESSAGES_CANCELLED, count=result.cancelled))
    return _back(code, respondent_id)


@bp.post("/c/<code>/roster/people/<int:respondent_id>/remove")
@roles(Role.ADMIN)
def roster_remove(code: str, respondent_id: int):
    """Take a person off the list before they answer: their link stops working, nothing more is sent."""
    campaign = get_campaign(code)
    person = people.get_person(campaign, respondent_id)
    if request.form.get("confirm") != "1":
        flash(texts.CONFIRM_REMOVE)
        return _back(code, respondent_id)
    try:
        result = people.remove_person(campaign, respondent_id)
    except NotFound:
        raise
    except ServiceError as exc:
        flash(say_error(exc))
        return _back(code, respondent_id)
    flash(fill(texts.PERSON_REMOVED, name=person.full_name))
    if result.revoked:
        flash(texts.PERSON_LINK_REVOKED)
    return _back(code, respondent_id)


@bp.post("/c/<code>/roster/people/<int:respondent_id>/reissue")
@roles(Role.ADMIN)
def roster_reissue(code: str, respondent_id: int):
    """A new link for one person (the old one stops working; answers given so far are kept)."""
    campaign = get_campaign(code)
    person = people.get_person(campaign, respondent_id)
    try:
        invitations.reissue_invitation(campaign, respondent_id=respondent_id)
    except ServiceError as exc:  # no live link (NotFound included: the person exists), or submitted
        flash(say_error(exc))
    else:
        flash(fill(texts.LINK_REISSUED, name=person.full_name))
    return _back(code, respondent_id)


@bp.post("/c/<code>/roster/people/<int:respondent_id>/issue")
@roles(Role.ADMIN)
def roster_issue(code: str, respondent_id: int):
    """A first link for one person added after the links were issued."""
    campaign = get_campaign(code)
    people.get_person(campaign, respondent_id)
    report = invitations.issue_invitations(campaign, respondent_id=respondent_id)
    flash(fill(texts.LINK_ISSUED, issued=report.issued, already=report.already))
    return _back(code, respondent_id)
