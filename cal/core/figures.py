"""The year's report in figures: what a room adds to it, and the helpers its sums share.

A room declares its ``YearSection`` (``declare(..., year_figures=[...])``): a key, a
title, a position, and ``compute(years)`` giving the section's tables for all the years
asked at once, from aggregate queries grouped by year (never a query per year or per
row), so the report's count of queries does not grow with the years or the data. The
report (cal/reports) reads the registry only: a new room adds its section without it.

A table's columns are the years (a figure beside the years before it) or the months of
a year; each row holds a number per column. The report draws a chart of each table that
asks for one, and shows the table beside it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Date, Integer, case, literal, select, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from cal.core.errors import DomainError

MONTHS = tuple(range(1, 13))
FIRST_YEAR = 2000  # nothing yearly before the platform could hold data


def check_year(year: int | None, today: date) -> int:
    """A year a yearly page or document may be of (the year's report, the KIS report,
    the funds by source, the gifts register), refused beside the field "year" when it
    has not begun or is before FIRST_YEAR."""
    if year is None:
        raise DomainError(_("Enter a year, such as %(year)s.", year=today.year), field="year")
    if year > today.year:
        raise DomainError(_("The year %(year)s has not begun yet: choose this year or an "
                            "earlier one.", year=year), field="year")
    if year < FIRST_YEAR:
        raise DomainError(_("Choose a year from %(first)s on.", first=FIRST_YEAR),
                          field="year")
    return year


@dataclass(frozen=True)
class Row:
    """A figure: its words and its number in each column (a year or a month)."""

    label: Any  # a lazy text, or a name
    values: Mapping[int, float | int | None]

    def __getitem__(self, key: int) -> float | int | None:
        return self.values.get(key)


@dataclass(frozen=True)
class Table:
    """A table of figures: ``per`` "year" (its columns are the years asked) or "month"
    (its columns the months, a row per year). ``unit`` follows each number ("h", "%",
    "zł"); ``chart``: the report draws it."""

    key: str
    title: Any
    rows: list[Row]
    per: str = "year"
    unit: str = ""
    decimals: int = 0
    chart: bool = True
    note: Any = ""

    def is_empty(self, key: int) -> bool:
        """Nothing but zeros and blanks in column ``key``."""
        return not any(row[key] for row in self.rows)


@dataclass(frozen=True)
class YearSection:
    """A room's part of the year's report: ``compute(years)`` its tables for all the
    ``years`` asked (in order, the report's year last), in a few queries whatever the
    data. A table by month holds the report's year and the one before it."""

    key: str
    title: Any
    position: int
    compute: Callable[[list[int]], list[Table]]


@dataclass
class Tally:
    """Numbers by (row key, column key) as aggregate queries return them."""

    counts: dict[tuple[Any, int], float] = field(default_factory=dict)

    def add(self, rows: Iterable[tuple[Any, Any, Any]]) -> Tally:
        """Rows of (row key, column key, number); a column key may come as text or a
        float from the database (SQLite's strftime, PostgreSQL's extract)."""
        for key, col, number in rows:
            if col is None:
                continue
            slot = (key, int(col))
            self.counts[slot] = self.counts.get(slot, 0) + (number or 0)
        return self

    def row(self, label: Any, key: Any, columns: Iterable[int], scale: float = 1,
            decimals: int = 0) -> Row:
        return Row(label, {c: _number(self.counts.get((key, c), 0) * scale, decimals)
                           for c in columns})

    def rows(self, labels: Mapping[Any, Any], columns: Iterable[int], scale: float = 1,
             decimals: int = 0) -> list[Row]:
        """A row per label, in the labels' order."""
        columns = list(columns)
        return [self.row(label, key, columns, scale, decimals) for key, label in labels.items()]


def _number(value: float, decimals: int) -> float | int:
    return round(value, decimals) if decimals else int(round(value))


def ratio(part: Row | Mapping, whole: Row | Mapping, columns: Iterable[int], label: Any,
          percent: bool = True) -> Row:
    """A row of ``part`` per ``whole`` (in percent, one decimal); blank where the whole
    is none."""
    def get(row, key):
        return row[key] if isinstance(row, Row) else row.get(key)

    return Row(label, {c: (round((get(part, c) or 0) * (100 if percent else 1)
                                 / get(whole, c), 1)
                           if get(whole, c) else None) for c in columns})


class _DatePart(FunctionElement):
    """The year or the month of a date or a timestamp column, as an integer."""

    type = Integer()
    inherit_cache = True


class _Year(_DatePart):
    name = "report_year"
    inherit_cache = True


class _Month(_DatePart):
    name = "report_month"
    inherit_cache = True


@compiles(_Year)
def _year(element, compiler, **kw):
    return f"CAST(EXTRACT(YEAR FROM {compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(_Month)
def _month(element, compiler, **kw):
    return f"CAST(EXTRACT(MONTH FROM {compiler.process(element.clauses, **kw)}) AS INTEGER)"


# SQLite keeps dates and timestamps as text ("2026-12-06", "2026-12-06 10:00:00"): the
# year and the month are read from their places, several times faster than strftime()
# over a million rows.
@compiles(_Year, "sqlite")
def _year_sqlite(element, compiler, **kw):
    return f"CAST(substr({compiler.process(element.clauses, **kw)}, 1, 4) AS INTEGER)"


@compiles(_Month, "sqlite")
def _month_sqlite(element, compiler, **kw):
    return f"CAST(substr({compiler.process(element.clauses, **kw)}, 6, 2) AS INTEGER)"


def year_of(column_):
    """The year of a date or a timestamp column, as an integer, in SQLite and PostgreSQL."""
    return _Year(column_)


def within(column_, years: list[int]) -> tuple:
    """Conditions that ``column_`` (a date or a timestamp) falls in the years asked, as
    a range an index can answer."""
    return column_ >= date(years[0], 1, 1), column_ < date(years[-1] + 1, 1, 1)


def month_of(column_):
    return _Month(column_)


def _spans(rows: list[tuple], names: tuple[str, ...], name: str):
    """A table of literal rows (as a union of selects: SQLite has no named VALUES)."""
    types = {"year": Integer, "month": Integer, "starts": Date, "ends": Date}
    return union_all(*(select(*(literal(value, types[n]).label(n)
                                for value, n in zip(row, names, strict=True)))
                       for row in rows)).subquery(name)


def year_spans(years: Iterable[int], name: str = "report_years"):
    """A table of the years asked: ``year``, ``starts`` (1 January) and ``ends`` (1
    January after it), to join what runs over a period to each year it touches."""
    return _spans([(y, date(y, 1, 1), date(y + 1, 1, 1)) for y in years],
                  ("year", "starts", "ends"), name)


def month_spans(years: Iterable[int], name: str = "report_months"):
    """The months of ``years`` as ``year``, ``month``, ``starts`` and ``ends`` (the
    first day after the month)."""
    def first(year: int, month: int) -> date:
        return date(year + month // 13, (month - 1) % 12 + 1, 1)

    return _spans([(y, m, first(y, m), first(y, m + 1)) for y in years for m in MONTHS],
                  ("year", "month", "starts", "ends"), name)


def age_band_case(year_column, birth_column):
    """The age band of a person born on ``birth_column`` at the end of the year of
    ``year_column``, as the keys of ``AGE_BANDS``."""
    age = year_column - year_of(birth_column)
    return case((birth_column.is_(None), "unknown"), (age < 18, "minor"),
                (age < 26, "18-25"), (age < 40, "26-39"), (age < 60, "40-59"), else_="60+")


AGE_BAND_KEYS = ("minor", "18-25", "26-39", "40-59", "60+", "unknown")
