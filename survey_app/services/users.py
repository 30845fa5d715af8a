"""Staff accounts: creation, sign-in with lockout, password reset, API tokens."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta

import sqlalchemy as sa

from ..contacts import normalise_email
from ..errors import NotFound, ServiceError
from ..extensions import db
from ..models import Role, Unit, User
from ..timeutil import aware, now
from . import audit

log = logging.getLogger(__name__)
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)


MIN_PASSWORD = 10


class Locked(ServiceError):
    """Too many failed sign-ins; the account opens again later or when an admin resets it."""

    default_code = "account_locked"


def _normal_email(email: str) -> str:
    normal = normalise_email(email)
    if normal is None:
        raise ServiceError("invalid_email", value=email)
    return normal


def get_user(email: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise NotFound("user_not_found", email=email)
    return user


def create_user(email: str, password: str, role: str = Role.ADMIN, unit_code: str | None = None) -> User:
    """Create a staff account with a hashed password; a focal point needs a known unit code."""
    email = _normal_email(email)
    if role not in tuple(Role):
        raise ServiceError("unknown_role", role=role, roles=[r.value for r in Role])
    if role == Role.UNIT:
        if not unit_code:
            raise ServiceError("unit_role_needs_unit")
        if not db.session.scalar(sa.select(Unit.id).where(Unit.code == unit_code).limit(1)):
            raise ServiceError("unknown_unit_code", unit=unit_code)
    elif unit_code:
        raise ServiceError("unit_code_for_other_role", role=role)
    _check_password(password)
    if db.session.scalar(sa.select(User.id).where(User.email == email)):
        raise ServiceError("user_exists", email=email)
    user = User(email=email, role=role, unit_code=unit_code if role == Role.UNIT else None, failed_logins=0)
    user.set_password(password)
    db.session.add(user)
    audit.record("user.create", None, email, role=role, unit=unit_code)
    db.session.commit()
    return user


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ServiceError("password_too_short", minimum=MIN_PASSWORD)


def authenticate(email: str, password: str) -> User | None:
    """The user when the password matches; counts failures and locks after too many."""
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None:
        return None
    if user.locked_until and aware(user.locked_until) > now():
        raise Locked()
    if user.check_password(password):
        user.failed_logins, user.locked_until = 0, None
        db.session.commit()
        return user
    user.failed_logins += 1
    if user.failed_logins >= MAX_FAILED_LOGINS:
        user.locked_until, user.failed_logins = now() + LOCKOUT, 0
        audit.record("user.locked", None, user.email, failures=MAX_FAILED_LOGINS)
    db.session.commit()
    return None


def reset_password(email: str, password: str | None = None) -> str:
    """Set a new password (a random one when none is given), unlock, and return it once."""
    user = get_user(email)
    password = password or secrets.token_urlsafe(12)
    _check_password(password)
    user.set_password(password)
    user.failed_logins, user.locked_until = 0, None
    audit.record("user.reset_password", None, user.email)
    db.session.commit()
    return password


def issue_api_token(email: str) -> str:
    """A new bearer token for scripts (the previous one stops working); only its hash is stored."""
    user = get_user(email)
    token = secrets.token_urlsafe(32)
    user.api_token_hash = _hash(token)
    audit.record("user.api_token", None, user.email)
    db.session.commit()
    return token


def user_for_token(token: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.api_token_hash == _hash(token)))


def list_users() -> list[User]:
    return list(db.session.scalars(sa.select(User).order_by(User.role, User.email)))


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
