"""Vietnam time (UTC+7, no daylight saving) and its display format."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

VN = timezone(timedelta(hours=7), "ICT")


def now() -> datetime:
    return datetime.now(UTC)


def today_vn() -> date:
    return now().astimezone(VN).date()


def aware(value: datetime) -> datetime:
    """SQLite returns naive datetimes; they were stored as UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def parse_local(text: str, closing: bool = False) -> datetime:
    """'2024-12-20' or '2024-12-20 17:00' in Vietnam time → aware datetime.

    A bare date opens at 00:00 and, for a closing time (`closing`), closes at 23:59 of that day.
    """
    text = text.strip()
    for fmt, bare in (("%Y-%m-%d %H:%M", False), ("%Y-%m-%dT%H:%M", False), ("%Y-%m-%d", True)):
        try:
            value = datetime.strptime(text, fmt)
        except ValueError:
            continue
        if bare and closing:
            value = value.replace(hour=23, minute=59)
        return value.replace(tzinfo=VN)
    raise ValueError(f"not a date: {text!r} (expected YYYY-MM-DD or YYYY-MM-DD HH:MM, Vietnam time)")


def format_vn(value: datetime) -> str:
    """'17:00 ngày 20/12/2024' in Vietnam time."""
    local = aware(value).astimezone(VN)
    return f"{local:%H:%M} ngày {local:%d/%m/%Y}"
