"""The audit log: every administrative change, staged in the caller's transaction.

An entry keeps the action's code and its fields (JSON); the audit page renders them in Vietnamese.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import sqlalchemy as sa
from flask import has_request_context
from flask_login import current_user

from ..extensions import db
from ..models import AuditEntry
from ..timeutil import now

log = logging.getLogger(__name__)


def actor() -> str:
    """The signed-in staff member, or 'cli' for commands run on the server."""
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.email
    return "cli"


def record(action: str, campaign_code: str | None = None, target: str | None = None, **params: Any) -> None:
    """Add an entry to the current transaction; it commits (or not) with the change it describes."""
    detail = json.dumps(params, ensure_ascii=False, default=str, sort_keys=True) if params else None
    db.session.add(
        AuditEntry(at=now(), actor=actor(), action=action, campaign_code=campaign_code, target=target, detail=detail)
    )
    log.info("audit: %s %s %s", action, campaign_code or "-", target or "-")


def params_of(entry: AuditEntry) -> dict[str, Any]:
    """The fields of an entry (entries written before fields existed keep their text under 'text')."""
    if not entry.detail:
        return {}
    try:
        value = json.loads(entry.detail)
    except ValueError:
        return {"text": entry.detail}
    return value if isinstance(value, dict) else {"text": entry.detail}


def entries(limit: int = 500) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)))
