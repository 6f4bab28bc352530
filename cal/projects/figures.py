"""The projects' parts of the year's report: the projects that ran in each year by
funder, and the indicators of the report's year's projects as they stood at the end of
each year (made anew each time, in one query: a computed indicator is counted by a
nightly job); and the funds by source as the centre reports its budget (the sums of
the funds page, cal.projects.funds), with the sponsors' help in kind."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select

from cal.core.figures import Counts, Reads, Row, Table, Tally, YearSection, tally, year_spans
from cal.extensions import db
from cal.gifts import services as gifts
from cal.gifts.models import Gift
from cal.projects import funds
from cal.projects.models import (
    FUND_SOURCE_LABELS,
    FUNDER_LABELS,
    Funding,
    Indicator,
    IndicatorValue,
    Project,
    ProjectStatus,
    Source,
)

RAN = (ProjectStatus.RUNNING, ProjectStatus.SETTLING, ProjectStatus.CLOSED)


def counts(years: list[int]) -> dict:
    spans = year_spans(years)
    return {"funders": select(Project.funder.label("key"), spans.c.year, func.count())
            .select_from(Project)
            .join(spans, and_(Project.starts_on < spans.c.ends,
                              Project.ends_on >= spans.c.starts))
            .where(Project.status.in_(RAN)).group_by(Project.funder, spans.c.year)}


def tables(years: list[int], found: Counts) -> list[Table]:
    return [Table("projects", _l("Projects that ran in the year, by funder"),
                  tally(found["funders"]).rows(FUNDER_LABELS, years))]


def _at_year_end(series: list[tuple[date, float]], year: int) -> float | None:
    """The last value of a series (oldest first) on or before the end of ``year``."""
    reached = [value for day, value in series if day <= date(year, 12, 31)]
    return round(reached[-1], 1) if reached else None


def indicators(years: list[int]) -> list[Table]:
    """A row per indicator of the projects running in the last year asked: its value
    at the end of each year (as last counted, or as last entered by hand)."""
    year = years[-1]
    found = db.session.execute(
        select(Indicator.id, Indicator.name, Indicator.unit, Indicator.target,
               Indicator.source, Indicator.last_series, Project.name,
               IndicatorValue.as_of, IndicatorValue.value)
        .join(Project, Project.id == Indicator.project_id)
        .outerjoin(IndicatorValue, and_(IndicatorValue.indicator_id == Indicator.id,
                                        Indicator.source == Source.MANUAL))
        .where(Project.status.in_(RAN), Project.starts_on <= date(year, 12, 31),
               Project.ends_on >= date(year, 1, 1))
        .order_by(Project.name, Indicator.id, IndicatorValue.as_of, IndicatorValue.id)).all()
    entered, described = defaultdict(list), {}
    for ident, name, unit, target, source, series, project, as_of, value in found:
        if as_of is not None:
            entered[ident].append((as_of, value))
        described[ident] = (name, unit, target, source, series, project)
    rows = []
    for ident, (name, unit, target, source, series, project) in described.items():
        values = entered[ident] if source == Source.MANUAL else [
            (date.fromisoformat(day), value) for day, value in series or []]
        label = _l("%(project)s: %(indicator)s%(unit)s, target %(target)s", project=project,
                   indicator=name, unit=f" ({unit})" if unit else "", target=f"{target:g}")
        rows.append(Row(label, {y: _at_year_end(values, y) for y in years}))
    return [Table("indicators", _l("Indicators of this year's projects at the end of each year"),
                  rows, chart=False, decimals=1,
                  note=_l("Computed indicators as last counted; those entered by hand as last "
                          "entered."))]


SECTION = YearSection(
    "projects", _l("Projects"), 60, counts, tables, details=indicators, reads=(
        Reads(Project, dates=("starts_on", "ends_on"),
              columns=("funder", "status", "starts_on", "ends_on")),))


# --- the funds by source --------------------------------------------------------------------

def fund_counts(years: list[int]) -> dict:
    return {"money": funds.sums_by_source(years), "gifts": gifts.totals_of_years(years)}


def _money(money: Tally, years: list[int], labels: dict) -> list[Row]:
    """A row per source that had money in any of ``years``, and their total (PLN)."""
    total = Tally().add(("all", y, money.get(k, y)) for k in labels for y in years)
    shown = {key: label for key, label in labels.items()
             if any(money.get(key, y) for y in years)}
    return [*money.rows(shown, years, scale=1 / 100, decimals=2),
            total.row(_l("Total"), "all", years, scale=1 / 100, decimals=2)]


def fund_tables(years: list[int], found: Counts) -> list[Table]:
    money, given = found["money"], found["gifts"]
    return [
        Table("funds_spent", _l("Money of the projects spent, by source"),
              _money(tally(money, "n2"), years, FUND_SOURCE_LABELS), unit="zł", decimals=2,
              note=_l("As settled; the projects' funding by year and source.")),
        Table("funds_planned", _l("Money of the projects planned, by source"),
              _money(tally(money), years, FUND_SOURCE_LABELS), unit="zł", decimals=2,
              chart=False, note=_l("As the funding agreements schedule it.")),
        Table("gifts", _l("Sponsors: help in kind"), [
            tally(given).row(_l("Gifts received"), "", years),
            replace(tally(given, "n2").row(_l("Their estimated value (PLN)"), "", years,
                                           scale=1 / 100, decimals=2), unit="zł")],
              chart=False),
    ]


FUNDS = YearSection(
    "funds", _l("Funds by source"), 65, fund_counts, fund_tables, reads=(
        Reads(Funding, dates=("year",), columns=("year", "source", "planned_gr", "spent_gr")),
        Reads(Gift, dates=("received_on",), columns=("received_on", "value_gr"))))
