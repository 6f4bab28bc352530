"""The rules of projects: who sees what, budget execution, indicators computed from the
platform's data, the EU participant table, and the deadlines' reminders."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import String, cast, delete, func, insert, literal, or_, select, union_all
from sqlalchemy.orm import joinedload

from cal.core.access import Role
from cal.core.audit import AuditAction, audit
from cal.core.errors import DomainError
from cal.core.timeutil import age_on, local_day_end_utc, local_day_start_utc, to_local
from cal.extensions import db
from cal.people.models import Person
from cal.projects.models import (
    FLAGS,
    Answer,
    BudgetLine,
    Deadline,
    Deliverable,
    DeliverableStatus,
    Education,
    Expense,
    Indicator,
    IndicatorValue,
    LabourStatus,
    Participant,
    Project,
    Sex,
    Source,
    project_courses,
    project_groups,
)
from clubs.models import Attendance, GroupLeader, GroupSession, Mark, SessionStatus
from volunteers.models import (
    Activity,
    EntryStatus,
    HelpKind,
    HelpRequest,
    HourEntry,
    Match,
    MatchStatus,
    TrainingCompletion,
    TrainingSession,
)

MANAGERS = (Role.ADMIN, Role.PROJECT_MANAGER)
# Roles that see people by name (the others see counted records without names).
SEE_PEOPLE = (Role.ADMIN, Role.COORDINATOR)
DEADLINE_DAYS = (14, 7, 1)


# --- access -------------------------------------------------------------------------

def can_manage(user) -> bool:
    return user.role in MANAGERS


def may_change_manager(user, project: Project) -> bool:
    """Who may hand a project to another manager: an administrator, or its manager
    (anyone who manages projects, while it has none)."""
    return user.role == Role.ADMIN or project.manager_id in (None, user.id)


def can_see_participants(user, project: Project) -> bool:
    """The EU participant records: administrators and the project's own manager."""
    return user.role == Role.ADMIN or (project.manager_id is not None
                                       and project.manager_id == user.id)


def visible_projects(user):
    """A select of the projects the user may open: all for those who manage projects;
    for coordinators those linked to any activity; for leaders those linked to a group
    they lead; none for others."""
    query = select(Project)
    if can_manage(user):
        return query
    linked_group = select(project_groups.c.project_id)
    if user.role == Role.COORDINATOR:
        return query.where(or_(Project.id.in_(linked_group),
                               Project.id.in_(select(project_courses.c.project_id)),
                               Project.help_kinds != ""))
    if user.role == Role.LEADER:
        return query.where(Project.id.in_(linked_group.where(
            project_groups.c.group_id.in_(select(GroupLeader.group_id).where(
                GroupLeader.user_id == user.id)))))
    return query.where(literal(False))


def get_visible(user, project_id: int) -> Project | None:
    return db.session.scalar(visible_projects(user).where(Project.id == project_id)
                             .options(joinedload(Project.manager)))


# --- the project and its links --------------------------------------------------------

def save_project(project: Project | None, data: dict, group_ids: list[int],
                 course_ids: list[int], actor) -> Project:
    shares = data["share_eu"] + data["share_national"] + data["share_own"]
    if shares and shares != 10000:
        raise DomainError(_("The shares of funding must add up to 100%."), field="share_own")
    if data["ends_on"] < data["starts_on"]:
        raise DomainError(_("The project cannot end before it starts."), field="ends_on")
    new = project is None
    handed = project is not None and project.manager_id != data.get("manager_id",
                                                                    project.manager_id)
    project = project or Project()
    for name, value in data.items():
        setattr(project, name, value)
    db.session.add(project)
    db.session.flush()
    for table, column, ids in ((project_groups, "group_id", group_ids),
                               (project_courses, "course_id", course_ids)):
        db.session.execute(delete(table).where(table.c.project_id == project.id))
        if ids:
            db.session.execute(insert(table), [{"project_id": project.id, column: i}
                                               for i in sorted(set(ids))])
    audit(actor, AuditAction.CREATE if new else AuditAction.UPDATE, "project", project.id,
          fields=["manager_id"] if handed else [],
          detail=f"manager: {project.manager_id}" if handed else "")
    return project


