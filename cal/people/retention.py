"""Retention: how long each type of record is kept, set by the centre (RODO sets no
periods; they follow from the archive's rules, DOMAIN.md 4.5), and the sweep that
anonymises or deletes what has passed its period. A type without a period is kept."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, delete, exists, func, or_, select

from cal.core.timeutil import add_months, local_day_start_utc, local_today, to_local
from cal.extensions import db
from cal.people import rodo
from cal.people.audit import AuditAction, audit
from cal.people.models import (
    AuditLog,
    DataRequest,
    DataRequestStatus,
    Person,
    RetentionRule,
    SubjectKind,
)

SWEEP_BATCH = 200  # subjects anonymised in one sweep; the next sweep takes the rest


class RecordType(enum.StrEnum):
    PERSON = "person"
    VOLUNTEER = "volunteer"
    PROJECT = "project"
    NOTIFICATION = "notification"
    DATA_REQUEST = "data_request"
    AUDIT = "audit"


# What each period counts from, and what happens when it has passed.
RECORD_TYPES = {
    RecordType.PERSON: _l("People the centre served: from their last contact (attendance, "
                          "a help request, a membership or a change of their record); then "
                          "anonymised."),
    RecordType.VOLUNTEER: _l("Volunteers who left: from the day they left; then anonymised."),
    RecordType.PROJECT: _l("Records of a grant project's participants: from the project's "
                           "end (the grant agreement says how long); until then they are "
                           "neither anonymised nor erased."),
    RecordType.NOTIFICATION: _l("Notifications: from their sending; then deleted."),
    RecordType.DATA_REQUEST: _l("Handled RODO requests: from their handling; then deleted."),
    RecordType.AUDIT: _l("Audit log entries: from their writing; then deleted."),
}


def periods() -> dict[RecordType, int | None]:
    """Months kept for each type (None: no period set, so kept)."""
    stored = {r.record_type: r.months for r in db.session.scalars(select(RetentionRule))}
    return {kind: stored.get(kind.value) for kind in RecordType}


def set_periods(months: dict[RecordType, int | None], actor) -> None:
    for kind, value in months.items():
        rule = db.session.get(RetentionRule, RecordType(kind).value)
        if rule is None:
            rule = RetentionRule(record_type=RecordType(kind).value)
            db.session.add(rule)
        if rule.months != value:
            rule.months, rule.updated_by_id = value, getattr(actor, "id", None)
            audit(actor, AuditAction.UPDATE, "retention_rule", None, fields=["months"],
                  detail=f"{kind.value}={value}")


def held_projects(today: date, kept: dict[RecordType, int | None]) -> dict[int, date | None]:
    """Projects whose participants' records are still kept, to the day they may go."""
    from cal.projects.models import Project

    months = kept[RecordType.PROJECT]
    held = {}
    for project_id, ends_on in db.session.execute(select(Project.id, Project.ends_on)):
        until = add_months(ends_on, months) if months is not None else None
        if until is None or until > today:
            held[project_id] = until
    return held


def _cutoff(today: date, months: int) -> datetime:
    return local_day_start_utc(add_months(today, -months))


def _persons_past(cutoff: datetime, held: dict[int, date | None]) -> list[int]:
    """People with no contact since ``cutoff`` and nothing that keeps them."""
    from cal.projects.models import Participant
    from clubs.models import Attendance, GroupSession, Membership, MemberStatus
    from seniors.models import SeniorMember
    from volunteers.models import HelpRequest, RequestStatus

    day = cutoff.date()
    recent = [
        exists().where(Attendance.person_id == Person.id,
                       GroupSession.id == Attendance.session_id,
                       GroupSession.starts_at >= cutoff),
        exists().where(HelpRequest.person_id == Person.id, or_(
            HelpRequest.status != RequestStatus.CLOSED, HelpRequest.created_at >= cutoff,
            HelpRequest.closed_at >= cutoff)),
        exists().where(Membership.person_id == Person.id, or_(
            Membership.status != MemberStatus.ENDED, Membership.ended_on >= day)),
        exists().where(SeniorMember.person_id == Person.id, or_(
            SeniorMember.active.is_(True), SeniorMember.created_at >= cutoff)),
        exists().where(Participant.person_id == Person.id,
                       Participant.project_id.in_(list(held) or [0])),
    ]
    return list(db.session.scalars(
        select(Person.id).where(Person.anonymised_at.is_(None), Person.created_at < cutoff,
                                Person.updated_at < cutoff, ~or_(*recent))
        .order_by(Person.id).limit(SWEEP_BATCH)))


