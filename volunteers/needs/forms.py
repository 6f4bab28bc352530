"""The forms of the needs room: a help request and the filter of the list."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from cal.core.forms import (
    IntegerField,
    MultiCheckboxField,
    NoChoice,
    NotAfter,
    NotBefore,
    optional_id_field,
    options,
    strip,
    version_field,
)
from cal.core.once import once_key_field
from volunteers.forms import SUBJECTS, TASKS, AvailabilityField, grade_choices, joined
from volunteers.models import HELP_KIND_LABELS, HelpKind
from volunteers.needs.models import PRIORITY_LABELS, REQUEST_KINDS, REQUEST_STATUS_LABELS

REQUEST_KIND_CHOICES = [(k.value, HELP_KIND_LABELS[k]) for k in REQUEST_KINDS]


class RequestForm(FlaskForm):
    """A help request; subject, grade and goal for tutoring, tasks for other help."""

    version = version_field()  # of the record opened (edits made meanwhile)

    once_key = once_key_field()
    kind = SelectField(_l("Kind of help"), choices=options(REQUEST_KIND_CHOICES))
    subject = SelectField(_l("Subject"), choices=options([("", "—"), *SUBJECTS]),
                          validators=[NoChoice()])
    grade = SelectField(_l("School grade"), choices=grade_choices, validators=[NoChoice()])
    goal = TextAreaField(_l("Goal"), filters=[strip], validators=[Length(max=2000)])
    tasks = MultiCheckboxField(_l("What help is needed"), choices=options(TASKS))
    slots = AvailabilityField(_l("Preferred times (leave empty if any time suits)"))
    district_id = optional_id_field(_l("District"))
    starts_on = DateField(_l("From"), validators=[InputRequired(_l("Enter the date.")),
                                                  NotBefore(2000), NotAfter(2100)])
    ends_on = DateField(_l("Until"), validators=[Optional(), NotAfter(2100)])
    priority = SelectField(_l("Priority"), coerce=int, default=2,
                           choices=options(PRIORITY_LABELS.items()))
    referred_by = StringField(_l("Referred by (social worker)"), filters=[strip],
                              validators=[Length(max=120)])
    notes = TextAreaField(_l("Notes for coordinators"), filters=[strip],
                          validators=[Length(max=4000)])

    def request_data(self) -> dict:
        kind = HelpKind(self.kind.data)
        tutoring = kind == HelpKind.TUTORING
        return {
            "kind": kind, "subject": self.subject.data if tutoring else "",
            "grade": int(self.grade.data) if tutoring and self.grade.data else None,
            "goal": self.goal.data, "tasks": "" if tutoring else joined(self.tasks.data),
            "slots": self.slots.data, "district_id": self.district_id.data or None,
            "starts_on": self.starts_on.data, "ends_on": self.ends_on.data,
            "priority": self.priority.data, "referred_by": self.referred_by.data,
            "notes": self.notes.data,
        }


class RequestFilterForm(FlaskForm):
    class Meta:
        csrf = False

    kind = SelectField(_l("Kind of help"), choices=options([("", _l("All")),
                                                            *REQUEST_KIND_CHOICES]),
                       validators=[NoChoice()])
    status = SelectField(_l("Status"), choices=options(
        [("", _l("Not closed")), *((s.value, label) for s, label in
                                   REQUEST_STATUS_LABELS.items())]), validators=[NoChoice()])
    district_id = optional_id_field(_l("District"))
    child_age_from = IntegerField(_l("Child's age from"),
                                  validators=[Optional(), NumberRange(min=0, max=25)])
    child_age_to = IntegerField(_l("to"), validators=[Optional(), NumberRange(min=0, max=25)])
    waited_days = IntegerField(_l("Waiting at least (days)"),
                               validators=[Optional(), NumberRange(min=0, max=3650)])
