"""The forms of the duty hours: a duty and its rule, a cancelled date, an appointment."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from cal.core.forms import (
    PHONE,
    IntegerField,
    NoChoice,
    NotAfter,
    NotBefore,
    optional_id_field,
    options,
    strip,
    version_field,
)
from cal.core.once import once_key_field
from cal.duties.models import DUTY_KIND_LABELS, FREQUENCY_LABELS, LAST_WEEK

WEEKDAYS = [_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"),
            _l("Saturday"), _l("Sunday")]
WEEKS = [(1, _l("first")), (2, _l("second")), (3, _l("third")), (4, _l("fourth")),
         (LAST_WEEK, _l("last"))]


class DutyForm(FlaskForm):
    version = version_field()  # of the record opened (edits made meanwhile)
    once_key = once_key_field()
    kind = SelectField(_l("Kind"), choices=options((k.value, v)
                                                   for k, v in DUTY_KIND_LABELS.items()))
    title = StringField(_l("Title"), filters=[strip],
                        validators=[DataRequired(), Length(max=120)],
                        description=_l("As the public page says it, e.g. “Bezpłatna porada "
                                       "prawna”."))
    description = TextAreaField(_l("What help is given"), filters=[strip],
                                validators=[Length(max=2000)])
    holder_user_id = optional_id_field(_l("Held by (an account)"))
    holder_name = StringField(_l("Held by (name, for someone without an account)"),
                              filters=[strip], validators=[Length(max=120)])
    partner_id = optional_id_field(_l("Partner institution"))
    place = StringField(_l("Place"), filters=[strip], validators=[DataRequired(),
                                                                  Length(max=200)])
    frequency = SelectField(_l("Repeats"), choices=options(
        (k.value, v) for k, v in FREQUENCY_LABELS.items()))
    week_of_month = SelectField(_l("Which week of the month"), coerce=int, default=0,
                                choices=options([(0, "—"), *WEEKS]), validators=[NoChoice()])
    weekday = SelectField(_l("Day of the week"), coerce=int,
                          choices=options(enumerate(WEEKDAYS)))
    starts = TimeField(_l("From"), validators=[InputRequired(_l("Enter the time."))])
    ends = TimeField(_l("To"), validators=[InputRequired(_l("Enter the time."))])
    valid_from = DateField(_l("First day"), validators=[InputRequired(_l("Enter the date.")),
                                                        NotBefore(2000), NotAfter(2100)])
    valid_until = DateField(_l("Last day"), description=_l("Leave empty for no end."),
                            validators=[Optional(), NotBefore(2000), NotAfter(2100)])
    by_appointment = BooleanField(_l("By appointment (slots)"))
    slot_minutes = IntegerField(_l("Length of a slot (minutes)"),
                                validators=[Optional(), NumberRange(min=10, max=240)])
    booking_phone = StringField(_l("Phone to book"), filters=[strip],
                                validators=[Optional(), PHONE])
    booking_note = StringField(_l("How to book or come"), filters=[strip],
                               validators=[Length(max=200)],
                               description=_l("E.g. “Zapisy przez pracownika socjalnego”."))
    active = BooleanField(_l("Active (on the public page)"), default=True)

    def duty_data(self) -> dict:
        return {"kind": self.kind.data, "title": self.title.data,
                "description": self.description.data,
                "holder_user_id": self.holder_user_id.data or None,
                "holder_name": self.holder_name.data, "partner_id": self.partner_id.data or None,
                "place": self.place.data, "frequency": self.frequency.data,
                "weekday": self.weekday.data, "week_of_month": self.week_of_month.data or None,
                "starts": self.starts.data, "ends": self.ends.data,
                "valid_from": self.valid_from.data, "valid_until": self.valid_until.data,
                "by_appointment": self.by_appointment.data,
                "slot_minutes": self.slot_minutes.data, "booking_phone": self.booking_phone.data,
                "booking_note": self.booking_note.data, "active": self.active.data}


class CancelDateForm(FlaskForm):
    day = DateField(_l("Date"), validators=[InputRequired(_l("Enter the date.")),
                                            NotBefore(2000), NotAfter(2100)])
    reason = StringField(_l("Reason"), filters=[strip],
                         validators=[DataRequired(), Length(max=200)])


class BookingForm(FlaskForm):
    """A slot booked for a person of the registry (``name`` and ``phone`` come from the
    registry then) or for someone known only by name and phone."""

    once_key = once_key_field()
    start = SelectField(_l("Slot time"), validators=[DataRequired(_l("Choose a time."))])
    name = StringField(_l("Name"), filters=[strip], validators=[Length(max=160)])
    phone = StringField(_l("Phone"), filters=[strip], validators=[Optional(), PHONE])
    sms_consent = BooleanField(_l("Agrees to a text message reminder the day before"))
    topic = TextAreaField(_l("Topic (seen only by the one on duty and the coordinators)"),
                          filters=[strip], validators=[Length(max=1000)])

    def booking_data(self) -> dict:
        return {"name": self.name.data, "phone": self.phone.data or "",
                "sms_consent": self.sms_consent.data, "topic": self.topic.data}


class MoveForm(FlaskForm):
    day = DateField(_l("Date"), validators=[InputRequired(_l("Enter the date.")),
                                            NotBefore(2000), NotAfter(2100)])
    start = SelectField(_l("Slot time"), validators=[DataRequired(_l("Choose a time."))])


class CancelAppointmentForm(FlaskForm):
    reason = StringField(_l("Reason"), filters=[strip],
                         validators=[DataRequired(), Length(max=200)])
