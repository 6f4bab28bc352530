"""Field helpers shared by the forms of every package."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, Regexp, ValidationError

PHONE = Regexp(r"^\+?[0-9 ()-]{6,20}$", message=_l("Enter a phone number, e.g. 600 100 200."))


def options(pairs) -> list[SelectChoice]:
    """Choices for a select or checkbox group from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def strip(value):
    """Text fields: surrounding spaces removed, a missing value read as empty."""
    return value.strip() if isinstance(value, str) else (value or "")


class NotInFuture:
    def __call__(self, form, field):
        if field.data and field.data > date.today():
            raise ValidationError(_l("The date cannot be in the future."))


class NotBefore:
    def __init__(self, year: int):
        self.year = year

    def __call__(self, form, field):
        if field.data and field.data.year < self.year:
            raise ValidationError(_l("Check the year: it is too far in the past."))


class NotAfter:
    def __init__(self, year: int):
        self.year = year

    def __call__(self, form, field):
        if field.data and field.data.year > self.year:
            raise ValidationError(_l("Check the year: it is too far in the future."))


def optional_id_field(label) -> SelectField:
    """A select of records by id, where 0 means none chosen."""
    return SelectField(label, coerce=int, default=0, validators=[Optional()])


def show_refusal(form, error) -> None:
    """Put a rule's refusal (DomainError) beside its field, or above the form."""
    target = form[error.field].errors if error.field and error.field in form else form.form_errors
    target.append(error.message)