def _volunteers_past(cutoff: datetime) -> list[int]:
    """Volunteers who left before ``cutoff``, without a match still live (which would
    block their erasure, and the batch, sweep after sweep)."""
    from volunteers.models import LIVE_MATCH, Match, MatchStatus, Volunteer, VolunteerStatus

    live = (MatchStatus.PROPOSED, *LIVE_MATCH)
    return list(db.session.scalars(
        select(Volunteer.id).where(Volunteer.anonymised_at.is_(None),
                                   Volunteer.status == VolunteerStatus.LEFT,
                                   func.coalesce(Volunteer.left_at,
                                                 Volunteer.status_changed_at) < cutoff,
                                   ~exists().where(Match.volunteer_id == Volunteer.id,
                                                   Match.status.in_(live)))
        .order_by(Volunteer.id).limit(SWEEP_BATCH)))


SUBJECTS = (RecordType.PERSON, RecordType.VOLUNTEER)  # anonymised; the others deleted


def _passed(today: date):
    """(type, months, cutoff, held projects) of every type with a period set."""
    kept = periods()
    held = held_projects(today, kept)
    for kind, months in kept.items():
        if months is not None and kind != RecordType.PROJECT:
            yield kind, months, _cutoff(today, months), held


def _subjects_past(kind: RecordType, cutoff: datetime, held) -> list[int]:
    return (_persons_past(cutoff, held) if kind == RecordType.PERSON
            else _volunteers_past(cutoff))


def due(today: date | None = None) -> dict[RecordType, int]:
    """How many records of each type the sweep would take now (for the settings page;
    people and volunteers up to a sweep's batch)."""
    counts = dict.fromkeys(RecordType, 0)
    for kind, _months, cutoff, held in _passed(today or local_today()):
        if kind in SUBJECTS:
            counts[kind] = len(_subjects_past(kind, cutoff, held))
        else:
            model, condition = _deletable(kind, cutoff)
            counts[kind] = db.session.scalar(
                select(func.count()).select_from(model).where(condition))
    return counts


def _deletable(kind: RecordType, cutoff: datetime):
    """(model, condition) of the rows of ``kind`` past ``cutoff``."""
    from cal.jobs.models import Notification

    if kind == RecordType.NOTIFICATION:
        return Notification, Notification.sent_at < cutoff
    if kind == RecordType.DATA_REQUEST:
        return DataRequest, and_(DataRequest.status != DataRequestStatus.OPEN,
                                 DataRequest.handled_at < cutoff)
    return AuditLog, AuditLog.at < cutoff


def sweep(now: datetime | None = None) -> dict[RecordType, int]:
    """Anonymise or delete what has passed its period; each subject is audited."""
    done = dict.fromkeys(RecordType, 0)
    for kind, months, cutoff, held in _passed(to_local(now).date() if now else local_today()):
        if kind in SUBJECTS:
            for subject_id in _subjects_past(kind, cutoff, held):
                subject = rodo.gather(SubjectKind(kind.value), subject_id)
                if not rodo.erasure_blockers(subject, held):
                    rodo.anonymise(subject, None, f"retention {months} months", held)
                    done[kind] += 1
        else:
            model, condition = _deletable(kind, cutoff)
            done[kind] = db.session.execute(delete(model).where(condition)).rowcount
            if done[kind]:
                audit(None, AuditAction.DELETE, kind.value, None,
                      detail=f"retention {months} months: {done[kind]}")
    return done


def sweep_step(now: datetime) -> int:
    """The sweep as a step of the scheduled run (cal/jobs/reminders.py)."""
    return sum(sweep(now).values())

