"""The links and delivery pages: issue links, preview and queue messages by channel, follow a batch
through the outbox, per-person delivery, the printed letters and the links file."""

from __future__ import annotations

import io
from collections import Counter

from flask import (
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from werkzeug.utils import secure_filename

from ..auth import roles
from ..errors import NotFound, ServiceError
from ..models import Campaign, MessageStatus, Role
from ..reads import read_only
from ..security import CHART_CSP
from ..services.delivery import preview, queue, status
from ..services.survey import invitations, people
from ..services.survey.campaigns import get_campaign
from ..texts import fill, number, say, say_error
from ..texts.delivery import CHANNEL
from . import bp, texts

DONE = (MessageStatus.SENT, MessageStatus.FAILED, MessageStatus.BOUNCED, MessageStatus.CANCELLED)
LIST_LIMIT = 500


def _units(campaign: Campaign) -> list[tuple[str, str, str]]:
    return people.roster_codes(campaign).units


def _progress(campaign: Campaign, batch) -> dict:
    """A batch's status counts and whether a worker seems to be delivering (for the page and its script)."""
    counts = status.batch_counts(campaign, batch) if batch else Counter()
    waiting = counts[MessageStatus.PENDING] + counts[MessageStatus.SENDING]
    stalls = status.stalled_channels()
    notice = " ".join(
        fill(texts.STALLED, waiting=s.waiting, channel=CHANNEL.get(s.channel, s.channel), since=s.since) for s in stalls
    )
    return {
        "batch": status.batch_id(batch) if batch else None,
        "total": sum(counts.values()),
        "done": sum(counts[s] for s in DONE),
        "counts": {s.value: counts[s] for s in MessageStatus},
        "finished": waiting == 0,
        "notice": notice,
    }


def _batch(campaign: Campaign):
    number = request.args.get("batch", type=int)
    return status.batch_at(number) if number is not None else status.latest_batch(campaign)


@bp.get("/c/<code>/send")
@roles(Role.ADMIN, Role.MONITOR)
@read_only
def send_home(code: str):
    """Links issued, the send form, the progress of the latest (or a given) batch, letters and the links file."""
    campaign = get_campaign(code)
    units = people.unit_rosters(campaign)
    on_list = sum(u.people for u in units)
    linked = sum(u.linked for u in units)
    return render_template(
        "admin/send.html",
        campaign=campaign,
        units=units,
        on_list=on_list,
        linked=linked,
        channels=queue.configured_channels(),
        scopes=texts.SCOPES,
        progress=_progress(campaign, _batch(campaign)),
    )


@bp.get("/c/<code>/send/progress.json")
@roles(Role.ADMIN, Role.MONITOR)
@read_only
def send_progress(code: str):
    """The batch's status counts, polled by the page's script."""
    campaign = get_campaign(code)
    return jsonify(_progress(campaign, _batch(campaign)))


@bp.post("/c/<code>/send/issue")
@roles(Role.ADMIN)
def send_issue(code: str):
    """A link for everyone on the list (or of one unit) who has none yet."""
    campaign = get_campaign(code)
    unit = request.form.get("unit") or None
    if unit and unit not in {u[0] for u in _units(campaign)}:
        abort(404)
    report = invitations.issue_invitations(campaign, unit)
    flash(fill(texts.LINK_ISSUED, issued=report.issued, already=report.already))
    return redirect(url_for(".send_home", code=code))


def _choice(campaign: Campaign, source) -> tuple[str, str, str | None] | None:
    """(channel, scope, unit) from a form, or None with the reason flashed."""
    channel, scope, unit = source.get("channel", ""), source.get("scope", ""), source.get("unit") or None
    if channel not in queue.configured_channels() or scope not in texts.SCOPES:
        flash(texts.CHOOSE_SCOPE)
        return None
    if scope == "unit" and unit not in {u[0] for u in _units(campaign)}:
        flash(texts.CHOOSE_UNIT)
        return None
    return channel, scope, unit if scope == "unit" else None


@bp.get("/c/<code>/send/preview")
@roles(Role.ADMIN, Role.MONITOR)
@read_only
def send_preview(code: str):
    """The message as one person of the scope would receive it, a placeholder in place of their link."""
    campaign = get_campaign(code)
    choice = _choice(campaign, request.args)
    if choice is None:
        return redirect(url_for(".send_home", code=code))
    channel, scope, unit = choice
    try:
        message = preview.preview_message(campaign, channel, "reminder" if scope == "remind" else "invitation", unit)
    except ServiceError as exc:
        flash(say_error(exc))
        return redirect(url_for(".send_home", code=code))
    resp = Response(
        render_template(
            "admin/send_preview.html",
            campaign=campaign,
            message=message,
            channel=channel,
            scope=scope,
            unit=unit,
            scopes=texts.SCOPES,
        )
    )
    # The HTML email is shown in a sandboxed frame with its own inline styles; scripts stay 'self' only.
    resp.headers["Content-Security-Policy"] = CHART_CSP
    return resp


@bp.post("/c/<code>/send/queue")
@roles(Role.ADMIN)
def send_queue(code: str):
    """Queue the previewed messages: invitations (everyone, one unit) or reminders (not answered yet)."""
    campaign = get_campaign(code)
    choice = _choice(campaign, request.form)
    if choice is None:
        return redirect(url_for(".send_home", code=code))
    channel, scope, unit = choice
    try:
        if scope == "remind":
            report = queue.queue_reminders(campaign, channel=channel)
        else:
            report = queue.queue_invitations(campaign, channel, unit_code=unit)
    except ServiceError as exc:
        flash(say_error(exc))
        return redirect(url_for(".send_home", code=code))
    flash(fill(texts.QUEUED, queued=report.queued, already=report.already) if report.queued else texts.NOTHING_QUEUED)
    if report.skipped:
        reasons = Counter(s.reason for s in report.skipped)
        said = "; ".join(f"{number(n)} {say('skip.' + r)}" for r, n in reasons.most_common())
        flash(fill(texts.SKIPPED, count=len(report.skipped), reasons=said))
    batch = status.batch_id(report.batch) if report.batch else None
    return redirect(url_for(".send_home", code=code, batch=batch, _anchor="progress"))


@bp.get("/c/<code>/send/people")
@roles(Role.ADMIN, Role.MONITOR)
@read_only
def send_people(code: str):
    """Each person's latest message per channel, with the reason of a failure in Vietnamese."""
    campaign = get_campaign(code)
    units = _units(campaign)
    unit = request.args.get("unit") or None
    wanted = request.args.get("status") or None
    if (unit and unit not in {u[0] for u in units}) or (wanted and wanted not in set(MessageStatus)):
        abort(404)
    rows = status.delivery_by_person(campaign, unit, wanted)
    return render_template(
        "admin/send_people.html",
        campaign=campaign,
        units=units,
        unit=unit,
        wanted=wanted,
        rows=rows[:LIST_LIMIT],
        total=len(rows),
        statuses=list(MessageStatus),
    )


@bp.post("/c/<code>/send/letters.pdf")
@roles(Role.ADMIN)
def send_letters(code: str):
    """Printed invitations with QR codes (A4, 8 a sheet) of one unit or of every unit, as one PDF."""
    from bots.letters import print_letters  # a print run is local work: no network, no worker

    campaign = get_campaign(code)
    unit = request.form.get("unit") or None
    out = io.BytesIO()
    try:
        print_letters(campaign, unit, out)
    except NotFound:
        raise
    except ServiceError as exc:
        flash(say_error(exc))
        return redirect(url_for(".send_home", code=code))
    out.seek(0)
    name = f"thu-moi-{campaign.code}-{unit or 'tat-ca'}.pdf".lower()
    return send_file(out, mimetype="application/pdf", as_attachment=True, download_name=name)


@bp.get("/c/<code>/send/links")
@roles(Role.ADMIN)
@read_only
def send_links(code: str):
    """What the links file is and why it is dangerous, before anyone downloads it."""
    campaign = get_campaign(code)
    linked = sum(u.linked for u in people.unit_rosters(campaign))
    return render_template("admin/send_links.html", campaign=campaign, linked=linked)


@bp.post("/c/<code>/send/links.csv")
@roles(Role.ADMIN)
def send_links_csv(code: str):
    """Every live link with its owner, streamed (never written on the server) and written to the audit log."""
    campaign = get_campaign(code)
    if request.form.get("understood") != "1":
        flash(texts.LINKS_CONFIRM)
        return redirect(url_for(".send_links", code=code))
    export = invitations.links_export(campaign)
    chunks = stream_with_context(chunk.encode("utf-8") for chunk in export.csv_chunks())
    resp = Response(chunks, mimetype="text/csv")
    name = secure_filename(f"duong-lien-ket-{campaign.code}.csv")
    resp.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    resp.headers["Cache-Control"] = "no-store"
    return resp