def linked_ids(project: Project) -> tuple[list[int], list[int]]:
    groups = list(db.session.scalars(select(project_groups.c.group_id).where(
        project_groups.c.project_id == project.id)))
    courses = list(db.session.scalars(select(project_courses.c.course_id).where(
        project_courses.c.project_id == project.id)))
    return groups, courses


# --- budget ------------------------------------------------------------------------------

@dataclass
class LineRow:
    line: BudgetLine
    spent: int

    @property
    def over(self) -> bool:
        return self.spent > self.line.planned_gr

    @property
    def percent(self) -> float:
        return 100 * self.spent / self.line.planned_gr if self.line.planned_gr else 0.0


@dataclass
class TaskRow:
    task: str
    lines: list[LineRow] = field(default_factory=list)

    @property
    def planned(self) -> int:
        return sum(r.line.planned_gr for r in self.lines)

    @property
    def spent(self) -> int:
        return sum(r.spent for r in self.lines)

    @property
    def percent(self) -> float:
        return 100 * self.spent / self.planned if self.planned else 0.0


@dataclass
class Budget:
    tasks: list[TaskRow]
    rate: int  # hundredths of a per cent

    @property
    def direct_planned(self) -> int:
        return sum(t.planned for t in self.tasks)

    @property
    def direct_spent(self) -> int:
        return sum(t.spent for t in self.tasks)

    @property
    def indirect_planned(self) -> int:
        return flat_rate(self.direct_planned, self.rate)

    @property
    def indirect_spent(self) -> int:
        return flat_rate(self.direct_spent, self.rate)

    @property
    def total_planned(self) -> int:
        return self.direct_planned + self.indirect_planned

    @property
    def total_spent(self) -> int:
        return self.direct_spent + self.indirect_spent

    @property
    def percent(self) -> float:
        return 100 * self.total_spent / self.total_planned if self.total_planned else 0.0

    @property
    def over_lines(self) -> list[LineRow]:
        return [r for t in self.tasks for r in t.lines if r.over]


def flat_rate(direct_gr: int, rate: int) -> int:
    """Indirect costs at a flat rate of direct costs, rounded half up to a grosz."""
    return (direct_gr * rate + 5000) // 10000


def budget_of(project: Project) -> Budget:
    """Execution per line, per task and in total; one query."""
    spent = (select(Expense.line_id, func.sum(Expense.amount_gr).label("spent"))
             .where(Expense.project_id == project.id).group_by(Expense.line_id).subquery())
    rows = db.session.execute(
        select(BudgetLine, func.coalesce(spent.c.spent, 0))
        .outerjoin(spent, spent.c.line_id == BudgetLine.id)
        .where(BudgetLine.project_id == project.id)
        .order_by(BudgetLine.task, BudgetLine.id)).all()
    tasks: dict[str, TaskRow] = {}
    for line, total in rows:
        tasks.setdefault(line.task, TaskRow(line.task)).lines.append(LineRow(line, int(total)))
    return Budget(list(tasks.values()), project.indirect_rate)


def add_line(project: Project, task: str, category: str, name: str, planned_gr: int,
             actor) -> BudgetLine:
    line = BudgetLine(project_id=project.id, task=task, category=category, name=name,
                      planned_gr=planned_gr)
    db.session.add(line)
    db.session.flush()
    audit(actor, AuditAction.CREATE, "budget_line", line.id, detail=f"project {project.id}")
    return line


def add_expense(project: Project, line_id: int, spent_on: date, amount_gr: int,
                document_number: str, description: str, actor) -> Expense:
    line = db.session.get(BudgetLine, line_id)
    if line is None or line.project_id != project.id:
        raise DomainError(_("Choose a line of this project's budget."), field="line_id")
    if not project.starts_on <= spent_on <= project.ends_on:
        raise DomainError(_("The expense must fall within the project's dates."),
                          field="spent_on")
    expense = Expense(project_id=project.id, line_id=line.id, spent_on=spent_on,
                      amount_gr=amount_gr, document_number=document_number,
                      description=description, created_by_id=actor.id)
    db.session.add(expense)
    db.session.flush()
    audit(actor, AuditAction.CREATE, "expense", expense.id, detail=f"project {project.id}")
    return expense


