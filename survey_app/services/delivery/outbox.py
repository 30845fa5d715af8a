"""The worker's side of the outbox: claim due rows under a lease, record each result, back off.

Each result is committed together with the mark that the next message is about to be sent
(`in_flight_at`), in one transaction. After a crash, a reclaimed row without that mark was never
tried (sent exactly once), and one with it may have reached the provider (sent at most once more);
the log says which.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from ...extensions import db
from ...models import Invitation, InvitationStatus, MessageStatus, OutboxMessage
from ...timeutil import now

log = logging.getLogger(__name__)
M = OutboxMessage
CANCEL_CODES = ("no_live_link", "submitted_before_send")


@dataclass(frozen=True)
class Outcome:
    """What a channel says about one message. `defer` waits for a quota or a window, without counting.

    `code` says why it was not sent (the pages render it); `detail` keeps the provider's own words
    (an SMTP reply, a Zalo message), shown as they came.
    """

    result: str  # sent | retry | failed | defer | cancelled
    provider_id: str | None = None
    code: str | None = None
    detail: str | None = None
    retry_at: datetime | None = None
    uncertain: bool = False  # the provider may have received it despite the error

    @classmethod
    def sent(cls, provider_id: str | None = None) -> Outcome:
        return cls("sent", provider_id=provider_id)

    @classmethod
    def retry(
        cls, code: str, detail: str | None = None, uncertain: bool = False, at: datetime | None = None
    ) -> Outcome:
        return cls("retry", code=code, detail=detail, uncertain=uncertain, retry_at=at)

    @classmethod
    def failed(cls, code: str, detail: str | None = None) -> Outcome:
        return cls("failed", code=code, detail=detail)

    @classmethod
    def defer(cls, until: datetime, code: str, detail: str | None = None) -> Outcome:
        return cls("defer", code=code, detail=detail, retry_at=until)

    @classmethod
    def cancelled(cls, code: str) -> Outcome:
        return cls("cancelled", code=code)


@dataclass
class Claimed:
    """A claimed row, detached from the session; `link` etc. are filled just before sending."""

    id: int
    channel: str
    kind: str
    address: str
    content: dict
    attempts: int
    respondent_id: int
    provider_id: str | None
    interrupted: bool  # a previous attempt started and its worker died: the provider may have it
    link: str = ""
    token: str = ""
    telegram_url: str | None = None
    cancel_reason: str | None = None  # one of CANCEL_CODES
    extra: dict = field(default_factory=dict)


def _cfg(name: str):
    return current_app.config[name]


def claim(limit: int | None = None, channels: tuple[str, ...] | None = None) -> list[Claimed]:
    """Take up to `limit` due rows (or rows whose worker's lease ran out) in one statement."""
    at = now()
    due = sa.or_(
        sa.and_(M.status == MessageStatus.PENDING, M.next_attempt_at <= at),
        sa.and_(M.status == MessageStatus.SENDING, M.lease_until < at),
    )
    pick = sa.select(M.id).where(due).order_by(M.next_attempt_at, M.id).limit(limit or _cfg("OUTBOX_BATCH"))
    if channels:
        pick = pick.where(M.channel.in_(channels))
    if db.session.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)  # several workers never take the same row
    rows = db.session.execute(
        sa.update(M)
        .where(M.id.in_(pick.scalar_subquery()))
        .values(status=MessageStatus.SENDING, lease_until=at + timedelta(seconds=_cfg("OUTBOX_LEASE_SECONDS")))
        .returning(
            M.id, M.channel, M.kind, M.address, M.content, M.attempts, M.respondent_id, M.provider_id, M.in_flight_at
        )
        .execution_options(synchronize_session=False)
    ).all()
    db.session.commit()
    claimed = sorted(
        (
            Claimed(
                r.id,
                r.channel,
                r.kind,
                r.address,
                r.content,
                r.attempts,
                r.respondent_id,
                r.provider_id,
                r.in_flight_at is not None,
            )
            for r in rows
        ),
        key=lambda c: c.id,
    )
    for c in claimed:
        if c.interrupted:
            log.warning(
                "outbox %s (%s): an earlier attempt was interrupted after it started; resending, "
                "the provider cannot tell whether it arrived (at most one duplicate)",
                c.id,
                c.channel,
            )
    return claimed


def attach_links(claimed: list[Claimed], telegram_url=None) -> None:
    """Derive each person's current link; a message to someone who has since submitted is cancelled.

    The row points at the invitation it was queued for; if that link was re-issued, the live one
    is used, so a reminder never carries a revoked link.
    """
    from ..survey.invitations import derive_token, link_for

    if not claimed:
        return
    live = {
        inv.respondent_id: inv
        for inv in db.session.scalars(
            sa.select(Invitation).where(
                Invitation.respondent_id.in_({c.respondent_id for c in claimed}), Invitation.revoked_at.is_(None)
            )
        )
    }
    for c in claimed:
        inv = live.get(c.respondent_id)
        if inv is None:
            c.cancel_reason = "no_live_link"
        elif inv.status == InvitationStatus.SUBMITTED:
            c.cancel_reason = "submitted_before_send"
        else:
            c.link, c.token = link_for(inv), derive_token(inv.campaign_id, inv.nonce)
            c.telegram_url = telegram_url(inv) if telegram_url else None
    db.session.rollback()  # read-only; release SQLite's write lock before the network call


