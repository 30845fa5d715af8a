"""Reads about delivery for the dashboard and the CLI, plus recording bounces that arrive later."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from ...extensions import db
from ...models import Campaign, Channel, MessageStatus, OutboxMessage, Respondent, Unit
from ...timeutil import now

log = logging.getLogger(__name__)
M = OutboxMessage
# What to try when a channel failed for good (the pages name the channels).
OTHER_CHANNELS = {
    Channel.EMAIL: (Channel.ZALO, "letter"),
    Channel.ZALO: (Channel.EMAIL, "letter"),
    Channel.TELEGRAM: (Channel.EMAIL, Channel.ZALO),
}


def last_status_by_respondent(campaign: Campaign, respondent_ids: list[int]) -> dict[int, dict[str, str]]:
    """respondent id → {channel: status of the latest message on that channel}."""
    if not respondent_ids:
        return {}
    latest = (
        sa.select(sa.func.max(M.id))
        .where(M.campaign_id == campaign.id, M.respondent_id.in_(list(respondent_ids)))
        .group_by(M.respondent_id, M.channel)
    )
    result: dict[int, dict[str, str]] = {}
    for rid, channel, status in db.session.execute(
        sa.select(M.respondent_id, M.channel, M.status).where(M.id.in_(latest))
    ):
        result.setdefault(rid, {})[channel] = status
    return result


@dataclass(frozen=True)
class Failure:
    """A message that failed for good or bounced, with what to try instead."""

    message_id: int
    respondent_id: int
    full_name: str
    unit_code: str
    channel: str
    kind: str
    status: str
    code: str | None  # why, rendered by the page
    detail: str  # the provider's own words
    at: datetime
    try_instead: tuple[str, ...]


def delivery_failures(campaign: Campaign) -> list[Failure]:
    """Failed and bounced messages, newest first, for the delivery page."""
    rows = db.session.execute(
        sa.select(M, Respondent.full_name, Unit.code)
        .join(Respondent, Respondent.id == M.respondent_id)
        .join(Unit, Unit.id == Respondent.unit_id)
        .where(M.campaign_id == campaign.id, M.status.in_((MessageStatus.FAILED, MessageStatus.BOUNCED)))
        .order_by(M.id.desc())
    ).all()
    return [
        Failure(
            m.id,
            m.respondent_id,
            name,
            unit,
            m.channel,
            m.kind,
            m.status,
            m.error_code,
            m.last_error or "",
            m.sent_at or m.next_attempt_at,
            OTHER_CHANNELS[m.channel],
        )
        for m, name, unit in rows
    ]


def status_counts(message_ids: list[int] | None = None, campaign: Campaign | None = None) -> Counter:
    """status → number of messages, for a batch (progress bars) or a whole campaign."""
    query = sa.select(M.status, sa.func.count()).group_by(M.status)
    if campaign is not None:
        query = query.where(M.campaign_id == campaign.id)
    counts: Counter = Counter()
    if message_ids is None:
        counts.update(dict(db.session.execute(query).all()))
    else:
        for start in range(0, len(message_ids), 5000):
            counts.update(dict(db.session.execute(query.where(M.id.in_(message_ids[start : start + 5000]))).all()))
    db.session.rollback()
    return counts


def record_bounce(message_id: int, reason: str) -> bool:
    """A delivery status report came back for a message we sent: show it as bounced with the reason."""
    done = db.session.execute(
        sa.update(M)
        .where(
            M.id == message_id,
            M.channel == Channel.EMAIL,
            M.status.in_((MessageStatus.SENT, MessageStatus.SENDING, MessageStatus.PENDING)),
        )
        .values(
            status=MessageStatus.BOUNCED,
            error_code="bounced",
            last_error=reason[:500],
            sent_at=sa.func.coalesce(M.sent_at, now()),
        )
    ).rowcount
    db.session.commit()
    if done:
        log.info("outbox %s: bounced: %s", message_id, reason)
    return bool(done)
