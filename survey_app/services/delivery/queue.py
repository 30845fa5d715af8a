"""Decisions to send: invitations and reminders become outbox rows in the same transaction.

Every row has an idempotency key `inv:<invitation>:<kind>:<channel>`, so running a command twice
queues nothing new; a person without a usable address on a channel is skipped with the reason.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import make_msgid

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from ...contacts import normalise_email, normalise_phone
from ...db_setup import insert_for
from ...errors import ServiceError
from ...extensions import db
from ...models import (
    Campaign,
    Channel,
    Invitation,
    InvitationStatus,
    MessageStatus,
    OutboxMessage,
    Respondent,
    RespondentGroup,
    Unit,
)
from ...timeutil import aware, now
from .. import audit
from ..messages import Templates, person_values
from . import telegram_links

log = logging.getLogger(__name__)

NEEDS = {
    Channel.EMAIL: ("MAIL_FROM", "SMTP_*"),
    Channel.ZALO: ("ZALO_APP_ID", "ZALO_SECRET_KEY", "ZALO_REFRESH_TOKEN"),
    Channel.TELEGRAM: ("TELEGRAM_BOT_TOKEN", "TELEGRAM_BOT_USERNAME"),
}


SKIP_REASONS = (
    "no_email",
    "bad_email",
    "no_zalo",
    "bad_phone",
    "no_telegram",
    "submitted",
    "max_reminders",
    "recent",
    "no_channel",
)


@dataclass(frozen=True)
class Skip:
    """A person left out. `reason`: no_email | bad_email | no_zalo | bad_phone | no_telegram |
    submitted | max_reminders | recent | no_channel."""

    respondent_id: int
    full_name: str
    channel: str
    reason: str


@dataclass
class QueueReport:
    """What a send or remind decision did; `skipped` lists every person left out and why."""

    queued: int = 0
    already: int = 0
    skipped: list[Skip] = field(default_factory=list)
    message_ids: list[int] = field(default_factory=list)
    batch: datetime | None = None  # when the new rows were queued: they share this `created_at`


def configured_channels() -> list[str]:
    """Channels whose settings are present; Telegram is off unless both its settings are."""
    cfg = current_app.config
    found = []
    if cfg.get("MAIL_FROM"):
        found.append(Channel.EMAIL)
    if cfg.get("ZALO_APP_ID") and cfg.get("ZALO_SECRET_KEY"):
        found.append(Channel.ZALO)
    if telegram_links.enabled():
        found.append(Channel.TELEGRAM)
    return found


def require_channel(channel: str) -> None:
    if channel not in tuple(Channel):
        raise ServiceError("unknown_channel", channel=channel, channels=[c.value for c in Channel])
    if channel not in configured_channels():
        raise ServiceError("channel_not_configured", channel=channel, settings=NEEDS[channel])


def address_for(channel: str, person: Respondent, chats: dict[int, int]) -> tuple[str | None, str | None]:
    """(address, None) or (None, skip reason code)."""
    if channel == Channel.EMAIL:
        if not person.email:
            return None, "no_email"
        address = normalise_email(person.email)
        return (address, None) if address else (None, "bad_email")
    if channel == Channel.ZALO:
        if person.zalo_id and person.zalo_id.isdigit():
            return f"user:{person.zalo_id}", None
        if not person.phone:
            return None, "no_zalo"
        phone = normalise_phone(person.phone)
        if phone is None or not current_app.config.get("ZALO_ZNS_TEMPLATE_ID"):
            return None, "bad_phone" if phone is None else "no_zalo"
        return f"phone:{phone.lstrip('+')}", None
    chat = chats.get(person.id)
    return (str(chat), None) if chat else (None, "no_telegram")


def _targets(campaign: Campaign, unit: str | None, group: str | None, respondent_ids) -> list[Invitation]:
    query = (
        sa.select(Invitation)
        .join(Respondent, Respondent.id == Invitation.respondent_id)
        .options(joinedload(Invitation.respondent).joinedload(Respondent.unit))
        .where(Invitation.campaign_id == campaign.id, Invitation.revoked_at.is_(None))
        .order_by(Invitation.id)
    )
    if unit:
        query = query.join(Unit, Unit.id == Respondent.unit_id).where(Unit.code == unit)
    if group:
        query = query.join(RespondentGroup, RespondentGroup.id == Respondent.group_id).where(
            RespondentGroup.code == group
        )
    if respondent_ids is not None:
        query = query.where(Invitation.respondent_id.in_(list(respondent_ids)))
    return list(db.session.scalars(query).unique())


def queue_invitations(
    campaign: Campaign, channel: str, unit_code: str | None = None, group_code: str | None = None
) -> QueueReport:
    """Queue the first message with the personal link to everyone who has not submitted."""
    require_channel(channel)
    plans = []
    for inv in _targets(campaign, unit_code, group_code, None):
        plans.append((inv, [channel], "invitation", 0))
    return _queue(campaign, plans, explicit=True, audit_as=("messages.invitations", channel, unit_code))


def queue_reminders(
    campaign: Campaign,
    respondent_ids=None,
    channel: str | None = None,
    min_days: int | None = None,
    max_reminders: int | None = None,
) -> QueueReport:
    """Remind those who have not submitted: at most `max_reminders` (default: the pack's), and not
    within `min_days` days (default REMINDER_MIN_DAYS) of the last message, so a second run is a no-op."""
    if channel:
        require_channel(channel)
    channels = [channel] if channel else configured_channels()
    if not channels:
        raise ServiceError("no_channel_configured")
    limit = campaign.pack.max_reminders if max_reminders is None else max_reminders
    gap = timedelta(days=current_app.config["REMINDER_MIN_DAYS"] if min_days is None else min_days)
    history: dict[int, tuple[set[str], object]] = defaultdict(lambda: (set(), None))
    for respondent_id, kind, last in db.session.execute(
        sa.select(Invitation.respondent_id, OutboxMessage.kind, sa.func.max(OutboxMessage.created_at))
        .join(Invitation, Invitation.id == OutboxMessage.invitation_id)
        # a cancelled message never reached the person (the roster cancels those of a corrected person)
        .where(OutboxMessage.campaign_id == campaign.id, OutboxMessage.status != MessageStatus.CANCELLED)
        .group_by(Invitation.respondent_id, OutboxMessage.kind)
    ):
        kinds, latest = history[respondent_id]
        kinds.add(kind)
        history[respondent_id] = (kinds, max(filter(None, (latest, aware(last)))))
    report_skips: list[Skip] = []
    plans = []
    at = now()
    for inv in _targets(campaign, None, None, respondent_ids):
        kinds, latest = history[inv.respondent_id]
        done = sum(1 for k in kinds if k.startswith("reminder"))
        person = inv.respondent
        if inv.status == InvitationStatus.SUBMITTED:
            continue
        if done >= limit:
            report_skips.append(Skip(person.id, person.full_name, channel or "*", "max_reminders"))
        elif latest is not None and at - latest < gap:
            report_skips.append(Skip(person.id, person.full_name, channel or "*", "recent"))
        else:
            plans.append((inv, channels, f"reminder{done + 1}", done + 1))
    report = _queue(campaign, plans, explicit=bool(channel), audit_as=("messages.reminders", channel or "*", None))
    report.skipped = report_skips + report.skipped
    return report


def _queue(campaign: Campaign, plans: list, explicit: bool, audit_as: tuple[str, str, str | None]) -> QueueReport:
    """Insert one row per (invitation, channel) not yet queued, all in one transaction with its audit entry."""
    report = QueueReport()
    templates = Templates.load()
    chats = telegram_links.chats_by_respondent([inv.respondent_id for inv, *_ in plans]) if plans else {}
    domain = (current_app.config.get("MAIL_FROM") or "@localhost").rpartition("@")[2]
    rows = []
    at = now()
    for inv, channels, kind, number in plans:
        person = inv.respondent
        if inv.status == InvitationStatus.SUBMITTED:
            report.skipped.append(Skip(person.id, person.full_name, channels[0], "submitted"))
            continue
        values = person_values(campaign, person, number)
        reachable = 0
        for channel in channels:
            address, why = address_for(channel, person, chats)
            if address is None:
                if explicit:
                    report.skipped.append(Skip(person.id, person.full_name, channel, why))
                continue
            reachable += 1
            content = templates.content(channel, kind, values)
            rows.append(_message_row(campaign, inv, channel, kind, address, content, at, domain))
        if not explicit and not reachable:
            report.skipped.append(Skip(person.id, person.full_name, "*", "no_channel"))
    keys = [r["idempotency_key"] for r in rows]
    existing = set(_chunked(keys, OutboxMessage.idempotency_key))
    fresh = [r for r in rows if r["idempotency_key"] not in existing]
    if fresh:
        insert = insert_for(db.session)
        db.session.execute(insert(OutboxMessage).on_conflict_do_nothing(index_elements=["idempotency_key"]), fresh)
    action, target, unit = audit_as
    scope = {"unit": unit} if unit else {}
    audit.record(action, campaign.code, target, queued=len(fresh), already=len(rows) - len(fresh), **scope)
    report.batch = at if fresh else None
    db.session.commit()
    report.queued, report.already = len(fresh), len(rows) - len(fresh)
    report.message_ids = _chunked([r["idempotency_key"] for r in fresh], OutboxMessage.id)
    db.session.rollback()
    log.info("campaign %s: %s", campaign.code, report)
    return report


def _message_row(
    campaign: Campaign, inv: Invitation, channel: str, kind: str, address: str, content: dict, at, domain: str
) -> dict:
    return {
        "campaign_id": campaign.id,
        "invitation_id": inv.id,
        "respondent_id": inv.respondent_id,
        "channel": channel,
        "kind": kind,
        "idempotency_key": f"inv:{inv.id}:{kind}:{channel}",
        "address": address,
        "content": content,
        "status": MessageStatus.PENDING,
        "attempts": 0,
        "next_attempt_at": at,
        "created_at": at,
        "provider_id": make_msgid(domain=domain) if channel == Channel.EMAIL else None,
    }


def _chunked(keys: list[str], column, size: int = 5000) -> list:
    """`column` of the outbox rows with these idempotency keys, asked in chunks (a statement's parameters are few)."""
    found: list = []
    for start in range(0, len(keys), size):
        found += db.session.scalars(
            sa.select(column).where(OutboxMessage.idempotency_key.in_(keys[start : start + size]))
        )
    return found
