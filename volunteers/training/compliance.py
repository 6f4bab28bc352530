"""The trainings' rows of the compliance panel (volunteers/compliance.py): a volunteer who
offers a kind of help must hold a valid completion of every active course required for it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from volunteers.compliance import PanelRow, State, state_by_end
from volunteers.models import Volunteer
from volunteers.training.models import TrainingCompletion, TrainingCourse


@dataclass(frozen=True)
class TrainingItem(PanelRow):
    """One training course of the compliance panel."""

    course: TrainingCourse
    required: bool
    state: State
    completion: TrainingCompletion | None
    reason: str = ""
    kind = None

    @property
    def label(self):
        return _l("Training: %(name)s", name=self.course.name)

    @property
    def done_on(self) -> date | None:
        return self.completion.completed_on if self.completion else None

    @property
    def ends_on(self) -> date | None:
        return self.completion.valid_until if self.completion else None


def required_courses(volunteer: Volunteer, courses) -> list[TrainingCourse]:
    """The active courses required for a kind of help the volunteer offers."""
    kinds = volunteer.kinds()
    return [c for c in courses if c.active and c.required_kinds() & kinds]


def latest_completions(completions) -> dict[int, TrainingCompletion]:
    """The newest completion of each course (by date, then by entry)."""
    latest: dict[int, TrainingCompletion] = {}
    for completion in sorted(completions, key=lambda c: (c.completed_on, c.id or 0)):
        latest[completion.course_id] = completion
    return latest


def training_items(volunteer: Volunteer, courses, completions, today: date) -> list[TrainingItem]:
    """The required courses, each with its state, then other courses completed."""
    latest = latest_completions(completions)
    required = required_courses(volunteer, courses)
    items = []
    for course in required:
        completion = latest.get(course.id)
        if completion is None:
            state, reason = State.MISSING, _l("not completed")
        else:
            state, reason = state_by_end(completion.valid_until, today)
        items.append(TrainingItem(course, True, state, completion, reason))
    required_ids = {c.id for c in required}
    for course in courses:
        completion = latest.get(course.id)
        if course.id not in required_ids and completion is not None:
            state, reason = state_by_end(completion.valid_until, today)
            state = State.OPTIONAL if state == State.MISSING else state
            items.append(TrainingItem(course, False, state, completion, reason))
    return items
