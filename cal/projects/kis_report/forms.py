"""The year of the KIS report (asked in the address), and the day it was sent."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, StringField
from wtforms.validators import InputRequired


class YearForm(FlaskForm):
    class Meta:
        csrf = False

    year = StringField(_l("Year"), render_kw={"inputmode": "numeric", "maxlength": 4,
                                              "autocomplete": "off"})


class SentForm(FlaskForm):
    sent_on = DateField(_l("Sent to the voivode's office on"), validators=[InputRequired()])
