"""The hours' part of the year's report: approved hours by kind of activity and by
month, the volunteers who gave them, and what the work is worth at an hourly value."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from cal.core.centre import volunteer_hour_value
from cal.core.figures import Row, Table, Tally, YearSection, month_of, within, year_of
from cal.extensions import db
from volunteers.hours.models import ACTIVITY_LABELS, EntryStatus, HourEntry


def hourly_value() -> Decimal:
    """What an hour of a volunteer's work is worth (PLN): the centre's setting."""
    return volunteer_hour_value()


def compute(years: list[int]) -> list[Table]:
    year, month = year_of(HourEntry.worked_on), month_of(HourEntry.worked_on)
    approved = (HourEntry.status == EntryStatus.APPROVED, *within(HourEntry.worked_on, years))
    sums = db.session.execute(
        select(HourEntry.activity, year, month, func.sum(HourEntry.minutes))
        .where(*approved).group_by(HourEntry.activity, year, month)).all()
    people = db.session.execute(
        select(year, func.count(HourEntry.volunteer_id.distinct()))
        .where(*approved).group_by(year)).all()
    by_kind = [(kind, y, minutes) for kind, y, _, minutes in sums]
    by_month = [(y, m, minutes) for _, y, m, minutes in sums]
    kinds = Tally().add(by_kind)
    total = Tally().add(("all", y, minutes) for _, y, minutes in by_kind)
    hours = total.row(_l("Hours"), "all", years, scale=1 / 60, decimals=1)
    rate = hourly_value()
    worth = Row(_l("Value of the work (PLN)"), {y: round(float(
        Decimal(int(total.counts.get(("all", y), 0))) * rate / 60), 2) for y in years})
    gave = Tally().add(("gave", y, count) for y, count in people)
    months = Tally().add((int(y), m, minutes) for y, m, minutes in by_month
                         if y >= years[-1] - 1)
    shown = years[-2:]
    return [
        Table("hours", _l("Volunteer hours"), [
            hours, worth, gave.row(_l("Volunteers who gave hours"), "gave", years)],
            decimals=1, chart=False,
            note=_l("Approved hours. An hour is valued at %(rate)s PLN.",
                    rate=f"{rate:.2f}".replace(".", ","))),
        Table("hours_by_kind", _l("Volunteer hours by kind of activity"),
              kinds.rows(ACTIVITY_LABELS, years, scale=1 / 60, decimals=1), unit="h",
              decimals=1),
        Table("hours_by_month", _l("Volunteer hours by month"),
              [months.row(str(y), y, range(1, 13), scale=1 / 60, decimals=1) for y in shown],
              per="month", unit="h", decimals=1),
    ]


SECTION = YearSection("hours", _l("Volunteer hours"), 20, compute)
