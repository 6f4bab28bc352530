"""Forms of the senior centre."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from cal.core.forms import PHONE, strip
from cal.core.once import once_key_field


class MemberForm(FlaskForm):
    once_key = once_key_field()
    joined_on = DateField(_l("Member since"), validators=[DataRequired()])
    emergency_name = StringField(_l("In an emergency, call (name)"), filters=[strip],
                                 validators=[Length(max=120)])
    emergency_phone = StringField(_l("Their phone"), filters=[strip],
                                  validators=[Optional(), PHONE])
    health_notes = TextAreaField(
        _l("Health notes"), filters=[strip], validators=[Length(max=4000)],
        description=_l("Special-category data: seen only by coordinators and administrators."))
    active = BooleanField(_l("Active member"), default=True)
    sms_consent = BooleanField(
        _l("Agrees to text messages from the centre"),
        description=_l("To the mobile number in the registry: cancelled classes and messages "
                       "to the members. Given in writing; it can be withdrawn at any time."))

    def member_data(self) -> dict:
        data = {"joined_on": self.joined_on.data, "emergency_name": self.emergency_name.data,
                "emergency_phone": self.emergency_phone.data, "active": self.active.data,
                "sms_consent": self.sms_consent.data}
        if "health_notes" in self:
            data["health_notes"] = self.health_notes.data
        return data


class DeviceForm(FlaskForm):
    name = StringField(_l("Where the tablet stands"), filters=[strip],
                       validators=[DataRequired(), Length(max=80)])
    once_key = once_key_field()  # the page refreshed after adding does not add another


class CardForm(FlaskForm):
    """The kiosk's keypad: the card number (or a QR reader typing it)."""

    card = StringField(_l("Card number"), filters=[strip], validators=[
        DataRequired(_l("Type your card number.")),
        Regexp(r"^[0-9]{4,12}$", message=_l("A card number has digits only."))],
        render_kw={"maxlength": 12})