def expenses_of(project: Project, limit: int = 500) -> list[Expense]:
    return list(db.session.scalars(
        select(Expense).where(Expense.project_id == project.id)
        .options(joinedload(Expense.line))
        .order_by(Expense.spent_on.desc(), Expense.id.desc()).limit(limit)))


def update_deliverable(deliverable: Deliverable, status, evidence: str, actor) -> None:
    deliverable.status, deliverable.evidence = status, evidence
    audit(actor, AuditAction.UPDATE, "deliverable", deliverable.id,
          fields=["status", "evidence"])


def deliverables_of(project: Project) -> list[Deliverable]:
    return list(db.session.scalars(select(Deliverable).where(
        Deliverable.project_id == project.id).order_by(Deliverable.due_on, Deliverable.id)))


def lump_sums(deliverables: list[Deliverable]) -> dict[str, int]:
    return {"planned": sum(d.amount_gr for d in deliverables),
            "done": sum(d.amount_gr for d in deliverables
                        if d.status != DeliverableStatus.PLANNED),
            "accepted": sum(d.amount_gr for d in deliverables
                            if d.status == DeliverableStatus.ACCEPTED)}


def budget_rows(project: Project, budget: Budget) -> list[list]:
    """The budget execution as spreadsheet rows (amounts in złoty)."""
    rows = [[_("Task"), _("Category"), _("Budget line"), _("Planned (PLN)"),
             _("Spent (PLN)"), _("Executed (%)")]]
    for task in budget.tasks:
        for r in task.lines:
            rows.append([task.task, r.line.category, r.line.name, r.line.planned_gr / 100,
                         r.spent / 100, round(r.percent, 1)])
        rows.append([task.task, "", _("Task total"), task.planned / 100, task.spent / 100,
                     round(task.percent, 1)])
    rows.append(["", "", _("Direct costs"), budget.direct_planned / 100,
                 budget.direct_spent / 100, ""])
    if project.indirect_rate:
        rows.append(["", "", _("Indirect costs (flat rate %(rate)s%%)",
                               rate=f"{project.indirect_rate / 100:g}"),
                     budget.indirect_planned / 100, budget.indirect_spent / 100, ""])
    rows.append(["", "", _("Total"), budget.total_planned / 100, budget.total_spent / 100,
                 round(budget.percent, 1)])
    return rows


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


def _source_queries(project: Project, start: date, end: date) -> dict[Source, object]:
    """For each computed source, a select of (key, first moment as text, amount): the
    records it counts, each once."""
    since, until = local_day_start_utc(start), local_day_end_utc(end)
    groups = select(project_groups.c.group_id).where(project_groups.c.project_id == project.id)
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
            Source.VOLUNTEERS_TRAINED: trained, Source.PEOPLE_HELPED: helped}


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
        queries = _source_queries(project, start, end)
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
        sub = _source_queries(project, start, end)[indicator.source].subquery()
    rows = db.session.execute(select(sub.c.key, sub.c.at, sub.c.amount)
                              .order_by(sub.c.at, sub.c.key).limit(limit)).all()
    keys = [r.key for r in rows]
    names: dict[int, str] = {}
    if indicator.source in (Source.PARTICIPANTS, Source.PEOPLE_HELPED):
        names = {p.id: f"{p.first_name} {p.last_name}" for p in db.session.scalars(
            select(Person).where(Person.id.in_(keys)))}
    elif indicator.source == Source.VOLUNTEERS_TRAINED:
        from volunteers.models import Volunteer

        names = {v.id: f"{v.first_name} {v.last_name}" for v in db.session.scalars(
            select(Volunteer).where(Volunteer.id.in_(keys)))}
    elif indicator.source == Source.SESSIONS:
        from clubs.models import Group

        names = dict(db.session.execute(
            select(GroupSession.id, Group.name).join(Group, Group.id == GroupSession.group_id)
            .where(GroupSession.id.in_(keys))).all())
    elif indicator.source == Source.HOURS:
        from volunteers.models import Volunteer

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


