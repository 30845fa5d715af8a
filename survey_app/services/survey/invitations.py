"""Personal links: issued, re-issued (revoking the old one), exported. A token is read back by
`links.find` (one statement, plain values), which every questionnaire request uses.

A token is derived as HMAC-SHA256(LINK_SECRET, campaign:nonce), with a fresh 128-bit random nonce
per issue, cut to 24 URL-safe characters (144 bits). The database keeps the nonce and the token's
SHA-256, never the token: a copy of the database does not let anyone answer without LINK_SECRET,
which lives in the environment. With the secret, `export_links` re-derives the links at any time.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import hmac
import io
import logging
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from analysis.cells import neutralise_row, phone_cell

from ...contacts import normalise_phone
from ...errors import NotFound, ServiceError
from ...extensions import db
from ...models import Campaign, Invitation, InvitationStatus, Respondent, RespondentGroup, Unit
from ...timeutil import now
from .. import audit
from ..progress import Progress, Ticker
from .sealing import read_draft, sealed_draft
from .tallies import bump_progress

log = logging.getLogger(__name__)
TOKEN_LENGTH = 24


def derive_token(campaign_id: int, nonce: str) -> str:
    key = current_app.config["LINK_SECRET"].encode()
    digest = hmac.new(key, f"{campaign_id}:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:TOKEN_LENGTH]


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_for(invitation: Invitation) -> str:
    return _link(invitation.campaign_id, invitation.nonce)


def _link(campaign_id: int, nonce: str) -> str:
    return f"{current_app.config['BASE_URL']}/s/{derive_token(campaign_id, nonce)}"


def _new_invitation(campaign_id: int, respondent_id: int) -> Invitation:
    nonce = secrets.token_hex(16)
    return Invitation(
        campaign_id=campaign_id,
        respondent_id=respondent_id,
        nonce=nonce,
        token_hash=hash_token(derive_token(campaign_id, nonce)),
        status=InvitationStatus.ISSUED,
        issued_at=now(),
    )


@dataclass(frozen=True)
class IssueReport:
    issued: int
    already: int  # respondents who already had a live link


def issue_invitations(
    campaign: Campaign,
    unit_code: str | None = None,
    respondent_id: int | None = None,
    progress: Progress | None = None,
) -> IssueReport:
    """Give every respondent on the list (of a unit, or one person) without a live link one invitation;
    `progress` counts the respondents looked at."""
    query = sa.select(Respondent).where(Respondent.campaign_id == campaign.id, Respondent.removed_at.is_(None))
    if unit_code:
        query = query.join(Unit, Unit.id == Respondent.unit_id).where(Unit.code == unit_code)
    if respondent_id is not None:
        query = query.where(Respondent.id == respondent_id)
    respondents = db.session.scalars(query).all()
    live = set(
        db.session.scalars(
            sa.select(Invitation.respondent_id).where(
                Invitation.campaign_id == campaign.id, Invitation.revoked_at.is_(None)
            )
        )
    )
    issued = 0
    ticker = Ticker(progress, len(respondents))
    for r in respondents:
        ticker.step()
        if r.id in live:
            continue
        db.session.add(_new_invitation(campaign.id, r.id))
        bump_progress(campaign.id, r.unit_id, r.group_id, "invited")
        issued += 1
    ticker.finish()
    one = {"respondent": respondent_id} if respondent_id is not None else {}
    audit.record("invitations.issue", campaign.code, unit_code, issued=issued, **one)
    db.session.commit()
    report = IssueReport(issued, len(respondents) - issued)
    log.info("campaign %s: %s", campaign.code, report)
    return report


def reissue_invitation(campaign: Campaign, person_key: str = "", respondent_id: int | None = None) -> Invitation:
    """Revoke a person's link and give a new one; the draft answers carry over. Refused after submit.

    The person is named by email or phone (the CLI) or by their respondent id (the roster page)."""
    key = person_key.strip().lower()
    # A phone is stored as +84…, whatever way it is typed here, and also belongs to people keyed by email.
    phone = None if "@" in key else normalise_phone(key)
    if respondent_id is not None:
        who = Respondent.id == respondent_id
    else:
        who = Respondent.phone == phone if phone else Respondent.person_key == key
    found = db.session.scalars(
        sa.select(Invitation)
        .join(Respondent, Respondent.id == Invitation.respondent_id)
        .where(Invitation.campaign_id == campaign.id, who, Invitation.revoked_at.is_(None))
        .with_for_update()
    ).all()
    if not found:
        named = person_key or (db.session.get(Respondent, respondent_id) or Respondent(full_name="")).full_name
        raise NotFound("no_live_invitation", person=named, campaign=campaign.code)
    if len(found) > 1:
        raise ServiceError("phone_shared", count=len(found), phone=phone)
    old = found[0]
    if old.status == InvitationStatus.SUBMITTED:
        raise ServiceError("reissue_after_submit", person=person_key or old.respondent.full_name)
    new = _new_invitation(campaign.id, old.respondent_id)
    new.status, new.opened_at, new.started_at = old.status, old.opened_at, old.started_at
    new.draft = sealed_draft(new, read_draft(old))  # sealed again: a draft's key is its link's
    old.revoked_at, old.draft = now(), None
    db.session.flush()  # the old row leaves the live-link unique index before the new one enters
    db.session.add(new)
    audit.record("invitations.reissue", campaign.code, str(old.id), new=str(new.id))
    db.session.commit()
    log.info("campaign %s: invitation %s revoked and re-issued as %s", campaign.code, old.id, new.id)
    return new


def _owner_only(path: str | Path):
    """The file opened for writing with mode 0600, made so before a byte is written, even when it already
    existed with a wider mode (os.open's mode only applies to a file it creates)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        return os.fdopen(fd, "w", newline="", encoding="utf-8")  # the chunks carry the BOM
    except BaseException:
        os.close(fd)
        raise


LINKS_HEADER = ("unit_code", "unit_name", "group_code", "full_name", "email", "phone", "status", "link")


@dataclass(frozen=True)
class LinksExport:
    """Every live link with who it belongs to, ready to write; the export is already in the audit log."""

    rows: list[tuple]  # the file's columns but the link, then the invitation's campaign id and nonce

    @property
    def count(self) -> int:
        return len(self.rows)

    def csv_chunks(self) -> Iterator[str]:
        """The CSV text (with a BOM, so Excel reads UTF-8) a few rows at a time, for a stream or a file.
        The links are derived as the rows are written: they exist nowhere else."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        buffer.write("\ufeff")
        writer.writerow(LINKS_HEADER)
        for n, (*row, campaign_id, nonce) in enumerate(self.rows, start=1):
            # Names and codes come from imported files: none may reach a spreadsheet as a formula.
            *who, phone, status = (v or "" for v in row)
            writer.writerow([*neutralise_row(who), phone_cell(phone), status, _link(campaign_id, nonce)])
            if n % 200 == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()


def links_export(campaign: Campaign) -> LinksExport:
    """Prepare the links file and record that it was taken. Anyone holding it can answer: keep it safe."""
    rows = db.session.execute(
        sa.select(
            Unit.code,
            Unit.name,
            RespondentGroup.code,
            Respondent.full_name,
            Respondent.email,
            Respondent.phone,
            Invitation.status,
            Invitation.campaign_id,
            Invitation.nonce,
        )
        .select_from(Invitation)
        .join(Respondent, Respondent.id == Invitation.respondent_id)
        .join(Unit, Unit.id == Respondent.unit_id)
        .join(RespondentGroup, RespondentGroup.id == Respondent.group_id)
        .where(Invitation.campaign_id == campaign.id, Invitation.revoked_at.is_(None))
        .order_by(Unit.code, RespondentGroup.code, Respondent.full_name)
    ).all()
    export = LinksExport([tuple(r) for r in rows])
    audit.record("invitations.export_links", campaign.code, links=export.count)
    db.session.commit()
    log.info("campaign %s: %d links exported", campaign.code, export.count)
    return export


def export_links(campaign: Campaign, out: str | Path) -> int:
    """Write every live link to a file only its owner can read (the CLI)."""
    export = links_export(campaign)
    with _owner_only(out) as fh:
        for chunk in export.csv_chunks():
            fh.write(chunk)
    return export.count
