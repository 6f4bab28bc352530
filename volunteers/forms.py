"""Form pieces the volunteers' rooms share: the offer's lists, the weekly availability
grid, and the reason asked for a refusal or an ending."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, StringField
from wtforms.validators import Length

from cal.core.forms import options, strip
from volunteers import availability

SUBJECTS = [("math", _l("Mathematics")), ("polish", _l("Polish")), ("english", _l("English")),
            ("german", _l("German")), ("biology", _l("Biology")), ("chemistry", _l("Chemistry")),
            ("physics", _l("Physics")), ("history", _l("History")),
            ("geography", _l("Geography")), ("it", _l("Computer science")),
            ("early", _l("Early-years learning (grades 1–3)"))]
SUBJECT_NAMES = dict(SUBJECTS)


def subject_name(code: str) -> str:
    """A subject's name in words, or its code when it is none of ours."""
    return str(SUBJECT_NAMES.get(code, code))


TASKS = [("accompany", _l("Accompanying (doctor, office)")), ("shopping", _l("Shopping")),
         ("reading", _l("Reading aloud, letters")), ("paperwork", _l("Help with paperwork")),
         ("walks", _l("Walks")), ("company", _l("Company and conversation")),
         ("errands", _l("Small errands"))]


def grade_choices():
    primary = [(str(n), _("grade %(n)d (primary)", n=n)) for n in range(1, 9)]
    secondary = [(str(n + 8), _("grade %(n)d (secondary)", n=n)) for n in range(1, 5)]
    return options([("", "—"), *primary, *secondary])


class AvailabilityField(Field):
    """The weekly grid of two-hour slots; its data is the availability bit mask."""

    def process(self, formdata, data=None, extra_filters=None):
        self.process_errors = []
        if formdata is not None:
            self.data = availability.from_form(formdata)
        else:
            self.data = data if isinstance(data, int) else 0
        self.object_data = self.data

    def is_set(self, day: int, block: int) -> bool:
        return bool(self.data & availability.slot_bit(day, block))


def joined(values) -> str:
    return ",".join(values or [])


class ReasonForm(FlaskForm):
    reason = StringField(_l("Reason"), filters=[strip], validators=[Length(max=300)])
