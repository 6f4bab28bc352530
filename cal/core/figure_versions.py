"""Which years' figures a write changes, counted in the same transaction as the write,
so that the year's report can keep a past year's figures and never show them stale.

Each section of the report (cal.core.figures) declares the tables it reads and how a
row falls into a year (``Reads``). On every flush of a session, and on every bulk
statement through one, the years the write reaches are found from the rows themselves
(an hour entry's day, an attendance mark's session, the old value and the new one when
a date moves), and ``figure_versions`` counts one up for the earliest of them: a row
counts from its earliest date on (a match runs on; the members registered by a year's
end include those who joined before), so the figures of year X stand while no version
of a year up to X has moved (``version_of``). A write that cannot be placed (a row whose
date is not loaded, a volunteer's birth date, a row deleted from a table whose deletion
cascades in the database into a table read) moves year 0, which every year counts.

The current year is never kept (its figures also move with the clock), nor the one
just ended until KEPT_FROM days into the next: a write dated in a year not ended by
the writer's clock moves nothing, which leaves no kept year behind as long as the
servers' clocks and a transaction's time differ by less than that.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app, has_app_context
from sqlalchemy import BigInteger, event, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.orm.base import NO_VALUE
from sqlalchemy.orm.util import identity_key

from cal.core.figures import Reads
from cal.core.rooms import registry
from cal.core.timeutil import local_day_start_utc, local_today, to_local
from cal.extensions import db

EVERY_YEAR = 0  # the version that every year's figures count
KEPT_FROM = timedelta(days=7)  # a year is kept from this long after it ended
_WATCH = "cal.figure_versions"


class FigureVersion(db.Model):
    """How many writes have reached the figures of ``year`` (0: of every year)."""

    __tablename__ = "figure_versions"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger, default=0)


def kept(year: int, today: date) -> bool:
    """Whether the figures of ``year`` may be kept: it ended KEPT_FROM ago."""
    return today >= date(year + 1, 1, 1) + KEPT_FROM


def version_of(year_column):
    """The version of the figures of the year in ``year_column``: every write that can
    have changed them counted (a scalar subquery)."""
    return (select(db.func.coalesce(db.func.sum(FigureVersion.version), 0))
            .where(FigureVersion.year <= year_column).scalar_subquery())


class _Watch:
    """What the sections read, by model and by table, and the tables whose deleted
    rows cascade into them."""

    def __init__(self, reads: list[Reads]):
        self.by_class = {r.model: r for r in reads}
        if len(self.by_class) < len(reads):
            raise ValueError("a table is read by two sections: one of them declares it")
        self.by_table = {r.model.__table__.name: r for r in reads}
        self.cascading = _cascading({r.model.__table__.name: r for r in reads})


def _cascading(read: dict[str, Reads]) -> set[str]:
    """The tables a deleted row of which deletes or changes a row read, in the database
    (ON DELETE CASCADE, or SET NULL on a column read), also through other tables; but
    not a row placed through it (an event's registrations fall in the event's year,
    which its own deletion moves)."""
    tables = db.metadata.tables
    found: set[str] = set()
    frontier = list(read)
    while frontier:
        name = frontier.pop()
        reads = read.get(name)
        for fk in tables[name].foreign_keys:
            action = (fk.ondelete or "").upper()
            column_read = reads is not None and (not reads.columns
                                                 or fk.parent.name in reads.columns)
            if reads is not None and reads.via and reads.via[0] == fk.parent.name:
                continue
            if action == "CASCADE" or (action in ("SET NULL", "SET DEFAULT") and column_read):
                parent = fk.column.table.name
                if parent not in found:
                    found.add(parent)
                    frontier.append(parent)
    return found


def _watch() -> _Watch | None:
    if not has_app_context():
        return None
    watch = current_app.extensions.get(_WATCH)
    if watch is None:
        watch = current_app.extensions[_WATCH] = _Watch(
            [r for section in registry().year_figures for r in section.reads])
    return watch


def _year(value) -> int | None:
    if isinstance(value, datetime):
        return to_local(value).year
    if isinstance(value, date):
        return value.year
    return value if isinstance(value, int) else None


class _Unknown(Exception):
    """A row's year cannot be told without loading what is not loaded."""


def _values(state, name: str, old: bool, inserted: bool = False) -> list:
    """The attribute's value and, with ``old``, the one it had before this flush."""
    attr = state.attrs[name]
    if not old:
        if attr.loaded_value is not NO_VALUE:
            return [attr.loaded_value]
        if inserted and state.mapper.columns[name].server_default is None:
            return [None]  # inserted without it: NULL
        raise _Unknown(name)
    history = attr.history
    values = [*history.added, *history.unchanged, *history.deleted]
    if history.has_changes():
        before = state.committed_state.get(name, NO_VALUE)
        if before is NO_VALUE:  # set without its value before being loaded
            raise _Unknown(name)
        values.append(before)
    elif not values:
        raise _Unknown(name)
    return values


