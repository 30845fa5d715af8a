"""Settings read from the environment (and `.env`), checked once at start-up."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """A setting is missing or malformed; the message names it."""


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


class Config:
    """Production defaults; every value can be overridden by an environment variable."""

    def __init__(self) -> None:
        instance = ROOT / "instance"
        self.SECRET_KEY = _env("SECRET_KEY")
        # Links are derived from LINK_SECRET; the database keeps only their hashes.
        self.LINK_SECRET = _env("LINK_SECRET")
        self.SQLALCHEMY_DATABASE_URI = _env(
            "DATABASE_URL", f"sqlite:///{instance / 'survey.sqlite3'}"
        )
        self.BASE_URL = (_env("BASE_URL", "http://127.0.0.1:5000") or "").rstrip("/")
        self.RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", "memory://")
        self.RATELIMIT_TOKEN_ROUTES = _env("RATELIMIT_TOKEN_ROUTES", "300 per minute")
        self.RATELIMIT_UNKNOWN_TOKEN = _env("RATELIMIT_UNKNOWN_TOKEN", "20 per minute")
        self.LOG_LEVEL = _env("LOG_LEVEL", "INFO")
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = self.BASE_URL.startswith("https://")
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.PERMANENT_SESSION_LIFETIME = timedelta(days=31)
        # A respondent may leave the page open for days: the CSRF token lives as long as the session.
        self.WTF_CSRF_TIME_LIMIT = None
        self.SQLALCHEMY_ENGINE_OPTIONS: dict = {}
        self.TESTING = False

    def check(self) -> None:
        """Refuse to start with secrets missing: a default key would make sessions forgeable."""
        for name in ("SECRET_KEY", "LINK_SECRET"):
            value = getattr(self, name)
            if not value or len(value) < 16:
                raise ConfigError(
                    f"{name} is not set or shorter than 16 characters; "
                    "set it in the environment or in .env (see .env.example)"
                )
        if not self.SQLALCHEMY_DATABASE_URI.startswith(("sqlite:", "postgresql")):
            raise ConfigError("DATABASE_URL must be a sqlite:/// or postgresql+psycopg:// URL")


class TestConfig(Config):
    """Isolated settings for the test suite."""

    def __init__(self, database_url: str) -> None:
        super().__init__()
        self.TESTING = True
        self.SECRET_KEY = "test-secret-key-0123456789"
        self.LINK_SECRET = "test-link-secret-0123456789"
        self.SQLALCHEMY_DATABASE_URI = database_url
        self.BASE_URL = "http://survey.test"
        self.RATELIMIT_STORAGE_URI = "memory://"
        self.RATELIMIT_ENABLED = True
