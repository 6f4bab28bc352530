"""The form of the centre's settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileSize
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from cal.core.centre import EDITABLE, MAX_LOGO_BYTES
from cal.core.forms import MoneyField, strip


class CentreForm(FlaskForm):
    name = StringField(_l("Name of the centre"), filters=[strip],
                       validators=[DataRequired(), Length(max=200)],
                       description=_l("As it heads a document: "
                                      "\u201cOśrodek Pomocy Społecznej w Zielonce\u201d."))
    name_genitive = StringField(
        _l("Name as after \u201cna rzecz\u201d"), filters=[strip],
        validators=[DataRequired(), Length(max=200)],
        description=_l("\u201cna rzecz Ośrodka Pomocy Społecznej w Zielonce\u201d"))
    address = StringField(_l("Address"), filters=[strip], validators=[Length(max=200)])
    city = StringField(_l("Town"), filters=[strip], validators=[Length(max=80)],
                       description=_l("The place of issue: \u201cZielonka, dnia …\u201d."))
    signatory_name = StringField(_l("Who signs: name"), filters=[strip],
                                 validators=[Length(max=120)])
    signatory_title = StringField(
        _l("Who signs: title"), filters=[strip], validators=[DataRequired(), Length(max=120)],
        description=_l("As under the signature: \u201cDyrektor Ośrodka\u201d."))
    represented_by = StringField(
        _l("Who signs, as after \u201creprezentowanym przez\u201d"), filters=[strip],
        validators=[DataRequired(), Length(max=200)],
        description=_l("\u201creprezentowanym przez Dyrektora Ośrodka\u201d"))
    logo = FileField(_l("Logo on documents"), validators=[
        FileSize(MAX_LOGO_BYTES, message=_l("The logo may be at most 1 MB."))],
        description=_l("A PNG or JPEG image of at most 1 MB; printed at the top of every "
                       "document."))
    remove_logo = BooleanField(_l("Remove the logo"))
    agreement_scope = TextAreaField(
        _l("Usual scope of the services"), filters=[strip], validators=[Length(max=2000)],
        description=_l("Empty: a new agreement starts from the kinds of help the volunteer "
                       "offers."))
    agreement_place = StringField(_l("Usual place of the services"), filters=[strip],
                                  validators=[Length(max=200)])
    agreement_terms = TextAreaField(_l("Usual termination clause"), filters=[strip],
                                    validators=[DataRequired(), Length(max=2000)])
    hour_value_gr = MoneyField(
        _l("Value of an hour of volunteer work (PLN)"), validators=[InputRequired()],
        description=_l("Used to value volunteer work, e.g. as an own contribution to a "
                       "project."))

    def values(self) -> dict:
        return {name: self[name].data for name in EDITABLE}

    def logo_bytes(self) -> bytes | None:
        upload = self.logo.data
        return upload.read() if upload else None
