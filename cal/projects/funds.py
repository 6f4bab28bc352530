"""Funds by source: a project's money from each source (EU, state, city, own,
sponsors, other) for each year, planned and spent; and for a year, what all projects
had from each source, each project's lines beneath, with the sponsors' help in kind
from the gifts register, compared with the year before. The year's report takes
``funds_by_source(year)`` as it is."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from cal.core.audit import AuditAction, audit
from cal.core.errors import DomainError
from cal.extensions import db
from cal.gifts import services as gifts
from cal.projects.models import FUND_SOURCE_LABELS, Funding, FundSource, Project

# --- a project's funding ------------------------------------------------------------------

def funding_of(project: Project) -> list[Funding]:
    """The project's funding rows, by year and in the order of the sources."""
    rows = db.session.scalars(select(Funding).where(Funding.project_id == project.id))
    order = list(FundSource)
    return sorted(rows, key=lambda f: (f.year, order.index(f.source)))


def set_funding(project: Project, year: int, source: FundSource, planned_gr: int,
                spent_gr: int, actor, today: date) -> Funding | None:
    """The project's money from ``source`` in ``year``: stored, corrected, or (both
    amounts 0) removed. A year outside the project's dates, a negative amount and money
    spent in a year that has not begun are refused beside their field."""
    errors = {}
    if not project.starts_on.year <= year <= project.ends_on.year:
        errors["year"] = _("Choose a year the project runs in (%(start)s–%(end)s).",
                           start=project.starts_on.year, end=project.ends_on.year)
    if planned_gr < 0:
        errors["planned"] = _("The amount cannot be negative.")
    if spent_gr < 0:
        errors["spent"] = _("The amount cannot be negative.")
    elif spent_gr and year > today.year:
        errors["spent"] = _("Nothing can be spent in a year that has not begun.")
    if errors:
        raise DomainError.of(errors)
    funding = db.session.scalar(select(Funding).where(
        Funding.project_id == project.id, Funding.year == year, Funding.source == source))
    detail = f"project {project.id}, {year} {source.value}: {planned_gr}/{spent_gr} gr"
    if not planned_gr and not spent_gr:
        if funding is not None:
            audit(actor, AuditAction.DELETE, "project_funding", funding.id, detail=detail)
            db.session.delete(funding)
        return None
    created = funding is None
    if created:
        funding = Funding(project_id=project.id, year=year, source=source)
        db.session.add(funding)
    funding.planned_gr, funding.spent_gr = planned_gr, spent_gr
    db.session.flush()
    audit(actor, AuditAction.CREATE if created else AuditAction.UPDATE, "project_funding",
          funding.id, fields=[] if created else ["planned_gr", "spent_gr"], detail=detail)
    return funding


# --- the year's funds by source ---------------------------------------------------------

def sums_by_source(years: list[int]):
    """The statement of the money of all projects by source and year: ``key`` (the
    source), ``year``, planned and spent in grosze (this page and the year's report
    share it)."""
    return (select(Funding.source.label("key"), Funding.year.label("year"),
                   func.sum(Funding.planned_gr), func.sum(Funding.spent_gr))
            .where(Funding.year.in_(years)).group_by(Funding.year, Funding.source))


def _sums(years: list[int]) -> dict[tuple[int, str], tuple[int, int]]:
    """(year, source) -> (planned, spent) over all projects, summed by the database."""
    return {(year, FundSource(source).value): (int(planned), int(spent))
            for source, year, planned, spent in db.session.execute(sums_by_source(years))}


def _lines(year: int) -> list:
    return list(db.session.execute(
        select(Funding.source, Funding.project_id, Project.name, Funding.planned_gr,
               Funding.spent_gr)
        .join(Project, Project.id == Funding.project_id).where(Funding.year == year)
        .order_by(Project.name, Project.id)))


def funds_by_source(year: int) -> dict:
    """The year's funds as the centre reports them, as plain values (amounts in grosze):

    ``{"year", "has_data", "previous_year", "has_previous", "has_previous_money",
    "sources": [{"source", "label", "planned_gr", "spent_gr", "previous_planned_gr",
    "previous_spent_gr", "projects": [{"project_id", "name", "planned_gr",
    "spent_gr"}]}], "total": {"planned_gr", "spent_gr", "previous_planned_gr",
    "previous_spent_gr"}, "gifts": {"count", "value_gr", "previous_count",
    "previous_value_gr", "items": [{"received_on", "donor", "what", "quantity", "unit",
    "value_gr", "used_for"}]}}``

    Only the sources with money in either year are listed; a family a gift went to is
    "a family", never named. Four queries, whatever the number of projects and gifts."""
    previous = year - 1
    sums = _sums([year, previous])
    lines: dict[str, list[dict]] = {}
    for source, project_id, name, planned, spent in _lines(year):
        lines.setdefault(FundSource(source).value, []).append(
            {"project_id": project_id, "name": name, "planned_gr": int(planned),
             "spent_gr": int(spent)})
    sources = []
    for source in FundSource:
        now, before = sums.get((year, source.value)), sums.get((previous, source.value))
        if now is None and before is None:
            continue
        sources.append({"source": source.value, "label": str(FUND_SOURCE_LABELS[source]),
                        "planned_gr": (now or (0, 0))[0], "spent_gr": (now or (0, 0))[1],
                        "previous_planned_gr": (before or (0, 0))[0],
                        "previous_spent_gr": (before or (0, 0))[1],
                        "projects": lines.get(source.value, [])})
    given = gifts.totals_by_year([year, previous])
    items = gifts.gifts_of_year(year) if year in given else []
    return {
        "year": year, "previous_year": previous,
        "has_data": any(y == year for y, _source in sums) or year in given,
        "has_previous": any(y == previous for y, _source in sums) or previous in given,
        "has_previous_money": any(y == previous for y, _source in sums),
        "sources": sources,
        "total": {key: sum(s[key] for s in sources) for key in (
            "planned_gr", "spent_gr", "previous_planned_gr", "previous_spent_gr")},
        "gifts": {"count": given.get(year, (0, 0))[0], "value_gr": given.get(year, (0, 0))[1],
                  "previous_count": given.get(previous, (0, 0))[0],
                  "previous_value_gr": given.get(previous, (0, 0))[1],
                  "items": [{"received_on": row.gift.received_on, "donor": row.gift.donor,
                             "what": row.gift.what, "quantity": row.gift.quantity,
                             "unit": row.gift.unit, "value_gr": row.gift.value_gr,
                             "used_for": row.used_for(named=False)} for row in items]},
    }
