"""The year's report in figures: what a room adds to it, and the helpers its sums share.

A room declares its ``YearSection`` (``declare(..., year_figures=[...])``): a key, a
title, a position, and

- ``counts(years)``: its aggregate statements for the years asked, by name, each giving
  rows of ``key``, ``year`` (, ``month``) and up to ``NUMBERS`` numbers, grouped by
  year (never a statement per year or per row). The report runs the statements of every
  section as one query, for the years it has not kept (cal.reports.cache): a past
  year's counts are kept until a write that can change them (cal.core.figure_versions);
- ``tables(years, counts)``: the section's tables from those rows;
- ``reads``: the tables its statements read, and how a row of each is placed in a
  year, so that a write into a past year is known to change that year's figures;
- ``details(years)``, optional: tables made anew each time (a project's indicators as
  they were last counted), in a query or two.

The report (cal/reports) reads the registry only: a new room adds its section without
it. A table's columns are the years (a figure beside the years before it) or the
months of a year; each row holds a number per column. The report draws a chart of each
table that asks for one, and shows the table beside it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from flask_babel import gettext as _
from sqlalchemy import Select

from cal.core.errors import DomainError
from cal.core.figure_sql import (  # noqa: F401 - the rooms' sums take them from here
    AGE_BAND_KEYS,
    MONTHS,
    age_band_case,
    month_of,
    month_spans,
    values_table,
    within,
    year_of,
    year_spans,
)

NUMBERS = 3  # the most numbers a row of counts holds
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
    """A figure: its words and its number in each column (a year or a month); ``unit``
    its own where it differs from its table's ("zł": shown with two decimals)."""

    label: Any  # a lazy text, or a name
    values: Mapping[int, float | int | None]
    unit: str = ""

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
class Reads:
    """A table that a section's counts read, and how its rows fall into years: for
    cal.core.figure_versions to know the years a write changes.

    ``columns``: those read (a change to any other is no change of the figures; every
    column when none are named). ``dates``: the row's own dates (a date, a timestamp or
    a year's number); a row counts from its earliest date on, and a row with none of
    them in no year. ``via``: instead, the foreign key of the row it belongs to, and that
    row's model, itself read with dates (an attendance mark falls in its session's year).
    ``bounded``: a change of a read column other than the dates reaches the years from
    the row's earliest date on (an hour entry's status); when not, any year (a
    volunteer's birth date changes their age in every year they were active)."""

    model: type
    dates: tuple[str, ...] = ()
    via: tuple[str, type] | None = None
    columns: tuple[str, ...] = ()
    bounded: bool = True


class Count(NamedTuple):
    """A row of counts: the key it is counted by, its year, its month (or None), and
    its numbers (None where a statement gives fewer than ``NUMBERS``)."""

    key: str
    year: int
    month: int | None
    n: float | int | None
    n2: float | int | None = None
    n3: float | int | None = None


@dataclass(frozen=True)
class Counts:
    """The rows a section's statements gave, by the statements' names."""

    by_name: Mapping[str, list[Count]]

    def __getitem__(self, name: str) -> list[Count]:
        return self.by_name.get(name, [])


@dataclass(frozen=True)
class YearSection:
    """A room's part of the year's report (the module's description)."""

    key: str
    title: Any
    position: int
    counts: Callable[[list[int]], Mapping[str, Select]]
    tables: Callable[[list[int], Counts], list[Table]]
    reads: tuple[Reads, ...] = ()
    details: Callable[[list[int]], list[Table]] | None = None

    def compute(self, years: list[int], counts: Counts) -> list[Table]:
        """The section's tables for ``years`` (in order, the report's year last)."""
        return [*self.tables(years, counts), *(self.details(years) if self.details else [])]


def group_counts(rows: Iterable[tuple]) -> dict[str, dict[str, list[Count]]]:
    """Rows of (section, name, key, year, month, numbers...) as every section's counts
    by name; the numbers as int or float, whatever type the database gave them in."""
    found: dict[str, dict[str, list[Count]]] = defaultdict(lambda: defaultdict(list))
    for section, name, key, year, month, *numbers in rows:
        found[section][name].append(Count(key, int(year), None if month is None else int(month),
                                          *(plain(n) for n in numbers)))
    return found


def plain(number) -> float | int | None:
    """A number as the database gave it (an int, a float, a Decimal) as an int or a
    float, as JSON keeps it."""
    if number is None:
        return None
    as_float = float(number)
    return int(as_float) if as_float.is_integer() else as_float


@dataclass
class Tally:
    """Numbers by (row key, column key) as aggregate queries return them."""

    counts: dict[tuple[Any, int], float] = field(default_factory=dict)

    def add(self, rows: Iterable[tuple[Any, Any, Any]]) -> Tally:
        """Rows of (row key, column key, number)."""
        for key, col, number in rows:
            if col is None:
                continue
            slot = (key, int(col))
            self.counts[slot] = self.counts.get(slot, 0) + (number or 0)
        return self

    def get(self, key: Any, column: int) -> float:
        return self.counts.get((key, column), 0)

    def row(self, label: Any, key: Any, columns: Iterable[int], scale: float = 1,
            decimals: int = 0) -> Row:
        return Row(label, {c: _number(self.get(key, c) * scale, decimals) for c in columns})

    def rows(self, labels: Mapping[Any, Any], columns: Iterable[int], scale: float = 1,
             decimals: int = 0) -> list[Row]:
        """A row per label, in the labels' order."""
        columns = list(columns)
        return [self.row(label, key, columns, scale, decimals) for key, label in labels.items()]


def tally(counts: list[Count], number: str = "n") -> Tally:
    """The counts' ``number`` by (key, year), summed over the months."""
    return Tally().add((c.key, c.year, getattr(c, number)) for c in counts)


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
