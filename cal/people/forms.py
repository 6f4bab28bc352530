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
    MultiCheckboxField,
    NoChoice,
    NotAfter,
    NotBefore,
    NotInFuture,
    optional_id_field,
    options,
    strip,
    version_field,
)
from cal.core.once import once_key_field
from cal.core.timeutil import local_today
from cal.people.models import CONSENT_WAY_LABELS, DataRequestStatus, RequestKind

CONSENT_WAYS = {way.value: label for way, label in CONSENT_WAY_LABELS.items()}


class PersonForm(FlaskForm):
    version = version_field()  # of the record opened (edits made meanwhile)
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
    sms_consent = BooleanField(
        _l("Agrees to text messages from the centre"),
        description=_l("To the mobile number above: cancelled classes, reminders, messages "
                       "to the group. For a child, the guardian's number and consent."))
    email_consent = BooleanField(_l("Agrees to e-mails from the centre"))
    consent_way = SelectField(_l("How the consent was given"), validators=[NoChoice()],
                              default="", choices=options([("", "—"), *CONSENT_WAYS.items()]))
    preferred_channel = SelectField(
        _l("Would rather be told by"), validators=[NoChoice()], default="",
        choices=options([("", _l("whichever reaches them")), ("sms", _l("text message")),
                         ("email", _l("e-mail"))]))
    confirm_duplicate = BooleanField(_l("Yes, this is a different person: register anyway"))

    def consent_data(self) -> dict:
        return {"wanted": {"sms": self.sms_consent.data, "email": self.email_consent.data},
                "way": self.consent_way.data or None}


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


REQUEST_KIND_LABELS = {
    RequestKind.ACCESS: _l("Access: a copy of the data (art. 15)"),
    RequestKind.ERASURE: _l("Erasure (art. 17)"),
    RequestKind.RECTIFICATION: _l("Rectification (art. 16)"),
    RequestKind.RESTRICTION: _l("Restriction of processing (art. 18)"),
    RequestKind.OBJECTION: _l("Objection (art. 21)"),
}


class DataRequestForm(FlaskForm):
    once_key = once_key_field()
    kind = SelectField(_l("Request"), choices=options(
        (k.value, label) for k, label in REQUEST_KIND_LABELS.items()))
    received_on = DateField(_l("Received on"), default=local_today,
                            validators=[DataRequired(), NotBefore(2018), NotInFuture()])
    identity_check = StringField(
        _l("How the identity was confirmed"), filters=[strip],
        description=_l("E.g. identity card shown at the desk, or a letter with a qualified "
                       "or trusted-profile signature. Not by telephone."),
        validators=[DataRequired(), Length(max=300)])
    details = TextAreaField(_l("What the person asks for"), filters=[strip],
                            validators=[Length(max=5000)])


class ExtendRequestForm(FlaskForm):
    reason = StringField(_l("Why more time is needed"), filters=[strip],
                         validators=[DataRequired(), Length(max=500)])


class CloseRequestForm(FlaskForm):
    status = SelectField(_l("Outcome"), choices=options([
        (DataRequestStatus.DONE.value, _l("Done")),
        (DataRequestStatus.REFUSED.value, _l("Refused"))]))
    outcome = TextAreaField(_l("What was done, and how the person was answered"),
                            filters=[strip], validators=[DataRequired(), Length(max=5000)])


class LinkRecordsForm(FlaskForm):
    """The records made with the person's phone or e-mail that are theirs (choices: the
    records found, by Unlinked.key)."""

    records = MultiCheckboxField(_l("Records that are this person's"), choices=[],
                                 validate_choice=False)


class EraseForm(FlaskForm):
    confirm = BooleanField(_l("I confirm: the personal data are erased for good."),
                           validators=[DataRequired(_l("Confirm the erasure."))])


def retention_form(kinds, current: dict):
    """A form with one period (months, empty for none) for each record type."""
    class RetentionForm(FlaskForm):
        pass

    for kind in kinds:
        setattr(RetentionForm, kind.value, IntegerField(
            validators=[Optional(), NumberRange(min=1, max=1200)],
            default=current.get(kind)))
    return RetentionForm()


class MergeForm(FlaskForm):
    """Joining another record into this one: the coordinator confirms it is one person."""

    once_key = once_key_field()
    same_person = BooleanField(
        _l("I have checked that both records are of this one person"),
        validators=[DataRequired(_l("Tick this to join the records: it cannot be undone."))])
