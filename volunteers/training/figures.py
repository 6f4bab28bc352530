"""The trainings' part of the year's report: the training sessions held, the places
taken at them, the courses completed and the volunteers trained (each once); one query
for all the years asked."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, literal, select, union_all

from cal.core.figures import Table, Tally, YearSection, within, year_of
from cal.core.timeutil import utcnow
from cal.extensions import db
from volunteers.training.models import TrainingCompletion, TrainingEnrolment, TrainingSession

LABELS = {"sessions": _l("Training sessions held"),
          "attended": _l("Attendances at training sessions"),
          "completions": _l("Courses completed"),
          "trained": _l("Volunteers trained, each once")}


def compute(years: list[int]) -> list[Table]:
    held, done = year_of(TrainingSession.starts_at), year_of(TrainingCompletion.completed_on)
    past = (TrainingSession.starts_at <= utcnow(), *within(TrainingSession.starts_at, years))
    rows = db.session.execute(union_all(
        select(literal("sessions"), held, func.count()).where(*past).group_by(held),
        select(literal("attended"), held, func.count())
        .select_from(TrainingEnrolment)
        .join(TrainingSession, TrainingSession.id == TrainingEnrolment.session_id)
        .where(*past, TrainingEnrolment.attended.is_(True)).group_by(held),
        select(literal("completions"), done, func.count())
        .where(*within(TrainingCompletion.completed_on, years)).group_by(done),
        select(literal("trained"), done, func.count(TrainingCompletion.volunteer_id.distinct()))
        .where(*within(TrainingCompletion.completed_on, years)).group_by(done))).all()
    return [Table("trainings", _l("Trainings and people trained"),
                  Tally().add(rows).rows(LABELS, years))]


SECTION = YearSection("trainings", _l("Trainings"), 40, compute)
