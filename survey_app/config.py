"""Settings read from the environment (and `.env`), checked once at start-up."""

from __future__ import annotations

import math
import os
from collections import Counter
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
SECRETS = ("SECRET_KEY", "LINK_SECRET")
# The values shipped in .env.example: a server started with them has forgeable sessions.
PLACEHOLDER_SECRETS = frozenset({"change-me-to-a-long-random-string", "change-me-to-another-long-random-string"})
# A secret must look random: these catch placeholders and typed-in words, they do not prove randomness.
SECRET_MIN_LENGTH, SECRET_MIN_DISTINCT, SECRET_MIN_BITS = 16, 10, 64
GENERATE_SECRET = 'python -c "import secrets; print(secrets.token_urlsafe(32))"'  # noqa: S105 (a command)
MAX_PROXY_HOPS = 5
MEGABYTE = 1024 * 1024


class ConfigError(RuntimeError):
    """A setting is missing or malformed: a code and the fields that name it; read as the catalogue's
    Vietnamese sentence (texts/config.py), which is what gunicorn and `flask` print when they refuse."""

    def __init__(self, code: str, **params) -> None:
        super().__init__(code)
        self.code, self.params = code, params

    def __str__(self) -> str:
        from .texts import say  # (the catalogue loads only when a start is refused)

        return say(f"config.{self.code}", **self.params)


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _number(name: str, default: str, kind: type = int):
    """A numeric setting; a typo stops the start naming the setting (not Python's 'invalid literal')."""
    raw = _env(name, default)
    try:
        return kind(raw)
    except ValueError:
        raise ConfigError("not_a_number", setting=name, value=raw) from None


