"""The counts of the year's report, every section's statements run as one query, and a
past year's counts kept once made (past years rarely change, and summing a million
attendance marks at each view does not pay).

A year's counts are kept with the version of the figures they were made at
(cal.core.figure_versions, read before they were made) and the digest of the
statements that made them; they are used while both are the same, so a write into a
past year, or a new version of a section's sums, makes them anew. The current year,
and the one just ended in its first days, are always counted.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import datetime

from flask import current_app
from sqlalchemy import JSON, Integer, Numeric, String, cast, literal, null, select, union_all
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from cal.core.figure_versions import kept, version_of
from cal.core.figures import NUMBERS, Counts, YearSection, group_counts, plain, year_spans
from cal.core.timeutil import utcnow
from cal.extensions import db

_DIGESTS = "cal.reports.digests"
_PLAIN = ("key", "year", "month")


class KeptFigures(db.Model):
    """A past year's counts: rows of [section, name, key, month, numbers...]."""

    __tablename__ = "kept_figures"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    key: Mapped[str] = mapped_column(String(80))  # the statements' digest and the version
    counts: Mapped[list] = mapped_column(JSON)
    made_at: Mapped[datetime] = mapped_column(default=utcnow)


def statement(sections: list[YearSection], years: list[int]):
    """Every section's statements for ``years`` as one: rows of section, name, key,
    year, month and NUMBERS numbers (None where a statement gives fewer)."""
    parts = []
    for section in sections:
        for name, counted in section.counts(years).items():
            sub = counted.subquery()
            numbers = [c for c in sub.c if c.name not in _PLAIN]
            if not 1 <= len(numbers) <= NUMBERS:
                raise ValueError(f"{section.key}.{name}: 1 to {NUMBERS} numbers a row")
            parts.append(select(
                literal(section.key), literal(name),
                cast(sub.c.key, String) if "key" in sub.c else literal(""),
                cast(sub.c.year, Integer),
                cast(sub.c.month, Integer) if "month" in sub.c else cast(null(), Integer),
                *numbers, *[cast(null(), Numeric)] * (NUMBERS - len(numbers))))
    return union_all(*parts) if parts else None


def _digest(sections: list[YearSection]) -> str:
    """What the statements are (their SQL and their fixed values), the same in every
    process running the same code: counts made by other statements are not used."""
    digests = current_app.extensions.setdefault(_DIGESTS, {})
    dialect = db.session.get_bind().dialect
    memo = (dialect.name, tuple(s.key for s in sections))
    if memo not in digests:
        sample = statement(sections, [2000, 2001])
        compiled = sample.compile(dialect=dialect) if sample is not None else ""
        values = sorted((k, repr(v)) for k, v in getattr(compiled, "params", {}).items()
                        if not isinstance(v, datetime))  # the clock's "now" changes
        digests[memo] = hashlib.sha256(f"{compiled}{values}".encode()).hexdigest()[:24]
    return digests[memo]


def _kept(years: list[int], digest: str) -> tuple[dict[int, str], dict[int, list]]:
    """For the years that may be kept: the key their counts are valid under now, and
    the counts kept under it (one query)."""
    if not years:
        return {}, {}
    spans = year_spans(years)
    rows = db.session.execute(
        select(spans.c.year, version_of(spans.c.year), KeptFigures.key, KeptFigures.counts)
        .outerjoin(KeptFigures, KeptFigures.year == spans.c.year)).all()
    keys = {int(year): f"{digest}:{version}" for year, version, _key, _counts in rows}
    return keys, {int(year): counts for year, _version, key, counts in rows
                  if key == keys[int(year)]}


def _store(rows: dict[int, list], keys: dict[int, str]) -> None:
    """Keep the counts of ``rows``' years under their keys, in the request's
    transaction."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    table = KeptFigures.__table__
    insert = dialect.insert(table).values([
        {"year": year, "key": keys[year], "counts": counts, "made_at": utcnow()}
        for year, counts in rows.items()])
    db.session.execute(insert.on_conflict_do_update(
        index_elements=[table.c.year], set_={name: insert.excluded[name]
                                            for name in ("key", "counts", "made_at")}))


def year_counts(sections: list[YearSection], years: list[int], today) -> dict[str, Counts]:
    """Every section's counts for ``years``, by section: the kept ones of past years,
    and the others counted in one query from the earliest year not kept on."""
    digest = _digest(sections)
    keys, found = _kept([y for y in years if kept(y, today)], digest)
    missing = [y for y in years if y not in found]
    if missing:
        counted = statement(sections, years[years.index(missing[0]):])
        made: dict[int, list] = defaultdict(list)
        for section, name, key, year, month, *numbers in (
                db.session.execute(counted) if counted is not None else []):
            if year is not None:  # a timestamp beyond the years asked
                made[int(year)].append([section, name, key, month, *map(plain, numbers)])
        for year in missing:
            found[year] = made.get(year, [])
        fresh = {year: found[year] for year in missing if year in keys}
        if fresh:
            _store(fresh, keys)
    by_section = group_counts((section, name, key, year, month, *numbers)
                              for year in years
                              for section, name, key, month, *numbers in found[year])
    return {section.key: Counts(by_section.get(section.key, {})) for section in sections}
