"""Staff accounts: creation, sign-in with lockout, password reset, API tokens."""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import NamedTuple

import sqlalchemy as sa
from werkzeug.security import check_password_hash

from ..contacts import normalise_email
from ..db_setup import reading
from ..errors import NotFound, ServiceError
from ..extensions import db
from ..models import Role, Unit, User
from ..timeutil import now
from . import audit

log = logging.getLogger(__name__)
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
# A hash of a random password nobody knows, made with werkzeug's default method (as every account's
# is): checked for an unknown email, so it costs the same as a known one (tests/test_accounts.py).
_DUMMY_HASH = (
    "scrypt:32768:8:1$NWc0Pk2zdLl991rC$65752fcff1a6d5349ab08ee51198317ba32108309a911f9de2034761ba120777"
    "b0d9dff7b11dbc502baf83fcdf50d781c77286540e4d5f3159fcd2f4f6a3abc5"
)


class _Attempt(NamedTuple):
    user_id: int
    password_hash: str
    locks: bool  # this attempt reached the limit: the account is locked unless its password is right


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
    """The user when the password matches. Each attempt is counted, in one UPDATE, before its password
    is checked: concurrent attempts cannot slip past the limit, and the one that reaches it locks."""
    email = email.strip().lower()
    attempt = _count_attempt(email)
    db.session.commit()  # no transaction (on SQLite: no write lock) is held during the slow hash check
    if attempt is None:
        if db.session.scalar(sa.select(User.id).where(User.email == email)):
            db.session.rollback()
            raise Locked()
        db.session.rollback()
        # The same hash work as for a known account, so timing does not tell which emails exist.
        check_password_hash(_DUMMY_HASH, password)
        return None
    if check_password_hash(attempt.password_hash, password):
        db.session.execute(
            sa.update(User).where(User.id == attempt.user_id).values(failed_logins=0, locked_until=None),
            execution_options={"synchronize_session": False},
        )
        db.session.commit()
        return db.session.get(User, attempt.user_id, populate_existing=True)
    if attempt.locks:
        audit.record("user.locked", None, email, failures=MAX_FAILED_LOGINS)
        log.warning("user %s locked after %d failed sign-ins", email, MAX_FAILED_LOGINS)
        db.session.commit()
    return None


def _count_attempt(email: str) -> _Attempt | None:
    """Count a sign-in attempt on an account that is not locked; None for an unknown or locked account.
    A lock that has ended is cleared by the same statement, so counting starts again from one."""
    at = now()
    reaches_limit = User.failed_logins + 1 >= MAX_FAILED_LOGINS
    row = db.session.execute(
        sa.update(User)
        .where(User.email == email, sa.or_(User.locked_until.is_(None), User.locked_until <= at))
        .values(
            # SET expressions read the row as it was: both columns see the old failed_logins.
            failed_logins=sa.case((reaches_limit, 0), else_=User.failed_logins + 1),
            locked_until=sa.case((reaches_limit, at + LOCKOUT), else_=None),
        )
        # locked_until itself, not "locked_until IS NOT NULL": SQLite 3.40.1 wrongly answers 1 for that here.
        .returning(User.id, User.password_hash, User.locked_until),
        execution_options={"synchronize_session": False},
    ).first()
    return _Attempt(row.id, row.password_hash, row.locked_until is not None) if row else None


def user_for_session(session_id: str) -> User | None:
    """Flask-Login's user loader: the user of a session made with their current session version."""
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdecimal() and version.isdecimal()):
        return None  # also a session from before session versions
    user = _read_user(lambda: db.session.get(User, int(user_id)))
    return user if user is not None and user.session_version == int(version) else None


def _read_user(load: Callable[[], User | None]) -> User | None:
    """Load the signed-in user, for every request of the office, in `reading()`: on SQLite no write lock
    is taken (an admin's page view would otherwise hold it from here to the end of the request). The
    user leaves the session before the block's end would expire it, so reading `current_user` later
    sends no statement. Inside a transaction already open, or with changes staged, the user is read as
    before and left in the session (it may be one of the changes yet to be written)."""
    session = db.session()
    if session.in_transaction() or session.dirty or session.new:
        return load()
    with reading():
        user = load()
        if user is not None:
            db.session.expunge(user)
    return user


def end_sessions(user_id: int) -> None:
    """Every session of this user stops working (each one carries the old version); staged, not committed."""
    db.session.execute(
        sa.update(User).where(User.id == user_id).values(session_version=User.session_version + 1),
        execution_options={"synchronize_session": False},
    )


def sign_out(user_id: int) -> None:
    """Sign-out ends the session everywhere: a copy of the cookie stops working too."""
    end_sessions(user_id)
    db.session.commit()


def reset_password(email: str, password: str | None = None) -> str:
    """Set a new password (a random one when none is given), unlock, end every session of the account,
    and return the password once."""
    user = get_user(email)
    password = password or secrets.token_urlsafe(12)
    _check_password(password)
    user.set_password(password)
    user.failed_logins, user.locked_until = 0, None
    end_sessions(user.id)
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
    """Flask-Login's request loader: the user of a script's bearer token."""
    return _read_user(lambda: db.session.scalar(sa.select(User).where(User.api_token_hash == _hash(token))))


def list_users() -> list[User]:
    return list(db.session.scalars(sa.select(User).order_by(User.role, User.email)))


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
