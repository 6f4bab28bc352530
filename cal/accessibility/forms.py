from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from cal.accessibility.models import (
    ASSESSMENT_LABELS,
    COMPLIANCE_LABELS,
    Assessment,
    Compliance,
)
from cal.core.forms import ALWAYS_ANSWERED, PHONE, NotBefore, options, strip

ONE_A_LINE = _l("One a line.")


def _day(label, description=None) -> DateField:
    return DateField(label, description=description,
                     validators=[DataRequired(), NotBefore(2000)])


class StatementForm(FlaskForm):
    published_on = _day(_l("The website was published on"))
    updated_on = _day(_l("Its last significant update"),
                      _l("A change that could affect its accessibility."))
    prepared_on = _day(_l("The statement was prepared on"))
    reviewed_on = _day(_l("Last reviewed and updated on"),
                       _l("The statement is reviewed every year by 31 March, and after "
                          "every significant change."))
    compliance = SelectField(_l("The website is"), coerce=Compliance,
                             render_kw=ALWAYS_ANSWERED,
                             choices=options([(c.value, label)
                                              for c, label in COMPLIANCE_LABELS.items()]))
    barriers = TextAreaField(_l("Content that is not accessible, and why"), filters=[strip],
                             validators=[Length(max=4000)], description=ONE_A_LINE)
    exclusions = TextAreaField(_l("Content excluded by the act"), filters=[strip],
                               validators=[Length(max=2000)], description=ONE_A_LINE)
    alternative = TextAreaField(_l("How to get inaccessible content in another form"),
                                filters=[strip], validators=[Length(max=2000)])
    assessment = SelectField(_l("The statement is based on"), coerce=Assessment,
                             render_kw=ALWAYS_ANSWERED,
                             choices=options([(a.value, label)
                                              for a, label in ASSESSMENT_LABELS.items()]))
    auditor = StringField(_l("The body that made the audit"), filters=[strip],
                          validators=[Length(max=200)])
    contact = StringField(_l("Contact for accessibility: post or person"), filters=[strip],
                          validators=[DataRequired(), Length(max=200)],
                          description=_l("For example: the accessibility coordinator."))
    email = EmailField(_l("Its e-mail"), filters=[strip],
                       validators=[DataRequired(), Email(), Length(max=254)])
    phone = StringField(_l("Its phone"), filters=[strip], validators=[DataRequired(), PHONE])
    complaints_to = StringField(
        _l("A complaint is made to"), filters=[strip],
        validators=[DataRequired(), Length(max=300)],
        description=_l("Who heads the centre, for example: the Director of the Social "
                       "Welfare Centre."))
    building = TextAreaField(_l("Accessibility of the building"), filters=[strip],
                             validators=[Optional(), Length(max=6000)],
                             description=_l("The entrance, the floors and the lift, the "
                                            "toilet, parking, an assistance dog, an "
                                            "induction loop, sign language. A paragraph "
                                            "a line."))

    def statement_data(self) -> dict:
        return {name: field.data for name, field in self._fields.items()
                if name != "csrf_token"}
