"""How the audit log names the duty hours' records (cal.core.rooms.RecordKind): a duty,
a date cancelled (its duty), an appointment (its duty and time; never the topic)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from cal.core.rooms import RecordKind, describer
from cal.core.timeutil import to_local
from cal.duties.models import Appointment, Duty
from cal.extensions import db


def _appointments(ids):
    return db.session.execute(select(Appointment.id, Appointment.name, Appointment.starts_at,
                                     Duty.title).join(Duty, Duty.id == Appointment.duty_id)
                              .where(Appointment.id.in_(ids)))


RECORDS = [
    RecordKind("duty", _l("Duty hours"), describer(
        Duty, lambda d: d.title, "duties.duty", "duty_id")),
    RecordKind("duty_cancellation", _l("Date of a duty cancelled"), describer(
        Duty, lambda d: d.title, "duties.duty", "duty_id")),
    RecordKind("appointment", _l("Appointment"), describer(
        _appointments, lambda r: f"{r.name}, {r.title}, {to_local(r.starts_at):%d.%m.%Y %H:%M}",
        "duties.appointment", "appointment_id")),
]
