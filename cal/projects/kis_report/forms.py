"""The day the KIS report was sent (its year is asked with cal.core.forms.YearForm)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms.validators import InputRequired


class SentForm(FlaskForm):
    sent_on = DateField(_l("Sent to the voivode's office on"), validators=[InputRequired()])
