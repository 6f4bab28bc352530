"""The form of a match's agreed weekly visit times (visits.py): a few rows of a day,
a start and an end; a row left empty is left out."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, FormField, SelectField, TimeField
from wtforms.validators import Optional

from cal.core.forms import NoChoice, options
from cal.core.once import once_key_field
from volunteers.availability import DAY_NAMES
from volunteers.needs.visits import MAX_TIMES, Row


class VisitTimeForm(FlaskForm):
    """One weekly visit: the day, from, to."""

    class Meta:
        csrf = False

    weekday = SelectField(_l("Day"), validators=[NoChoice()],
                          choices=options([("", "—")] + [(str(i), name)
                                                         for i, name in enumerate(DAY_NAMES)]))
    starts = TimeField(_l("From"), validators=[Optional()])
    ends = TimeField(_l("To"), validators=[Optional()])


class VisitTimesForm(FlaskForm):
    once_key = once_key_field()
    times = FieldList(FormField(VisitTimeForm), min_entries=MAX_TIMES, max_entries=MAX_TIMES)

    def rows(self) -> list[Row]:
        return [(int(row.weekday.data) if row.weekday.data else None, row.starts.data,
                 row.ends.data) for row in self.times]

    def show(self, visits) -> None:
        """Fill the rows with the times agreed so far."""
        for row, visit in zip(self.times, visits, strict=False):
            row.weekday.data, row.starts.data, row.ends.data = (str(visit.weekday),
                                                                visit.starts, visit.ends)
