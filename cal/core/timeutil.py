from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LOCAL_ZONE = ZoneInfo("Europe/Warsaw")


def utcnow() -> datetime:
    """Naive UTC now: every timestamp column stores naive UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


def local_today() -> date:
    """Today's date in Warsaw (the server's clock may run in another zone)."""
    return datetime.now(LOCAL_ZONE).date()


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def local_day_start_utc(day: date) -> datetime:
    """The naive-UTC instant at which ``day`` begins in Warsaw."""
    return datetime.combine(day, time(), LOCAL_ZONE).astimezone(UTC).replace(tzinfo=None)


def local_day_end_utc(day: date) -> datetime:
    """The naive-UTC instant at which ``day`` ends (the next day begins) in Warsaw."""
    return local_day_start_utc(day + timedelta(days=1))


def to_local(moment: datetime) -> datetime:
    """A naive-UTC instant as an aware Warsaw time."""
    return moment.replace(tzinfo=UTC).astimezone(LOCAL_ZONE)


def local_to_utc(day: date, at: time) -> datetime:
    """The naive-UTC instant of a Warsaw wall-clock time."""
    return datetime.combine(day, at, LOCAL_ZONE).astimezone(UTC).replace(tzinfo=None)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier), the month's last day where it is shorter:
    31 January + 1 month is 28 or 29 February (how a month's deadline is counted)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    following = date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
    return date(year, month + 1, min(day.day, (following - timedelta(days=1)).day))
