"""When a match's visits are: the weekly times agreed with the family, or, until some are
agreed, the overlap of the family's and the volunteer's free times computed when the
volunteer accepted (Match.schedule). The match's "When", the volunteer's next visits,
the calendar feed and the reminders all read them here.

Rules of agreed times:
- set or changed by a coordinator, or by the match's own volunteer, on an accepted
  match (active or paused);
- at least one, at most MAX_TIMES, each ending after it starts;
- never overlapping each other, nor the visits of the volunteer's other accepted matches;
- every change is audited, and the other side (the volunteer, or the coordinator who
  proposed the match) is told; the family is not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from cal.core.access import Role, has_role
from cal.core.audit import AuditAction, audit
from cal.core.errors import DomainError
from cal.core.urls import external_url
from cal.extensions import db
from cal.notifications.outbox import tell
from volunteers import availability
from volunteers.models import Volunteer
from volunteers.needs.models import LIVE_MATCH, HelpRequest, Match
from volunteers.needs.visit_models import VisitTime

MAX_TIMES = 3
FIELD = "times-{row}-{name}"  # the form's field of a row (forms.VisitTimesForm)


@dataclass(frozen=True)
class WeeklyVisit:
    """A visit every week on ``weekday`` (0 is Monday) from ``starts`` to ``ends``."""

    weekday: int
    starts: time
    ends: time

    def overlaps(self, other: WeeklyVisit) -> bool:
        return (self.weekday == other.weekday and self.starts < other.ends
                and other.starts < self.ends)

    def __str__(self) -> str:
        return (f"{availability.DAY_NAMES[self.weekday]} "
                f"{self.starts:%H:%M}–{self.ends:%H:%M}")


def agreed(match: Match) -> list[WeeklyVisit]:
    """The times agreed for the match (its visit_times must be loaded)."""
    return [WeeklyVisit(t.weekday, t.starts, t.ends) for t in match.visit_times]


def computed(match: Match) -> list[WeeklyVisit]:
    """The two-hour blocks of the free times the family and the volunteer share."""
    return [WeeklyVisit(day, time(availability.BLOCKS[block][0]),
                        time(availability.BLOCKS[block][1]))
            for day, block in sorted(availability.decode(match.schedule or 0))]


def weekly(match: Match) -> list[WeeklyVisit]:
    """The match's weekly visits: the agreed times, else the computed overlap."""
    return agreed(match) or computed(match)


def on(match: Match, day: date) -> list[WeeklyVisit]:
    """The match's visits that fall on ``day``."""
    return [visit for visit in weekly(match) if visit.weekday == day.weekday()]


def when(match: Match) -> list[str]:
    """The match's weekly visits in words ("Tuesday 17:00–18:30")."""
    return [str(visit) for visit in weekly(match)]


def when_computed(match: Match) -> list[str]:
    """The computed overlap in words, whatever was agreed."""
    return [str(visit) for visit in computed(match)]


def with_times():
    """The loader option that reads the matches' agreed times with them (one query)."""
    return selectinload(Match.visit_times)


def match_for_times(match_id: int) -> Match | None:
    """A match with what its times page shows: the request, the person or household,
    the volunteer and the agreed times."""
    return db.session.scalar(
        select(Match).where(Match.id == match_id)
        .options(joinedload(Match.request).joinedload(HelpRequest.person),
                 joinedload(Match.request).joinedload(HelpRequest.household),
                 joinedload(Match.volunteer), with_times()))


def other_visits(match: Match) -> list[tuple[Match, WeeklyVisit]]:
    """The weekly visits of the volunteer's other accepted matches, with their match."""
    others = db.session.scalars(
        select(Match).where(Match.volunteer_id == match.volunteer_id, Match.id != match.id,
                            Match.status.in_(LIVE_MATCH))
        .options(joinedload(Match.request).joinedload(HelpRequest.person),
                 joinedload(Match.request).joinedload(HelpRequest.household), with_times())
        .order_by(Match.id))
    return [(other, visit) for other in others for visit in weekly(other)]


