from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FloatField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)
from wtforms.widgets import HiddenInput

from cal.core.forms import (
    PHONE,
    IntegerField,
    NoChoice,
    NotAfter,
    NotBefore,
    NotInFuture,
    optional_id_field,
    strip,
)
from cal.core.once import once_key_field


class PersonForm(FlaskForm):
    once_key = once_key_field()
    first_name = StringField(
        _l("First name"), filters=[strip], validators=[DataRequired(), Length(max=80)]
    )
    last_name = StringField(
        _l("Last name"), filters=[strip], validators=[DataRequired(), Length(max=80)]
    )
    birth_date = DateField(
        _l("Date of birth"), validators=[Optional(), NotInFuture(), NotBefore(1900)]
    )
    phone = StringField(_l("Phone"), filters=[strip], validators=[Optional(), PHONE])
    email = EmailField(
        _l("E-mail"), filters=[strip], validators=[Optional(), Email(), Length(max=254)]
    )
    address = StringField(_l("Address"), filters=[strip], validators=[Length(max=200)])
    district_id = optional_id_field(_l("District"))
    household_id = IntegerField(
        widget=HiddenInput(), validators=[Optional(), NumberRange(min=1, max=2**31 - 1)]
    )
    notes = TextAreaField(_l("Notes"), filters=[strip], validators=[Length(max=4000)])
    health_notes = TextAreaField(
        _l("Health notes"), filters=[strip], validators=[Length(max=4000)],
        description=_l("Special-category data: seen only by coordinators and administrators."),
    )
    disability_notes = TextAreaField(
        _l("Disability and support needs"), filters=[strip], validators=[Length(max=4000)],
        description=_l("Special-category data: seen only by coordinators and administrators."),
    )
    confirm_duplicate = BooleanField(_l("Yes, this is a different person: register anyway"))


class HouseholdForm(FlaskForm):
    once_key = once_key_field()
    name = StringField(
        _l("Name of the household"), filters=[strip],
        validators=[DataRequired(), Length(max=120)],
        description=_l("For example: Kowalski family, ul. Lipowa 5."),
    )
    address = StringField(_l("Address"), filters=[strip], validators=[Length(max=200)])
    district_id = optional_id_field(_l("District"))
    phone = StringField(_l("Phone"), filters=[strip], validators=[Optional(), PHONE])
    notes = TextAreaField(_l("Notes"), filters=[strip], validators=[Length(max=4000)])


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    user_id = optional_id_field(_l("User"))
    action = SelectField(_l("Action"), validators=[NoChoice()], default="")
    entity = SelectField(_l("Record type"), validators=[NoChoice()], default="")
    date_from = DateField(_l("From"), validators=[Optional(), NotBefore(2000), NotAfter(2100)])
    date_to = DateField(_l("To"), validators=[Optional(), NotBefore(2000), NotAfter(2100)])


class DistrictForm(FlaskForm):
    """A district and its centre point on the town's grid (km), for distances."""

    name = StringField(_l("District"), filters=[strip],
                       validators=[DataRequired(), Length(max=80)])
    x_km = FloatField(_l("Centre, km east"), validators=[InputRequired(),
                                                          NumberRange(min=-100, max=100)])
    y_km = FloatField(_l("Centre, km north"), validators=[InputRequired(),
                                                           NumberRange(min=-100, max=100)])