class Config:
    """Production defaults; every value can be overridden by an environment variable."""

    def __init__(self) -> None:
        instance = ROOT / "instance"
        self.SECRET_KEY = _env("SECRET_KEY")
        # Links are derived from LINK_SECRET; the database keeps only their hashes.
        self.LINK_SECRET = _env("LINK_SECRET")
        self.SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL", f"sqlite:///{instance / 'survey.sqlite3'}")
        self.BASE_URL = (_env("BASE_URL", "http://127.0.0.1:5000") or "").rstrip("/")
        self.RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", "memory://")
        self.RATELIMIT_TOKEN_ROUTES = _env("RATELIMIT_TOKEN_ROUTES", "300 per minute")
        self.RATELIMIT_UNKNOWN_TOKEN = _env("RATELIMIT_UNKNOWN_TOKEN", "20 per minute")
        self.LOG_LEVEL = _env("LOG_LEVEL", "INFO")
        # Bytes a request body may have (the roster and index workbooks); larger ones answer 413 unread.
        self.MAX_CONTENT_LENGTH: int | str = _env("MAX_CONTENT_LENGTH", str(20 * MEGABYTE))
        # The respondent routes' bodies (answers) are far smaller: a matrix questionnaire is a few kilobytes.
        self.MAX_ANSWERS_LENGTH: int | str = _env("MAX_ANSWERS_LENGTH", str(256 * 1024))
        # Reverse proxies in front of the application whose X-Forwarded-For/-Proto are believed (0: none).
        self.TRUSTED_PROXIES: int | str = _env("TRUSTED_PROXIES", "0")
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = self.BASE_URL.startswith("https://")
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.PERMANENT_SESSION_LIFETIME = timedelta(days=31)
        # A respondent may leave the page open for days: the CSRF token lives as long as the session.
        self.WTF_CSRF_TIME_LIMIT = None
        # Parameters (drafts, token hashes) never reach a log, even with SQL echo switched on.
        self.SQLALCHEMY_ENGINE_OPTIONS: dict = {"hide_parameters": True}
        self.TESTING = False
        self._document_settings()
        self._delivery_settings()

    def _document_settings(self) -> None:
        """The report's heading block: 'UBND TỈNH SƠN LA / SỞ NỘI VỤ / Số: …/BC-SNV', and who signs."""
        self.PROVINCE = _env("PROVINCE", "")  # 'Sơn La'; left blank ('……') in the draft when unset
        self.AGENCY = _env("AGENCY", "Sở Nội vụ")
        self.AGENCY_CODE = _env("AGENCY_CODE", "SNV")
        self.REPORT_SIGNER_TITLE = _env("REPORT_SIGNER_TITLE", "GIÁM ĐỐC")
        self.REPORT_SIGNER = _env("REPORT_SIGNER", "")

    def _delivery_settings(self) -> None:
        """Channels (email, Zalo, Telegram) and the outbox worker; a channel left unset is simply off."""
        self.SMTP_HOST = _env("SMTP_HOST", "localhost")
        self.SMTP_PORT = _number("SMTP_PORT", "587")
        self.SMTP_TLS = _env("SMTP_TLS", "starttls")  # starttls | ssl | none
        # A provincial mail server often has a certificate from the government's own CA: trust it here.
        self.SMTP_CA_FILE = _env("SMTP_CA_FILE")
        self.SMTP_USER = _env("SMTP_USER")
        self.SMTP_PASSWORD = _env("SMTP_PASSWORD")
        self.SMTP_TIMEOUT = _number("SMTP_TIMEOUT", "30", float)
        self.SMTP_RECONNECT_EVERY = _number("SMTP_RECONNECT_EVERY", "100")
        self.MAIL_FROM = _env("MAIL_FROM")
        self.MAIL_FROM_NAME = _env("MAIL_FROM_NAME", "Sở Nội vụ")
        # bounce@example.gov.vn → envelope sender bounce+<outbox id>@example.gov.vn (VERP)
        self.MAIL_BOUNCE_ADDRESS = _env("MAIL_BOUNCE_ADDRESS")
        self.ZALO_APP_ID = _env("ZALO_APP_ID")
        self.ZALO_SECRET_KEY = _env("ZALO_SECRET_KEY")
        self.ZALO_REFRESH_TOKEN = _env("ZALO_REFRESH_TOKEN")  # first one only; later ones live in the database
        self.ZALO_ZNS_TEMPLATE_ID = _env("ZALO_ZNS_TEMPLATE_ID")
        self.ZALO_ZNS_MODE = _env("ZALO_ZNS_MODE")  # "development" sends only to the OA's admins
        self.ZALO_ZNS_URL = (_env("ZALO_ZNS_URL", "https://business.openapi.zalo.me") or "").rstrip("/")
        self.ZALO_OA_URL = (_env("ZALO_OA_URL", "https://openapi.zalo.me") or "").rstrip("/")
        self.ZALO_OAUTH_URL = (_env("ZALO_OAUTH_URL", "https://oauth.zaloapp.com") or "").rstrip("/")
        self.ZALO_ALLOWED_HOURS = _env("ZALO_ALLOWED_HOURS", "6-22")  # Vietnam time, [start, end)
        self.ZALO_MIN_INTERVAL = _number("ZALO_MIN_INTERVAL", "0.2", float)
        self.TELEGRAM_BOT_TOKEN = _env("TELEGRAM_BOT_TOKEN")
        self.TELEGRAM_BOT_USERNAME = (_env("TELEGRAM_BOT_USERNAME") or "").lstrip("@") or None
        self.TELEGRAM_BASE_URL = _env("TELEGRAM_BASE_URL", "https://api.telegram.org/bot")
        self.OUTBOX_BATCH = _number("OUTBOX_BATCH", "50")
        self.OUTBOX_LEASE_SECONDS = _number("OUTBOX_LEASE_SECONDS", "300")
        self.OUTBOX_RETRY_BASE = _number("OUTBOX_RETRY_BASE", "60", float)
        self.OUTBOX_RETRY_MAX = _number("OUTBOX_RETRY_MAX", "21600", float)
        self.OUTBOX_MAX_ATTEMPTS = _number("OUTBOX_MAX_ATTEMPTS", "8")
        self.WORKER_POLL_SECONDS = _number("WORKER_POLL_SECONDS", "2", float)
        self.REMINDER_MIN_DAYS = _number("REMINDER_MIN_DAYS", "2")

    def check(self) -> None:
        """Refuse to start with a weak secret (a guessable SECRET_KEY makes sessions forgeable) or a
        setting that makes no sense."""
        for name in SECRETS:
            problem = _secret_problem(getattr(self, name))
            if problem:
                code, fields = problem
                raise ConfigError(code, setting=name, command=GENERATE_SECRET, **fields)
        if self.SECRET_KEY == self.LINK_SECRET:
            raise ConfigError("secrets_equal", command=GENERATE_SECRET)
        self.TRUSTED_PROXIES = _proxy_hops(self.TRUSTED_PROXIES)
        self.MAX_CONTENT_LENGTH = _byte_count("MAX_CONTENT_LENGTH", self.MAX_CONTENT_LENGTH)
        self.MAX_ANSWERS_LENGTH = _byte_count("MAX_ANSWERS_LENGTH", self.MAX_ANSWERS_LENGTH)
        _check_database_url(self.SQLALCHEMY_DATABASE_URI)
        if self.SMTP_TLS not in ("starttls", "ssl", "none"):
            raise ConfigError("smtp_tls", value=self.SMTP_TLS)
        if self.TELEGRAM_BOT_TOKEN and not self.TELEGRAM_BOT_USERNAME:
            raise ConfigError("telegram_username")
        start, _, end = (self.ZALO_ALLOWED_HOURS or "").partition("-")
        if not (start.isdigit() and end.isdigit() and 0 <= int(start) < int(end) <= 24):
            raise ConfigError("zalo_hours", value=self.ZALO_ALLOWED_HOURS)


