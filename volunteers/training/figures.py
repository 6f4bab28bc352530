"""The trainings' part of the year's report: the training sessions held, the places
taken at them, the courses completed and the volunteers trained (each once)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, literal, select

from cal.core.figures import Counts, Reads, Table, YearSection, tally, within, year_of
from cal.core.timeutil import utcnow
from volunteers.training.models import TrainingCompletion, TrainingEnrolment, TrainingSession

LABELS = {"sessions": _l("Training sessions held"),
          "attended": _l("Attendances at training sessions"),
          "completions": _l("Courses completed"),
          "trained": _l("Volunteers trained, each once")}


def counts(years: list[int]) -> dict:
    held = year_of(TrainingSession.starts_at, years)
    done = year_of(TrainingCompletion.completed_on)
    past = (TrainingSession.starts_at <= utcnow(), *within(TrainingSession.starts_at, years))
    completed = within(TrainingCompletion.completed_on, years)
    return {
        "sessions": select(literal("sessions").label("key"), held.label("year"), func.count())
        .where(*past).group_by(held),
        "attended": select(literal("attended").label("key"), held.label("year"), func.count())
        .select_from(TrainingEnrolment)
        .join(TrainingSession, TrainingSession.id == TrainingEnrolment.session_id)
        .where(*past, TrainingEnrolment.attended.is_(True)).group_by(held),
        "completed": select(literal("completions").label("key"), done.label("year"),
                            func.count(), func.count(TrainingCompletion.volunteer_id.distinct()))
        .where(*completed).group_by(done),
    }


def tables(years: list[int], found: Counts) -> list[Table]:
    completed = found["completed"]
    trained = [c._replace(key="trained", n=c.n2) for c in completed]
    return [Table("trainings", _l("Trainings and people trained"),
                  tally([*found["sessions"], *found["attended"], *completed, *trained])
                  .rows(LABELS, years))]


SECTION = YearSection(
    "trainings", _l("Trainings"), 40, counts, tables, reads=(
        Reads(TrainingSession, dates=("starts_at",), columns=("starts_at",)),
        Reads(TrainingEnrolment, via=("session_id", TrainingSession),
              columns=("session_id", "attended")),
        Reads(TrainingCompletion, dates=("completed_on",),
              columns=("volunteer_id", "completed_on"))))
