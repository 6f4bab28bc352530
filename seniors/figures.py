"""The senior centre's part of the year's report: its members (with a card) who joined
in each year, and those registered by the year's end; one query for all the years."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, literal, select, union_all

from cal.core.figures import Table, Tally, YearSection, within, year_of, year_spans
from cal.extensions import db
from seniors.models import SeniorMember

LABELS = {"joined": _l("Members who joined"),
          "members": _l("Members registered by the end of the year")}


def compute(years: list[int]) -> list[Table]:
    joined, spans = year_of(SeniorMember.joined_on), year_spans(years)
    rows = db.session.execute(union_all(
        select(literal("joined"), joined, func.count())
        .where(*within(SeniorMember.joined_on, years)).group_by(joined),
        select(literal("members"), spans.c.year, func.count()).select_from(SeniorMember)
        .join(spans, SeniorMember.joined_on < spans.c.ends).group_by(spans.c.year))).all()
    return [Table("senior_members", _l("Senior centre members"),
                  Tally().add(rows).rows(LABELS, years))]


SECTION = YearSection("seniors", _l("Senior centre"), 55, compute)
