"""Telegram deep links: a one-time binding code per invitation, never the answer token.

The code is `<invitation id>_<HMAC(LINK_SECRET, "tg", invitation nonce)>`, so nothing is stored until
a chat uses it; once bound, the same code cannot bind another chat. A re-issued link changes the
nonce and therefore the code.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging

import sqlalchemy as sa
from flask import current_app

from ...errors import ServiceError
from ...extensions import db
from ...models import Invitation, TelegramChat
from ...timeutil import now

log = logging.getLogger(__name__)


class BindingRefused(ServiceError):
    """`reason`: unknown | used | revoked | submitted."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def enabled() -> bool:
    return bool(current_app.config.get("TELEGRAM_BOT_TOKEN") and current_app.config.get("TELEGRAM_BOT_USERNAME"))


def binding_code(invitation: Invitation) -> str:
    key = current_app.config["LINK_SECRET"].encode()
    digest = hmac.new(key, f"tg:{invitation.id}:{invitation.nonce}".encode(), hashlib.sha256).digest()
    return f"{invitation.id}_{base64.urlsafe_b64encode(digest).decode()[:22]}"


def deep_link(invitation: Invitation) -> str | None:
    """`https://t.me/<bot>?start=<code>` when Telegram is configured, else None."""
    if not enabled():
        return None
    return f"https://t.me/{current_app.config['TELEGRAM_BOT_USERNAME']}?start={binding_code(invitation)}"


def bind_chat(code: str, chat_id: int) -> Invitation:
    """Bind a chat to the invitation behind a code; the same chat may bind again, another may not."""
    inv_id, _, _mac = code.partition("_")
    invitation = db.session.get(Invitation, int(inv_id)) if inv_id.isdigit() else None
    if invitation is None or not hmac.compare_digest(binding_code(invitation), code):
        raise BindingRefused("unknown")
    if invitation.revoked_at is not None:
        raise BindingRefused("revoked")
    if invitation.status == "submitted":
        raise BindingRefused("submitted")
    existing = db.session.scalar(sa.select(TelegramChat).where(TelegramChat.invitation_id == invitation.id))
    if existing is not None and existing.chat_id != chat_id:
        raise BindingRefused("used")
    if existing is None:
        db.session.add(TelegramChat(invitation_id=invitation.id, chat_id=chat_id, bound_at=now()))
        log.info("telegram: invitation %s bound to a chat", invitation.id)
    else:
        existing.blocked_at = None
    db.session.commit()
    return invitation


def invitation_for_chat(chat_id: int) -> Invitation | None:
    """The live invitation of the person bound to this chat (a re-issued link keeps the binding)."""
    bound = (
        sa.select(Invitation.respondent_id)
        .join(TelegramChat, TelegramChat.invitation_id == Invitation.id)
        .where(TelegramChat.chat_id == chat_id)
        .order_by(TelegramChat.bound_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    return db.session.scalar(
        sa.select(Invitation).where(Invitation.respondent_id == bound, Invitation.revoked_at.is_(None))
    )


def chats_by_respondent(respondent_ids: list[int]) -> dict[int, int]:
    """respondent id → chat id, for bound chats that have not blocked the bot."""
    rows = db.session.execute(
        sa.select(Invitation.respondent_id, TelegramChat.chat_id)
        .join(TelegramChat, TelegramChat.invitation_id == Invitation.id)
        .where(Invitation.respondent_id.in_(respondent_ids), TelegramChat.blocked_at.is_(None))
        .order_by(TelegramChat.bound_at)
    )
    return {rid: chat for rid, chat in rows}


def mark_blocked(chat_id: int) -> None:
    """The person blocked the bot: stop using this channel for them."""
    db.session.execute(sa.update(TelegramChat).where(TelegramChat.chat_id == chat_id).values(blocked_at=now()))
    db.session.commit()
    log.info("telegram: a chat blocked the bot; its bindings are paused")
