"""Hours volunteers give: logged from the phone once per form key, checked against
what the volunteer may log for, counted (approval.py: approved or rejected by a
coordinator).

Rules:
- a day no later than today and at most MAX_DAYS_BACK days back;
- from MIN_MINUTES to MAX_MINUTES on one entry;
- help for a family only for the volunteer's own match (active, paused, or ended no
  more than MAX_DAYS_BACK days ago); a training only for a session they were enrolled
  in; a group session or an event named in a few words;
- the volunteer changes or deletes an entry only while it waits for approval, and
  never sees or touches another volunteer's entries;
- only approved entries count in totals that leave the centre (certificates, reports).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import case, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, with_expression

from cal.core.errors import DomainError
from cal.core.timeutil import local_to_utc, to_local, utcnow
from cal.extensions import db
from cal.people.models import Household, Person
from volunteers.hours.models import Activity, EntryStatus, HourEntry
from volunteers.models import ComplianceRecord, HelpKind, RecordKind, Volunteer
from volunteers.needs import visits
from volunteers.needs.models import LIVE_MATCH, HelpRequest, Match, MatchStatus
from volunteers.training.models import TrainingCourse, TrainingEnrolment, TrainingSession

MAX_DAYS_BACK = 30
MIN_MINUTES, MAX_MINUTES = 5, 12 * 60
DURATIONS = (30, 45, 60, 90, 120)


ENTRY_FIELDS = ("activity", "match_id", "session_id", "help_kind", "label", "worked_on",
                "minutes", "note")


@dataclass(frozen=True)
class Choice:
    """One thing to log hours for: its form value and words."""

    value: str
    text: str
    activity: Activity
    match: Match | None = None
    session: TrainingSession | None = None


def choices_for(volunteer: Volunteer, today: date) -> list[Choice]:
    """The volunteer's matches (live, or ended within the last days), the trainings they
    were enrolled in within the last days, then a group session and an event."""
    since = today - timedelta(days=MAX_DAYS_BACK)
    matches = db.session.scalars(
        select(Match).where(Match.volunteer_id == volunteer.id, or_(
            Match.status.in_(LIVE_MATCH),
            (Match.status == MatchStatus.ENDED) & (Match.ended_on >= since)))
        .options(joinedload(Match.request).joinedload(HelpRequest.person),
                 joinedload(Match.request).joinedload(HelpRequest.household),
                 visits.with_times())
        .order_by(Match.started_on.desc(), Match.id.desc()))
    choices = [Choice(f"match:{m.id}", _match_text(m), Activity.MATCH, match=m)
               for m in matches]
    sessions = db.session.scalars(
        select(TrainingSession).join(TrainingEnrolment).where(
            TrainingEnrolment.volunteer_id == volunteer.id,
            TrainingEnrolment.attended.is_not(False),
            TrainingSession.starts_at >= local_to_utc(since, datetime.min.time()),
            TrainingSession.starts_at <= utcnow())
        .options(joinedload(TrainingSession.course))
        .order_by(TrainingSession.starts_at.desc()))
    choices += [Choice(f"session:{s.id}", _("Training: %(name)s", name=s.course.name),
                       Activity.TRAINING, session=s) for s in sessions]
    choices += [Choice("group", _("A group session (club, senior centre)"), Activity.GROUP),
                Choice("event", _("An event or action"), Activity.EVENT)]
    return choices


def _match_text(match: Match) -> str:
    """Whom a match helps, as the volunteer's lists name them: the first name and the
    surname's initial (two children called Paweł must not look alike), or the
    household's name (WHAT_IT_WAS_FOR reads the same words in SQL)."""
    request = match.request
    person = request.person
    who = f"{person.first_name} {person.last_name[:1]}." if person else request.household.name
    return _("Help: %(who)s", who=who)


