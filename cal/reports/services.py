"""The year's report: every room's section (cal.core.figures) for the year asked and
the years before it, as many as hold data; and the report as rows of a spreadsheet."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from flask_babel import gettext as _

from cal.core.figures import FIRST_YEAR, Table, YearSection, check_year
from cal.core.rooms import registry
from cal.reports import cache

YEARS_BACK = 10  # the years before the one asked that the report looks for data in


@dataclass(frozen=True)
class Section:
    key: str
    title: object
    tables: list[Table]


@dataclass(frozen=True)
class YearReport:
    year: int
    years: list[int]  # the columns: the years before it that hold data, then the year
    sections: list[Section]
    as_of: datetime | None = None  # when the figures of a year still moving were counted
    recounting: bool = False  # they are older than a few minutes: counted anew now

    @property
    def empty(self) -> bool:
        """No figure of the year asked is other than zero."""
        return all(table.is_empty(self.year) for section in self.sections
                   for table in section.tables if table.per == "year")

    @property
    def before(self) -> int | None:
        """The year compared with: the one before the year asked, if it is shown."""
        return self.years[-2] if len(self.years) > 1 else None


def year_report(year: int, today: date, sections: list[YearSection] | None = None,
                now: datetime | None = None) -> YearReport:
    """Every section's figures for ``year`` beside the years before it that hold data
    (at least the year just before it): the counts of all the years in one query, less
    those kept (cal.reports.cache), then each section's details. With ``now`` (the
    page), the counts of a year still moving made earlier that day are used."""
    check_year(year, today)
    asked = list(range(max(FIRST_YEAR, year - YEARS_BACK), year + 1))
    sections = registry().year_figures if sections is None else sections
    counted = cache.year_counts(sections, asked, today, now, snapshot=now is not None)
    counts = counted.by_section
    found = [Section(s.key, s.title, s.compute(asked, counts[s.key])) for s in sections]
    with_data = [y for y in asked if any(not t.is_empty(y) for s in found for t in s.tables
                                         if t.per == "year")]
    first = min([*with_data, year - 1]) if year > FIRST_YEAR else year
    years = [y for y in asked if y >= first]
    return YearReport(year, years, [Section(s.key, s.title, [_columns(t, years)
                                                             for t in s.tables])
                                    for s in found], counted.as_of, counted.recounting)


def recount(year: int, now: datetime | None = None, again: bool = False) -> None:
    """Count anew the figures of the years still moving in the report of ``year``, and
    keep them: unless counted within the last few minutes, or ``again`` (asked for on
    the page)."""
    cache.recount(year, registry().year_figures, now, again)


def _columns(table: Table, years: list[int]) -> Table:
    """A table by year with the years shown only."""
    if table.per != "year":
        return table
    return replace(table, rows=[replace(row, values={y: row[y] for y in years})
                                for row in table.rows])


def spreadsheet_rows(report: YearReport, month_names: list[str]) -> list[list]:
    """The report as the rows of one sheet: each section's title, then each table with
    its columns (the years, or the months) and its rows."""
    rows: list[list] = [[_("The year %(year)s in figures", year=report.year)]]
    for section in report.sections:
        rows += [[], [str(section.title)]]
        for table in section.tables:
            columns = report.years if table.per == "year" else list(range(1, 13))
            heads = [str(y) for y in columns] if table.per == "year" else month_names
            unit = f" ({table.unit})" if table.unit else ""
            rows.append([f"{table.title}{unit}", *heads])
            rows += [[str(row.label), *(row[c] for c in columns)] for row in table.rows]
            if table.note:
                rows.append([str(table.note)])
    return rows
