"""Sealing: what the database must hold but nobody holding a copy of it may read.

A submitted questionnaire waits for the mixer sealed (AES-256-GCM); a draft is sealed too, so that
neither a copy of the database (with its SQLite WAL or PostgreSQL's dead tuples and data files) nor a
backup shows anyone's answers. The keys are derived from `LINK_SECRET`, which lives in the environment,
never in the database: a submission's key is the campaign's, a draft's is its invitation's (it changes
when the link is re-issued).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app

_NONCE = 12


class SealBroken(Exception):
    """The sealed bytes were changed, or sealed under another LINK_SECRET: they cannot be read."""


def _key(purpose: str) -> bytes:
    secret = current_app.config["LINK_SECRET"].encode()
    return hmac.new(secret, f"seal:v1:{purpose}".encode(), hashlib.sha256).digest()


def seal(value: object, purpose: str) -> bytes:
    """JSON-encode `value` and seal it for `purpose` (the purpose is also checked when opening)."""
    nonce = os.urandom(_NONCE)
    data = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
    return nonce + AESGCM(_key(purpose)).encrypt(nonce, data, purpose.encode())


def unseal(sealed: bytes, purpose: str) -> object:
    try:
        plain = AESGCM(_key(purpose)).decrypt(sealed[:_NONCE], sealed[_NONCE:], purpose.encode())
    except (InvalidTag, ValueError) as exc:
        raise SealBroken(purpose) from exc
    return json.loads(plain)


def submission_purpose(campaign_id: int) -> str:
    return f"submission:{campaign_id}"


def draft_purpose(campaign_id: int, nonce: str) -> str:
    return f"draft:{campaign_id}:{nonce}"


def read_draft(invitation) -> dict[str, dict[str, str]]:
    """The answers saved so far under this link, {unit code: {question code: option code}}."""
    if not invitation.draft:
        return {}
    return unseal(invitation.draft, draft_purpose(invitation.campaign_id, invitation.nonce))


def sealed_draft(invitation, answers: dict[str, dict[str, str]]) -> bytes | None:
    """The draft column's value for these answers (None when there are none)."""
    if not any(answers.values()):
        return None
    return seal(answers, draft_purpose(invitation.campaign_id, invitation.nonce))
