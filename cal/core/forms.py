"""Field helpers shared by the forms of every package."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import wtforms
import wtforms.csrf.core
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional, ValidationError

from cal.core.errors import DomainError
from cal.core.figures import FIRST_YEAR, check_year
from cal.core.phones import Phone
from cal.core.timeutil import local_today

# A phone number valid for Poland (cal.core.phones): the one check of every phone field.
PHONE = Phone()


class _HiddenWithoutId(wtforms.widgets.HiddenInput):
    """The CSRF token's hidden input, with no id: a page with several forms would
    otherwise repeat id="csrf_token" (invalid HTML; nothing refers to the id)."""

    def __call__(self, field, **kwargs):
        kwargs["id"] = False  # WTForms leaves an attribute set to False out
        return super().__call__(field, **kwargs)


wtforms.csrf.core.CSRFTokenField.widget = _HiddenWithoutId()


class IntegerField(wtforms.IntegerField):
    """WTForms' IntegerField, refusing numbers of more than 15 digits as no number: a longer
    one passes int() but breaks NumberRange (its NaN check turns it into a float)."""

    def process_formdata(self, valuelist):
        if valuelist and len(str(valuelist[0]).strip().lstrip("+-")) > 15:
            self.data = None
            raise ValueError(self.gettext("Not a valid integer value."))
        super().process_formdata(valuelist)


class MultiCheckboxField(wtforms.SelectMultipleField):
    """A choice of several, as a list of checkboxes."""

    widget = wtforms.widgets.ListWidget(prefix_label=False)
    option_widget = wtforms.widgets.CheckboxInput()


def options(pairs) -> list[SelectChoice]:
    """Choices for a select or checkbox group from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def strip(value):
    """Text fields: surrounding spaces removed, a missing value read as empty."""
    return value.strip() if isinstance(value, str) else (value or "")


class NotInFuture:
    def __call__(self, form, field):
        if field.data and field.data > local_today():
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


class NoChoice(Optional):
    """Optional for a select: a blank answer, spaces too, means nothing chosen.

    Plain Optional ends the checks on "  " but leaves it as the field's data, past the check
    against the choices, where a view would take it for a choice; here the data is emptied too.
    """

    def __call__(self, form, field):
        if isinstance(field.data, str) and not field.data.strip():
            field.data = ""
        super().__call__(form, field)


def optional_id_field(label) -> SelectField:
    """A select of records by id, where 0 means none chosen."""
    return SelectField(label, coerce=int, default=0, validators=[NoChoice()])


def id_or_none(value):
    """A record's id from a select, or None for its empty first option."""
    return None if value in ("", None) else int(value)


def required_id_field(label) -> SelectField:
    """A select of records by id that must be answered: its first option, "—", has an
    empty value (HTML: a required select's placeholder), refused as unanswered."""
    return SelectField(label, coerce=id_or_none, validators=[InputRequired()])


# For a required select that always has an answer chosen (its first option is a real
# one): the browser needs no "required" on it, and HTML allows it only with an empty
# placeholder first (the Nu Html Checker's rule).
ALWAYS_ANSWERED = {"required": False}


def with_placeholder(pairs) -> list[SelectChoice]:
    """The choices of a required_id_field: "—" with an empty value first."""
    return options([("", "—"), *pairs])


def show_refusal(form, error, moved: dict[str, str] | None = None) -> None:
    """A rule's refusal (DomainError) beside its field, every reason of it when it has
    several (DomainError.of), or above the form when a reason belongs to no field;
    ``moved`` shows a field's reasons beside another (the field the user typed in)."""
    for name, message in (error.fields or {None: error.message}).items():
        name = (moved or {}).get(name, name)
        found = (form[name] if name in form else _named(form, name)) if name else None
        if found is not None:
            found.errors.append(message)
        else:
            form.form_errors.append(message)


def _named(form, name: str):
    """The field called ``name``, also inside a list of subforms ("children-0-age")."""
    for field in form:
        if field.name == name:
            return field
        entries = getattr(field, "entries", None)  # a FieldList
        for entry in entries or ([field] if hasattr(field, "form") else []):
            if entry.name == name:
                return entry
            inner = getattr(entry, "form", None)  # a FormField
            if inner is not None and name.startswith(entry.name + "-"):
                nested = _named(inner, name)
                if nested is not None:
                    return nested
    return None


MAX_GR = 10_000_000_000_00  # ten billion złoty: more is a typing error


def decimal_or_none(text: str) -> Decimal | None:
    """A number as people type it ("1 234,50 zł", "12,5%"), or None."""
    cleaned = re.sub(r"[\s\u00a0]|zł|PLN|%", "", text or "", flags=re.IGNORECASE)
    cleaned = cleaned.replace(",", ".")
    if not re.fullmatch(r"\d+(\.\d{1,2})?", cleaned):
        return None
    try:
        return Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover (the pattern admits only numbers)
        return None


class MoneyField(StringField):
    """An amount in złoty as people type it ("1 234,50 zł"); data is in grosze."""

    def process_formdata(self, valuelist):
        self.raw = valuelist[0] if valuelist else ""
        self.data = None
        if not self.raw.strip():
            return
        amount = decimal_or_none(self.raw)
        if amount is None and decimal_or_none(self.raw.strip().lstrip("-−")) is not None:
            raise ValueError(_l("The amount cannot be negative."))
        if amount is None or amount * 100 > MAX_GR:
            raise ValueError(_l("Enter an amount in złoty, e.g. 1 234,50."))
        self.data = int(amount * 100)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return f"{self.data // 100},{self.data % 100:02d}"


# --- a year of a report ---

class YearForm(FlaskForm):
    """The year a yearly page shows (``?year=``), rendered by _forms.html's
    ``year_choice``: when not given, the page's default (this year); one the yearly
    pages cannot be of (cal.core.figures.check_year) is refused beside the field."""

    class Meta:
        csrf = False

    year = IntegerField(_l("Year"), validators=[Optional()],
                        render_kw={"min": FIRST_YEAR, "inputmode": "numeric",
                                   "autocomplete": "off"})

    def validate_year(self, field) -> None:
        if field.data is None:
            return
        try:
            check_year(field.data, local_today())
        except DomainError as error:
            raise ValidationError(error.message) from None

    def chosen(self, default: int | None = None) -> int:
        """The year asked for when it is valid, else ``default`` (this year)."""
        if self.validate() and self.year.data is not None:
            return self.year.data
        return local_today().year if default is None else default


def _version(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def version_field() -> HiddenField:
    """The version of the record (cal.core.models.Versioned) the form was opened on."""
    return HiddenField(filters=[_version])


def changed_meanwhile(form, record) -> None:
    """Refuse, once, a form opened on an older version of ``record``: someone (or the
    platform) saved it after the form was opened. What was typed stays in the form, which
    now carries the version saved, so that sending it again puts it in place of theirs."""
    seen = form.version.data
    if seen is not None and seen != record.version:
        form.version.data = record.version
        raise DomainError(_(
            "This record was changed after you opened it. What you typed is kept below: "
            "open the record in a new tab to see the changes, or save again to put yours "
            "in their place."))
