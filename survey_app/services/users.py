"""Staff accounts: creation, sign-in with lockout, password reset, API tokens."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email

from ..extensions import db
from ..models import Unit, User
from ..models.user import ROLES
from ..timeutil import aware, now
from . import audit
from .errors import NotFound, ServiceError

log = logging.getLogger(__name__)
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)


class Locked(ServiceError):
    """Too many failed sign-ins; the account opens again later or when an admin resets it."""


def _normal_email(email: str) -> str:
    try:
        return validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ServiceError(f"not a valid email address: {exc}") from exc


def get_user(email: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise NotFound(f"no user {email}")
    return user


def create_user(email: str, password: str, role: str = "admin", unit_code: str | None = None) -> User:
    """Create a staff account with a hashed password; a focal point needs a known unit code."""
    email = _normal_email(email)
    if role not in ROLES:
        raise ServiceError(f"role must be one of {', '.join(ROLES)}")
    if role == "unit":
        if not unit_code:
            raise ServiceError("a unit focal point needs --unit CODE")
        if not db.session.scalar(sa.select(Unit.id).where(Unit.code == unit_code).limit(1)):
            raise ServiceError(f"no unit with code {unit_code!r} in any campaign")
    elif unit_code:
        raise ServiceError("only the role 'unit' takes a unit code")
    _check_password(password)
    if db.session.scalar(sa.select(User.id).where(User.email == email)):
        raise ServiceError(f"a user {email} already exists")
    user = User(email=email, role=role, unit_code=unit_code if role == "unit" else None, failed_logins=0)
    user.set_password(password)
    db.session.add(user)
    audit.record("user.create", target=email, detail=f"role={role} unit={unit_code or '-'}")
    db.session.commit()
    return user


def _check_password(password: str) -> None:
    if len(password) < 10:
        raise ServiceError("the password must have at least 10 characters")


def authenticate(email: str, password: str) -> User | None:
    """The user when the password matches; counts failures and locks after too many."""
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None:
        return None
    if user.locked_until and aware(user.locked_until) > now():
        raise Locked("account locked after repeated failed sign-ins")
    if user.check_password(password):
        user.failed_logins, user.locked_until = 0, None
        db.session.commit()
        return user
    user.failed_logins += 1
    if user.failed_logins >= MAX_FAILED_LOGINS:
        user.locked_until, user.failed_logins = now() + LOCKOUT, 0
        audit.record("user.locked", target=user.email, detail=f"{MAX_FAILED_LOGINS} failed sign-ins")
    db.session.commit()
    return None


def reset_password(email: str, password: str | None = None) -> str:
    """Set a new password (a random one when none is given), unlock, and return it once."""
    user = get_user(email)
    password = password or secrets.token_urlsafe(12)
    _check_password(password)
    user.set_password(password)
    user.failed_logins, user.locked_until = 0, None
    audit.record("user.reset_password", target=user.email)
    db.session.commit()
    return password


def issue_api_token(email: str) -> str:
    """A new bearer token for scripts (the previous one stops working); only its hash is stored."""
    user = get_user(email)
    token = secrets.token_urlsafe(32)
    user.api_token_hash = _hash(token)
    audit.record("user.api_token", target=user.email)
    db.session.commit()
    return token


def user_for_token(token: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.api_token_hash == _hash(token)))


def list_users() -> list[User]:
    return list(db.session.scalars(sa.select(User).order_by(User.role, User.email)))


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
