"""The Zalo OA's tokens and daily quota, shared by every worker through one database row.

Zalo's refresh token is single-use: whoever refreshes must store the new pair before using the new
access token, and two workers must never spend the same refresh token. The refresh therefore runs
while holding the row lock (FOR UPDATE on PostgreSQL; SQLite's write lock is taken at BEGIN).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from ...extensions import db
from ...models import ZaloState
from ...timeutil import aware, now

log = logging.getLogger(__name__)


class ZaloAuthError(RuntimeError):
    """No usable refresh token (never configured, or refused by Zalo): an administrator must act."""


def _row(lock: bool = False) -> ZaloState:
    query = sa.select(ZaloState).where(ZaloState.id == 1)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    state = db.session.scalar(query)
    if state is None:
        state = ZaloState(id=1, refresh_token=current_app.config.get("ZALO_REFRESH_TOKEN"), updated_at=now())
        db.session.add(state)
        db.session.flush()
    return state


def access_token() -> str | None:
    """The stored access token if it is not known to be expired."""
    state = _row()
    token, expires = state.access_token, state.access_expires_at
    db.session.commit()
    if token and (expires is None or aware(expires) > now() + timedelta(seconds=60)):
        return token
    return None


def refresh(exchange: Callable[[str], dict], stale: str | None) -> str:
    """Spend the refresh token once and store the new pair before returning the new access token.

    `stale` is the access token the caller found expired: if another worker has already replaced
    it, that newer token is returned without spending anything.
    """
    state = _row(lock=True)
    if (
        state.access_token
        and state.access_token != stale
        and (state.access_expires_at is None or aware(state.access_expires_at) > now())
    ):
        token = state.access_token
        db.session.commit()
        return token
    if not state.refresh_token:
        db.session.rollback()
        raise ZaloAuthError()
    try:
        pair = exchange(state.refresh_token)
    except Exception:
        db.session.rollback()
        raise
    state.access_token, state.refresh_token = pair["access_token"], pair["refresh_token"]
    state.access_expires_at = now() + timedelta(seconds=int(pair.get("expires_in") or 3600))
    state.updated_at = now()
    db.session.commit()  # stored before the new access token is used
    log.info("zalo: access token refreshed, valid until %s", state.access_expires_at)
    return pair["access_token"]


def paused_until() -> datetime | None:
    state = _row()
    until = aware(state.paused_until) if state.paused_until else None
    db.session.commit()
    return until if until and until > now() else None


def pause(until: datetime, why: str) -> None:
    """Stop Zalo sends until `until` (quota spent, or an account problem)."""
    state = _row(lock=True)
    state.paused_until, state.updated_at = until.astimezone(UTC), now()  # SQLite keeps naive UTC
    db.session.commit()
    log.warning("zalo: paused until %s: %s", until, why)


def note_quota(day: date, remaining: int) -> None:
    state = _row(lock=True)
    state.quota_day, state.quota_remaining, state.updated_at = day, remaining, now()
    db.session.commit()
