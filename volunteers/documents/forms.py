"""The form of the documents room: the fields a document asks for."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from cal.core.forms import NotAfter, NotBefore, options, strip
from cal.core.once import once_key_field


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


class ScanForm(FlaskForm):
    """The scan of a signed paper record: one file, PDF, PNG or JPEG."""

    file = FileField(_l("Scan of the signed paper"), render_kw={
        "accept": "application/pdf,image/png,image/jpeg"})