def likely_choice(volunteer: Volunteer, choices: list[Choice], today: date) -> Choice:
    """Today's most likely activity: a live match with a visit on today's weekday, else
    what the volunteer logged last, else their first match."""
    for choice in choices:
        if choice.match is not None and choice.match.status == MatchStatus.ACTIVE and (
                visits.on(choice.match, today)):
            return choice
    last = db.session.execute(
        select(HourEntry.activity, HourEntry.match_id, HourEntry.session_id)
        .where(HourEntry.volunteer_id == volunteer.id)
        .order_by(HourEntry.created_at.desc(), HourEntry.id.desc()).limit(1)).first()
    if last is not None:
        value = _value_of(last.activity, last.match_id, last.session_id)
        for choice in choices:
            if choice.value == value:
                return choice
    return choices[0]


@dataclass(frozen=True)
class Visit:
    day: date
    start: str  # "16:00"
    end: str
    who: str


def next_visits(volunteer: Volunteer, today: date, days: int = 7, limit: int = 3) -> list[Visit]:
    """The next visits of the volunteer's active matches by their weekly times (agreed,
    or computed until some are agreed: needs/visits.py)."""
    matches = list(db.session.scalars(
        select(Match).where(Match.volunteer_id == volunteer.id,
                            Match.status == MatchStatus.ACTIVE)
        .options(joinedload(Match.request).joinedload(HelpRequest.person),
                 joinedload(Match.request).joinedload(HelpRequest.household),
                 joinedload(Match.visit_times))).unique())  # one query: the start page
    coming = []
    for offset in range(days):
        day = today + timedelta(days=offset)
        for match in matches:
            for visit in visits.on(match, day):
                coming.append(Visit(day, f"{visit.starts:%H:%M}", f"{visit.ends:%H:%M}",
                                    _match_text(match)))
    coming.sort(key=lambda v: (v.day, v.start, v.who))
    return coming[:limit]


def usual_minutes(volunteer: Volunteer, choice: Choice) -> int:
    """How long the volunteer logged last time for this activity (one hour at first)."""
    stmt = select(HourEntry.minutes).where(HourEntry.volunteer_id == volunteer.id,
                                           HourEntry.activity == choice.activity)
    if choice.match is not None:
        stmt = stmt.where(HourEntry.match_id == choice.match.id)
    last = db.session.scalar(stmt.order_by(HourEntry.created_at.desc()).limit(1))
    return last or 60


def value_of(entry: HourEntry) -> str:
    """The form value of what an entry was for."""
    return _value_of(entry.activity, entry.match_id, entry.session_id)


def _value_of(activity: Activity, match_id: int | None, session_id: int | None) -> str:
    if activity == Activity.MATCH:
        return f"match:{match_id}"
    if activity == Activity.TRAINING:
        return f"session:{session_id}"
    return activity.value


