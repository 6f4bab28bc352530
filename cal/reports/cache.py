"""The counts of the year's report, every section's statements run as one query, and a
year's counts kept once made (summing a million attendance marks at each view does not
pay).

A past year's counts are kept with the version of the figures they were made at
(cal.core.figure_versions, read before they were made) and the digest of the
statements that made them; they are used while both are the same, so a write into a
past year, or a new version of a section's sums, makes them anew.

The years still moving (this one, and the one just ended in its first days) change with
every tap and every hour logged, so no version follows them. Their counts are kept with
the time they were made: the report's page shows those made that day, with that time,
and when they are older than FRESH it has them counted anew after its answer (on a
worker, or after the response), so the next view shows them; a recount asked for, the
PDF and the spreadsheet count them at once.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from threading import Lock

from flask import current_app
from sqlalchemy import (
    JSON,
    Integer,
    Numeric,
    String,
    cast,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from cal.core.figure_versions import kept, version_of
from cal.core.figures import NUMBERS, Counts, YearSection, group_counts, plain, year_spans
from cal.core.queue import run_later
from cal.core.timeutil import to_local, utcnow
from cal.extensions import db

_DIGESTS = "cal.reports.digests"
_PLAIN = ("key", "year", "month")
_MOVING = "moving"  # the key's version of a moving year's counts
FRESH = timedelta(minutes=5)  # a moving year's counts older than this are made anew


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


@dataclass(frozen=True)
class YearCounts:
    """Every section's counts, by section; when the moving years' counts shown were made
    (None: no moving year asked), and whether they are being counted anew."""

    by_section: dict[str, Counts]
    as_of: datetime | None = None
    recounting: bool = False


def _kept(years: list[int], digest: str, today: date, now: datetime | None
          ) -> tuple[dict[int, str], dict[int, list], datetime | None]:
    """For the years asked: the key their counts are kept under now, and the counts
    kept under it (one query): a past year's by its version; with ``now``, a moving
    year's made on ``today``. And when the oldest of the moving years' kept counts used
    was made."""
    if not years:
        return {}, {}, None
    spans = year_spans(years)
    rows = db.session.execute(
        select(spans.c.year, version_of(spans.c.year), KeptFigures.key, KeptFigures.counts,
               KeptFigures.made_at)
        .outerjoin(KeptFigures, KeptFigures.year == spans.c.year)).all()
    keys, found, made = {}, {}, []
    for year, version, key, counts, made_at in rows:
        year = int(year)
        if kept(year, today):
            keys[year] = f"{digest}:{version}"
        else:
            keys[year] = f"{digest}:{_MOVING}"
            if now is None or made_at is None or to_local(made_at).date() != today:
                continue
            made.append(made_at)
        if key == keys[year]:
            found[year] = counts
    return keys, found, min(made, default=None)


def _store(rows: dict[int, list], keys: dict[int, str], now: datetime) -> None:
    """Keep the counts of ``rows``' years under their keys, in the request's
    transaction."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    table = KeptFigures.__table__
    insert = dialect.insert(table).values([
        {"year": year, "key": keys[year], "counts": counts, "made_at": now}
        for year, counts in rows.items()])
    db.session.execute(insert.on_conflict_do_update(
        index_elements=[table.c.year], set_={name: insert.excluded[name]
                                            for name in ("key", "counts", "made_at")}))


def year_counts(sections: list[YearSection], years: list[int], today: date,
                now: datetime | None = None, snapshot: bool = False) -> YearCounts:
    """Every section's counts for ``years``: the kept ones, and the others counted in one
    query from the earliest year not kept on, then kept as made at ``now``. With
    ``snapshot`` (the page), a moving year's kept counts made on ``today`` are used, and
    older than FRESH, counted anew after the answer; without, it is counted."""
    digest = _digest(sections)
    made_now = now or utcnow()
    keys, found, as_of = _kept(years, digest, today, made_now if snapshot else None)
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
        _store({year: found[year] for year in missing}, keys, made_now)
    moving = [y for y in years if not kept(y, today)]
    recounting = as_of is not None and made_now - as_of > FRESH
    if recounting and _first_to_ask(moving[-1], made_now):
        run_later("cal.worker.year_figures_job", moving[-1])
    if any(y in missing for y in moving):
        as_of = min(as_of or made_now, made_now)
    by_section = group_counts((section, name, key, year, month, *numbers)
                              for year in years
                              for section, name, key, month, *numbers in found[year])
    return YearCounts({section.key: Counts(by_section.get(section.key, {}))
                       for section in sections}, as_of if moving else None, recounting)


_ASKED: dict[int, datetime] = {}  # in this process: when a report's recount was last asked
_ASKING = Lock()


def _first_to_ask(year: int, now: datetime) -> bool:
    """Whether this process has not asked for the report of ``year`` to be counted anew
    within FRESH: the views while one recount runs ask for no other (a worker's job
    finds the counts made meanwhile and stops; a recount after the response, on a server
    without a worker, would count again beside it)."""
    with _ASKING:
        last = _ASKED.get(year)
        if last is not None and abs(now - last) < FRESH:
            return False
        _ASKED[year] = now
        return True


def recount(year: int, sections: list[YearSection], now: datetime | None = None,
            again: bool = False) -> None:
    """Count anew the years still moving of the report of ``year`` (a moving year's
    counts gone stale) and keep them, unless made within FRESH already (of many views
    asking, one counts) or ``again``."""
    now = now or utcnow()
    today = to_local(now).date()
    table = KeptFigures.__table__
    moving = [y for y in (year - 1, year) if not kept(y, today)]
    recent = set() if again else set(db.session.scalars(select(table.c.year).where(
        table.c.year.in_(moving), table.c.made_at > now - FRESH)))
    wanted = [y for y in moving if y not in recent]
    if wanted:
        year_counts(sections, wanted, today, now)
    db.session.commit()
