"""Reads about delivery for the dashboard and the CLI, plus recording bounces that arrive later.

The reads the pages poll run in `db_setup.reading()`: on SQLite no write lock is taken, and none is
left held (where a rollback after the read used to release it, and ended a caller's transaction too)."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from analysis.vntext import sort_key

from ...db_setup import reading
from ...extensions import db
from ...models import Campaign, Channel, MessageStatus, OutboxMessage, Respondent, Unit
from ...timeutil import aware, now

log = logging.getLogger(__name__)
M = OutboxMessage
# What to try when a channel failed for good (the pages name the channels).
OTHER_CHANNELS = {
    Channel.EMAIL: (Channel.ZALO, "letter"),
    Channel.ZALO: (Channel.EMAIL, "letter"),
    Channel.TELEGRAM: (Channel.EMAIL, Channel.ZALO),
}


@dataclass(frozen=True)
class LastMessage:
    """The latest message to a person on one channel."""

    channel: str
    kind: str
    status: str
    code: str | None  # why it is not sent (rendered by the page as send.<code>)
    detail: str  # the provider's own words
    at: datetime  # sent (or bounced) at; else when the next attempt is due


def last_messages(campaign: Campaign, respondent_ids: list[int] | None = None) -> dict[int, dict[str, LastMessage]]:
    """respondent id → {channel: their latest message there}, for these people (None: everyone)."""
    latest = sa.select(sa.func.max(M.id)).where(M.campaign_id == campaign.id).group_by(M.respondent_id, M.channel)
    if respondent_ids is not None:
        if not respondent_ids:
            return {}
        latest = latest.where(M.respondent_id.in_(list(respondent_ids)))
    result: dict[int, dict[str, LastMessage]] = {}
    columns = (M.respondent_id, M.channel, M.kind, M.status, M.error_code, M.last_error, M.sent_at, M.next_attempt_at)
    for rid, channel, kind, status, code, detail, sent_at, due in db.session.execute(
        sa.select(*columns).where(M.id.in_(latest))
    ):
        at = aware(sent_at or due)
        result.setdefault(rid, {})[channel] = LastMessage(channel, kind, status, code, detail or "", at)
    return result


def last_status_by_respondent(campaign: Campaign, respondent_ids: list[int]) -> dict[int, dict[str, str]]:
    """respondent id → {channel: status of the latest message on that channel}."""
    return {
        rid: {channel: m.status for channel, m in by_channel.items()}
        for rid, by_channel in last_messages(campaign, respondent_ids).items()
    }


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
    with reading():
        if message_ids is None:
            counts.update(dict(db.session.execute(query).all()))
        else:
            for start in range(0, len(message_ids), 5000):
                chunk = query.where(M.id.in_(message_ids[start : start + 5000]))
                counts.update(dict(db.session.execute(chunk).all()))
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


# A batch is the rows one decision to send queued: they share their `created_at` to the microsecond.
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def batch_id(batch: datetime) -> int:
    """A batch's instant as a whole number of microseconds (for a URL), exactly."""
    return (aware(batch) - _EPOCH) // timedelta(microseconds=1)


def batch_at(number: int) -> datetime:
    return _EPOCH + timedelta(microseconds=number)


def latest_batch(campaign: Campaign) -> datetime | None:
    """When the campaign's most recent messages were queued."""
    with reading():
        found = db.session.scalar(sa.select(sa.func.max(M.created_at)).where(M.campaign_id == campaign.id))
    return aware(found) if found else None


def batch_counts(campaign: Campaign, batch: datetime) -> Counter:
    """status → number of the batch's messages, for its progress bar."""
    query = (
        sa.select(M.status, sa.func.count())
        .where(M.campaign_id == campaign.id, M.created_at == aware(batch).astimezone(UTC))
        .group_by(M.status)
    )
    with reading():
        return Counter(dict(db.session.execute(query).all()))


# Due messages that waited this long while nothing moved on their channel mean no worker is running.
STALL_SECONDS = 60


@dataclass(frozen=True)
class Stall:
    """A channel with messages overdue and no sign of a worker: nothing sent or claimed lately."""

    channel: str
    waiting: int
    since: datetime  # the oldest overdue message was due then


def stalled_channels(grace_seconds: float = STALL_SECONDS) -> list[Stall]:
    """Channels (of every campaign: a worker serves them all) whose messages have been due for more
    than `grace_seconds` while none was sent or held by a worker in that time."""
    at = now()
    cutoff = at - timedelta(seconds=grace_seconds)
    moving_now = sa.or_(sa.and_(M.status == MessageStatus.SENDING, M.lease_until > at), M.sent_at >= cutoff)
    with reading():
        overdue = db.session.execute(
            sa.select(M.channel, sa.func.count(), sa.func.min(M.next_attempt_at))
            .where(M.status == MessageStatus.PENDING, M.next_attempt_at <= cutoff)
            .group_by(M.channel)
        ).all()
        moving = set(db.session.scalars(sa.select(M.channel).where(moving_now).distinct())) if overdue else set()
    return [Stall(ch, n, aware(since)) for ch, n, since in sorted(overdue) if ch not in moving]


@dataclass(frozen=True)
class PersonDelivery:
    """A person's latest message on each channel they were sent something on."""

    respondent_id: int
    full_name: str
    unit_code: str
    unit_name: str
    messages: dict[str, LastMessage]


def delivery_by_person(
    campaign: Campaign, unit_code: str | None = None, status: str | None = None
) -> list[PersonDelivery]:
    """Everyone who was sent something (of one unit; whose latest message on some channel has
    `status`), by unit code and Vietnamese name order."""
    sent_to = sa.select(M.respondent_id).where(M.campaign_id == campaign.id)
    people = (
        sa.select(Respondent.id, Respondent.full_name, Unit.code, Unit.name)
        .join(Unit, Unit.id == Respondent.unit_id)
        .where(Respondent.campaign_id == campaign.id, Respondent.id.in_(sent_to))
    )
    if unit_code:
        people = people.where(Unit.code == unit_code)
    with reading():
        found = db.session.execute(people).all()
        messages = last_messages(campaign, [p[0] for p in found]) if unit_code else last_messages(campaign)
    rows = [
        PersonDelivery(rid, name, code, unit_name, messages.get(rid, {}))
        for rid, name, code, unit_name in found
        if status is None or any(m.status == status for m in messages.get(rid, {}).values())
    ]
    return sorted(rows, key=lambda p: (p.unit_code, sort_key(p.full_name)))
