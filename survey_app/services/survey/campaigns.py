"""Create campaigns from packs and move them through draft → open → closed (closing: `closing.py`)."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from ...config import ROOT
from ...errors import NotFound, ServiceError
from ...extensions import db
from ...models import Campaign, CampaignStatus, Question, RespondentGroup, Unit
from ...packs import LoadedPack, load_pack
from ...timeutil import VN, aware, now
from .. import audit
from ..messages import check_templates

log = logging.getLogger(__name__)
SHIPPED = ROOT / "questionnaires"  # the packs that ship with the product, one folder each
CODE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")  # a campaign's code is part of its pages' addresses
TITLE_MAX = 300


def get_campaign(code: str | None = None) -> Campaign:
    """The campaign with this code, or the most recent one when no code is given."""
    if code:
        campaign = db.session.scalar(sa.select(Campaign).where(Campaign.code == code))
        if campaign is None:
            raise NotFound("campaign_not_found", code=code)
        return campaign
    campaign = db.session.scalar(sa.select(Campaign).order_by(Campaign.created_at.desc()).limit(1))
    if campaign is None:
        raise NotFound("no_campaign")
    return campaign


def shipped_packs() -> list[str]:
    """Names of the packs that ship with the product (folders of questionnaires/ holding a pack.yaml)."""
    return sorted(p.parent.name for p in SHIPPED.glob("*/pack.yaml"))


def shipped_pack_dir(name: str) -> Path:
    """The folder of a shipped pack, by its name only: a name that is not in the list is not a path."""
    if name not in shipped_packs():
        raise NotFound("pack_not_found", name=name)
    return SHIPPED / name


def create_campaign(
    pack: str | Path | LoadedPack,
    code: str,
    opens_at: datetime,
    closes_at: datetime,
    title: str | None = None,
    upload: dict | None = None,
) -> Campaign:
    """Store the pack's exact files and content; units listed in the pack are created too.

    `upload` describes an uploaded pack (file name, kind, SHA-256 of the bytes received): the audit
    log keeps it beside the hash of the pack files the campaign stores."""
    loaded = pack if isinstance(pack, LoadedPack) else load_pack(pack)
    for warning in loaded.warnings:
        log.warning("pack warning: %s", warning)
    code, title = (code or "").strip(), (title or "").strip() or None
    if not CODE.match(code):
        raise ServiceError("bad_campaign_code", code=code)
    if title and len(title) > TITLE_MAX:
        raise ServiceError("title_too_long", length=len(title), maximum=TITLE_MAX)
    # Stored as UTC: SQLite drops the offset, and `aware` reads a naive value back as UTC.
    opens_at, closes_at = aware(opens_at).astimezone(UTC), aware(closes_at).astimezone(UTC)
    if closes_at <= opens_at:
        raise ServiceError("closes_before_opens", opens=opens_at, closes=closes_at)
    if db.session.scalar(sa.select(Campaign.id).where(Campaign.code == code)):
        raise ServiceError("campaign_exists", code=code)
    spec = loaded.pack
    campaign = Campaign(
        code=code,
        title=title or spec.title,
        status=CampaignStatus.DRAFT,
        opens_at=opens_at,
        closes_at=closes_at,
        pack_code=spec.code,
        pack_sha256=loaded.sha256,
        pack_files=loaded.files,
        pack_content=loaded.content,
        created_at=now(),
    )
    db.session.add(campaign)
    db.session.flush()
    db.session.add_all(
        RespondentGroup(
            campaign_id=campaign.id, code=g.code, name=g.name, unit_type=g.unit_type, rates_unit_type=g.rates_unit_type
        )
        for g in spec.groups
    )
    db.session.add_all(
        Question(campaign_id=campaign.id, code=q.code, position=i, unit_type=q.unit_type, area=q.area, points=q.points)
        for i, q in enumerate(spec.questions)
    )
    db.session.add_all(
        Unit(campaign_id=campaign.id, code=u.code, name=u.name, unit_type=u.unit_type) for u in spec.units
    )
    audit.record("campaign.create", code, pack=spec.code, sha256=loaded.sha256)
    if upload:
        audit.record("pack.upload", code, file=upload["file"], kind=upload["kind"], sha256=upload["sha256"])
    db.session.commit()
    log.info("campaign %s created from pack %s (%s)", code, spec.code, loaded.sha256[:12])
    return campaign


def open_campaign(code: str | None = None) -> Campaign:
    """Let respondents answer (within the campaign's window)."""
    campaign = get_campaign(code)
    campaign.open()
    try:
        check_templates()  # a broken message template would otherwise surface only when sending
    except ServiceError:
        db.session.rollback()
        raise
    audit.record("campaign.open", campaign.code)
    db.session.commit()
    log.info("campaign %s opened", campaign.code)
    return campaign


def extend_deadline(code: str, closes_at: datetime) -> Campaign:
    """Move the closing time of a campaign not yet closed (usually later; earlier is allowed while it is
    still ahead and after the opening). A campaign whose time ran out but that nobody closed opens again."""
    campaign = get_campaign(code)
    closes_at = aware(closes_at).astimezone(UTC)
    if campaign.status == CampaignStatus.CLOSED:
        raise ServiceError("campaign_closed", code=campaign.code)
    if closes_at <= now():
        raise ServiceError("deadline_in_past", closes=closes_at)
    if closes_at <= aware(campaign.opens_at):
        raise ServiceError("closes_before_opens", opens=aware(campaign.opens_at), closes=closes_at)
    before = aware(campaign.closes_at)
    campaign.closes_at = closes_at
    audit.record("campaign.extend", campaign.code, **_local("", closes_at), **_local("old_", before))
    db.session.commit()
    log.info("campaign %s closes at %s (was %s)", campaign.code, closes_at, before)
    return campaign


def _local(prefix: str, at: datetime) -> dict[str, str]:
    """A time as the audit page renders it: the day (ISO) and the hour, Vietnam time."""
    local = at.astimezone(VN)
    return {f"{prefix}day": local.date().isoformat(), f"{prefix}hour": local.strftime("%H:%M")}


def accepting_answers(campaign: Campaign, at: datetime | None = None) -> str | None:
    """None when answers are accepted, else why not: 'not_open' or 'closed'."""
    at = at or now()
    if campaign.status == CampaignStatus.CLOSED or at >= aware(campaign.closes_at):
        return "closed"
    if campaign.status != CampaignStatus.OPEN or at < aware(campaign.opens_at):
        return "not_open"
    return None
