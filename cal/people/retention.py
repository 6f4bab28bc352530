"""Retention: how long each type of record is kept, set by the centre (RODO sets no
periods; they follow from the archive's rules, DOMAIN.md 4.5), and the sweep that
anonymises or deletes what has passed its period. A type without a period is kept."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, delete, false, func, or_, select

from cal.core.audit import AuditAction, AuditLog, audit
from cal.core.rooms import registry
from cal.core.timeutil import add_months, local_day_start_utc, local_today, to_local
from cal.extensions import db
from cal.notifications.models import Notification
from cal.people import rodo
from cal.people.models import DataRequest, DataRequestStatus, Person, RetentionRule, SubjectKind

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
                          "anonymised. Residents registered for an event: from its end."),
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
    """Projects whose participants' records are still kept, to the day they may go (from
    the rooms that hold such records)."""
    held: dict[int, date | None] = {}
    for part in registry().personal_data:
        if part.held:
            held.update(part.held(today, kept[RecordType.PROJECT]))
    return held


def _cutoff(today: date, months: int) -> datetime:
    return local_day_start_utc(add_months(today, -months))


def _persons_past(cutoff: datetime, held: dict[int, date | None]) -> list[int]:
    """People with no contact since ``cutoff`` and nothing that keeps them (each room
    says what keeps a person)."""
    recent = [condition for part in registry().personal_data if part.keeps_person
              for condition in part.keeps_person(cutoff, held)]
    if not recent:  # fail closed: without the rooms' word, no one is known to be free
        raise RuntimeError("no room says what keeps a person: the retention sweep stops")
    return list(db.session.scalars(
        select(Person.id).where(Person.anonymised_at.is_(None), Person.created_at < cutoff,
                                Person.updated_at < cutoff, ~or_(false(), *recent))
        .order_by(Person.id).limit(SWEEP_BATCH)))


def _others_past(kind: RecordType, cutoff: datetime) -> list[int]:
    """Subjects of another kind (volunteers who left) past ``cutoff``, from their room."""
    return [subject_id for part in registry().personal_data
            if part.past and kind.value in part.subjects
            for subject_id in part.past(kind.value, cutoff, SWEEP_BATCH)]


SUBJECTS = (RecordType.PERSON, RecordType.VOLUNTEER)  # anonymised; the others deleted


def _records_past(kind: RecordType, cutoff: datetime, apply: bool) -> int:
    """The rooms' records of people who are no subject of their own, past ``cutoff``."""
    return sum(part.records(kind.value, cutoff, apply) for part in registry().personal_data
               if part.records)


def _passed(today: date):
    """(type, months, cutoff, held projects) of every type with a period set."""
    kept = periods()
    held = held_projects(today, kept)
    for kind, months in kept.items():
        if months is not None and kind != RecordType.PROJECT:
            yield kind, months, _cutoff(today, months), held


def _subjects_past(kind: RecordType, cutoff: datetime, held) -> list[int]:
    return (_persons_past(cutoff, held) if kind == RecordType.PERSON
            else _others_past(kind, cutoff))


def due(today: date | None = None) -> dict[RecordType, int]:
    """How many records of each type the sweep would take now (for the settings page;
    people and volunteers up to a sweep's batch)."""
    counts = dict.fromkeys(RecordType, 0)
    for kind, _months, cutoff, held in _passed(today or local_today()):
        if kind in SUBJECTS:
            counts[kind] = len(_subjects_past(kind, cutoff, held)) + _records_past(
                kind, cutoff, apply=False)
        else:
            model, condition = _deletable(kind, cutoff)
            counts[kind] = db.session.scalar(
                select(func.count()).select_from(model).where(condition))
    return counts


def _deletable(kind: RecordType, cutoff: datetime):
    """(model, condition) of the rows of ``kind`` past ``cutoff``."""
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
            records = _records_past(kind, cutoff, apply=True)
            if records:
                done[kind] += records
                audit(None, AuditAction.UPDATE, f"{kind.value}_records", None,
                      detail=f"retention {months} months: {records} anonymised")
        else:
            model, condition = _deletable(kind, cutoff)
            done[kind] = db.session.execute(delete(model).where(condition)).rowcount
            if done[kind]:
                audit(None, AuditAction.DELETE, kind.value, None,
                      detail=f"retention {months} months: {done[kind]}")
    return done


def sweep_step(now: datetime) -> int:
    """The sweep as a step of the scheduled run (cal/notifications/reminders.py)."""
    return sum(sweep(now).values())

