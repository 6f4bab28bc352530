from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    Field,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
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
)
from cal.core.once import once_key_field
from cal.core.timeutil import age_on, local_to_utc, local_today
from volunteers import availability
from volunteers.hours import DURATIONS, hours_text
from volunteers.models import (
    ACTIVITY_LABELS,
    HELP_KIND_LABELS,
    PRIORITY_LABELS,
    REQUEST_KINDS,
    REQUEST_STATUS_LABELS,
    CheckResult,
    HelpKind,
)

SUBJECTS = [("math", _l("Mathematics")), ("polish", _l("Polish")), ("english", _l("English")),
            ("german", _l("German")), ("biology", _l("Biology")), ("chemistry", _l("Chemistry")),
            ("physics", _l("Physics")), ("history", _l("History")),
            ("geography", _l("Geography")), ("it", _l("Computer science")),
            ("early", _l("Early-years learning (grades 1–3)"))]
TASKS = [("accompany", _l("Accompanying (doctor, office)")), ("shopping", _l("Shopping")),
         ("reading", _l("Reading aloud, letters")), ("paperwork", _l("Help with paperwork")),
         ("walks", _l("Walks")), ("company", _l("Company and conversation")),
         ("errands", _l("Small errands"))]
LANGUAGES = [("pl", _l("Polish")), ("en", _l("English")), ("uk", _l("Ukrainian")),
             ("de", _l("German")), ("ru", _l("Russian")), ("pjm", _l("Polish Sign Language"))]
HEARD_FROM = [("", "—"), ("friends", _l("From friends or family")),
              ("internet", _l("Internet or social media")),
              ("school", _l("School or university")), ("social_worker", _l("A social worker")),
              ("poster", _l("A poster or leaflet")), ("other", _l("Other"))]
MIN_AGE = 10


def grade_choices():
    primary = [(str(n), _("grade %(n)d (primary)", n=n)) for n in range(1, 9)]
    secondary = [(str(n + 8), _("grade %(n)d (secondary)", n=n)) for n in range(1, 5)]
    return options([("", "—"), *primary, *secondary])


class AvailabilityField(Field):
    """The weekly grid of two-hour slots; its data is the availability bit mask."""

    def process(self, formdata, data=None, extra_filters=None):
        self.process_errors = []
        if formdata is not None:
            self.data = availability.from_form(formdata)
        else:
            self.data = data if isinstance(data, int) else 0
        self.object_data = self.data

    def is_set(self, day: int, block: int) -> bool:
        return bool(self.data & availability.slot_bit(day, block))


def _at_least_one_slot(form, field):
    if not field.data:
        raise ValidationError(_l("Tick at least one time when you could help."))


def _plausible_age(form, field):
    if field.data and age_on(field.data, local_today()) < MIN_AGE:
        raise ValidationError(_l("Volunteers must be at least 10 years old."))


def joined(values) -> str:
    return ",".join(values or [])


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
        grades = (self.grade_from.data, field.data)  # each checked against its choices
        if all(str(g or "").isdigit() for g in grades) and int(grades[1]) < int(grades[0]):
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
            "birth_date": self.birth_date.data, "district_id": self.district_id.data or None,
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
        ("", "—"), (CheckResult.CLEAR.value, _l("No entries")),
        (CheckResult.ENTRY_FOUND.value, _l("Entry found"))]), validators=[NoChoice()])
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


class DocumentForm(FlaskForm):
    """The data a document asks for; each kind shows only its own fields."""
    once_key = once_key_field()

    issued_on = DateField(_l("Date of issue"), validators=[
        InputRequired(_l("Enter the date.")), NotBefore(2000), NotAfter(2100)])
    period_start = DateField(_l("From"), validators=[Optional(), NotBefore(2000),
                                                     NotAfter(2100)])
    period_end = DateField(_l("Until"), validators=[Optional(), NotAfter(2100)])
    scope = TextAreaField(_l("Scope of the services"), filters=[strip],
                          validators=[Length(max=2000)])
    place = StringField(_l("Place"), filters=[strip], validators=[Length(max=200)])
    terms = TextAreaField(_l("Termination clause"), filters=[strip],
                          validators=[Length(max=2000)])
    guardian_name = StringField(
        _l("Guardian's name (volunteer under 18)"), filters=[strip],
        validators=[Length(max=120)],
        description=_l("Needed when the volunteer is under 18 on the day of signing."))
    waiver_extent = SelectField(_l("Extent of the waiver"), choices=options([
        ("full", _l("All travel costs and allowances")),
        ("partial", _l("Part of them (described below)"))]), default="full")
    body = TextAreaField(_l("Text"), filters=[strip], validators=[Length(max=5000)])

    def document_data(self) -> dict:
        return {name: self[name].data for name in (
            "issued_on", "period_start", "period_end", "scope", "place", "terms",
            "guardian_name", "waiver_extent", "body")}


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


