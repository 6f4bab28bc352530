"""The forms of the register: a partner with its agreement, a contact person, an entry
of the cooperation log, and the list's filters."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, Regexp

from cal.core.forms import (
    PHONE,
    NoChoice,
    NotAfter,
    NotBefore,
    NotInFuture,
    options,
    strip,
    version_field,
)
from cal.core.once import once_key_field
from cal.partners.models import LOG_KIND_LABELS, PARTNER_KIND_LABELS, LogKind, PartnerKind


def _kinds(first: tuple[str, object]) -> list:
    return options([first, *((k.value, label) for k, label in PARTNER_KIND_LABELS.items())])


class PartnerForm(FlaskForm):
    version = version_field()  # of the record opened (edits made meanwhile)
    once_key = once_key_field()
    name = StringField(_l("Name of the institution"), filters=[strip],
                       validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=_kinds(("", "—")),
                       validators=[DataRequired(_l("Choose the kind.")), NoChoice()])
    address = StringField(_l("Address"), filters=[strip], validators=[Length(max=200)])
    phone = StringField(_l("Phone"), filters=[strip], validators=[Optional(), PHONE])
    email = EmailField(_l("E-mail"), filters=[strip],
                       validators=[Optional(), Email(), Length(max=254)])
    website = StringField(_l("Website"), filters=[strip], validators=[
        Length(max=300), Optional(),
        Regexp(r"^https?://", message=_l("Give the whole address, beginning with https://."))])
    agreement_from = DateField(_l("Agreement from"),
                               validators=[Optional(), NotBefore(1990), NotAfter(2100)])
    agreement_until = DateField(_l("Agreement until"),
                                validators=[Optional(), NotBefore(1990), NotAfter(2100)],
                                description=_l("Leave empty for an agreement of no end."))
    agreement_note = StringField(_l("Agreement"), filters=[strip], validators=[Length(max=300)],
                                 description=_l("For example: cooperation agreement no. "
                                                "12/2025 on the local partnership."))
    notes = TextAreaField(_l("Notes"), filters=[strip], validators=[Length(max=4000)])
    active = BooleanField(_l("We work with this partner"), default=True)

    def partner_data(self) -> dict:
        return {name: field.data for name, field in self._fields.items()
                if name not in ("once_key", "csrf_token", "version")}


class ContactForm(FlaskForm):
    once_key = once_key_field()
    first_name = StringField(_l("First name"), filters=[strip],
                             validators=[DataRequired(), Length(max=80)])
    last_name = StringField(_l("Last name"), filters=[strip],
                            validators=[DataRequired(), Length(max=80)])
    position = StringField(_l("Position or role"), filters=[strip],
                           validators=[Length(max=120)],
                           description=_l("For example: school pedagogue, community officer."))
    phone = StringField(_l("Work phone"), filters=[strip], validators=[Optional(), PHONE])
    email = EmailField(_l("Work e-mail"), filters=[strip],
                       validators=[Optional(), Email(), Length(max=254)])
    notes = StringField(_l("Notes for the coordinators"), filters=[strip],
                        validators=[Length(max=500)],
                        description=_l("Only what the cooperation needs, such as when to "
                                       "call."))

    def contact_data(self) -> dict:
        return {name: field.data for name, field in self._fields.items()
                if name not in ("once_key", "csrf_token", "version")}


class LogForm(FlaskForm):
    once_key = once_key_field()
    held_on = DateField(_l("Day"), validators=[InputRequired(_l("Enter the date.")),
                                               NotBefore(1990), NotInFuture()])
    kind = SelectField(_l("What"), coerce=LogKind,
                       choices=options((k.value, label) for k, label in LOG_KIND_LABELS.items()))
    note = TextAreaField(_l("Note"), filters=[strip],
                         validators=[DataRequired(), Length(max=2000)],
                         description=_l("What was agreed or done. Never the name or the "
                                        "situation of a person referred."))


class FilterForm(FlaskForm):
    """The list's filters (a GET form, no token)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), filters=[strip], validators=[Length(max=100)])
    kind = SelectField(_l("Kind"), validators=[NoChoice()], default="",
                       choices=_kinds(("", _l("All kinds"))))
    active = SelectField(_l("Cooperation"), validators=[NoChoice()], default="yes",
                         choices=options([("yes", _l("Current partners")),
                                          ("no", _l("Former partners")),
                                          ("all", _l("All"))]))

    def filters(self) -> dict:
        """The filters as the service takes them; a bad value is no filter."""
        self.validate()
        kind = self.kind.data if not self.kind.errors and self.kind.data else None
        active = {"yes": True, "no": False, "all": None}.get(
            self.active.data if not self.active.errors else "yes", True)
        return {"query": (self.q.data or "")[:100],
                "kind": PartnerKind(kind) if kind else None, "active": active}
