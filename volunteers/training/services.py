"""Training: courses, sessions, enrolment, attendance and completion with expiry.

A course names the kinds of help that require it and how many months a completion
stays valid. Attending a session completes the course on the session's day; the
completion ends after the course's validity. The required, valid completions join
the activation rules (compliance.py).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from cal.core.audit import AuditAction, audit
from cal.core.errors import DomainError
from cal.core.models import hold
from cal.core.timeutil import add_months, local_day_start_utc, to_local
from cal.extensions import db
from volunteers.compliance import EXPIRY_WARNING_DAYS, State
from volunteers.models import Volunteer, VolunteerDocument, VolunteerStatus
from volunteers.training.compliance import latest_completions, required_courses, training_items
from volunteers.training.models import (
    TrainingCompletion,
    TrainingCourse,
    TrainingEnrolment,
    TrainingSession,
)

COURSE_FIELDS = ("name", "description", "required_for", "validity_months", "active")
SESSION_FIELDS = ("starts_at", "place", "trainer", "capacity")


def valid_until(course: TrainingCourse, completed_on: date) -> date | None:
    """The last day a completion counts. As periods in months are counted in civil law
    (Kodeks cywilny art. 111–112): from the day after the training, ending on the day
    whose date matches it, or the month's last day when there is no such date."""
    if not course.validity_months:
        return None
    return add_months(completed_on, course.validity_months)


def list_courses(include_inactive: bool = True) -> list[TrainingCourse]:
    stmt = select(TrainingCourse).order_by(TrainingCourse.active.desc(), TrainingCourse.name)
    if not include_inactive:
        stmt = stmt.where(TrainingCourse.active.is_(True))
    return list(db.session.scalars(stmt))


def get_course(course_id: int) -> TrainingCourse | None:
    return db.session.get(TrainingCourse, course_id)


def save_course(course: TrainingCourse | None, data: dict, actor) -> TrainingCourse:
    action = AuditAction.CREATE if course is None else AuditAction.UPDATE
    if course is None:
        course = TrainingCourse()
        db.session.add(course)
    for name in COURSE_FIELDS:
        if name in data:
            setattr(course, name, data[name])
    db.session.flush()
    audit(actor, action, "training_course", course.id,
          fields=[k for k in COURSE_FIELDS if k in data])
    return course


def sessions_of(course: TrainingCourse) -> list[tuple[TrainingSession, int]]:
    """The course's sessions, newest first, each with its number of enrolled."""
    enrolled = (select(TrainingEnrolment.session_id, func.count().label("n"))
                .group_by(TrainingEnrolment.session_id).subquery())
    rows = db.session.execute(
        select(TrainingSession, func.coalesce(enrolled.c.n, 0))
        .outerjoin(enrolled, enrolled.c.session_id == TrainingSession.id)
        .where(TrainingSession.course_id == course.id)
        .order_by(TrainingSession.starts_at.desc()))
    return [(session, n) for session, n in rows]


def upcoming_sessions(now: datetime, course_ids=None) -> list[tuple[TrainingSession, int]]:
    """Sessions from today on (of the given courses), soonest first, with the number
    enrolled."""
    enrolled = (select(TrainingEnrolment.session_id, func.count().label("n"))
                .group_by(TrainingEnrolment.session_id).subquery())
    stmt = (select(TrainingSession, func.coalesce(enrolled.c.n, 0))
            .outerjoin(enrolled, enrolled.c.session_id == TrainingSession.id)
            .join(TrainingCourse).where(TrainingCourse.active.is_(True))
            .where(TrainingSession.starts_at >= local_day_start_utc(to_local(now).date()))
            .options(selectinload(TrainingSession.course))
            .order_by(TrainingSession.starts_at))
    if course_ids is not None:
        stmt = stmt.where(TrainingSession.course_id.in_(course_ids))
    return [(session, n) for session, n in db.session.execute(stmt)]


def get_session(session_id: int) -> TrainingSession | None:
    return db.session.scalar(select(TrainingSession).where(TrainingSession.id == session_id)
                             .options(selectinload(TrainingSession.course)))


def save_session(course: TrainingCourse, session: TrainingSession | None, data: dict,
                 actor) -> TrainingSession:
    """Add or change a session; its date stays once attendance is recorded (the
    completions are dated by it)."""
    action = AuditAction.CREATE if session is None else AuditAction.UPDATE
    if session is None:
        session = TrainingSession(course_id=course.id)
        db.session.add(session)
    else:
        if data["capacity"] < count_enrolled(session):
            raise DomainError(_("More people are enrolled than that."), field="capacity")
        if data["starts_at"] != session.starts_at and _attendance_recorded(session):
            raise DomainError(_("Attendance is already recorded: the date cannot change."),
                              field="day")
    for name in SESSION_FIELDS:
        setattr(session, name, data[name])
    db.session.flush()
    audit(actor, action, "training_session", session.id, fields=list(SESSION_FIELDS))
    return session


