"""Forms of projects: the project, budget lines, expenses, deliverables, indicators and
their values and deadlines (the EU participant's form is in participant_forms.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from cal.core.forms import (
    IntegerField,
    MoneyField,
    MultiCheckboxField,
    NotAfter,
    NotBefore,
    decimal_or_none,
    options,
    required_id_field,
    strip,
    version_field,
)
from cal.core.once import once_key_field
from cal.projects.models import (
    DEADLINE_KIND_LABELS,
    DELIVERABLE_STATUS_LABELS,
    FUND_SOURCE_LABELS,
    FUNDER_LABELS,
    PROJECT_STATUS_LABELS,
    SETTLEMENT_LABELS,
    SOURCE_LABELS,
    DeadlineKind,
    DeliverableStatus,
    Funder,
    FundSource,
    ProjectStatus,
    Settlement,
    Source,
)
from volunteers.models import HELP_KIND_LABELS


class PercentField(StringField):
    """A per cent with at most two decimals ("85" or "12,5"); data in hundredths."""

    def process_formdata(self, valuelist):
        raw = valuelist[0] if valuelist else ""
        self.data = 0
        if not raw.strip():
            return
        value = decimal_or_none(raw)
        if value is None or value > 100:
            raise ValueError(_l("Enter a per cent between 0 and 100, e.g. 85 or 12,5."))
        self.data = int(value * 100)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return f"{(self.data or 0) / 100:g}".replace(".", ",")


def _choices(labels) -> list:
    return options((key.value, label) for key, label in labels.items())


class ProjectForm(FlaskForm):
    version = version_field()  # of the record opened (edits made meanwhile)
    once_key = once_key_field()
    name = StringField(_l("Project name"), filters=[strip],
                       validators=[DataRequired(), Length(max=200)])
    funder = SelectField(_l("Funder"), choices=_choices(FUNDER_LABELS), coerce=Funder)
    programme = StringField(_l("Programme"), filters=[strip], validators=[Length(max=200)],
                            description=_l("For example FEW 2021–2027, Priority VI."))
    call_number = StringField(_l("Call number"), filters=[strip], validators=[Length(max=80)])
    agreement_number = StringField(_l("Agreement number"), filters=[strip],
                                   validators=[Length(max=80)])
    starts_on = DateField(_l("Starts"), validators=[InputRequired(), NotBefore(2000),
                                                    NotAfter(2100)])
    ends_on = DateField(_l("Ends"), validators=[InputRequired(), NotBefore(2000),
                                                NotAfter(2100)])
    value_gr = MoneyField(_l("Total value (PLN)"), validators=[InputRequired()])
    share_eu = PercentField(_l("EU share (%)"))
    share_national = PercentField(_l("National cofunding (%)"))
    share_own = PercentField(_l("Own contribution (%)"),
                             description=_l("The three shares add up to 100%, or leave "
                                            "them empty."))
    settlement = SelectField(_l("Settlement"), choices=_choices(SETTLEMENT_LABELS),
                             coerce=Settlement)
    indirect_rate = PercentField(_l("Indirect costs, flat rate of direct costs (%)"),
                                 description=_l("For example 25 for ESF+ projects with "
                                                "direct costs up to about 830 000 zł; "
                                                "0 if none."))
    status = SelectField(_l("Status"), choices=_choices(PROJECT_STATUS_LABELS),
                         coerce=ProjectStatus)
    manager_id = SelectField(_l("Responsible manager"), coerce=int, default=0)
    partners = MultiCheckboxField(_l("Partner institutions"), coerce=int,
                                  validators=[Optional()],
                                  description=_l("A partner not on the list is added to the "
                                                 "register by a coordinator."))
    groups = MultiCheckboxField(_l("Linked groups"), coerce=int, validators=[Optional()])
    courses = MultiCheckboxField(_l("Linked trainings"), coerce=int, validators=[Optional()])
    events = MultiCheckboxField(_l("Linked events"), coerce=int, validators=[Optional()])
    help_kinds = MultiCheckboxField(_l("Linked kinds of help (matches and hours)"),
                                    choices=_choices(HELP_KIND_LABELS),
                                    validators=[Optional()])
    monitors_participants = BooleanField(_l("Keeps EU participant records (ESF+ monitoring)"))

    def project_data(self) -> dict:
        return {
            "name": self.name.data, "funder": self.funder.data,
            "programme": self.programme.data, "call_number": self.call_number.data,
            "agreement_number": self.agreement_number.data,
            "starts_on": self.starts_on.data, "ends_on": self.ends_on.data,
            "value_gr": self.value_gr.data, "share_eu": self.share_eu.data,
            "share_national": self.share_national.data, "share_own": self.share_own.data,
            "settlement": self.settlement.data, "indirect_rate": self.indirect_rate.data,
            "status": self.status.data, "manager_id": self.manager_id.data or None,
            "help_kinds": " ".join(sorted(self.help_kinds.data or [])),
            "monitors_participants": self.monitors_participants.data,
        }


class LineForm(FlaskForm):
    once_key = once_key_field()
    task = StringField(_l("Task"), filters=[strip], validators=[DataRequired(), Length(max=120)],
                       description=_l("For example: Task 1. Tutoring for children."))
    category = StringField(_l("Category"), filters=[strip], validators=[Length(max=80)],
                           description=_l("For example: staff, materials, services."))
    name = StringField(_l("Budget line"), filters=[strip],
                       validators=[DataRequired(), Length(max=200)])
    planned = MoneyField(_l("Planned (PLN)"), validators=[InputRequired()])


class FundingForm(FlaskForm):
    """A project's money from one source in one year; both amounts 0 remove it."""

    once_key = once_key_field()
    year = IntegerField(_l("Year"), validators=[InputRequired(),
                                                NumberRange(min=2000, max=2100)])
    source = SelectField(_l("Source"), choices=options(FUND_SOURCE_LABELS.items()),
                         default=FundSource.EU.value)
    planned = MoneyField(_l("Planned (PLN)"), validators=[InputRequired()])
    spent = MoneyField(_l("Spent (PLN)"), validators=[Optional()],
                       description=_l("As settled; leave empty while nothing is spent."))