def helped(match: Match) -> str:
    """Whom the match helps, by first name (or the household's name)."""
    request = match.request
    return request.person.first_name if request.person else request.household.name


Row = tuple[int | None, time | None, time | None]


def set_times(match: Match, rows: list[Row], actor) -> list[WeeklyVisit]:
    """Agree the match's weekly visit times (``rows``: weekday, start, end as the form's
    rows hold them; a blank row is left out). Refused beside the row's field."""
    if match.status not in LIVE_MATCH:
        raise DomainError(_("Visit times can be agreed only for an accepted match."))
    wanted = sorted(_checked(rows, other_visits(match)), key=lambda v: (v.weekday, v.starts))
    db.session.execute(delete(VisitTime).where(VisitTime.match_id == match.id))
    kept = [VisitTime(match_id=match.id, weekday=v.weekday, starts=v.starts, ends=v.ends)
            for v in wanted]
    db.session.add_all(kept)
    db.session.flush()
    set_committed_value(match, "visit_times", kept)
    audit(actor, AuditAction.UPDATE, "match", match.id, fields=["visit_times"],
          detail="; ".join(f"{v.weekday}:{v.starts:%H:%M}-{v.ends:%H:%M}" for v in wanted))
    _tell_the_other_side(match, actor)
    return wanted


def _checked(rows: list[Row], others: list[tuple[Match, WeeklyVisit]]) -> list[WeeklyVisit]:
    """The rows as visits, or every refusal of them at once by its field."""
    refusals: dict[str, str] = {}
    wanted: list[tuple[int, WeeklyVisit]] = []
    for row, (weekday, starts, ends) in enumerate(rows):
        if weekday is None and starts is None and ends is None:
            continue
        field = {name: FIELD.format(row=row, name=name) for name in ("weekday", "starts",
                                                                     "ends")}
        if weekday is None or not 0 <= weekday < len(availability.DAYS):
            refusals[field["weekday"]] = _("Choose the day.")
        elif starts is None:
            refusals[field["starts"]] = _("Enter the time.")
        elif ends is None:
            refusals[field["ends"]] = _("Enter the time.")
        elif ends <= starts:
            refusals[field["ends"]] = _("The end must be after the start.")
        else:
            visit = WeeklyVisit(weekday, starts, ends)
            clash = _clash(visit, [v for _row, v in wanted], others)
            if clash:
                refusals[field["starts"]] = clash
            wanted.append((row, visit))
    if not wanted and not refusals:
        refusals[FIELD.format(row=0, name="weekday")] = _(
            "Give at least one day and time of the visits.")
    if refusals:
        raise DomainError.of(refusals)
    return [visit for _row, visit in wanted]


def _clash(visit: WeeklyVisit, earlier: list[WeeklyVisit],
           others: list[tuple[Match, WeeklyVisit]]) -> str:
    """Why ``visit`` cannot be agreed: it overlaps another row or another match's visit."""
    for other in earlier:
        if visit.overlaps(other):
            return _("It overlaps another time given here: %(when)s.", when=str(other))
    for match, other in others:
        if visit.overlaps(other):
            return _("It overlaps the visits to %(who)s: %(when)s.", who=helped(match),
                     when=str(other))
    return ""


def _tell_the_other_side(match: Match, actor) -> None:
    """The volunteer is told when a coordinator agreed the times, the coordinator who
    proposed the match when the volunteer did."""
    volunteer = db.session.get(Volunteer, match.volunteer_id)  # loaded with the match
    if has_role(actor, Role.VOLUNTEER):
        tell(match.proposed_by_id, "match_times", f"match:{match.id}",
             _l("%(name)s agreed the visit times with the family", name=volunteer.first_name),
             url=external_url("needs.request_detail", request_id=match.request_id))
    else:
        tell(volunteer.user_id, "match_times", f"match:{match.id}",
             _l("The times of your visits have changed"),
             body=lambda: ", ".join(when(match)), url=external_url("needs.my_matches"))