# --- EU participants -------------------------------------------------------------------

def participants_of(project: Project) -> list[Participant]:
    return list(db.session.scalars(
        select(Participant).where(Participant.project_id == project.id)
        .options(joinedload(Participant.person))
        .order_by(Participant.started_on, Participant.id)))


def candidate_person_ids(project: Project, start: date, end: date) -> set[int]:
    """People who took part in the project's activities and are not participants yet:
    present in its groups or helped through its matches."""
    if start > end:
        return set()
    queries = _source_queries(project, start, end)
    taken = select(Participant.person_id).where(Participant.project_id == project.id)
    keys = set()
    for source in (Source.PARTICIPANTS, Source.PEOPLE_HELPED):
        sub = queries[source].subquery()
        keys |= set(db.session.scalars(select(sub.c.key).where(sub.c.key.not_in(taken))))
    return keys


def save_participant(project: Project, participant: Participant | None, person: Person,
                     data: dict, birth_date: date | None, actor) -> Participant:
    if not project.monitors_participants:
        raise DomainError(_("This project keeps no participant records."))
    if data["ended_on"] and data["ended_on"] < data["started_on"]:
        raise DomainError(_("Participation cannot end before it starts."), field="ended_on")
    if not project.starts_on <= data["started_on"] <= project.ends_on:
        raise DomainError(_("The start must fall within the project's dates."),
                          field="started_on")
    birth = person.birth_date or birth_date
    if birth is not None and birth > data["started_on"]:
        raise DomainError(_("The birth date must come before the start of participation."),
                          field="birth_date")
    if participant is None:
        taken = db.session.scalar(select(Participant.id).where(
            Participant.project_id == project.id, Participant.person_id == person.id))
        if taken:
            raise DomainError(_("This person is already a participant of the project."),
                              field="person_id")
        participant = Participant(project_id=project.id, person_id=person.id)
    if person.birth_date is None:
        if birth_date is None:
            raise DomainError(_("Give the birth date: the person's record has none."),
                              field="birth_date")
        person.birth_date = birth_date
    elif birth_date is not None and person.birth_date != birth_date:
        raise DomainError(_("The birth date differs from the person's record (%(day)s).",
                            day=person.birth_date.strftime("%d.%m.%Y")), field="birth_date")
    for name, value in data.items():
        setattr(participant, name, value)
    db.session.add(participant)
    db.session.flush()
    audit(actor, AuditAction.UPDATE, "participant", participant.id,
          detail=f"project {project.id}")
    return participant


def age_at_entry(participant: Participant) -> int | None:
    birth = participant.person.birth_date
    return age_on(birth, participant.started_on) if birth else None


@dataclass
class IndicatorLine:
    label: str
    women: int
    men: int

    @property
    def total(self) -> int:
        return self.women + self.men


