"""Forms of the clubs: a group with its weekly meetings and leaders, enrolment with
the KIS details, sessions, a person added at the door."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from cal.core.forms import (
    IntegerField,
    MultiCheckboxField,
    NoChoice,
    NotAfter,
    NotBefore,
    NotInFuture,
    options,
    strip,
    version_field,
)
from cal.core.once import once_key_field
from clubs.models import GROUP_KIND_LABELS, TARGET_GROUP_LABELS, GroupKind, TargetGroup
from volunteers.availability import DAY_NAMES

SLOT_ROWS = 3
WEEKDAYS = [(str(i), name) for i, name in enumerate(DAY_NAMES)]


class GroupForm(FlaskForm):
    version = version_field()  # of the record opened (edits made meanwhile)
    once_key = once_key_field()
    name = StringField(_l("Group name"), filters=[strip],
                       validators=[DataRequired(), Length(max=120)])
    kind = SelectField(_l("Kind"), choices=options(
        (k.value, label) for k, label in GROUP_KIND_LABELS.items()),
        validators=[DataRequired()])
    description = TextAreaField(_l("Description"), filters=[strip],
                                validators=[Length(max=4000)])
    place = StringField(_l("Place"), filters=[strip], validators=[Length(max=200)])
    capacity = IntegerField(_l("Places"), default=12,
                            validators=[DataRequired(), NumberRange(min=1, max=200)])
    starts_on = DateField(_l("From"), validators=[DataRequired(), NotBefore(2000),
                                                  NotAfter(2100)])
    ends_on = DateField(_l("To (optional)"), validators=[Optional(), NotBefore(2000),
                                                         NotAfter(2100)])
    leaders = MultiCheckboxField(_l("Leaders"), coerce=int, validators=[Optional()])

    def group_data(self) -> dict:
        return {"name": self.name.data, "kind": GroupKind(self.kind.data),
                "description": self.description.data, "place": self.place.data,
                "capacity": self.capacity.data, "starts_on": self.starts_on.data,
                "ends_on": self.ends_on.data}


class SlotForm(FlaskForm):
    """One weekly meeting (day, from, to); a row left empty is ignored."""

    class Meta:
        csrf = False

    weekday = SelectField(_l("Day"), choices=options([("", "—"), *WEEKDAYS]),
                          validators=[NoChoice()])
    starts = TimeField(_l("From"), validators=[Optional()])
    ends = TimeField(_l("To"), validators=[Optional()])


class EnrolForm(FlaskForm):
    person_id = IntegerField(validators=[DataRequired(), NumberRange(min=1, max=2**31 - 1)])
    target_group = SelectField(_l("Target group (art. 1 ust. 2)"), choices=options(
        [("", "—"), *((t.value, label) for t, label in TARGET_GROUP_LABELS.items())]),
        validators=[NoChoice()])
    contract_ref = StringField(_l("Social contract (kontrakt socjalny), reference"),
                               filters=[strip], validators=[Length(max=80)])
    period_start = DateField(_l("Participation from"), validators=[Optional()])
    period_end = DateField(_l("Participation to"), validators=[Optional()])

    def kis_data(self) -> dict:
        return {"target_group": TargetGroup(self.target_group.data)
                if self.target_group.data else None,
                "contract_ref": self.contract_ref.data, "period_start": self.period_start.data,
                "period_end": self.period_end.data}


class SessionForm(FlaskForm):
    once_key = once_key_field()
    day = DateField(_l("Day"), validators=[DataRequired(), NotBefore(2000), NotAfter(2100)])
    starts = TimeField(_l("From"), validators=[DataRequired()])
    ends = TimeField(_l("To"), validators=[DataRequired()])
    topic = StringField(_l("Topic"), filters=[strip], validators=[Length(max=200)])


class MoveForm(FlaskForm):
    day = DateField(_l("New day"), validators=[DataRequired(), NotBefore(2000), NotAfter(2100)])
    starts = TimeField(_l("From"), validators=[DataRequired()])
    ends = TimeField(_l("To"), validators=[DataRequired()])


class LogForm(FlaskForm):
    topic = StringField(_l("Topic"), filters=[strip], validators=[Length(max=200)])
    log = TextAreaField(_l("What happened (the leader's log)"), filters=[strip],
                        validators=[Length(max=4000)])


class NewcomerForm(FlaskForm):
    """Someone at the door: a guest for this session, or a new member."""

    first_name = StringField(_l("First name"), filters=[strip],
                             validators=[DataRequired(), Length(max=80)])
    last_name = StringField(_l("Last name"), filters=[strip],
                            validators=[DataRequired(), Length(max=80)])
    birth_date = DateField(_l("Date of birth (optional)"),
                           validators=[Optional(), NotInFuture(), NotBefore(1900)])
    as_member = SelectField(_l("Comes as"), choices=options(
        [("guest", _l("A guest, this time")), ("member", _l("A new member of the group"))]),
        default="guest")
    same_as = IntegerField(validators=[Optional(), NumberRange(min=0, max=2**31 - 1)])
    once_key = once_key_field()  # the answer sent twice registers them once
