"""Staff accounts."""

from __future__ import annotations

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email

from ..extensions import db
from ..models import User
from .errors import ServiceError


def create_user(email: str, password: str, role: str = "admin") -> User:
    """Create a staff account with a hashed password."""
    try:
        email = validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ServiceError(f"not a valid email address: {exc}") from exc
    if len(password) < 10:
        raise ServiceError("the password must have at least 10 characters")
    if db.session.scalar(sa.select(User.id).where(User.email == email)):
        raise ServiceError(f"a user {email} already exists")
    user = User(email=email, role=role)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user
