"""How the audit log names hours (cal.core.rooms.RecordKind): whose, which day, how long."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from cal.core.rooms import RecordKind, describer
from cal.extensions import db
from volunteers.hours.models import HourEntry
from volunteers.hours.services import hours_text
from volunteers.models import Volunteer


def _rows(ids):
    return db.session.execute(select(
        HourEntry.id, HourEntry.worked_on, HourEntry.minutes, Volunteer.id.label("volunteer_id"),
        Volunteer.first_name, Volunteer.last_name).join(
        Volunteer, Volunteer.id == HourEntry.volunteer_id).where(HourEntry.id.in_(ids)))


RECORDS = [RecordKind("hour_entry", _l("Volunteer hours"), describer(
    _rows, lambda r: f"{r.first_name} {r.last_name}, {r.worked_on:%d.%m.%Y}, "
                     f"{hours_text(r.minutes)}",
    "volunteers.detail", "volunteer_id", lambda r: r.volunteer_id))]
