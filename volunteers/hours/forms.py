"""The forms of the hours room: logging an entry, and the coordinators' filters."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import HiddenInput

from cal.core.forms import ALWAYS_ANSWERED, IntegerField, NoChoice, options, strip
from cal.core.once import once_key_field
from volunteers.hours.models import ACTIVITY_LABELS
from volunteers.hours.services import DURATIONS, hours_text


def _minutes_label(minutes: int) -> str:
    return hours_text(minutes)


class HoursForm(FlaskForm):
    """Hours from the phone: what for (prefilled), how long (a chip), which day."""

    key = once_key_field()
    activity = SelectField(_l("What did you help with?"), validators=[DataRequired()],
                           render_kw=ALWAYS_ANSWERED)
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
