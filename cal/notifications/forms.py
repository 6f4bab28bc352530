"""The forms of a user's notification settings and of a message to a group."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, TextAreaField, TimeField
from wtforms.validators import Length, Optional

from cal.core.forms import MultiCheckboxField, NoChoice, strip
from cal.core.once import once_key_field


class SettingsForm(FlaskForm):
    inapp = BooleanField(_l("In the application (counted beside Notifications in the menu)"))
    email = BooleanField(_l("By e-mail"))
    topics = MultiCheckboxField(_l("What to tell me about"), validators=[Optional()])
    quiet_from = TimeField(_l("Quiet hours from"), validators=[Optional()])
    quiet_until = TimeField(_l("until"), validators=[Optional()],
                            description=_l("No e-mails in these hours: they wait until the "
                                           "hours end. For example 21:00 to 8:00."))

    def validate(self, extra_validators=None) -> bool:
        # Here, not in a field's validator: Optional() stops those on an empty field.
        valid = super().validate(extra_validators)
        start, end = self.quiet_from.data, self.quiet_until.data
        if valid and bool(start) != bool(end):
            self.quiet_until.errors.append(_l("Give both hours, or neither."))
            return False
        if valid and start and start == end:
            self.quiet_until.errors.append(_l("The hours must differ."))
            return False
        return valid


class MessageForm(FlaskForm):
    """A message to a group of people: first previewed, then confirmed."""

    once_key = once_key_field()
    audience = SelectField(_l("To"), validators=[NoChoice()], default="")
    body = TextAreaField(_l("Message"), filters=[strip], validators=[Length(max=2000)],
                         render_kw={"rows": 5},
                         description=_l("Write as to one person; no health or case details. "
                                        "A text message ends with how to stop them."))
    plain = BooleanField(_l("Write it without Polish letters (a text message of 160 "
                            "characters a part, not 70)"))
    confirm = HiddenField(default="")
    # The ids of the people ticked on a list (an audience of chosen people).
    chosen = HiddenField(default="")

    def chosen_ids(self) -> tuple[int, ...]:
        return tuple(dict.fromkeys(int(i) for i in (self.chosen.data or "").split(",")
                                   if i.isascii() and i.isdigit() and len(i) < 10))[:500]

    def target(self) -> tuple[str, object]:
        name, _, ref = (self.audience.data or "").partition(":")
        if not ref and self.chosen.data:
            return name, self.chosen_ids()
        return name, int(ref) if ref.isascii() and ref.isdigit() and len(ref) < 10 else None
