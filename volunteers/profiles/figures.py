"""The volunteers' part of the year's report: active, new and leaving volunteers, by
age band (minors apart) and by kind of help; two queries for all the years asked."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, literal, or_, select, union_all

from cal.core.figures import (
    AGE_BAND_KEYS,
    Table,
    Tally,
    YearSection,
    age_band_case,
    within,
    year_of,
    year_spans,
)
from cal.extensions import db
from volunteers.models import HELP_KIND_LABELS, StatusChange, Volunteer, VolunteerStatus

AGE_BAND_LABELS = dict(zip(AGE_BAND_KEYS, (
    _l("Under 18 (minors)"), _l("18–25"), _l("26–39"), _l("40–59"), _l("60 and over"),
    _l("Age not known")), strict=True))
FLOW_LABELS = {"active": _l("Active during the year"), "new": _l("Began (first time active)"),
               "left": _l("Left"), "applied": _l("Applied")}


def _first_active():
    return (select(StatusChange.volunteer_id, func.min(StatusChange.at).label("at"))
            .where(StatusChange.to_status == VolunteerStatus.ACTIVE)
            .group_by(StatusChange.volunteer_id).subquery())


def _active(years: list[int]) -> list:
    """Per age band and year: the volunteers active at some time in the year, and of
    them those offering each kind of help."""
    first, spans = _first_active(), year_spans(years)
    active = (select(age_band_case(spans.c.year, Volunteer.birth_date).label("band"),
                     spans.c.year.label("year"), Volunteer.help_kinds.label("kinds"))
              .select_from(Volunteer).join(first, first.c.volunteer_id == Volunteer.id)
              .join(spans, and_(first.c.at < spans.c.ends, or_(
                  Volunteer.left_at.is_(None), Volunteer.left_at >= spans.c.starts)))
              .subquery())
    kinds = [func.sum(case((active.c.kinds.contains(kind.value), 1), else_=0))
             for kind in HELP_KIND_LABELS]
    return db.session.execute(
        select(active.c.band, active.c.year, func.count(), *kinds)
        .group_by(active.c.band, active.c.year)).all()


def _flows(years: list[int]) -> list:
    first = _first_active()

    def per_year(key: str, column, source):
        year = year_of(column)
        return (select(literal(key), year, func.count()).select_from(source)
                .where(*within(column, years)).group_by(year))

    return db.session.execute(union_all(
        per_year("new", first.c.at, first),
        per_year("left", Volunteer.left_at, Volunteer),
        per_year("applied", Volunteer.created_at, Volunteer))).all()


def compute(years: list[int]) -> list[Table]:
    active = _active(years)
    flows = Tally().add(_flows(years))
    flows.add((("active", year, total) for _, year, total, *_ in active))
    bands = Tally().add((band, year, total) for band, year, total, *_ in active)
    kinds = Tally().add((kind, year, counts[i]) for _, year, _, *counts in active
                        for i, kind in enumerate(HELP_KIND_LABELS))
    return [
        Table("volunteers", _l("Volunteers"), flows.rows(FLOW_LABELS, years)),
        Table("volunteers_by_age", _l("Active volunteers by age"),
              bands.rows(AGE_BAND_LABELS, years),
              note=_l("Age at the end of the year.")),
        Table("volunteers_by_kind", _l("Active volunteers by kind of help they offer"),
              kinds.rows(HELP_KIND_LABELS, years),
              note=_l("A volunteer offering several kinds is counted in each.")),
    ]


SECTION = YearSection("volunteers", _l("Volunteers"), 10, compute)
