"""The forms of the community room: an event, a registration, a cancellation."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FieldList,
    FormField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from cal.community.models import AUDIENCE_LABELS, KIND_LABELS
from cal.community.registrations import MAX_CHILDREN, Child
from cal.core.forms import (
    PHONE,
    IntegerField,
    MultiCheckboxField,
    NotAfter,
    NotBefore,
    options,
    strip,
    version_field,
)
from cal.core.once import once_key_field
from cal.core.timeutil import local_day_start_utc, local_to_utc


class EventForm(FlaskForm):
    version = version_field()  # of the record opened (edits made meanwhile)
    once_key = once_key_field()
    title = StringField(_l("Title"), filters=[strip], validators=[DataRequired(),
                                                                  Length(max=200)])
    kind = SelectField(_l("Kind"), choices=options((k.value, v) for k, v in KIND_LABELS.items()))
    day = DateField(_l("Day"), validators=[InputRequired(_l("Enter the date.")),
                                           NotBefore(2000), NotAfter(2100)])
    start = TimeField(_l("From"), validators=[InputRequired(_l("Enter the time."))])
    end_day = DateField(_l("Last day (for an event of several days)"),
                        validators=[Optional(), NotBefore(2000), NotAfter(2100)])
    end = TimeField(_l("To"), validators=[InputRequired(_l("Enter the time."))])
    place = StringField(_l("Place"), filters=[strip], validators=[DataRequired(),
                                                                  Length(max=200)])
    organiser = StringField(_l("Organiser"), filters=[strip], validators=[Length(max=200)])
    partners = MultiCheckboxField(_l("Partner institutions"), coerce=int,
                                  validators=[Optional()])
    audience = SelectField(_l("For whom"),
                           choices=options((k.value, v) for k, v in AUDIENCE_LABELS.items()))
    age_from = IntegerField(_l("Children's age from"),
                            validators=[Optional(), NumberRange(min=0, max=18)])
    age_to = IntegerField(_l("to"), validators=[Optional(), NumberRange(min=0, max=18)])
    capacity = IntegerField(_l("Places (children, for an event for children)"),
                            description=_l("Leave empty for no limit."),
                            validators=[Optional(), NumberRange(min=1, max=10000)])
    registration_from = DateField(_l("Registration from"),
                                  validators=[Optional(), NotBefore(2000), NotAfter(2100)])
    registration_until = DateField(_l("Registration until (inclusive)"),
                                   validators=[Optional(), NotBefore(2000), NotAfter(2100)])
    public = BooleanField(_l("On the public calendar"), default=True)
    description = TextAreaField(_l("Description"), filters=[strip],
                                validators=[Length(max=4000)])

    def event_data(self) -> dict:
        last = self.end_day.data or self.day.data
        until = self.registration_until.data
        return {
            "title": self.title.data, "kind": self.kind.data,
            "description": self.description.data,
            "starts_at": local_to_utc(self.day.data, self.start.data),
            "ends_at": local_to_utc(last, self.end.data), "place": self.place.data,
            "organiser": self.organiser.data, "partner_ids": self.partners.data or [],
            "audience": self.audience.data, "age_from": self.age_from.data,
            "age_to": self.age_to.data, "public": self.public.data,
            "capacity": self.capacity.data,
            "registration_from": local_day_start_utc(self.registration_from.data)
            if self.registration_from.data else None,
            "registration_until": local_day_start_utc(until + timedelta(days=1))
            if until else None,
        }


class CancelEventForm(FlaskForm):
    reason = StringField(_l("Reason (sent to everyone registered)"), filters=[strip],
                         validators=[Length(max=300)])


class ChildForm(FlaskForm):
    """A child of a registration; a row left empty is ignored."""

    class Meta:
        csrf = False

    first_name = StringField(_l("Child's first name"), filters=[strip],
                             validators=[Length(max=80)])
    age = IntegerField(_l("Age"), validators=[Optional(), NumberRange(min=0, max=18)])
    photo_consent = BooleanField(_l("I agree to photos of this child at the event"))


class RegistrationForm(FlaskForm):
    once_key = once_key_field()
    name = StringField(_l("Your first name and surname"), filters=[strip],
                       validators=[Length(max=120)], render_kw={"autocomplete": "name"})
    phone = StringField(_l("Phone"), filters=[strip], validators=[Optional(), PHONE],
                        render_kw={"autocomplete": "tel", "inputmode": "tel"})
    email = EmailField(_l("E-mail"), filters=[strip],
                       validators=[Optional(), Email(), Length(max=254)],
                       render_kw={"autocomplete": "email"})
    sms_consent = BooleanField(
        _l("Send me text messages about this event"),
        description=_l("To the mobile number above: a place from the waiting list, a change, "
                       "a reminder the day before. Reply STOP to any of them to stop."))
    adults = IntegerField(_l("Adults coming"), default=1,
                          validators=[Optional(), NumberRange(min=0, max=20)])
    children = FieldList(FormField(ChildForm), min_entries=MAX_CHILDREN,
                         max_entries=MAX_CHILDREN)
    consent = BooleanField(_l("I agree to the processing of these data to register for the "
                              "event"), validators=[DataRequired(
                                  _l("Registration needs this consent."))])

    def places_data(self) -> dict:
        return {"adults": self.adults.data or 0,
                "children": [Child(row.first_name.data, row.age.data,
                                   row.photo_consent.data) for row in self.children]}

    def registration_data(self) -> dict:
        return {"name": self.name.data, "phone": self.phone.data or "",
                "email": self.email.data or "", "sms_consent": self.sms_consent.data,
                **self.places_data()}


class StaffRegistrationForm(RegistrationForm):
    """Staff register a person of the registry (the consent is the person's own, given
    to the centre; the name and the contact come from the registry)."""

    consent = None
    name = None
    phone = None
    email = None
    sms_consent = None


class ShiftForm(FlaskForm):
    once_key = once_key_field()
    role = StringField(_l("Role"), filters=[strip], validators=[DataRequired(), Length(max=120)],
                       description=_l("For example: care of the children, Santa Claus, "
                                      "information desk, transport."))
    day = DateField(_l("Day"), validators=[InputRequired(_l("Enter the date.")),
                                           NotBefore(2000), NotAfter(2100)])
    start = TimeField(_l("From"), validators=[InputRequired(_l("Enter the time."))])
    end = TimeField(_l("To"), validators=[InputRequired(_l("Enter the time."))])
    needed = IntegerField(_l("People needed"), default=1,
                          validators=[InputRequired(), NumberRange(min=1, max=100)])
    with_children = BooleanField(_l("Work with children (the register check and the "
                                    "criminal-record information are required)"))
    give_back_hours = IntegerField(_l("A volunteer may give it back until (hours before)"),
                                   default=24, validators=[InputRequired(),
                                                           NumberRange(min=0, max=720)])

    def shift_data(self) -> dict:
        return {"role": self.role.data, "starts_at": local_to_utc(self.day.data, self.start.data),
                "ends_at": local_to_utc(self.day.data, self.end.data),
                "needed": self.needed.data, "with_children": self.with_children.data,
                "give_back_hours": self.give_back_hours.data}


class AssignForm(FlaskForm):
    volunteer_id = SelectField(_l("Volunteer"), coerce=int, validators=[InputRequired()])