def entry_data(choices: list[Choice], value: str, label: str, worked_on: date, minutes: int,
               note: str, today: date) -> dict:
    """The values of an entry from the form, checked against the rules."""
    choice = next((c for c in choices if c.value == value), None)
    if choice is None:
        raise DomainError(_("Choose what you helped with."), field="activity")
    if worked_on > today:
        raise DomainError(_("The date cannot be in the future."), field="worked_on")
    if worked_on < today - timedelta(days=MAX_DAYS_BACK):
        raise DomainError(_("Hours can be logged up to %(days)d days back; ask your "
                            "coordinator about older ones.", days=MAX_DAYS_BACK),
                          field="worked_on")
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise DomainError(_("Give from %(low)d minutes to %(high)d hours.", low=MIN_MINUTES,
                            high=MAX_MINUTES // 60), field="minutes")
    label = label.strip()
    if choice.activity in (Activity.GROUP, Activity.EVENT) and not label:
        raise DomainError(_("Name the session or event in a few words."), field="label")
    match, session = choice.match, choice.session
    if match is not None and match.started_on and worked_on < match.started_on:
        raise DomainError(_("This help started on %(day)s.", day=match.started_on.strftime(
            "%d.%m.%Y")), field="worked_on")
    if match is not None and match.ended_on and worked_on > match.ended_on:
        raise DomainError(_("This help ended on %(day)s.", day=match.ended_on.strftime(
            "%d.%m.%Y")), field="worked_on")
    if session is not None and worked_on != to_local(session.starts_at).date():
        raise DomainError(_("This training took place on %(day)s.", day=to_local(
            session.starts_at).strftime("%d.%m.%Y")), field="worked_on")
    help_kind = {Activity.MATCH: match.request.kind if match else None,
                 Activity.GROUP: HelpKind.CLUB, Activity.EVENT: HelpKind.EVENT}.get(
        choice.activity)
    return {"activity": choice.activity, "match_id": match.id if match else None,
            "session_id": session.id if session else None, "help_kind": help_kind,
            "label": label[:200] if choice.activity in (Activity.GROUP, Activity.EVENT)
            else "", "worked_on": worked_on, "minutes": minutes, "note": note.strip()[:300]}


def log_hours(volunteer: Volunteer, key: str, data: dict,
              again: bool = False) -> tuple[HourEntry, bool]:
    """Store an entry once per key; returns it and whether it is new. The same form sent
    again, even at the same moment, finds the first entry. A new form with what is
    already logged (the same thing, day and length: a form filled in again after "Back")
    is stored only when the volunteer says it was another time (again)."""
    existing = find_entry(key)
    if existing is not None:
        if existing.volunteer_id != volunteer.id:
            raise DomainError(_("This form cannot be sent again; open a new one."))
        return existing, False
    if not again and db.session.scalar(select(func.count()).select_from(HourEntry).where(
            HourEntry.volunteer_id == volunteer.id, HourEntry.status != EntryStatus.REJECTED,
            *(getattr(HourEntry, name) == data[name] for name in SAME_ENTRY))):
        existing = find_entry(key)  # this very form, stored a moment ago by another request
        if existing is not None and existing.volunteer_id == volunteer.id:
            return existing, False
        raise DomainError(_("The same entry is already logged: %(time)s on %(day)s. If "
                            "this was another time, tick the box and save again.",
                            time=hours_text(data["minutes"]),
                            day=data["worked_on"].strftime("%d.%m")), field="again")
    entry = HourEntry(volunteer_id=volunteer.id, key=key, **data)
    db.session.add(entry)
    try:
        db.session.flush()  # the request's only write: no savepoint needed
    except IntegrityError:  # the same key stored a moment ago by another request
        db.session.rollback()
        existing = find_entry(key)
        if existing is None or existing.volunteer_id != volunteer.id:
            raise DomainError(_("This form cannot be sent again; open a new one.")) from None
        return existing, False
    return entry, True


# What makes two entries the same: what for, which day, how long.
SAME_ENTRY = ("activity", "match_id", "session_id", "label", "worked_on", "minutes")


def find_entry(key: str) -> HourEntry | None:
    return db.session.scalar(select(HourEntry).where(HourEntry.key == key))


def own_entry(volunteer: Volunteer, entry_id: int) -> HourEntry | None:
    """The volunteer's entry, or None (also for another volunteer's)."""
    return db.session.scalar(
        select(HourEntry).where(HourEntry.id == entry_id, HourEntry.volunteer_id == volunteer.id)
        .options(WHAT_IT_WAS_FOR))


def change_entry(entry: HourEntry, data: dict) -> None:
    """Change an entry still waiting; one conditional UPDATE, so an approval made at the
    same moment is never overwritten."""
    _while_pending(entry, update(HourEntry).values(
        **{name: data[name] for name in ENTRY_FIELDS}, updated_at=utcnow()))
    db.session.expire(entry)


def delete_entry(entry: HourEntry) -> None:
    _while_pending(entry, delete(HourEntry))
    db.session.expunge(entry)


def _while_pending(entry: HourEntry, statement) -> None:
    done = db.session.execute(
        statement.where(HourEntry.id == entry.id, HourEntry.status == EntryStatus.PENDING)
        .execution_options(synchronize_session=False)).rowcount
    if done != 1:
        raise DomainError(_("An entry can be changed only while it waits for approval."))


def service_start(volunteer: Volunteer) -> date | None:
    """The first day of a volunteer's service, where a certificate of it starts: the
    earliest of their agreements' starts and their first approved hours; one query."""
    first_hours = select(func.min(HourEntry.worked_on)).where(
        HourEntry.volunteer_id == volunteer.id, HourEntry.status == EntryStatus.APPROVED)
    first_agreement = select(func.min(func.coalesce(
        ComplianceRecord.period_start, ComplianceRecord.done_on))).where(
        ComplianceRecord.volunteer_id == volunteer.id,
        ComplianceRecord.kind == RecordKind.AGREEMENT)
    days = db.session.execute(select(first_hours.scalar_subquery(),
                                     first_agreement.scalar_subquery())).one()
    days = [d for d in days if d is not None]
    return min(days, default=None)


@dataclass(frozen=True)
class Totals:
    month_approved: int
    month_waiting: int
    year_approved: int
    year_waiting: int


def totals_of(volunteer: Volunteer, today: date) -> Totals:
    """Minutes this month and this year, approved and waiting; one query."""
    month, year = today.replace(day=1), today.replace(month=1, day=1)

    def minutes(since: date, status: EntryStatus):
        return func.coalesce(func.sum(case(
            ((HourEntry.worked_on >= since) & (HourEntry.status == status),
             HourEntry.minutes), else_=0)), 0)
    row = db.session.execute(select(
        minutes(month, EntryStatus.APPROVED), minutes(month, EntryStatus.PENDING),
        minutes(year, EntryStatus.APPROVED), minutes(year, EntryStatus.PENDING))
        .where(HourEntry.volunteer_id == volunteer.id, HourEntry.worked_on >= year,
               HourEntry.worked_on <= today)).one()
    return Totals(*(int(x) for x in row))


def _what_for():
    """Whom an entry's match helps, in _match_text's words, or its training's name: one
    value read with the entry (each as a subquery of it), not its match, request,
    person, household, session and course as objects, five of them for each row."""
    whom = (select(func.coalesce(
        Person.first_name + " " + func.substr(Person.last_name, 1, 1) + ".", Household.name))
        .select_from(Match).join(HelpRequest, HelpRequest.id == Match.request_id)
        .outerjoin(Person, Person.id == HelpRequest.person_id)
        .outerjoin(Household, Household.id == HelpRequest.household_id)
        .where(Match.id == HourEntry.match_id).scalar_subquery())
    course = (select(TrainingCourse.name)
              .join(TrainingSession, TrainingSession.course_id == TrainingCourse.id)
              .where(TrainingSession.id == HourEntry.session_id).scalar_subquery())
    return case((HourEntry.activity == Activity.MATCH, whom),
                (HourEntry.activity == Activity.TRAINING, course))


WHAT_IT_WAS_FOR = with_expression(HourEntry.what_for, _what_for())


HISTORY_PAGE = 30


def history_of(volunteer: Volunteer):
    """The select of the volunteer's entries, the latest first, with what they were
    for; for db.paginate."""
    return (select(HourEntry).where(HourEntry.volunteer_id == volunteer.id)
            .options(WHAT_IT_WAS_FOR)
            .order_by(HourEntry.worked_on.desc(), HourEntry.id.desc()))


def describe(entry: HourEntry) -> str:
    """What an entry was for, in words the volunteer wrote or recognises (the entry read
    with WHAT_IT_WAS_FOR)."""
    if entry.activity == Activity.MATCH and entry.what_for is not None:
        return _("Help: %(who)s", who=entry.what_for)
    if entry.activity == Activity.TRAINING and entry.what_for is not None:
        return _("Training: %(name)s", name=entry.what_for)
    return entry.label


def hours_text(minutes: int) -> str:
    """90 → '1 h 30 min', 60 → '1 h', 45 → '45 min', 0 → '0 h'."""
    hours, rest = divmod(minutes, 60)
    if not minutes:
        return "0 h"
    if hours and rest:
        return f"{hours} h {rest} min"
    return f"{hours} h" if hours else f"{rest} min"
