"""The form of a user's notification settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, TimeField
from wtforms.validators import Optional

from cal.core.forms import MultiCheckboxField


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
