"""Campaign pages: create a campaign from a shipped or an uploaded pack (after showing its check),
the campaign's page with its steps, open, move the deadline, close after a dry run, and the pack as
the criteria workbook. Every change is one service call (which writes the audit entry)."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import secrets
import time
from pathlib import Path

from flask import current_app, flash, redirect, render_template, request, send_file, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from ..auth import roles
from ..errors import ServiceError
from ..models import Role
from ..packs import LoadedPack, PackError, PackIssue, load_pack
from ..packs.archive import MAX_UPLOAD
from ..packs.upload import load_upload, upload_kind
from ..packs.xlsx import write_workbook
from ..reads import read_only
from ..services.steps import campaign_steps
from ..services.survey import campaigns, closing
from ..texts import fill, say_error
from ..timeutil import VN, aware, parse_local
from . import bp, texts

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
_KEEP_SECONDS = 24 * 3600  # a checked upload not used within a day is deleted


@bp.url_value_preprocessor
def _limit_pack_uploads(endpoint: str | None, _values) -> None:
    """Before anything reads the form (the CSRF check does, first): a pack upload has a size limit."""
    if endpoint == "admin.campaign_check":
        request.max_content_length = MAX_UPLOAD + 64 * 1024  # the file and the form's few fields


@bp.errorhandler(RequestEntityTooLarge)
def _upload_too_large(exc: RequestEntityTooLarge):
    if request.endpoint != "admin.campaign_check":
        return exc
    size = (request.content_length or 0) / (1024 * 1024)
    issue = PackIssue(texts.THE_FILE, "", "upload_too_large", {"size": size, "limit": MAX_UPLOAD / (1024 * 1024)})
    return _refused([issue], 413)


@bp.get("/campaigns/new")
@roles(Role.ADMIN)
def campaign_new():
    """Choose the pack: one that ships with the product, or a .zip / criteria workbook from this computer."""
    shipped = [(name, load_pack(campaigns.shipped_pack_dir(name)).pack) for name in campaigns.shipped_packs()]
    return render_template("admin/campaign_new.html", shipped=shipped, max_mb=MAX_UPLOAD // (1024 * 1024))


@bp.post("/campaigns/check")
@roles(Role.ADMIN)
def campaign_check():
    """Load the chosen pack and show its check: every error, or its content and the form to create."""
    source = request.form.get("source", "")
    upload = request.files.get("file") if source == "upload" else None
    if source == "upload" and upload is None:
        return _refused([PackIssue(texts.THE_FILE, "", "upload_empty")], 422)
    if upload is not None:
        name = Path(upload.filename or "").name or texts.THE_FILE
    else:
        name = request.form.get("pack", "")
    try:
        if upload is not None:
            data = upload.read(MAX_UPLOAD + 1)
            loaded = load_upload(name, data)
            ref = _keep(name, data)
        else:
            loaded, ref = load_pack(campaigns.shipped_pack_dir(name)), f"shipped:{name}"
    except PackError as exc:
        return _refused(exc.issues, 422, name)
    except ServiceError as exc:
        flash(say_error(exc))
        return redirect(url_for(".campaign_new"))
    return _preview(loaded, ref, name, {"title": loaded.pack.title, "code": str(loaded.pack.year)})


@bp.post("/campaigns")
@roles(Role.ADMIN)
def campaign_create():
    """Create the campaign from the checked pack, with its code, title and window (Vietnam time)."""
    ref, form = request.form.get("ref", ""), request.form
    try:
        loaded, name, upload = _reload(ref)
    except (ServiceError, OSError, ValueError, KeyError):  # gone, tampered with, or no longer loads
        flash(texts.CHECK_AGAIN)
        return redirect(url_for(".campaign_new"))
    try:
        opens = _when(form, "opens", closing=False)
        closes = _when(form, "closes", closing=True)
        campaign = campaigns.create_campaign(
            loaded, form.get("code", ""), opens, closes, form.get("title") or None, upload=upload
        )
    except (ServiceError, _BadTime) as exc:
        return _preview(loaded, ref, name, form, error=say_error(exc) if isinstance(exc, ServiceError) else str(exc))
    if upload:
        _stored(ref).unlink(missing_ok=True)
    flash(fill(texts.CREATED, code=campaign.code, units=len(loaded.pack.units)))
    return redirect(url_for(".campaign_page", code=campaign.code))


@bp.get("/c/<code>/campaign")
@roles(Role.ADMIN, Role.MONITOR)
@read_only
def campaign_page(code: str):
    """The campaign: its window, its pack, what is done and what comes next, and what an admin can do."""
    campaign = campaigns.get_campaign(code)
    closes = aware(campaign.closes_at).astimezone(VN)
    return render_template(
        "admin/campaign.html",
        campaign=campaign,
        pack=campaign.pack,
        steps=campaign_steps(campaign),
        closes_day=closes.date().isoformat(),
        closes_hour=closes.strftime("%H:%M"),
    )


@bp.post("/c/<code>/open")
@roles(Role.ADMIN)
def campaign_open(code: str):
    """Let respondents answer within the window."""
    return _act(code, lambda: campaigns.open_campaign(code), texts.OPENED)


@bp.post("/c/<code>/deadline")
@roles(Role.ADMIN)
def campaign_deadline(code: str):
    """Move the closing time (a bare date closes at 23:59)."""
    return _act(
        code, lambda: campaigns.extend_deadline(code, _when(request.form, "closes", closing=True)), texts.EXTENDED
    )


@bp.get("/c/<code>/close")
@roles(Role.ADMIN)
def close_confirm(code: str):
    """What closing now would do, by the same rules, before the admin confirms (nothing is written)."""
    campaign = campaigns.get_campaign(code)
    try:
        report = closing.preview_close(code)
    except ServiceError as exc:
        flash(say_error(exc))
        return redirect(url_for(".campaign_page", code=code))
    return render_template("admin/campaign_close.html", campaign=campaign, report=report)


@bp.get("/c/<code>/tieu-chi.xlsx")
@roles(Role.ADMIN, Role.MONITOR)
@read_only
def campaign_workbook(code: str):
    """The campaign's pack as the criteria workbook: next year's starting point."""
    campaign = campaigns.get_campaign(code)
    return _xlsx(write_workbook(campaign.pack_content), f"tieu-chi-{campaign.code}.xlsx")


@bp.get("/packs/<name>/tieu-chi.xlsx")
@roles(Role.ADMIN, Role.MONITOR)
def shipped_workbook(name: str):
    """A shipped pack as the criteria workbook."""
    return _xlsx(write_workbook(load_pack(campaigns.shipped_pack_dir(name)).content), f"tieu-chi-{name}.xlsx")


# -- helpers ----------------------------------------------------------------------------------------


def _act(code: str, change, done: str):
    """One change of the campaign from its page: the service call, then what it did or why not."""
    campaigns.get_campaign(code)  # an unknown campaign is a 404, not a message
    try:
        campaign = change()
        flash(fill(done, code=campaign.code, closes=campaign.closes_at))
    except ServiceError as exc:
        flash(say_error(exc))
    except _BadTime as exc:
        flash(str(exc))
    return redirect(url_for(".campaign_page", code=code))


class _BadTime(ValueError):
    """A date or time the form could not read (the message is the page's)."""


def _when(form, prefix: str, closing: bool):
    """'2025-11-15' and '17:00' from the form's date and time fields → Vietnam time."""
    day, hour = form.get(f"{prefix}_date", "").strip(), form.get(f"{prefix}_time", "").strip()
    try:
        return parse_local(f"{day} {hour}".strip(), closing=closing)
    except ValueError:
        raise _BadTime(fill(texts.BAD_TIME, value=f"{day} {hour}".strip() or "–")) from None


def _preview(loaded: LoadedPack, ref: str, name: str, form, error: str | None = None):
    status = 422 if error else 200
    page = render_template(
        "admin/campaign_check.html", loaded=loaded, pack=loaded.pack, ref=ref, name=name, form=form, error=error
    )
    return page, status


def _refused(issues: list[PackIssue], status: int, name: str | None = None):
    return render_template("admin/campaign_check.html", issues=issues, name=name), status


def _uploads() -> Path:
    folder = Path(current_app.instance_path) / "uploads" / "packs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _stored(ref: str) -> Path:
    if not _TOKEN.match(ref):
        raise ValueError(ref)
    return _uploads() / f"{ref}.json"


def _keep(name: str, data: bytes) -> str:
    """Keep a checked upload until the campaign is created from it (a day at most); its reference."""
    for old in _uploads().glob("*.json"):
        if old.stat().st_mtime < time.time() - _KEEP_SECONDS:
            old.unlink(missing_ok=True)
    ref = secrets.token_urlsafe(24)
    record = {"name": name, "data": base64.b64encode(data).decode("ascii")}
    _stored(ref).write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    return ref


def _reload(ref: str) -> tuple[LoadedPack, str, dict | None]:
    """The pack the check page showed, loaded again from what was received: the same rules decide."""
    if ref.startswith("shipped:"):
        name = ref.removeprefix("shipped:")
        return load_pack(campaigns.shipped_pack_dir(name)), name, None
    record = json.loads(_stored(ref).read_text(encoding="utf-8"))
    name, data = record["name"], base64.b64decode(record["data"])
    upload = {"file": name, "kind": upload_kind(name), "sha256": hashlib.sha256(data).hexdigest()}
    return load_upload(name, data), name, upload


def _xlsx(data: bytes, name: str):
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=name)
