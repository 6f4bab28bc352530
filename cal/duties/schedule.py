"""When a duty takes place: the dates its rule gives, less Polish public holidays and
the dates cancelled, and the slots of a day by appointment. Plain functions of the
duty's fields, no database."""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from cal.core.holidays import holiday
from cal.duties.models import LAST_WEEK, Frequency


def _in_month(year: int, month: int, weekday: int, week: int) -> date | None:
    """The ``week``-th ``weekday`` of a month (LAST_WEEK: the last one), if it exists."""
    first = date(year, month, 1)
    offset = (weekday - first.weekday()) % 7
    if week == LAST_WEEK:
        last_day = monthrange(year, month)[1]
        day = first + timedelta(days=offset + 7 * ((last_day - 1 - offset) // 7))
        return day
    day = first + timedelta(days=offset + 7 * (week - 1))
    return day if day.month == month else None


def rule_dates(duty, start: date, end: date) -> Iterator[date]:
    """The dates of the duty's rule from ``start`` to ``end`` (both included), within
    its validity, holidays and cancellations not yet taken out."""
    start = max(start, duty.valid_from)
    if duty.valid_until is not None:
        end = min(end, duty.valid_until)
    if start > end:
        return
    if duty.frequency == Frequency.WEEKLY:
        day = start + timedelta(days=(duty.weekday - start.weekday()) % 7)
        while day <= end:
            yield day
            day += timedelta(days=7)
        return
    year, month = start.year, start.month
    while date(year, month, 1) <= end:
        day = _in_month(year, month, duty.weekday, duty.week_of_month or 1)
        if day is not None and start <= day <= end:
            yield day
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


@dataclass(frozen=True)
class Occurrence:
    """A date of a duty: held, or not held and why (a holiday, a cancellation)."""

    day: date
    cancelled: str | None = None  # the reason it does not take place

    @property
    def held(self) -> bool:
        return self.cancelled is None


def occurrences(duty, start: date, end: date, cancelled: dict[date, str]) -> list[Occurrence]:
    """The duty's dates from ``start`` to ``end``, each with why it is not held, if it
    is not (a public holiday, or a date cancelled: ``cancelled`` maps it to a reason)."""
    found = []
    for day in rule_dates(duty, start, end):
        reason = cancelled.get(day) or holiday(day)
        found.append(Occurrence(day, reason))
    return found


def held_dates(duty, start: date, end: date, cancelled: dict[date, str]) -> list[date]:
    return [o.day for o in occurrences(duty, start, end, cancelled) if o.held]


def slots(duty) -> list[time]:
    """The starts of a day's slots by appointment: from the duty's start, each
    ``slot_minutes`` long, the last one ending by the duty's end."""
    if not duty.by_appointment or not duty.slot_minutes:
        return []
    day = date(2000, 1, 1)
    moment, end = datetime.combine(day, duty.starts), datetime.combine(day, duty.ends)
    step = timedelta(minutes=duty.slot_minutes)
    found = []
    while moment + step <= end:
        found.append(moment.time())
        moment += step
    return found


def slot_end(duty, start: time) -> time:
    return (datetime.combine(date(2000, 1, 1), start)
            + timedelta(minutes=duty.slot_minutes or 0)).time()
