"""How the audit log names trainings (cal.core.rooms.RecordKind): courses, sessions, and
who was enrolled or completed one."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from cal.core.rooms import RecordKind, describer
from cal.core.timeutil import to_local
from cal.extensions import db
from volunteers.models import Volunteer
from volunteers.training.models import (
    TrainingCompletion,
    TrainingCourse,
    TrainingEnrolment,
    TrainingSession,
)


def _sessions(ids):
    return db.session.execute(select(TrainingSession.id, TrainingSession.starts_at,
                                     TrainingCourse.name)
                              .join(TrainingCourse, TrainingCourse.id == TrainingSession.course_id)
                              .where(TrainingSession.id.in_(ids)))


def _enrolments(ids):
    return db.session.execute(select(
        TrainingEnrolment.id, TrainingEnrolment.session_id, TrainingCourse.name,
        Volunteer.first_name, Volunteer.last_name)
        .join(TrainingSession, TrainingSession.id == TrainingEnrolment.session_id)
        .join(TrainingCourse, TrainingCourse.id == TrainingSession.course_id)
        .join(Volunteer, Volunteer.id == TrainingEnrolment.volunteer_id)
        .where(TrainingEnrolment.id.in_(ids)))


def _completions(ids):
    return db.session.execute(select(
        TrainingCompletion.id, TrainingCompletion.volunteer_id, TrainingCourse.name,
        Volunteer.first_name, Volunteer.last_name)
        .join(TrainingCourse, TrainingCourse.id == TrainingCompletion.course_id)
        .join(Volunteer, Volunteer.id == TrainingCompletion.volunteer_id)
        .where(TrainingCompletion.id.in_(ids)))


def _who(row) -> str:
    return f"{row.first_name} {row.last_name}, {row.name}"


RECORDS = [
    RecordKind("training_course", _l("Training course"), describer(
        TrainingCourse, lambda c: c.name, "training.course", "course_id")),
    RecordKind("training_session", _l("Training session"), describer(
        _sessions, lambda r: f"{r.name}, {to_local(r.starts_at):%d.%m.%Y %H:%M}",
        "training.training_session", "session_id")),
    RecordKind("training_enrolment", _l("Training enrolment"), describer(
        _enrolments, _who, "training.training_session", "session_id", lambda r: r.session_id)),
    RecordKind("training_completion", _l("Training completed"), describer(
        _completions, _who, "volunteers.detail", "volunteer_id", lambda r: r.volunteer_id)),
]
