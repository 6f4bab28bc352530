from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from cal.core.forms import (
    PHONE,
    NoChoice,
    NotBefore,
    NotInFuture,
    optional_id_field,
    options,
    strip,
    version_field,
)
from cal.core.once import once_key_field
from cal.directory.models import ACCESSIBILITY, CATEGORY_LABELS


class EntryForm(FlaskForm):
    version = version_field()  # of the record opened (edits made meanwhile)
    once_key = once_key_field()
    name = StringField(_l("Name of the institution or service"), filters=[strip],
                       validators=[DataRequired(), Length(max=200)])
    category = SelectField(_l("Category"),
                           validators=[DataRequired(_l("Choose the category.")), NoChoice()],
                           choices=options([("", "—"), *((c.value, label) for c, label
                                                         in CATEGORY_LABELS.items())]))
    description = TextAreaField(_l("What it offers"), filters=[strip],
                                validators=[Length(max=4000)])
    eligibility = TextAreaField(_l("Who is eligible"), filters=[strip],
                                validators=[Length(max=2000)])
    cost = StringField(_l("Cost"), filters=[strip], validators=[Length(max=200)],
                       description=_l("For example: free; 20 zł a visit; with a referral."))
    address = StringField(_l("Address"), filters=[strip], validators=[Length(max=200)])
    district_id = optional_id_field(_l("District"))
    phone = StringField(_l("Phone"), filters=[strip], validators=[Optional(), PHONE])
    email = EmailField(_l("E-mail"), filters=[strip],
                       validators=[Optional(), Email(), Length(max=254)])
    website = StringField(_l("Website"), filters=[strip], validators=[
        Length(max=300), Optional(),
        Regexp(r"^https?://", message=_l("Give the whole address, beginning with https://."))])
    hours = StringField(_l("Opening hours"), filters=[strip], validators=[Length(max=300)])
    step_free = BooleanField(ACCESSIBILITY["step_free"])
    accessible_toilet = BooleanField(ACCESSIBILITY["accessible_toilet"])
    parking = BooleanField(ACCESSIBILITY["parking"])
    induction_loop = BooleanField(ACCESSIBILITY["induction_loop"])
    sign_language = BooleanField(ACCESSIBILITY["sign_language"])
    source = StringField(_l("Source of the information"), filters=[strip],
                         validators=[Length(max=300)])
    checked_on = DateField(_l("Last checked on"),
                           validators=[DataRequired(), NotBefore(2000), NotInFuture()])
    active = BooleanField(_l("Shown in the directory"), default=True)

    def entry_data(self) -> dict:
        data = {name: field.data for name, field in self._fields.items()
                if name not in ("once_key", "csrf_token", "version")}
        data["district_id"] = data["district_id"] or None
        return data


class SearchForm(FlaskForm):
    """The public search: words, a category, a district (a GET form, no token)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), filters=[strip], validators=[Length(max=100)])
    category = SelectField(_l("Category"), validators=[NoChoice()], default="",
                           choices=options([("", _l("All categories")),
                                            *((c.value, label) for c, label
                                              in CATEGORY_LABELS.items())]))
    district = optional_id_field(_l("District"))