def common_indicators(participants: list[Participant]) -> list[IndicatorLine]:
    """The ESF+ common output indicators for participants (Annex I, 1.1, and the other
    output indicators of 1.2), by sex; each person counted once."""
    tests = [
        (_("Participants in total"), lambda p, age: True),
        (_("Unemployed, incl. long-term unemployed"),
         lambda p, age: p.labour_status in (LabourStatus.UNEMPLOYED,
                                            LabourStatus.LONG_TERM_UNEMPLOYED)),
        (_("Long-term unemployed participants"),
         lambda p, age: p.labour_status == LabourStatus.LONG_TERM_UNEMPLOYED),
        (_("Inactive participants"), lambda p, age: p.labour_status == LabourStatus.INACTIVE),
        (_("Employed, incl. self-employed"),
         lambda p, age: p.labour_status == LabourStatus.EMPLOYED),
        (_("Below 18 years of age"), lambda p, age: age is not None and age < 18),
        (_("Aged 18–29"), lambda p, age: age is not None and 18 <= age <= 29),
        (_("Aged 55 and over"), lambda p, age: age is not None and age >= 55),
        (_("With lower secondary education or less (ISCED 0–2)"),
         lambda p, age: p.education == Education.ISCED_0_2),
        (_("With upper secondary or post-secondary education (ISCED 3–4)"),
         lambda p, age: p.education == Education.ISCED_3_4),
        (_("With tertiary education (ISCED 5–8)"),
         lambda p, age: p.education == Education.ISCED_5_8),
        (_("Participants with disabilities"), lambda p, age: p.disability == Answer.YES),
        (_("Third-country nationals"), lambda p, age: p.third_country == Answer.YES),
        (_("Participants with a foreign background"),
         lambda p, age: p.foreign_background == Answer.YES),
        (_("Minorities (incl. Roma)"), lambda p, age: p.minority == Answer.YES),
        (_("Homeless or affected by housing exclusion"),
         lambda p, age: p.homeless == Answer.YES),
        (_("From rural areas"), lambda p, age: p.area.value == "rural"),
        (_("Refused to answer at least one question"),
         lambda p, age: any(getattr(p, f) == Answer.REFUSED for f in FLAGS)),
    ]
    ages = {p.id: age_at_entry(p) for p in participants}
    lines = []
    for label, test in tests:
        chosen = [p for p in participants if test(p, ages[p.id])]
        lines.append(IndicatorLine(label, sum(p.sex == Sex.FEMALE for p in chosen),
                                   sum(p.sex == Sex.MALE for p in chosen)))
    return lines


def participant_rows(participants: list[Participant], labels: dict) -> list[list]:
    """The participant list as spreadsheet rows, in the order of the monitoring form."""
    header = [_("No."), _("First name"), _("Last name"), _("Sex"), _("Birth date"),
              _("Age at entry"), _("Education"), _("Labour-market status at entry"),
              _("Disability"), _("Foreign background"), _("Third-country national"),
              _("Minority"), _("Homeless or housing exclusion"), _("Area"),
              _("Start of participation"), _("End of participation"), _("Situation at exit")]
    rows = [header]
    for number, p in enumerate(participants, 1):
        rows.append([number, p.person.first_name, p.person.last_name,
                     str(labels["sex"][p.sex]), p.person.birth_date, age_at_entry(p),
                     str(labels["education"][p.education]),
                     str(labels["labour"][p.labour_status]),
                     *(str(labels["answer"][getattr(p, f)]) for f in FLAGS),
                     str(labels["area"][p.area]), p.started_on, p.ended_on,
                     str(labels["exit"][p.exit_situation]) if p.exit_situation else ""])
    return rows


# --- deadlines ---------------------------------------------------------------------------

def deadlines_of(project: Project) -> list[Deadline]:
    return list(db.session.scalars(select(Deadline).where(
        Deadline.project_id == project.id).order_by(Deadline.done_on.is_not(None),
                                                    Deadline.due_on)))


LATE_SHOWN = timedelta(days=60)


def open_deadlines(until: date, today: date, limit: int = 200) -> list[tuple[Deadline, Project]]:
    """Deadlines not yet met, due by `until` (and late by at most 60 days), of projects
    not closed, with their projects (one query)."""
    from cal.projects.models import ProjectStatus

    return [(deadline, project) for deadline, project in db.session.execute(
        select(Deadline, Project).join(Project, Project.id == Deadline.project_id)
        .where(Deadline.done_on.is_(None), Deadline.due_on <= until,
               Deadline.due_on >= today - LATE_SHOWN,
               Project.status != ProjectStatus.CLOSED)
        .order_by(Deadline.due_on, Deadline.id).limit(limit))]


def remove_expense(project: Project, expense_id: int, actor) -> Expense:
    """A mistaken expense is removed (and the removal, with what it was, audited)."""
    expense = db.session.get(Expense, expense_id)
    if expense is None or expense.project_id != project.id:
        raise DomainError(_("There is no such expense in this project."))
    audit(actor, AuditAction.DELETE, "expense", expense.id,
          detail=f"project {project.id}: {expense.document_number} {expense.amount_gr} gr "
                 f"{expense.spent_on.isoformat()}")
    db.session.delete(expense)
    return expense