def _parent_years(session, watch: _Watch, reads: Reads, ids: list) -> list[int]:
    """The years of the rows ``ids`` of ``reads.via``'s model, read as that model is."""
    model = reads.via[1]
    parent_reads = watch.by_class[model]
    years: list[int] = []
    for ident in ids:
        if ident is None:
            continue
        parent = session.identity_map.get(identity_key(model, ident))
        if parent is not None:
            try:
                years += _row_years(session, watch, parent_reads, sa_inspect(parent), False)
                continue
            except _Unknown:
                pass  # not loaded: read from the database
        names = parent_reads.dates or (parent_reads.via[0],)
        row = session.connection().execute(
            select(*(getattr(model, n) for n in names)).where(
                sa_inspect(model).primary_key[0] == ident)).first()
        if row is None:
            raise _Unknown(model.__name__)
        if parent_reads.via:
            years += _parent_years(session, watch, parent_reads, list(row))
        else:
            years += [y for y in map(_year, row) if y is not None]
    return years


def _row_years(session, watch: _Watch, reads: Reads, state, old: bool,
               inserted: bool = False, dates: tuple[str, ...] | None = None) -> list[int]:
    """The years the row falls in by its dates (old and new, with ``old``); only by
    ``dates`` when given."""
    if reads.via:
        return _parent_years(session, watch, reads,
                             _values(state, reads.via[0], old, inserted))
    return [y for name in (reads.dates if dates is None else dates)
            for y in map(_year, _values(state, name, old, inserted)) if y is not None]


def _reached(session, watch: _Watch, obj, change: str) -> int | None:
    """The earliest year a row's insert, update or delete reaches; None: none."""
    state = sa_inspect(obj)
    if change == "delete" and state.mapper.local_table.name in watch.cascading:
        return EVERY_YEAR
    reads = watch.by_class.get(state.mapper.class_)
    if reads is None:
        return None
    if not reads.dates and not reads.via:
        changed = change != "update" or _changed(state, reads)
        return EVERY_YEAR if changed else None
    try:
        dates = None
        if change == "update":
            moved = _changed(state, reads)
            if not moved:
                return None
            placing = set(reads.dates) | ({reads.via[0]} if reads.via else set())
            if set(moved) <= placing:  # a date moved: the years between its old and new
                dates = tuple(n for n in reads.dates if n in moved)
            elif not reads.bounded:
                return EVERY_YEAR
        years = _row_years(session, watch, reads, state, change == "update",
                           change == "insert", dates)
    except _Unknown:
        return EVERY_YEAR
    return min(years, default=None)


def _changed(state, reads: Reads) -> list[str]:
    names = reads.columns or [c.key for c in state.mapper.column_attrs]
    return [n for n in names if state.attrs[n].history.has_changes()]


def _bump(connection, years: set[int]) -> None:
    """Count one up for each of ``years``, in the transaction of ``connection``."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    table = FigureVersion.__table__
    statement = dialect.insert(table).values([{"year": y, "version": 1} for y in sorted(years)])
    connection.execute(statement.on_conflict_do_update(
        index_elements=[table.c.year], set_={"version": table.c.version + 1}))


def _kept_years(years: set) -> set[int]:
    """The years of a write that may be kept already: ended by this server's clock."""
    this_year = local_today().year
    return {y for y in years if y is not None and y < this_year}


@event.listens_for(Session, "after_flush")
def _after_flush(session, _context) -> None:
    watch = _watch()
    if watch is None:
        return
    years = {_reached(session, watch, obj, change)
             for change, objects in (("insert", session.new), ("update", session.dirty),
                                     ("delete", session.deleted))
             for obj in objects}
    if kept_years := _kept_years(years):
        _bump(session.connection(), kept_years)


def unkept_since() -> datetime:
    """The instant from which a row needs no count of its write: the start of this
    year in Warsaw, by this server's clock (a row on or after it is in no kept year)."""
    return local_day_start_utc(date(local_today().year, 1, 1))


def _set_columns(statement) -> set[str] | None:
    """The columns an UPDATE sets, when the statement names them."""
    values = getattr(statement, "_values", None) or dict(
        getattr(statement, "_ordered_values", None) or ())
    if not values:
        return None
    return {getattr(key, "key", key) for key in values}


@event.listens_for(Session, "do_orm_execute")
def _bulk_statement(orm_execute_state) -> None:
    """An INSERT, UPDATE or DELETE of many rows through the session, on a table read
    (or a DELETE from one that cascades into one). It may say where its rows fall:
    ``figures_since``, the earliest date or instant they can have (an attendance mark
    stored only for a session of this year), or ``figure_keys``, the values of the key
    that places them ({"session_id": [...]}); otherwise it reaches every year. An
    UPDATE that sets no column read changes nothing."""
    state = orm_execute_state
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    watch = _watch()
    table = getattr(state.statement, "table", None)
    if watch is None or table is None:
        return
    reads = watch.by_table.get(table.name)
    if state.is_delete and table.name in watch.cascading:
        years = {EVERY_YEAR}
    elif reads is None:
        return
    elif state.is_update and reads.columns and not (
            (_set_columns(state.statement) or set(reads.columns)) & set(reads.columns)):
        return
    elif (since := state.execution_options.get("figures_since")) is not None:
        years = {_year(since)}
    elif (keys := state.execution_options.get("figure_keys")) and reads.via:
        try:
            years = {min(_parent_years(state.session, watch, reads, list(keys[reads.via[0]])),
                         default=None)}
        except (_Unknown, KeyError):
            years = {EVERY_YEAR}
    else:
        years = {EVERY_YEAR}
    if kept_years := _kept_years(years):
        _bump(state.session.connection(), kept_years)
