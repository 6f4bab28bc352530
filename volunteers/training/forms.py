"""The forms of the training room: a course, a session, a completion recorded by hand."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from cal.core.forms import (
    IntegerField,
    MultiCheckboxField,
    NotAfter,
    NotBefore,
    NotInFuture,
    options,
    strip,
)
from cal.core.once import once_key_field
from cal.core.timeutil import local_to_utc
from volunteers.forms import joined
from volunteers.models import HELP_KIND_LABELS


def _kind_choices():
    return options((k.value, label) for k, label in HELP_KIND_LABELS.items())


class CourseForm(FlaskForm):
    once_key = once_key_field()
    name = StringField(_l("Course name"), filters=[strip],
                       validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description and programme"), filters=[strip],
                                validators=[Length(max=4000)])
    required_for = MultiCheckboxField(_l("Required for volunteers who give this help"),
                                      choices=_kind_choices)
    validity_months = IntegerField(
        _l("Valid for (months)"), validators=[Optional(), NumberRange(min=1, max=240)],
        description=_l("Leave empty when a completed training never expires."))
    active = BooleanField(_l("In use"), default=True)

    def course_data(self) -> dict:
        return {"name": self.name.data, "description": self.description.data,
                "required_for": joined(self.required_for.data),
                "validity_months": self.validity_months.data or None,
                "active": self.active.data}


class SessionForm(FlaskForm):
    once_key = once_key_field()
    day = DateField(_l("Date"), validators=[InputRequired(_l("Enter the date.")),
                                            NotBefore(2000), NotAfter(2100)])
    start = TimeField(_l("Start time"), validators=[InputRequired(_l("Enter the time."))])
    place = StringField(_l("Place"), filters=[strip], validators=[DataRequired(),
                                                                  Length(max=200)])
    trainer = StringField(_l("Trainer"), filters=[strip], validators=[DataRequired(),
                                                                      Length(max=120)])
    capacity = IntegerField(_l("Places"), default=20,
                            validators=[InputRequired(), NumberRange(min=1, max=500)])

    def session_data(self) -> dict:
        return {"starts_at": local_to_utc(self.day.data, self.start.data),
                "place": self.place.data, "trainer": self.trainer.data,
                "capacity": self.capacity.data}


class CompletionForm(FlaskForm):
    """A training completed elsewhere, recorded by hand."""
    once_key = once_key_field()

    course_id = SelectField(_l("Training"), coerce=int, validators=[InputRequired()])
    completed_on = DateField(_l("Completed on"), validators=[
        InputRequired(_l("Enter the date.")), NotInFuture(), NotBefore(2000)])
    note = StringField(_l("Note (organiser, certificate number)"), filters=[strip],
                       validators=[Length(max=300)])