def _attendance_recorded(session: TrainingSession) -> bool:
    return db.session.scalar(select(func.count()).select_from(TrainingEnrolment).where(
        TrainingEnrolment.session_id == session.id,
        TrainingEnrolment.attended.is_not(None))) > 0


def count_enrolled(session: TrainingSession) -> int:
    return db.session.scalar(select(func.count()).select_from(TrainingEnrolment)
                             .where(TrainingEnrolment.session_id == session.id)) or 0


def enrolments_of(session: TrainingSession) -> list[TrainingEnrolment]:
    return list(db.session.scalars(
        select(TrainingEnrolment).join(Volunteer)
        .where(TrainingEnrolment.session_id == session.id)
        .options(selectinload(TrainingEnrolment.volunteer))
        .order_by(Volunteer.last_name, Volunteer.first_name, Volunteer.id)))


def candidates_for(session: TrainingSession, enrolments, today: date) -> dict:
    """Who may be enrolled: first the volunteers (not gone) for whom the course is
    required and who hold no valid completion, then everyone else; three queries."""
    enrolled = {e.volunteer_id for e in enrolments}
    volunteers = [v for v in db.session.scalars(
        select(Volunteer).where(Volunteer.status != VolunteerStatus.LEFT)
        .order_by(Volunteer.last_name, Volunteer.first_name, Volunteer.id))
        if v.id not in enrolled]
    course = session.course
    valid = {c.volunteer_id for c in db.session.scalars(
        select(TrainingCompletion).where(TrainingCompletion.course_id == course.id))
        if c.valid_until is None or c.valid_until >= today}
    kinds = course.required_kinds()
    needing = [v for v in volunteers if v.kinds() & kinds and v.id not in valid]
    needing_ids = {v.id for v in needing}
    return {"needing": needing, "others": [v for v in volunteers if v.id not in needing_ids]}


def enrol(session: TrainingSession, volunteer: Volunteer, actor, now: datetime,
          own: bool = False) -> TrainingEnrolment:
    """A place at the session; enrolling twice keeps the one place. Refuses a full
    session, someone who left, and (for volunteers themselves) a session already
    started or of a course out of use. A coordinator may still add someone to a
    past session, to record who came."""
    existing = _enrolment(session, volunteer)
    if existing is not None:
        return existing
    if volunteer.status == VolunteerStatus.LEFT:
        raise DomainError(_("This volunteer has left."))
    if own and session.starts_at <= now:
        raise DomainError(_("This session has already started."))
    if own and not session.course.active:
        raise DomainError(_("This training is no longer offered."))
    # Hold the session's row while counting, so two taps cannot take the last place.
    hold(session)
    if count_enrolled(session) >= session.capacity:
        raise DomainError(_("This session is full."))
    enrolment = TrainingEnrolment(session_id=session.id, volunteer_id=volunteer.id,
                                  enrolled_by_id=actor.id)
    try:
        with db.session.begin_nested():
            db.session.add(enrolment)
    except IntegrityError:  # the same tap twice at the same moment
        return _enrolment(session, volunteer)
    audit(actor, AuditAction.CREATE, "training_enrolment", enrolment.id,
          detail=f"volunteer {volunteer.id}")
    return enrolment


def _enrolment(session: TrainingSession, volunteer: Volunteer) -> TrainingEnrolment | None:
    return db.session.scalar(select(TrainingEnrolment).where(
        TrainingEnrolment.session_id == session.id,
        TrainingEnrolment.volunteer_id == volunteer.id))


def withdraw(session: TrainingSession, volunteer: Volunteer, actor, now: datetime,
             own: bool = False) -> None:
    """Give up a place; a volunteer may do so until the session starts, a coordinator
    until attendance is recorded."""
    enrolment = _enrolment(session, volunteer)
    if enrolment is None:
        return
    if own and session.starts_at <= now:
        raise DomainError(_("This session has already started."))
    if enrolment.attended is not None:
        raise DomainError(_("Attendance is already recorded; change it instead."))
    db.session.delete(enrolment)
    audit(actor, AuditAction.DELETE, "training_enrolment", enrolment.id,
          detail=f"volunteer {volunteer.id}")


def record_attendance(session: TrainingSession, volunteer: Volunteer, attended: bool, actor,
                      now: datetime) -> TrainingEnrolment:
    """Present completes the course on the session's day; absent takes that back.
    Setting the same value again changes nothing."""
    if session.starts_at > now:
        raise DomainError(_("Attendance can be recorded once the session has started."))
    enrolment = _enrolment(session, volunteer)
    if enrolment is None:
        raise DomainError(_("This volunteer is not enrolled in the session."))
    if enrolment.attended is attended:
        return enrolment
    completion = db.session.scalar(select(TrainingCompletion).where(
        TrainingCompletion.session_id == session.id,
        TrainingCompletion.volunteer_id == volunteer.id))
    if not attended and completion is not None:
        if db.session.scalar(select(VolunteerDocument.id).where(
                VolunteerDocument.completion_id == completion.id)) is not None:
            raise DomainError(_("A certificate of this training was issued: it cannot be "
                                "marked absent."))
        db.session.delete(completion)
    if attended and completion is None:
        day = to_local(session.starts_at).date()
        db.session.add(TrainingCompletion(
            volunteer_id=volunteer.id, course_id=session.course_id, session_id=session.id,
            completed_on=day, valid_until=valid_until(session.course, day),
            created_by_id=actor.id))
    enrolment.attended = attended
    db.session.flush()
    audit(actor, AuditAction.UPDATE, "training_enrolment", enrolment.id, fields=["attended"],
          detail=f"volunteer {volunteer.id}: {'present' if attended else 'absent'}")
    return enrolment


