"""The matches' part of the year's report: the people helped through matches by kind of
help (each person, or family, once), the requests received, the matches begun, and
those ended with their causes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, and_, cast, func, literal, or_, select

from cal.core.figures import Counts, Reads, Table, YearSection, tally, within, year_of, year_spans
from volunteers.models import HELP_KIND_LABELS
from volunteers.needs.models import END_CAUSE_LABELS, EndCause, HelpRequest, Match, MatchStatus

HELPED = (MatchStatus.ACTIVE, MatchStatus.PAUSED, MatchStatus.ENDED)
ALL_KINDS = "all"


def counts(years: list[int]) -> dict:
    """Per kind and year, and for all kinds: the people (or families) whose match ran
    at some time in the year, each once; requests received and matches begun per kind;
    matches ended per cause."""
    spans = year_spans(years)
    who = func.coalesce(HelpRequest.person_id * 2, HelpRequest.household_id * 2 + 1)
    ran = (select(cast(HelpRequest.kind, String).label("kind"), spans.c.year.label("year"),
                  who.label("who"))
           .select_from(Match).join(HelpRequest, HelpRequest.id == Match.request_id)
           .join(spans, and_(Match.started_on < spans.c.ends,
                             or_(Match.ended_on.is_(None), Match.ended_on >= spans.c.starts)))
           .where(Match.status.in_(HELPED), Match.started_on.is_not(None)).subquery())
    asked = year_of(HelpRequest.created_at, years)
    begun, ended = year_of(Match.started_on), year_of(Match.ended_on)
    return {
        "helped": select(ran.c.kind.label("key"), ran.c.year, func.count(ran.c.who.distinct()))
        .group_by(ran.c.kind, ran.c.year),
        "helped_all": select(literal(ALL_KINDS).label("key"), ran.c.year,
                             func.count(ran.c.who.distinct())).group_by(ran.c.year),
        "asked": select(HelpRequest.kind.label("key"), asked.label("year"), func.count())
        .where(*within(HelpRequest.created_at, years)).group_by(HelpRequest.kind, asked),
        "begun": select(HelpRequest.kind.label("key"), begun.label("year"), func.count())
        .join(HelpRequest, HelpRequest.id == Match.request_id)
        .where(Match.status.in_(HELPED), *within(Match.started_on, years))
        .group_by(HelpRequest.kind, begun),
        "ended": select(func.coalesce(Match.end_cause, EndCause.OTHER.value).label("key"),
                        ended.label("year"), func.count())
        .where(Match.status == MatchStatus.ENDED, *within(Match.ended_on, years))
        .group_by(Match.end_cause, ended),
    }


def tables(years: list[int], found: Counts) -> list[Table]:
    helped = tally([*found["helped"], *found["helped_all"]])
    return [
        Table("people_helped", _l("People helped through matches, by kind of help"), [
            *helped.rows(HELP_KIND_LABELS, years),
            helped.row(_l("All, each person or family once"), ALL_KINDS, years)],
            note=_l("Whose match ran at some time in the year; a family helped as a "
                    "household counts once.")),
        Table("requests", _l("Help requests received, by kind"),
              tally(found["asked"]).rows(HELP_KIND_LABELS, years)),
        Table("matches_begun", _l("Matches begun, by kind of help"),
              tally(found["begun"]).rows(HELP_KIND_LABELS, years)),
        Table("matches_ended", _l("Matches ended, by cause"),
              tally(found["ended"]).rows(END_CAUSE_LABELS, years)),
    ]


SECTION = YearSection(
    "matches", _l("Matches"), 30, counts, tables, reads=(
        # A request's kind and who it is for count in every year its matches ran.
        Reads(HelpRequest, dates=("created_at",), bounded=False,
              columns=("kind", "person_id", "household_id", "created_at")),
        Reads(Match, dates=("started_on", "ended_on"),
              columns=("request_id", "status", "started_on", "ended_on", "end_cause"))))
