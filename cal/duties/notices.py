"""What the people of appointments are told (a reminder the day before, a
cancellation), and the "appointment" contact book: a person of the registry as the
registry has them, someone known only by name and phone by the consent given when
booking. The text names the duty, the time and the place, never the topic."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from cal.core.timeutil import to_local
from cal.duties.models import Appointment, Duty
from cal.extensions import db
from cal.notifications.outbox import tell_contact
from cal.notifications.walk_ins import walk_in_book


def _what(appointment, duty) -> str:
    return f"{duty.title}, {to_local(appointment.starts_at):%d.%m.%Y %H:%M}, {duty.place}"


def _text(appointment, duty, kind: str) -> tuple[str, str]:
    what = _what(appointment, duty)
    if kind == "cancelled":
        return (_("Cancelled: %(title)s", title=duty.title),
                _("We are sorry: your appointment (%(what)s) is cancelled. Reason: %(reason)s. "
                  "Call us to book another date.", what=what, reason=appointment.cancel_reason))
    return (_("Tomorrow: %(title)s", title=duty.title),
            _("We remind you of your appointment: %(what)s. If you cannot come, please "
              "call us.", what=what))


def tell_person(appointment, duty, kind: str, due_at: datetime | None = None) -> bool:
    """Tell the person of an appointment through the outbox; False when they cannot be
    reached (no contact, or no consent)."""
    return tell_contact("appointment", appointment.id, f"appointment_{kind}",
                        f"appointment:{appointment.id}:{kind}",
                        lambda: _text(appointment, duty, kind)[0],
                        lambda: _text(appointment, duty, kind)[1], due_at=due_at) is not None


def _appointments_said(rows: list[Appointment]) -> dict[int, str]:
    """Each appointment as the duty it is at and its time."""
    duties = {duty.id: duty for duty in db.session.scalars(
        select(Duty).where(Duty.id.in_({row.duty_id for row in rows})))}
    return {row.id: f"{duties[row.duty_id].title}, {to_local(row.starts_at):%d.%m.%Y %H:%M}"
            for row in rows}


BOOK = walk_in_book("appointment", Appointment, "appointment", describe=_appointments_said)