def add_completion(volunteer: Volunteer, course: TrainingCourse, completed_on: date, note: str,
                   actor) -> TrainingCompletion:
    """A course completed elsewhere (another organiser's training), recorded by hand."""
    completion = TrainingCompletion(
        volunteer_id=volunteer.id, course_id=course.id, completed_on=completed_on,
        valid_until=valid_until(course, completed_on), note=note[:300], created_by_id=actor.id)
    db.session.add(completion)
    db.session.flush()
    audit(actor, AuditAction.CREATE, "training_completion", completion.id,
          detail=f"volunteer {volunteer.id}")
    return completion


def get_completion(completion_id: int) -> TrainingCompletion | None:
    return db.session.scalar(
        select(TrainingCompletion).where(TrainingCompletion.id == completion_id)
        .options(selectinload(TrainingCompletion.course),
                 selectinload(TrainingCompletion.volunteer)))


def volunteer_trainings(volunteer: Volunteer, today: date, now: datetime) -> dict:
    """What the volunteer's trainings page shows: the required courses still
    missing or ending, their completions, their places and the sessions open to them."""
    courses = active_courses()
    completions = completions_of(volunteer)
    items = training_items(volunteer, courses, completions, today)
    places = {e.session_id: e for e in db.session.scalars(
        select(TrainingEnrolment).where(TrainingEnrolment.volunteer_id == volunteer.id))}
    open_sessions = [(s, n) for s, n in upcoming_sessions(now) if s.starts_at > now]
    needed = [i for i in items if i.required and i.state in (State.MISSING, State.EXPIRING)]
    return {"needed": needed, "needed_ids": {i.course.id for i in needed},
            "completions": completions, "places": places, "sessions": open_sessions}


def expiring_trainings(today: date, days: int = EXPIRY_WARNING_DAYS) -> list[tuple]:
    """Volunteers (not gone) whose required training ends within ``days`` or has
    ended, newest completion per course: (volunteer, course, completion) rows,
    soonest end first; three queries whatever the numbers."""
    courses = active_courses()
    if not courses:
        return []
    volunteers = {v.id: v for v in db.session.scalars(
        select(Volunteer).where(Volunteer.status != VolunteerStatus.LEFT))}
    by_volunteer: dict[int, list[TrainingCompletion]] = {}
    for completion in db.session.scalars(
            select(TrainingCompletion).where(TrainingCompletion.volunteer_id.in_(
                select(Volunteer.id).where(Volunteer.status != VolunteerStatus.LEFT)))):
        by_volunteer.setdefault(completion.volunteer_id, []).append(completion)
    horizon = today + timedelta(days=days)
    rows = []
    by_course = {c.id: c for c in courses}
    for volunteer_id, completions in by_volunteer.items():
        volunteer = volunteers[volunteer_id]
        required = {c.id for c in required_courses(volunteer, courses)}
        for course_id, completion in latest_completions(completions).items():
            if course_id in required and completion.valid_until and (
                    completion.valid_until <= horizon):
                rows.append((volunteer, by_course[course_id], completion))
    rows.sort(key=lambda r: (r[2].valid_until, r[0].last_name, r[0].first_name))
    return rows


def start_page_summary(volunteer: Volunteer, today: date, now: datetime) -> dict:
    """For the volunteer's start page: the trainings still needed and the sessions
    they have a place at; three queries."""
    items = training_items(volunteer, active_courses(), completions_of(volunteer), today)
    places = list(db.session.scalars(
        select(TrainingSession).join(TrainingEnrolment)
        .where(TrainingEnrolment.volunteer_id == volunteer.id, TrainingSession.starts_at > now)
        .options(joinedload(TrainingSession.course)).order_by(TrainingSession.starts_at)))
    return {"needed": [i for i in items if i.blocks_activation or i.state == State.EXPIRING],
            "booked": places}


def active_courses() -> list[TrainingCourse]:
    return list(db.session.scalars(
        select(TrainingCourse).where(TrainingCourse.active.is_(True))
        .order_by(TrainingCourse.name, TrainingCourse.id)))


def completions_of(volunteer: Volunteer) -> list[TrainingCompletion]:
    return list(db.session.scalars(
        select(TrainingCompletion).where(TrainingCompletion.volunteer_id == volunteer.id)
        .options(joinedload(TrainingCompletion.course))
        .order_by(TrainingCompletion.completed_on.desc(), TrainingCompletion.id.desc())))
