"""The trainings as a file: the required trainings ending within 30 days or ended,
a row for each volunteer and course."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from cal.core.exports import Column, Table
from cal.core.timeutil import local_today


def _state(row):
    return _l("Expired") if row[2].valid_until < local_today() else _l("Ends soon")


EXPIRING = Table("training_completion", _l("Trainings"), "szkolenia-do-odnowienia", columns=(
    Column(_l("Last name"), lambda r: r[0].last_name),
    Column(_l("First name"), lambda r: r[0].first_name),
    Column(_l("Training"), lambda r: r[1].name),
    Column(_l("Completed on"), lambda r: r[2].completed_on),
    Column(_l("Valid until"), lambda r: r[2].valid_until),
    Column(_l("State"), _state),
))
