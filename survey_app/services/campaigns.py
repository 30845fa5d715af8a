"""Create campaigns from packs and move them through draft → open → closed."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from ..extensions import db
from ..models import Campaign, Question, RespondentGroup, Unit
from ..packs import load_pack
from ..timeutil import aware, now
from . import audit
from .errors import NotFound, ServiceError
from .messages import check_templates

log = logging.getLogger(__name__)


def get_campaign(code: str | None = None) -> Campaign:
    """The campaign with this code, or the only/most recent one when no code is given."""
    if code:
        campaign = db.session.scalar(sa.select(Campaign).where(Campaign.code == code))
        if campaign is None:
            raise NotFound(f"no campaign with code {code!r}")
        return campaign
    campaign = db.session.scalar(sa.select(Campaign).order_by(Campaign.created_at.desc()).limit(1))
    if campaign is None:
        raise NotFound("no campaign yet: create one with `flask campaign create`")
    return campaign


def create_campaign(
    pack_dir: str | Path, code: str, opens_at: datetime, closes_at: datetime, title: str | None = None
) -> Campaign:
    """Store the pack's exact files and content; units listed in the pack are created too."""
    loaded = load_pack(pack_dir)
    for warning in loaded.warnings:
        log.warning("pack warning: %s", warning)
    # Stored as UTC: SQLite drops the offset, and `aware` reads a naive value back as UTC.
    opens_at, closes_at = aware(opens_at).astimezone(UTC), aware(closes_at).astimezone(UTC)
    if closes_at <= opens_at:
        raise ServiceError("the closing time must be after the opening time")
    if db.session.scalar(sa.select(Campaign.id).where(Campaign.code == code)):
        raise ServiceError(f"a campaign with code {code!r} already exists")
    pack = loaded.pack
    campaign = Campaign(
        code=code,
        title=title or pack.title,
        status="draft",
        opens_at=opens_at,
        closes_at=closes_at,
        pack_code=pack.code,
        pack_sha256=loaded.sha256,
        pack_files=loaded.files,
        pack_content=loaded.content,
        created_at=now(),
    )
    db.session.add(campaign)
    db.session.flush()
    db.session.add_all(
        RespondentGroup(
            campaign_id=campaign.id,
            code=g.code,
            name=g.name,
            unit_type=g.unit_type,
            rates_unit_type=g.rates_unit_type,
        )
        for g in pack.groups
    )
    db.session.add_all(
        Question(
            campaign_id=campaign.id,
            code=q.code,
            position=i,
            unit_type=q.unit_type,
            area=q.area,
            points=q.points,
        )
        for i, q in enumerate(pack.questions)
    )
    db.session.add_all(
        Unit(campaign_id=campaign.id, code=u.code, name=u.name, unit_type=u.unit_type) for u in pack.units
    )
    audit.record("campaign.create", code, detail=f"pack {pack.code} sha256 {loaded.sha256}")
    db.session.commit()
    log.info("campaign %s created from pack %s (%s)", code, pack.code, loaded.sha256[:12])
    return campaign


def open_campaign(code: str | None = None) -> Campaign:
    """Let respondents answer (within the campaign's window)."""
    campaign = get_campaign(code)
    if campaign.status == "closed":
        raise ServiceError(f"campaign {campaign.code} is closed; a closed campaign is not reopened")
    check_templates()  # a broken message template would otherwise surface only when sending
    campaign.status = "open"
    audit.record("campaign.open", campaign.code)
    db.session.commit()
    log.info("campaign %s opened", campaign.code)
    return campaign


def close_campaign(code: str | None = None) -> Campaign:
    """Stop accepting answers (links then answer 410) and apply the validity rules to every response."""
    from .validation import close_and_validate

    close_and_validate(code)
    return get_campaign(code)


def accepting_answers(campaign: Campaign, at: datetime | None = None) -> str | None:
    """None when answers are accepted, else why not: 'not_open' or 'closed'."""
    at = at or now()
    if campaign.status == "closed" or at >= aware(campaign.closes_at):
        return "closed"
    if campaign.status != "open" or at < aware(campaign.opens_at):
        return "not_open"
    return None
