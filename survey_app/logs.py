"""Logging set-up. Personal links are capabilities: no log line may carry one."""

from __future__ import annotations

import logging
import re

_TOKEN_PATH = re.compile(r"/(s|api/v1/r)/[A-Za-z0-9_-]{8,}")


def redact(text: str) -> str:
    """Replace the token part of respondent URLs with a placeholder."""
    return _TOKEN_PATH.sub(lambda m: f"/{m.group(1)}/<token>", text)


class RedactTokens(logging.Filter):
    """Handler filter: rewrites the formatted message without tokens."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def configure(level: str) -> None:
    """One root handler with the redaction filter; werkzeug and our modules log through it."""
    root = logging.getLogger()
    if not any(isinstance(f, RedactTokens) for h in root.handlers for f in h.filters):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.addFilter(RedactTokens())
        root.addHandler(handler)
    root.setLevel(level)
    for handler in root.handlers:  # e.g. pytest's capture handler
        if not any(isinstance(f, RedactTokens) for f in handler.filters):
            handler.addFilter(RedactTokens())