def mark_in_flight(message_id: int) -> None:
    """Say a send is about to start (its own commit; used for a batch's first message)."""
    db.session.execute(_in_flight(message_id))
    db.session.commit()


def _in_flight(message_id: int):
    return (
        sa.update(M)
        .where(M.id == message_id, M.status == MessageStatus.SENDING)
        .values(in_flight_at=now(), attempts=M.attempts + 1)
    )


def record(message: Claimed, outcome: Outcome, next_id: int | None = None) -> None:
    """Store one result and, in the same commit, mark the next message as in flight."""
    at = now()
    attempts = message.attempts + 1
    values: dict = {"in_flight_at": None, "lease_until": None}
    why = {"error_code": outcome.code, "last_error": _short(outcome.detail)}
    if outcome.result == "sent":
        values |= {"status": MessageStatus.SENT, "sent_at": at, "error_code": None, "last_error": None}
        if outcome.provider_id:
            values["provider_id"] = outcome.provider_id[:200]
        log.info(
            "outbox %s (%s %s): sent%s",
            message.id,
            message.channel,
            message.kind,
            " again after an interrupted attempt" if message.interrupted else "",
        )
    elif outcome.result == "failed":
        values |= {"status": MessageStatus.FAILED, **why}
        log.warning(
            "outbox %s (%s): failed permanently: %s %s", message.id, message.channel, outcome.code, outcome.detail
        )
    elif outcome.result == "cancelled":
        values |= {"status": MessageStatus.CANCELLED, **why}
        log.info("outbox %s (%s): cancelled: %s", message.id, message.channel, outcome.code)
    elif outcome.result == "defer":
        values |= {
            "status": MessageStatus.PENDING,
            "next_attempt_at": outcome.retry_at.astimezone(UTC),
            **why,
            "attempts": M.attempts - 1,
        }
        log.info("outbox %s (%s): deferred to %s: %s", message.id, message.channel, outcome.retry_at, outcome.code)
    elif attempts >= _cfg("OUTBOX_MAX_ATTEMPTS"):
        values |= {"status": MessageStatus.FAILED, **why, "error_code": "gave_up"}
        log.warning(
            "outbox %s (%s): giving up after %d attempts: %s %s",
            message.id,
            message.channel,
            attempts,
            outcome.code,
            outcome.detail,
        )
    else:
        when = (outcome.retry_at or at + timedelta(seconds=backoff(attempts))).astimezone(UTC)
        values |= {"status": MessageStatus.PENDING, "next_attempt_at": when, **why}
        log.info(
            "outbox %s (%s): temporary failure (attempt %d), retry at %s%s: %s",
            message.id,
            message.channel,
            attempts,
            when,
            "; it may have arrived, a retry may duplicate it" if outcome.uncertain else "",
            outcome.code,
        )
    db.session.execute(sa.update(M).where(M.id == message.id, M.status == MessageStatus.SENDING).values(**values))
    if next_id is not None:
        db.session.execute(_in_flight(next_id))
    db.session.commit()


def release(messages: list[Claimed], code: str, detail: str | None = None, delay: float | None = None) -> None:
    """Give claimed rows back untried (the channel is down): they keep their place and attempts."""
    if not messages:
        return
    when = now() + timedelta(seconds=_cfg("OUTBOX_RETRY_BASE") if delay is None else delay)
    db.session.execute(
        sa.update(M)
        .where(M.id.in_([m.id for m in messages]), M.status == MessageStatus.SENDING)
        .values(
            status=MessageStatus.PENDING,
            lease_until=None,
            in_flight_at=None,
            next_attempt_at=when,
            error_code=code,
            last_error=_short(detail),
            attempts=sa.case((M.in_flight_at.is_not(None), M.attempts - 1), else_=M.attempts),
        )
    )
    db.session.commit()
    log.warning("outbox: %d message(s) put back untried until %s: %s %s", len(messages), when, code, detail or "")


def still_held(ids: list[int]) -> set[int]:
    """Which of these rows are still claimed (no result stored yet)."""
    found = set(db.session.scalars(sa.select(M.id).where(M.id.in_(ids), M.status == MessageStatus.SENDING)))
    db.session.rollback()
    return found


def backoff(attempts: int) -> float:
    """Exponential with 'equal jitter': workers retrying together spread out, none waits too long."""
    delay = min(_cfg("OUTBOX_RETRY_MAX"), _cfg("OUTBOX_RETRY_BASE") * 2 ** max(attempts - 1, 0))
    return delay / 2 + random.uniform(0, delay / 2)


def _short(text: str | None) -> str | None:
    return None if text is None else str(text)[:500]


def has_work(channels: tuple[str, ...] | None = None, horizon: float = 0) -> bool:
    """Anything due within `horizon` seconds, or held by a worker (whose lease may still run out)."""
    soon = now() + timedelta(seconds=horizon)
    query = sa.select(M.id).where(
        sa.or_(M.status == MessageStatus.SENDING, sa.and_(M.status == MessageStatus.PENDING, M.next_attempt_at <= soon))
    )
    if channels:
        query = query.where(M.channel.in_(channels))
    found = db.session.scalar(query.limit(1)) is not None
    db.session.rollback()
    return found
