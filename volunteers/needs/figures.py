"""The matches' part of the year's report: the people helped through matches by kind of
help (each person, or family, once), the requests received, the matches begun, and
those ended with their causes; two queries for all the years asked."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, and_, cast, func, literal, or_, select, union_all

from cal.core.figures import Table, Tally, YearSection, within, year_of, year_spans
from cal.extensions import db
from volunteers.models import HELP_KIND_LABELS
from volunteers.needs.models import END_CAUSE_LABELS, EndCause, HelpRequest, Match, MatchStatus

HELPED = (MatchStatus.ACTIVE, MatchStatus.PAUSED, MatchStatus.ENDED)
ALL_KINDS = "all"


def _helped(years: list[int]) -> list:
    """Per kind and year, and for all kinds: the people (or families) whose match ran
    at some time in the year, each once."""
    spans = year_spans(years)
    who = func.coalesce(HelpRequest.person_id * 2, HelpRequest.household_id * 2 + 1)
    ran = (select(cast(HelpRequest.kind, String).label("kind"), spans.c.year.label("year"),
                  who.label("who"))
           .select_from(Match).join(HelpRequest, HelpRequest.id == Match.request_id)
           .join(spans, and_(Match.started_on < spans.c.ends,
                             or_(Match.ended_on.is_(None), Match.ended_on >= spans.c.starts)))
           .where(Match.status.in_(HELPED), Match.started_on.is_not(None)).subquery())
    return db.session.execute(union_all(
        select(ran.c.kind, ran.c.year, func.count(ran.c.who.distinct()))
        .group_by(ran.c.kind, ran.c.year),
        select(literal(ALL_KINDS), ran.c.year, func.count(ran.c.who.distinct()))
        .group_by(ran.c.year))).all()


def _flows(years: list[int]) -> list:
    """Requests received and matches begun, per kind; matches ended, per cause."""
    asked, begun, ended = (year_of(HelpRequest.created_at), year_of(Match.started_on),
                           year_of(Match.ended_on))
    kind, cause = cast(HelpRequest.kind, String), cast(Match.end_cause, String)
    return db.session.execute(union_all(
        select(literal("asked"), kind, asked, func.count())
        .where(*within(HelpRequest.created_at, years)).group_by(kind, asked),
        select(literal("begun"), kind, begun, func.count())
        .join(HelpRequest, HelpRequest.id == Match.request_id)
        .where(Match.status.in_(HELPED), *within(Match.started_on, years))
        .group_by(kind, begun),
        select(literal("ended"), cause, ended, func.count())
        .where(Match.status == MatchStatus.ENDED, *within(Match.ended_on, years))
        .group_by(cause, ended))).all()


def compute(years: list[int]) -> list[Table]:
    helped = Tally().add(_helped(years))
    flows = _flows(years)
    asked = Tally().add((kind, y, n) for what, kind, y, n in flows if what == "asked")
    begun = Tally().add((kind, y, n) for what, kind, y, n in flows if what == "begun")
    ended = Tally().add((cause or EndCause.OTHER, y, n) for what, cause, y, n in flows
                        if what == "ended")
    return [
        Table("people_helped", _l("People helped through matches, by kind of help"), [
            *helped.rows(HELP_KIND_LABELS, years),
            helped.row(_l("All, each person or family once"), ALL_KINDS, years)],
            note=_l("Whose match ran at some time in the year; a family helped as a "
                    "household counts once.")),
        Table("requests", _l("Help requests received, by kind"),
              asked.rows(HELP_KIND_LABELS, years)),
        Table("matches_begun", _l("Matches begun, by kind of help"),
              begun.rows(HELP_KIND_LABELS, years)),
        Table("matches_ended", _l("Matches ended, by cause"),
              ended.rows(END_CAUSE_LABELS, years)),
    ]


SECTION = YearSection("matches", _l("Matches"), 30, compute)
