"""Reading bounces: delivery status reports (RFC 3464) sent back to our per-message envelope sender.

Each email goes out with the envelope sender `bounce+<outbox id>@domain` (MAIL_BOUNCE_ADDRESS), so a
report that comes back names the row it is about, whatever the remote server puts in its text.
Only reports whose action is "failed" count; "delayed" and "delivered" reports are not bounces.
"""

from __future__ import annotations

import email
import email.policy
import mailbox
import re
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

_ADDRESS_HEADERS = ("X-Original-To", "Delivered-To", "Envelope-To", "To")


@dataclass(frozen=True)
class Bounce:
    message_id: int  # the outbox row
    reason: str


def read_mail(path: str | Path) -> Iterator[EmailMessage]:
    """Messages from an mbox file or from a folder of .eml files (an export of the bounce mailbox)."""
    path = Path(path)
    if path.is_dir():
        for file in sorted(path.glob("*.eml")):
            with file.open("rb") as fh:
                yield email.message_from_binary_file(fh, policy=email.policy.default)
        return
    box = mailbox.mbox(path, factory=lambda fh: email.message_from_binary_file(fh, policy=email.policy.default))
    try:
        yield from box
    finally:
        box.close()


def parse_bounce(message: EmailMessage, bounce_address: str) -> Bounce | None:
    """The bounce a report describes, or None when it is not a failure report for one of our messages."""
    local, _, domain = bounce_address.rpartition("@")
    verp = re.compile(rf"{re.escape(local)}\+(\d+)@{re.escape(domain)}", re.IGNORECASE)
    message_id = next(
        (int(m.group(1)) for h in _ADDRESS_HEADERS for v in message.get_all(h, []) if (m := verp.search(str(v)))),
        None,
    )
    if message_id is None:
        return None
    fields = _delivery_status(message)
    if fields is None or fields.get("action", "").lower() != "failed":
        return None
    parts = [fields.get("status", ""), fields.get("diagnostic-code", ""), fields.get("final-recipient", "")]
    return Bounce(message_id, " ".join(p for p in parts if p).strip())


def _delivery_status(message: EmailMessage) -> dict[str, str] | None:
    """The per-recipient fields of the message/delivery-status part, lower-cased names."""
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        blocks = part.get_payload()
        if isinstance(blocks, str):  # some servers send it unparsed
            blocks = [email.message_from_string(b) for b in blocks.split("\n\n") if b.strip()]
        fields: dict[str, str] = {}
        for block in blocks:
            for name, value in block.items():
                fields.setdefault(name.lower(), " ".join(str(value).split()))
        if "action" in fields:
            return fields
    return None


@dataclass(frozen=True)
class BounceReport:
    recorded: int
    ignored: int  # messages that are not a failure report of one of ours


def import_bounces(path: str | Path, bounce_address: str | None) -> BounceReport:
    """Read an exported bounce mailbox and mark the messages it reports as bounced, with the reason."""
    from survey_app.errors import ServiceError
    from survey_app.services.delivery.status import record_bounce

    if not bounce_address:
        raise ServiceError("bounce_address_missing")
    recorded = ignored = 0
    for message in read_mail(path):
        bounce = parse_bounce(message, bounce_address)
        if bounce and record_bounce(bounce.message_id, bounce.reason):
            recorded += 1
        else:
            ignored += 1
    return BounceReport(recorded, ignored)
