"""The volunteers' part of the year's report: active, new and leaving volunteers, by
age band (minors apart) and by kind of help."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, literal, or_, select

from cal.core.figures import (
    AGE_BAND_KEYS,
    Counts,
    Reads,
    Table,
    YearSection,
    age_band_case,
    tally,
    values_table,
    within,
    year_of,
    year_spans,
)
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


def counts(years: list[int]) -> dict:
    """The volunteers active at some time in each year by age band and by the kinds of
    help they offer; those first active, leaving and applying in each year."""
    first, spans = _first_active(), year_spans(years, timestamp=True)
    active = (select(age_band_case(spans.c.year, Volunteer.birth_date).label("band"),
                     spans.c.year.label("year"), Volunteer.help_kinds.label("kinds"))
              .select_from(Volunteer).join(first, first.c.volunteer_id == Volunteer.id)
              .join(spans, and_(first.c.at < spans.c.ends, or_(
                  Volunteer.left_at.is_(None), Volunteer.left_at >= spans.c.starts)))
              .subquery())
    kinds = values_table([kind.value for kind in HELP_KIND_LABELS], "help_kinds")

    def per_year(column, source):
        year = year_of(column, years)
        return (select(literal("").label("key"), year.label("year"), func.count())
                .select_from(source).where(*within(column, years)).group_by(year))

    return {
        "bands": select(active.c.band.label("key"), active.c.year, func.count())
        .group_by(active.c.band, active.c.year),
        "kinds": select(kinds.c.value.label("key"), active.c.year, func.count())
        .select_from(active).join(kinds, active.c.kinds.contains(kinds.c.value))
        .group_by(kinds.c.value, active.c.year),
        "new": per_year(first.c.at, first),
        "left": per_year(Volunteer.left_at, Volunteer),
        "applied": per_year(Volunteer.created_at, Volunteer),
    }


def tables(years: list[int], found: Counts) -> list[Table]:
    bands = tally(found["bands"])
    flows = tally([*(c._replace(key="active") for c in found["bands"]),
                   *(c._replace(key=name) for name in ("new", "left", "applied")
                     for c in found[name])])
    return [
        Table("volunteers", _l("Volunteers active, new, leaving and applying"),
              flows.rows(FLOW_LABELS, years)),
        Table("volunteers_by_age", _l("Active volunteers by age"),
              bands.rows(AGE_BAND_LABELS, years),
              note=_l("Age at the end of the year.")),
        Table("volunteers_by_kind", _l("Active volunteers by kind of help they offer"),
              tally(found["kinds"]).rows(HELP_KIND_LABELS, years),
              note=_l("A volunteer offering several kinds is counted in each.")),
    ]


SECTION = YearSection(
    "volunteers", _l("Volunteers"), 10, counts, tables, reads=(
        Reads(StatusChange, dates=("at",)),
        # Whether and when a volunteer was active is in their status changes: their age
        # and kinds of help count in every year they were.
        Reads(Volunteer, dates=("created_at", "left_at"), bounded=False,
              columns=("birth_date", "help_kinds", "left_at", "created_at"))))
