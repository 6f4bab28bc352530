"""The forms of the profiles room: the application, the profile (the coordinator's and
the volunteer's own) and a legal record."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
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
    Regexp,
    ValidationError,
)

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
from cal.core.timeutil import age_on, local_today
from volunteers.forms import SUBJECTS, TASKS, AvailabilityField, grade_choices, joined
from volunteers.models import (
    CHECK_RESULT_LABELS,
    GENDER_LABELS,
    HELP_KIND_LABELS,
    CheckResult,
    Gender,
)

LANGUAGES = [("pl", _l("Polish")), ("en", _l("English")), ("uk", _l("Ukrainian")),
             ("de", _l("German")), ("ru", _l("Russian")), ("pjm", _l("Polish Sign Language"))]
HEARD_FROM = [("", "—"), ("friends", _l("From friends or family")),
              ("internet", _l("Internet or social media")),
              ("school", _l("School or university")), ("social_worker", _l("A social worker")),
              ("poster", _l("A poster or leaflet")), ("other", _l("Other"))]
MIN_AGE = 10


def _at_least_one_slot(form, field):
    if not field.data:
        raise ValidationError(_l("Tick at least one time when you could help."))


def _plausible_age(form, field):
    if field.data and age_on(field.data, local_today()) < MIN_AGE:
        raise ValidationError(_l("Volunteers must be at least 10 years old."))


class ProfileFields(FlaskForm):
    """What a volunteer offers; shared by the application and the coordinator's form."""

    first_name = StringField(_l("First name"), filters=[strip],
                             validators=[DataRequired(), Length(max=80)])
    last_name = StringField(_l("Last name"), filters=[strip],
                            validators=[DataRequired(), Length(max=80)])
    email = EmailField(_l("E-mail"), filters=[strip],
                       validators=[DataRequired(), Email(), Length(max=254)])
    phone = StringField(_l("Phone"), filters=[strip], validators=[DataRequired(), PHONE])
    birth_date = DateField(_l("Date of birth"), validators=[
        InputRequired(_l("Enter the date of birth.")), NotInFuture(), NotBefore(1920),
        _plausible_age])
    gender = SelectField(
        _l("Grammatical gender in your documents"),
        choices=options([("", _l("Not given (neutral wording)")),
                         *((g.value, label) for g, label in GENDER_LABELS.items())]),
        validators=[NoChoice()],
        description=_l("How the agreement and certificates speak of you."))
    district_id = optional_id_field(_l("District where you can help"))
    help_kinds = MultiCheckboxField(
        _l("How would you like to help?"),
        choices=options((k.value, label) for k, label in HELP_KIND_LABELS.items()),
        validators=[DataRequired(_l("Choose at least one kind of help."))])
    subjects = MultiCheckboxField(_l("Subjects you can teach"), choices=options(SUBJECTS))
    grade_from = SelectField(_l("From grade"), choices=grade_choices, validators=[NoChoice()])
    grade_to = SelectField(_l("To grade"), choices=grade_choices, validators=[NoChoice()])
    tasks = MultiCheckboxField(_l("Tasks you can take on"), choices=options(TASKS))
    languages = MultiCheckboxField(_l("Languages you speak"), choices=options(LANGUAGES),
                                   default=["pl"])
    availability = AvailabilityField(_l("When could you help? Tick the free times."),
                                     validators=[_at_least_one_slot])
    lived_abroad = BooleanField(_l("In the last 20 years I lived in a country other than Poland"))

    def validate_grade_to(self, field):
        grades = (self.grade_from.data, field.data)
        # Compared only when both are among the choices (each is checked against them on
        # its own, but this runs whatever they hold: a digit string may be thousands long).
        choices = {str(choice.value) for choice in grade_choices() if str(choice.value).isdigit()}
        if {str(g) for g in grades} <= choices and int(grades[1]) < int(grades[0]):
            raise ValidationError(_l("The last grade cannot be lower than the first."))

    def validate_subjects(self, field):
        if "tutoring" in (self.help_kinds.data or []) and not field.data:
            raise ValidationError(_l("Choose the subjects you can teach."))

    def profile_data(self) -> dict:
        """The profile; subjects and grades only with tutoring, tasks only with help
        for people with disabilities or seniors (the form hides them otherwise)."""
        kinds = set(self.help_kinds.data or [])
        tutoring = "tutoring" in kinds
        tasks = self.tasks.data if kinds & {"disability", "senior"} else []
        return {
            "first_name": self.first_name.data, "last_name": self.last_name.data,
            "email": (self.email.data or "").lower(), "phone": self.phone.data,
            "birth_date": self.birth_date.data,
            "gender": Gender(self.gender.data) if self.gender.data in set(Gender) else None,
            "district_id": self.district_id.data or None,
            "help_kinds": joined(self.help_kinds.data),
            "subjects": joined(self.subjects.data) if tutoring else "",
            "grade_from": int(self.grade_from.data) if tutoring and self.grade_from.data else None,
            "grade_to": int(self.grade_to.data) if tutoring and self.grade_to.data else None,
            "tasks": joined(tasks), "languages": joined(self.languages.data),
            "availability": self.availability.data, "lived_abroad": self.lived_abroad.data,
        }


