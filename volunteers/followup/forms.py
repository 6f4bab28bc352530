"""The forms of following a match: a contact, a check-in, the end, the intervals."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from cal.core.forms import IntegerField, NotAfter, NotBefore, options, strip
from cal.core.once import once_key_field
from volunteers.followup.models import CONTACT_KIND_LABELS, VOICE_LABELS, ContactKind, Voice
from volunteers.followup.services import INTERVAL_RANGE, NextStep
from volunteers.models import HELP_KIND_LABELS
from volunteers.needs.models import END_CAUSE_LABELS, REQUEST_KINDS

NEXT_STEP_LABELS = {
    NextStep.REOPEN: _l("Look for another volunteer (the request opens again)"),
    NextStep.CLOSE: _l("Close the request: nothing more is needed"),
    NextStep.NEW: _l("Open a new request for the family (copied from this one) and close "
                     "this one"),
}


def _day(label):
    return DateField(label, validators=[InputRequired(_l("Enter the date.")), NotBefore(2000),
                                        NotAfter(2100)])


class ContactForm(FlaskForm):
    once_key = once_key_field()
    kind = SelectField(_l("Contact"), choices=options(CONTACT_KIND_LABELS.items()))
    happened_on = _day(_l("Day"))
    note = TextAreaField(_l("Short note"), filters=[strip], validators=[Length(max=500)],
                         render_kw={"rows": 2, "maxlength": 500})

    def entry_data(self) -> dict:
        """What services.add_contact takes of the form."""
        return {"kind": ContactKind(self.kind.data), "happened_on": self.happened_on.data,
                "note": self.note.data}


class CheckInForm(FlaskForm):
    once_key = once_key_field()
    held_on = _day(_l("Day of the check-in"))
    voice = RadioField(_l("The family's voice: are they satisfied with the help?"),
                       choices=options(VOICE_LABELS.items()),
                       validators=[DataRequired(_l("Choose the family's answer."))])
    to_change = TextAreaField(_l("What would they change?"), filters=[strip],
                              validators=[Length(max=2000)], render_kw={"rows": 3})

    def entry_data(self) -> dict:
        """What services.record_check_in takes of the form."""
        return {"voice": Voice(self.voice.data), "to_change": self.to_change.data,
                "held_on": self.held_on.data}


class EndForm(FlaskForm):
    once_key = once_key_field()
    cause = RadioField(_l("Why does the match end?"), choices=options(END_CAUSE_LABELS.items()),
                       validators=[DataRequired(_l("Choose why the match ends."))])
    note = StringField(_l("Note (required for another reason)"), filters=[strip],
                       validators=[Length(max=300)])
    step = RadioField(_l("And the request?"), choices=options(NEXT_STEP_LABELS.items()),
                      default=NextStep.REOPEN.value)


def intervals_form(current: dict) -> FlaskForm:
    """A field of days for each kind of help a request can be for."""
    low, high = INTERVAL_RANGE

    class IntervalsForm(FlaskForm):
        pass

    for kind in REQUEST_KINDS:
        setattr(IntervalsForm, kind.value, IntegerField(
            HELP_KIND_LABELS[kind], default=current[kind],
            validators=[InputRequired(_l("Enter the number of days.")),
                        NumberRange(min=low, max=high)]))
    return IntervalsForm()