REQUEST_KIND_CHOICES = [(k.value, HELP_KIND_LABELS[k]) for k in REQUEST_KINDS]


class RequestForm(FlaskForm):
    """A help request; subject, grade and goal for tutoring, tasks for other help."""

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


class ReasonForm(FlaskForm):
    reason = StringField(_l("Reason"), filters=[strip], validators=[Length(max=300)])


def _minutes_label(minutes: int) -> str:
    return hours_text(minutes)


class HoursForm(FlaskForm):
    """Hours from the phone: what for (prefilled), how long (a chip), which day."""

    key = once_key_field()
    activity = SelectField(_l("What did you help with?"), validators=[DataRequired()])
    label = StringField(_l("Which session or event"), filters=[strip],
                        validators=[Length(max=200)])
    minutes = RadioField(_l("How long"), choices=options([
        *((str(m), _minutes_label(m)) for m in DURATIONS), ("other", _l("Other"))]),
        validators=[DataRequired(_l("Choose how long."))])
    # Read only when "Other" is chosen (hidden otherwise); the service checks the bounds.
    other_minutes = StringField(_l("Minutes"), filters=[strip],
                                render_kw={"inputmode": "numeric", "pattern": "[0-9]*"})
    worked_on = DateField(_l("Day"), validators=[DataRequired(_l("Give the day."))])
    note = StringField(_l("Note (optional)"), filters=[strip], validators=[Length(max=300)])
    # Shown only when the same hours are already logged: "yes, another time".
    again = BooleanField(_l("Yes, log it again: this was another time"))

    def minutes_value(self) -> int | None:
        """The minutes as a number (any number: the service says the bounds), or None."""
        value = self.other_minutes.data if self.minutes.data == "other" else self.minutes.data
        return int(value) if re.fullmatch(r"[0-9]{1,6}", value or "") else None


def month_field() -> StringField:
    return StringField(_l("Month"), render_kw={"type": "month"}, validators=[
        Optional(), Regexp(r"^(19|20)\d\d-(0[1-9]|1[0-2])$", message=_l("Choose a month."))])


class HoursFilterForm(FlaskForm):
    """The approval queue's filters (a GET form)."""

    class Meta:
        csrf = False

    # One volunteer's entries (from their page); a list of every volunteer with hours
    # would be thousands of options in a large centre.
    volunteer = IntegerField(widget=HiddenInput(), validators=[
        Optional(), NumberRange(min=1, max=2**31 - 1)])
    month = month_field()
    activity = SelectField(_l("Activity"), choices=options(
        [("", _l("All")), *((a.value, label) for a, label in ACTIVITY_LABELS.items())]),
        validators=[NoChoice()])
    status = SelectField(_l("Status"), choices=options(
        [("pending", _l("Waiting for approval")), ("approved", _l("Approved")),
         ("rejected", _l("Rejected")), ("", _l("All"))]), default="pending",
        validators=[NoChoice()])


class HoursTotalsForm(FlaskForm):
    """The month of the hours totals (a GET form)."""

    class Meta:
        csrf = False

    month = month_field()


class HoursCertificateForm(FlaskForm):
    """The volunteer asks for a certificate of their approved hours in a period."""

    once_key = once_key_field()
    period_start = DateField(_l("From"), validators=[DataRequired(_l("Give the day."))])
    period_end = DateField(_l("To"), validators=[DataRequired(_l("Give the day."))])