def _secret_problem(value: str | None) -> tuple[str, dict] | None:
    """Why a secret is refused (a code and its fields; never the value), or None. Entropy is estimated
    as length × the Shannon entropy of the value's own characters: a random token scores far above the
    minimum, a repeated word far below.
    This catches placeholders and obvious mistakes; it cannot tell a typed-in phrase from a random one.
    At least 10 distinct characters, not 16: a 64-digit hex secret may use only 13 of its 16."""
    if not value:
        return "secret_missing", {}
    if value in PLACEHOLDER_SECRETS or "change-me" in value.lower() or "changeme" in value.lower():
        return "secret_placeholder", {}
    if len(value) < SECRET_MIN_LENGTH:
        return "secret_short", {"minimum": SECRET_MIN_LENGTH}
    counts = Counter(value)
    if len(counts) < SECRET_MIN_DISTINCT:
        return "secret_few_distinct", {"distinct": len(counts), "minimum": SECRET_MIN_DISTINCT}
    bits = -sum(n * math.log2(n / len(value)) for n in counts.values())
    if bits < SECRET_MIN_BITS:
        return "secret_guessable", {"bits": round(bits), "minimum": SECRET_MIN_BITS}
    return None


def _byte_count(name: str, raw: int | str) -> int:
    """A size in bytes, at least 1 KiB: a typo must not switch the limit off or refuse every request."""
    text = str(raw).strip()
    if not (text.isascii() and text.isdigit()) or int(text) < 1024:
        raise ConfigError("byte_count", setting=name, example=str(20 * MEGABYTE), value=raw)
    return int(text)


def _check_database_url(url: str) -> None:
    """DATABASE_URL parses and names a back end the application supports."""
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError:
        raise ConfigError("database_url_unparsed") from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ConfigError("database_url_backend", backend=parsed.get_backend_name())
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() != "psycopg":
        raise ConfigError("database_url_driver", driver=parsed.get_driver_name())


def _proxy_hops(raw: int | str) -> int:
    """TRUSTED_PROXIES as a number of hops; anything else stops the start: too many lets a client
    choose its own address, too few puts every respondent behind the proxy in one rate-limit bucket."""
    text = str(raw).strip()
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_PROXY_HOPS:
        raise ConfigError("proxy_hops", maximum=MAX_PROXY_HOPS, value=raw)
    return int(text)


class TestConfig(Config):
    """Isolated settings for the test suite."""

    def __init__(self, database_url: str) -> None:
        super().__init__()
        self.TESTING = True
        self.SECRET_KEY = "test-secret-key-0123456789"  # noqa: S105 (tests only)
        self.LINK_SECRET = "test-link-secret-0123456789"  # noqa: S105 (tests only)
        self.SQLALCHEMY_DATABASE_URI = database_url
        self.BASE_URL = "http://survey.test"
        self.RATELIMIT_STORAGE_URI = "memory://"
        self.RATELIMIT_ENABLED = True
