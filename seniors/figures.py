"""The senior centre's part of the year's report: its members (with a card) who joined
in each year, and those registered by the year's end."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, literal, select

from cal.core.figures import Counts, Reads, Table, YearSection, tally, within, year_of, year_spans
from seniors.models import SeniorMember

LABELS = {"joined": _l("Members who joined"),
          "members": _l("Members registered by the end of the year")}


def counts(years: list[int]) -> dict:
    joined, spans = year_of(SeniorMember.joined_on), year_spans(years)
    return {
        "joined": select(literal("joined").label("key"), joined.label("year"), func.count())
        .where(*within(SeniorMember.joined_on, years)).group_by(joined),
        "members": select(literal("members").label("key"), spans.c.year, func.count())
        .select_from(SeniorMember).join(spans, SeniorMember.joined_on < spans.c.ends)
        .group_by(spans.c.year),
    }


def tables(years: list[int], found: Counts) -> list[Table]:
    return [Table("senior_members", _l("Senior centre members"),
                  tally([*found["joined"], *found["members"]]).rows(LABELS, years))]


SECTION = YearSection(
    "seniors", _l("Senior centre"), 55, counts, tables,
    reads=(Reads(SeniorMember, dates=("joined_on",), columns=("joined_on",)),))