class ApplicationForm(ProfileFields):
    heard_from = SelectField(_l("How did you hear about us?"), choices=options(HEARD_FROM),
                             validators=[NoChoice()])
    consent = BooleanField(
        _l("I have read the information on the processing of my personal data and I agree "
           "to it for the purpose of recruitment and volunteering."),
        validators=[DataRequired(_l("We can take the application only with this consent."))])
    application_key = HiddenField(validators=[
        DataRequired(), Regexp(r"^[A-Za-z0-9_-]{16,64}$")])


class CoordinatorProfileForm(ProfileFields):
    version = version_field()  # of the record opened (edits made meanwhile)
    capacity = IntegerField(_l("How many families at once (capacity)"), default=2,
                            validators=[InputRequired(), NumberRange(min=0, max=10)])
    works_with_children = BooleanField(_l("Works with children (child-safety checks required)"))
    sees_personal_data = BooleanField(_l("Sees personal data of the people helped"))
    notes = TextAreaField(_l("Coordinator's notes"), filters=[strip],
                          validators=[Length(max=4000)])

    def profile_data(self) -> dict:
        return {**super().profile_data(), "capacity": self.capacity.data,
                "works_with_children": self.works_with_children.data,
                "sees_personal_data": self.sees_personal_data.data, "notes": self.notes.data}


class OwnProfileForm(FlaskForm):
    email = EmailField(_l("E-mail"), filters=[strip],
                       validators=[DataRequired(), Email(), Length(max=254)])
    phone = StringField(_l("Phone"), filters=[strip], validators=[DataRequired(), PHONE])
    availability = AvailabilityField(_l("When can you help? Tap the free times."),
                                     validators=[_at_least_one_slot])


class RecordForm(FlaskForm):
    once_key = once_key_field()
    done_on = DateField(_l("Date (signed, given or checked)"),
                        validators=[InputRequired(_l("Enter the date.")), NotInFuture(),
                                    NotBefore(2000)])
    valid_until = DateField(_l("Valid until"), validators=[Optional(), NotAfter(2100)])
    period_start = DateField(_l("Agreement from"), validators=[Optional(), NotBefore(2000),
                                                               NotAfter(2100)])
    period_end = DateField(_l("Agreement until"), validators=[Optional(), NotAfter(2100)],
                           description=_l("Leave empty for an agreement without an end date."))
    result = SelectField(_l("Result"), choices=options([
        ("", "—"), *((result.value, label) for result, label in CHECK_RESULT_LABELS.items())]),
        validators=[NoChoice()])
    scope = TextAreaField(_l("Scope"), filters=[strip], validators=[Length(max=2000)])
    place = StringField(_l("Place"), filters=[strip], validators=[Length(max=200)])
    terms = TextAreaField(_l("Termination clause"), filters=[strip],
                          validators=[Length(max=2000)])
    checked_by = StringField(_l("Checked or signed by"), filters=[strip],
                             validators=[Length(max=120)])
    note = StringField(_l("Note"), filters=[strip], validators=[Length(max=500)])

    def record_data(self) -> dict:
        data = {name: self[name].data for name in ("done_on", "valid_until", "period_start",
                                                   "period_end", "scope", "place", "terms",
                                                   "checked_by", "note")}
        data["result"] = (CheckResult(self.result.data)  # None for a value not offered
                          if self.result.data in {r.value for r in CheckResult} else None)
        return data
