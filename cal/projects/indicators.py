"""A project's indicators: entered by hand, or counted from the platform's data for
the activities the project covers, by month; stored as last counted for the lists."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import String, cast, func, literal, or_, select, union_all

from cal.community.models import Audience, Event, RegisteredChild, Registration
from cal.core.errors import DomainError
from cal.core.timeutil import local_day_end_utc, local_day_start_utc, to_local
from cal.extensions import db
from cal.people.models import Person
from cal.projects.budgets import flat_rate
from cal.projects.models import (
    BudgetLine,
    Expense,
    Indicator,
    IndicatorValue,
    Project,
    Source,
    project_courses,
    project_events,
    project_groups,
)
from clubs.models import Attendance, Group, GroupSession, Mark, SessionStatus
from volunteers.hours.models import Activity, EntryStatus, HourEntry
from volunteers.models import HelpKind, Volunteer
from volunteers.needs.models import HelpRequest, Match, MatchStatus
from volunteers.training.models import TrainingCompletion, TrainingSession

# --- indicators --------------------------------------------------------------------------

@dataclass
class IndicatorState:
    indicator: Indicator
    value: float
    as_of: date | None
    series: list[tuple[date, float]]  # cumulative, by month
    counted_at: datetime | None = None  # when a computed value was counted

    @property
    def percent(self) -> float:
        target = self.indicator.target
        return min(100.0, 100 * self.value / target) if target else 0.0


def _period(project: Project, today: date) -> tuple[date, date]:
    return project.starts_on, min(project.ends_on, today)


def _as_text(column):
    return cast(column, String)


def source_queries(project: Project, start: date, end: date) -> dict[Source, object]:
    """For each computed source, a select of (key, first moment as text, amount): the
    records it counts, each once. Only the confirmed links count (a group or a kind of
    help a project manager proposed reaches nobody until it is confirmed)."""
    since, until = local_day_start_utc(start), local_day_end_utc(end)
    groups = select(project_groups.c.group_id).where(project_groups.c.project_id == project.id,
                                                     project_groups.c.confirmed.is_(True))
    courses = select(project_courses.c.course_id).where(
        project_courses.c.project_id == project.id)
    kinds = [HelpKind(k) for k in project.help_kinds.split()]
    # Someone present at a session held in a linked group within the period.
    present_at = [GroupSession.group_id.in_(groups), Attendance.mark == Mark.PRESENT,
                  GroupSession.status == SessionStatus.PLANNED,
                  GroupSession.starts_at >= since, GroupSession.starts_at < until]
    present = (select(Attendance.person_id.label("key"),
                      func.min(_as_text(GroupSession.starts_at)).label("at"),
                      literal(1.0).label("amount"))
               .join(GroupSession, GroupSession.id == Attendance.session_id)
               .where(*present_at).group_by(Attendance.person_id))
    held = (select(GroupSession.id.label("key"),
                   func.min(_as_text(GroupSession.starts_at)).label("at"),
                   literal(1.0).label("amount"))
            .join(Attendance, Attendance.session_id == GroupSession.id)
            .where(*present_at).group_by(GroupSession.id))
    # Hours by day: the value and the series need sums only (the drill-down lists the
    # entries themselves, see counted_records).
    hours = (select(HourEntry.worked_on.label("key"),
                    func.min(_as_text(HourEntry.worked_on)).label("at"),
                    func.sum(HourEntry.minutes / 60.0).label("amount"))
             .where(*_hour_conditions(project, start, end))
             .group_by(HourEntry.worked_on))
    trained = (select(TrainingCompletion.volunteer_id.label("key"),
                      func.min(_as_text(TrainingCompletion.completed_on)).label("at"),
                      literal(1.0).label("amount"))
               .where(TrainingCompletion.course_id.in_(courses),
                      TrainingCompletion.completed_on >= start,
                      TrainingCompletion.completed_on <= end)
               .group_by(TrainingCompletion.volunteer_id))
    helped_matches = (select(HelpRequest.person_id, HelpRequest.household_id,
                             Match.started_on)
                      .join(HelpRequest, HelpRequest.id == Match.request_id)
                      .where(HelpRequest.kind.in_(kinds),
                             Match.status.in_((MatchStatus.ACTIVE, MatchStatus.PAUSED,
                                               MatchStatus.ENDED)),
                             Match.started_on.is_not(None), Match.started_on <= end,
                             or_(Match.ended_on.is_(None), Match.ended_on >= start))
                      .subquery())
    person_helped = select(helped_matches.c.person_id.label("key"),
                           helped_matches.c.started_on.label("started_on")).where(
        helped_matches.c.person_id.is_not(None))
    household_helped = (select(Person.id.label("key"),
                               helped_matches.c.started_on.label("started_on"))
                        .join(helped_matches, helped_matches.c.household_id == Person.household_id)
                        .where(helped_matches.c.person_id.is_(None)))
    everyone = union_all(person_helped, household_helped).subquery()
    helped = (select(everyone.c.key, func.min(_as_text(everyone.c.started_on)).label("at"),
                     literal(1.0).label("amount")).group_by(everyone.c.key))
    return {Source.PARTICIPANTS: present, Source.SESSIONS: held, Source.HOURS: hours,
            Source.VOLUNTEERS_TRAINED: trained, Source.PEOPLE_HELPED: helped,
            Source.EVENT_PARTICIPANTS: _event_participants(project, since, until)}


def _event_participants(project: Project, since: datetime, until: datetime):
    """Those checked in at the linked events held in the period, each once: a child by
    their first name with their guardian's, a person of the registry by their record,
    another adult by their name (with the adults they came with)."""
    events = select(project_events.c.event_id).where(project_events.c.project_id == project.id)
    held = [Registration.event_id.in_(events), Event.starts_at >= since,
            Event.starts_at < until]
    children = (select((func.lower(RegisteredChild.first_name) + literal(" | ")
                        + func.lower(Registration.name)).label("key"),
                       _as_text(Event.starts_at).label("at"), literal(1).label("amount"))
                .join(Registration, Registration.id == RegisteredChild.registration_id)
                .join(Event, Event.id == Registration.event_id)
                .where(*held, RegisteredChild.checked_in_at.is_not(None)))
    adults = (select(func.coalesce(literal("person ") + _as_text(Registration.person_id),
                                   func.lower(Registration.name)).label("key"),
                     _as_text(Event.starts_at).label("at"),
                     Registration.adults.label("amount"))
              .join(Event, Event.id == Registration.event_id)
              .where(*held, Event.audience != Audience.CHILDREN,
                     Registration.checked_in_at.is_not(None)))
    everyone = union_all(children, adults).subquery()
    return (select(everyone.c.key, func.min(everyone.c.at).label("at"),
                   func.max(everyone.c.amount).label("amount")).group_by(everyone.c.key))


def _hour_conditions(project: Project, start: date, end: date) -> list:
    """Approved hours of the period for the linked kinds of help and the trainings of the
    linked courses."""
    courses = select(project_courses.c.course_id).where(
        project_courses.c.project_id == project.id)
    kinds = [HelpKind(k) for k in project.help_kinds.split()]
    training_sessions = select(TrainingSession.id).where(TrainingSession.course_id.in_(courses))
    return [HourEntry.status == EntryStatus.APPROVED,
            HourEntry.worked_on >= start, HourEntry.worked_on <= end,
            or_((HourEntry.activity == Activity.MATCH) & HourEntry.help_kind.in_(kinds),
                (HourEntry.activity == Activity.TRAINING)
                & HourEntry.session_id.in_(training_sessions))]


def _moment(text: str) -> date:
    """The day of a moment read back as text: a date, or a naive-UTC timestamp (whose
    local day is taken)."""
    if len(text) <= 10:
        return date.fromisoformat(text)
    return to_local(datetime.fromisoformat(text[:19])).date()


def indicators_of(project: Project, today: date,
                  only: Indicator | None = None) -> list[IndicatorState]:
    """Each indicator's value, as-of day and monthly series, counted now: computed ones
    in one query (all sources at once), hand-entered ones from their latest value.
    With `only`, that indicator alone."""
    indicators = [only] if only is not None else list(db.session.scalars(select(
        Indicator).where(Indicator.project_id == project.id).order_by(Indicator.id)))
    start, end = _period(project, today)
    used = sorted({i.source for i in indicators if i.source != Source.MANUAL})
    counted: dict[Source, list[tuple[date, float]]] = defaultdict(list)
    if used and start <= end:
        queries = source_queries(project, start, end)
        parts = []
        for source in used:
            sub = queries[source].subquery()
            parts.append(select(literal(source.value).label("source"), sub.c.at, sub.c.amount))
        for source, at, amount in db.session.execute(union_all(*parts)):
            counted[Source(source)].append((_moment(at), float(amount)))
    manual = _manual_values(indicators)
    states = []
    for indicator in indicators:
        if indicator.source == Source.MANUAL:
            states.append(_manual_state(indicator, manual[indicator.id]))
        else:
            rows = counted[indicator.source]
            states.append(IndicatorState(indicator, round(sum(a for _d, a in rows), 2),
                                         end if start <= end else None,
                                         _monthly_cumulative(rows, start, end)))
    return states


def _month_ends(start: date, end: date) -> list[date]:
    months, day = [], start.replace(day=1)
    while day <= end:
        following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        months.append(min(following - timedelta(days=1), end))
        day = following
    return months


def _monthly_cumulative(rows: list[tuple[date, float]], start: date,
                        end: date) -> list[tuple[date, float]]:
    if start > end:
        return []
    ordered = sorted(rows)
    series, total, i = [], 0.0, 0
    for month_end in _month_ends(start, end):
        while i < len(ordered) and ordered[i][0] <= month_end:
            total += ordered[i][1]
            i += 1
        series.append((month_end, round(total, 2)))
    return series


def counted_records(project: Project, indicator: Indicator, today: date,
                    limit: int = 500) -> list[dict]:
    """The records a computed indicator counts (the drill-down), at most `limit`."""
    start, end = _period(project, today)
    if indicator.source == Source.MANUAL or start > end:
        return []
    if indicator.source == Source.HOURS:  # the entries, not the sums by day
        sub = (select(HourEntry.id.label("key"), _as_text(HourEntry.worked_on).label("at"),
                      (HourEntry.minutes / 60.0).label("amount"))
               .where(*_hour_conditions(project, start, end)).subquery())
    else:
        sub = source_queries(project, start, end)[indicator.source].subquery()
    rows = db.session.execute(select(sub.c.key, sub.c.at, sub.c.amount)
                              .order_by(sub.c.at, sub.c.key).limit(limit)).all()
    keys = [r.key for r in rows]
    names: dict[int, str] = {}
    if indicator.source in (Source.PARTICIPANTS, Source.PEOPLE_HELPED):
        names = {p.id: f"{p.first_name} {p.last_name}" for p in db.session.scalars(
            select(Person).where(Person.id.in_(keys)))}
    elif indicator.source == Source.VOLUNTEERS_TRAINED:
        names = {v.id: f"{v.first_name} {v.last_name}" for v in db.session.scalars(
            select(Volunteer).where(Volunteer.id.in_(keys)))}
    elif indicator.source == Source.SESSIONS:
        names = dict(db.session.execute(
            select(GroupSession.id, Group.name).join(Group, Group.id == GroupSession.group_id)
            .where(GroupSession.id.in_(keys))).all())
    elif indicator.source == Source.EVENT_PARTICIPANTS:  # the key says who: "zosia | anna nowak"
        names = {key: str(key).title() for key in keys}
    elif indicator.source == Source.HOURS:
        names = {entry_id: f"{first} {last}" for entry_id, first, last in db.session.execute(
            select(HourEntry.id, Volunteer.first_name, Volunteer.last_name)
            .join(Volunteer, Volunteer.id == HourEntry.volunteer_id)
            .where(HourEntry.id.in_(keys))).all()}
    return [{"key": r.key, "day": _moment(r.at), "amount": float(r.amount),
             "name": names.get(r.key, "")} for r in rows]


def refresh_last_values(projects: list[Project], today: date, now: datetime) -> None:
    """Count each indicator of the projects anew and store its value and series."""
    for project in projects:
        for state in indicators_of(project, today):
            state.indicator.last_value, state.indicator.last_as_of = state.value, now
            state.indicator.last_series = [[day.isoformat(), value]
                                           for day, value in state.series]


def stored_indicators(project: Project, today: date) -> list[IndicatorState]:
    """The indicators as last counted (see Indicator.last_value); counted now if one
    was never counted. Values entered by hand are always the latest."""
    indicators = list(db.session.scalars(select(Indicator).where(
        Indicator.project_id == project.id).order_by(Indicator.id)))
    if any(i.source != Source.MANUAL and i.last_series is None for i in indicators):
        return indicators_of(project, today)
    manual = _manual_values(indicators)
    return [_manual_state(i, manual[i.id]) if i.source == Source.MANUAL else IndicatorState(
        i, i.last_value, to_local(i.last_as_of).date(),
        [(date.fromisoformat(day), value) for day, value in i.last_series],
        counted_at=i.last_as_of) for i in indicators]


def _manual_values(indicators: list[Indicator]) -> dict[int, list[IndicatorValue]]:
    """The values entered by hand of those indicators, oldest first."""
    manual: dict[int, list[IndicatorValue]] = defaultdict(list)
    hand = [i.id for i in indicators if i.source == Source.MANUAL]
    if hand:
        for value in db.session.scalars(select(IndicatorValue).where(
                IndicatorValue.indicator_id.in_(hand))
                .order_by(IndicatorValue.as_of, IndicatorValue.id)):
            manual[value.indicator_id].append(value)
    return manual


def _manual_state(indicator: Indicator, values: list[IndicatorValue]) -> IndicatorState:
    return IndicatorState(indicator, values[-1].value if values else 0.0,
                          values[-1].as_of if values else None,
                          [(v.as_of, v.value) for v in values])


def overview(projects: list[Project]) -> dict[int, dict]:
    """For the list: each project's planned and spent money and its indicators (with
    their last values), in three queries whatever the number of projects."""
    ids = [p.id for p in projects]
    planned = dict(db.session.execute(
        select(BudgetLine.project_id, func.sum(BudgetLine.planned_gr))
        .where(BudgetLine.project_id.in_(ids)).group_by(BudgetLine.project_id)).all())
    spent = dict(db.session.execute(
        select(Expense.project_id, func.sum(Expense.amount_gr))
        .where(Expense.project_id.in_(ids)).group_by(Expense.project_id)).all())
    indicators = defaultdict(list)
    for indicator in db.session.scalars(select(Indicator).where(
            Indicator.project_id.in_(ids)).order_by(Indicator.id)):
        indicators[indicator.project_id].append(indicator)
    result = {}
    for project in projects:
        direct_planned, direct_spent = int(planned.get(project.id) or 0), int(
            spent.get(project.id) or 0)
        total_planned = direct_planned + flat_rate(direct_planned, project.indirect_rate)
        total_spent = direct_spent + flat_rate(direct_spent, project.indirect_rate)
        result[project.id] = {
            "planned": total_planned, "spent": total_spent,
            "percent": 100 * total_spent / total_planned if total_planned else 0.0,
            "indicators": indicators[project.id]}
    return result


def add_value(indicator: Indicator, value: float, as_of: date, note: str, actor) -> None:
    if indicator.source != Source.MANUAL:
        raise DomainError(_("This indicator is computed from the data."))
    db.session.add(IndicatorValue(indicator_id=indicator.id, value=value, as_of=as_of,
                                  note=note, created_by_id=actor.id))
