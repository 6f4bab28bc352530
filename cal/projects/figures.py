"""The projects' part of the year's report: the projects that ran in each year by
funder, and the indicators of the year's projects as they stood at the end of each
year; three queries for all the years asked."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, and_, cast, func, select

from cal.core.figures import Row, Table, Tally, YearSection, year_spans
from cal.extensions import db
from cal.projects.models import (
    FUNDER_LABELS,
    Indicator,
    IndicatorValue,
    Project,
    ProjectStatus,
    Source,
)

RAN = (ProjectStatus.RUNNING, ProjectStatus.SETTLING, ProjectStatus.CLOSED)


def _by_funder(years: list[int]) -> Tally:
    spans = year_spans(years)
    funder = cast(Project.funder, String)
    return Tally().add(db.session.execute(
        select(funder, spans.c.year, func.count()).select_from(Project)
        .join(spans, and_(Project.starts_on < spans.c.ends, Project.ends_on >= spans.c.starts))
        .where(Project.status.in_(RAN)).group_by(funder, spans.c.year)).all())


def _at_year_end(series: list[tuple[date, float]], year: int) -> float | None:
    """The last value of a series (oldest first) on or before the end of ``year``."""
    reached = [value for day, value in series if day <= date(year, 12, 31)]
    return round(reached[-1], 1) if reached else None


def _indicators(years: list[int]) -> list[Row]:
    """A row per indicator of the projects running in the last year asked: its value
    at the end of each year (as last counted, or as last entered by hand)."""
    year = years[-1]
    found = db.session.execute(
        select(Indicator, Project.name).join(Project, Project.id == Indicator.project_id)
        .where(Project.status.in_(RAN), Project.starts_on <= date(year, 12, 31),
               Project.ends_on >= date(year, 1, 1))
        .order_by(Project.name, Indicator.id)).all()
    hand = [i.id for i, _ in found if i.source == Source.MANUAL]
    entered = defaultdict(list)
    if hand:
        for indicator_id, as_of, value in db.session.execute(
                select(IndicatorValue.indicator_id, IndicatorValue.as_of, IndicatorValue.value)
                .where(IndicatorValue.indicator_id.in_(hand))
                .order_by(IndicatorValue.as_of, IndicatorValue.id)):
            entered[indicator_id].append((as_of, value))
    rows = []
    for indicator, project in found:
        series = entered[indicator.id] if indicator.source == Source.MANUAL else [
            (date.fromisoformat(day), value) for day, value in indicator.last_series or []]
        unit = f" ({indicator.unit})" if indicator.unit else ""
        label = _l("%(project)s: %(indicator)s%(unit)s, target %(target)s", project=project,
                   indicator=indicator.name, unit=unit, target=f"{indicator.target:g}")
        rows.append(Row(label, {y: _at_year_end(series, y) for y in years}))
    return rows


def compute(years: list[int]) -> list[Table]:
    return [
        Table("projects", _l("Projects that ran in the year, by funder"),
              _by_funder(years).rows(FUNDER_LABELS, years)),
        Table("indicators", _l("Indicators of this year's projects at the end of each year"),
              _indicators(years), chart=False, decimals=1,
              note=_l("Computed indicators as last counted; those entered by hand as last "
                      "entered.")),
    ]


SECTION = YearSection("projects", _l("Projects"), 60, compute)
