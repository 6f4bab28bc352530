"""The hours' part of the year's report: approved hours by kind of activity and by
month, the volunteers who gave them, and what the work is worth at the centre's hourly
value (applied to the minutes counted, so a new value shows at once)."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select, true

from cal.core.centre import volunteer_hour_value
from cal.core.figures import (
    Counts,
    Reads,
    Row,
    Table,
    Tally,
    YearSection,
    month_of,
    tally,
    within,
    year_of,
    year_spans,
)
from volunteers.hours.models import ACTIVITY_LABELS, EntryStatus, HourEntry
from volunteers.models import Volunteer


def hourly_value() -> Decimal:
    """What an hour of a volunteer's work is worth (PLN): the centre's setting."""
    return volunteer_hour_value()


def counts(years: list[int]) -> dict:
    """The approved minutes by activity and month (summed by day first, in the order of
    an index); the volunteers who gave any, found each by a look into that index."""
    approved = (HourEntry.status == EntryStatus.APPROVED, *within(HourEntry.worked_on, years))
    days = (select(HourEntry.worked_on.label("day"), HourEntry.activity.label("activity"),
                   func.sum(HourEntry.minutes).label("minutes"))
            .where(*approved).group_by(HourEntry.worked_on, HourEntry.activity).subquery())
    year, month = year_of(days.c.day), month_of(days.c.day)
    spans = year_spans(years)
    gave = exists().where(HourEntry.volunteer_id == Volunteer.id,
                          HourEntry.status == EntryStatus.APPROVED,
                          HourEntry.worked_on >= spans.c.starts,
                          HourEntry.worked_on < spans.c.ends)
    return {
        "minutes": select(days.c.activity.label("key"), year.label("year"),
                          month.label("month"), func.sum(days.c.minutes))
        .group_by(days.c.activity, year, month),
        "gave": select(spans.c.year, func.count()).select_from(Volunteer)
        .join(spans, true()).where(gave).group_by(spans.c.year),
    }


def tables(years: list[int], found: Counts) -> list[Table]:
    minutes = found["minutes"]
    total = Tally().add(("all", c.year, c.n) for c in minutes)
    rate = hourly_value()
    worth = Row(_l("Value of the work (PLN)"), {y: round(float(
        Decimal(int(total.get("all", y))) * rate / 60), 2) for y in years}, unit="zł")
    months = Tally().add((c.year, c.month, c.n) for c in minutes)
    return [
        Table("hours", _l("Hours given and their value"), [
            total.row(_l("Hours"), "all", years, scale=1 / 60, decimals=1), worth,
            tally(found["gave"]).row(_l("Volunteers who gave hours"), "", years)],
            decimals=1, chart=False,
            note=_l("Approved hours. An hour is valued at %(rate)s PLN.",
                    rate=f"{rate:.2f}".replace(".", ","))),
        Table("hours_by_kind", _l("Volunteer hours by kind of activity"),
              tally(minutes).rows(ACTIVITY_LABELS, years, scale=1 / 60, decimals=1),
              unit="h", decimals=1),
        Table("hours_by_month", _l("Volunteer hours by month"),
              [months.row(str(y), y, range(1, 13), scale=1 / 60, decimals=1)
               for y in years[-2:]], per="month", unit="h", decimals=1),
    ]


SECTION = YearSection(
    "hours", _l("Volunteer hours"), 20, counts, tables, reads=(
        Reads(HourEntry, dates=("worked_on",),
              columns=("volunteer_id", "activity", "worked_on", "minutes", "status")),))