class ExpenseForm(FlaskForm):
    once_key = once_key_field()
    line_id = required_id_field(_l("Budget line"))
    spent_on = DateField(_l("Date"), validators=[InputRequired(), NotBefore(2000),
                                                 NotAfter(2100)])
    amount = MoneyField(_l("Amount (PLN)"), validators=[InputRequired()])
    document_number = StringField(_l("Document number"), filters=[strip],
                                  validators=[DataRequired(), Length(max=80)])
    description = StringField(_l("Description"), filters=[strip], validators=[Length(max=300)])


class DeliverableForm(FlaskForm):
    once_key = once_key_field()
    name = StringField(_l("Deliverable"), filters=[strip],
                       validators=[DataRequired(), Length(max=200)])
    amount = MoneyField(_l("Lump sum (PLN)"), validators=[InputRequired()])
    due_on = DateField(_l("Due"), validators=[InputRequired(), NotBefore(2000), NotAfter(2100)])


class DeliverableStatusForm(FlaskForm):
    status = SelectField(_l("Status"), choices=_choices(DELIVERABLE_STATUS_LABELS),
                         coerce=DeliverableStatus)
    evidence = TextAreaField(_l("Evidence"), filters=[strip], validators=[Length(max=4000)],
                             description=_l("What proves it: lists, documents, where they are."))


class IndicatorForm(FlaskForm):
    once_key = once_key_field()
    name = StringField(_l("Indicator"), filters=[strip],
                       validators=[DataRequired(), Length(max=200)])
    unit = StringField(_l("Unit"), filters=[strip], validators=[Length(max=40)],
                       description=_l("For example: persons, hours, sessions."))
    target = FloatField(_l("Target"), validators=[InputRequired(),
                                                  NumberRange(min=0, max=1e9)])
    source = SelectField(_l("Source"), choices=_choices(SOURCE_LABELS), coerce=Source)


class ValueForm(FlaskForm):
    once_key = once_key_field()
    value = FloatField(_l("Value"), validators=[InputRequired(), NumberRange(min=0, max=1e9)])
    as_of = DateField(_l("As of"), validators=[InputRequired(), NotBefore(2000), NotAfter(2100)])
    note = StringField(_l("Note"), filters=[strip], validators=[Length(max=300)])


class DeadlineForm(FlaskForm):
    once_key = once_key_field()
    kind = SelectField(_l("Kind"), choices=_choices(DEADLINE_KIND_LABELS), coerce=DeadlineKind)
    title = StringField(_l("What"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    due_on = DateField(_l("Due"), validators=[InputRequired(), NotBefore(2000), NotAfter(2100)])
    owner_id = SelectField(_l("Owner"), coerce=int, default=0,
                           description=_l("Reminded 14, 7 and 1 day before; without an owner, "
                                          "the project's manager."))
