"""A message as one person would receive it, for the sending page: from the editable templates,
with a placeholder where the personal link goes (a preview never derives a real token)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from analysis.vntext import sort_key

from ...errors import ServiceError
from ...extensions import db
from ...models import Campaign, Channel, Invitation, InvitationStatus, Respondent, Unit
from ..messages import Templates, fill_at_send, person_values
from . import telegram_links
from .queue import address_for, require_channel

# Stands where a personal token goes in a preview: a preview never derives a real link.
PREVIEW_TOKEN = "x" * 24


@dataclass(frozen=True)
class MessagePreview:
    """One message as one person would receive it, with a placeholder in place of their link."""

    channel: str
    kind: str  # invitation | reminder
    full_name: str
    unit_name: str
    address: str | None  # where it would go; None when this person has no address on the channel
    skip: str | None  # why not (a skip reason code)
    subject: str | None
    text: str
    html: str | None
    template_data: dict[str, str] | None  # Zalo ZNS parameters


def preview_message(
    campaign: Campaign, channel: str, kind: str = "invitation", unit_code: str | None = None
) -> MessagePreview:
    """The message of the editable templates filled for the first person of the scope (Vietnamese
    name order, someone who has not submitted when there is one)."""
    require_channel(channel)
    if kind not in ("invitation", "reminder"):
        raise ServiceError("unknown_message_kind", kind=kind)
    query = (
        sa.select(Respondent, Invitation.status)
        .options(joinedload(Respondent.unit))
        .outerjoin(Invitation, (Invitation.respondent_id == Respondent.id) & Invitation.revoked_at.is_(None))
        .where(Respondent.campaign_id == campaign.id, Respondent.removed_at.is_(None))
    )
    if unit_code:
        query = query.join(Unit, Unit.id == Respondent.unit_id).where(Unit.code == unit_code)
    people = db.session.execute(query).all()
    if not people:
        raise ServiceError("no_people_to_preview", unit=unit_code or "")
    person = min(people, key=lambda p: (p[1] in (None, InvitationStatus.SUBMITTED), sort_key(p[0].full_name)))[0]
    content = Templates.load().content(channel, kind, person_values(campaign, person, int(kind == "reminder")))
    link = f"{current_app.config['BASE_URL']}/s/{PREVIEW_TOKEN}"
    telegram = f"https://t.me/{current_app.config['TELEGRAM_BOT_USERNAME']}?start={PREVIEW_TOKEN}"
    tg_url = telegram if telegram_links.enabled() and channel == Channel.EMAIL else None

    def filled(text: str | None, escape: bool = False) -> str | None:
        return None if text is None else fill_at_send(text, link, PREVIEW_TOKEN, tg_url, escape=escape)

    address, skip = address_for(channel, person, telegram_links.chats_by_respondent([person.id]))
    data = content.get("template_data")
    return MessagePreview(
        channel,
        kind,
        person.full_name,
        person.unit.name,
        address,
        skip,
        filled(content.get("subject")),
        filled(content["text"]),
        filled(content.get("html"), escape=True),
        {k: filled(v) for k, v in data.items()} if data else None,
    )
