"""The SQL the year's report's sums share (cal.core.figures): the year and the month of
a column, the range of years asked as one an index can answer, and tables of the years,
months or other values asked to join with.

Dates stay dates: a date's year is the one written in it. A timestamp is stored as naive
UTC, and its year is the one it falls in in Warsaw: an entry at 23:30 on 31 December
2025, Warsaw time (22:30 UTC), counts in 2025, and one at 0:30 on 1 January 2026 (23:30
UTC the day before) in 2026. The bounds are the UTC instants at which the years begin in
Warsaw, as cal.core.timeutil gives them, so SQLite and PostgreSQL count alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import (
    Date,
    DateTime,
    Integer,
    String,
    case,
    literal,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from cal.core.timeutil import local_day_start_utc

MONTHS = tuple(range(1, 13))


class _DatePart(FunctionElement):
    """The year or the month of a date column, as an integer."""

    type = Integer()
    inherit_cache = True


class _Year(_DatePart):
    name = "report_year"
    inherit_cache = True


class _Month(_DatePart):
    name = "report_month"
    inherit_cache = True


# date_part() gives a double, cheaper than EXTRACT's numeric over many rows.
@compiles(_Year)
def _year(element, compiler, **kw):
    return f"CAST(date_part('year', {compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(_Month)
def _month(element, compiler, **kw):
    return f"CAST(date_part('month', {compiler.process(element.clauses, **kw)}) AS INTEGER)"


# SQLite keeps dates as text ("2026-12-06"): the year and the month are read from their
# places, several times faster than strftime() over a million rows.
@compiles(_Year, "sqlite")
def _year_sqlite(element, compiler, **kw):
    return f"CAST(substr({compiler.process(element.clauses, **kw)}, 1, 4) AS INTEGER)"


@compiles(_Month, "sqlite")
def _month_sqlite(element, compiler, **kw):
    return f"CAST(substr({compiler.process(element.clauses, **kw)}, 6, 2) AS INTEGER)"


def _is_timestamp(column_) -> bool:
    return isinstance(column_.type, DateTime)


def year_start(year: int, timestamp: bool):
    """When ``year`` begins: 1 January, or the UTC instant it begins in Warsaw."""
    return local_day_start_utc(date(year, 1, 1)) if timestamp else date(year, 1, 1)


def year_of(column_, years: list[int] | None = None):
    """The year of a date column, or the Warsaw year of a timestamp column among
    ``years`` (none for a timestamp outside them), as an integer."""
    if not _is_timestamp(column_):
        return _Year(column_)
    if not years:
        raise ValueError("the year of a timestamp is found among the years asked")
    last = years[-1]
    whens = [(column_ >= year_start(last + 1, True), None)]
    whens += [(column_ >= year_start(y, True), y) for y in range(last, years[0] - 1, -1)]
    return type_coerce(case(*whens, else_=None), Integer)


def month_of(column_):
    """The month of a date column, as an integer."""
    return _Month(column_)


def within(column_, years: list[int]) -> tuple:
    """Conditions that ``column_`` (a date or a timestamp) falls in the years asked, as
    a range an index can answer."""
    timestamp = _is_timestamp(column_)
    return (column_ >= year_start(years[0], timestamp),
            column_ < year_start(years[-1] + 1, timestamp))


def _spans(rows: list[tuple], names: tuple[str, ...], name: str, timestamp: bool = False):
    """A table of literal rows (as a union of selects: SQLite has no named VALUES)."""
    bounds = DateTime if timestamp else Date
    types = {"year": Integer, "month": Integer, "starts": bounds, "ends": bounds,
             "value": String}
    return union_all(*(select(*(literal(value, types[n]).label(n)
                                for value, n in zip(row, names, strict=True)))
                       for row in rows)).subquery(name)


def year_spans(years: Iterable[int], name: str = "report_years", timestamp: bool = False):
    """A table of the years asked: ``year``, ``starts`` (1 January) and ``ends`` (1
    January after it), to join what runs over a period to each year it touches; with
    ``timestamp``, the bounds are the UTC instants the years begin in Warsaw."""
    return _spans([(y, year_start(y, timestamp), year_start(y + 1, timestamp))
                   for y in years], ("year", "starts", "ends"), name, timestamp)


def month_spans(years: Iterable[int], name: str = "report_months"):
    """The months of ``years`` as ``year``, ``month``, ``starts`` and ``ends`` (the
    first day after the month), to join what runs over a period of dates."""
    def first(year: int, month: int) -> date:
        return date(year + month // 13, (month - 1) % 12 + 1, 1)

    return _spans([(y, m, first(y, m), first(y, m + 1)) for y in years for m in MONTHS],
                  ("year", "month", "starts", "ends"), name)


def values_table(values: Iterable[str], name: str):
    """A table of one column, ``value``, holding ``values``."""
    return _spans([(v,) for v in values], ("value",), name)


def age_band_case(year_column, birth_column):
    """The age band of a person born on ``birth_column`` at the end of the year of
    ``year_column``, as the keys of ``AGE_BAND_KEYS``."""
    age = year_column - year_of(birth_column)
    return case((birth_column.is_(None), "unknown"), (age < 18, "minor"),
                (age < 26, "18-25"), (age < 40, "26-39"), (age < 60, "40-59"), else_="60+")


AGE_BAND_KEYS = ("minor", "18-25", "26-39", "40-59", "60+", "unknown")
