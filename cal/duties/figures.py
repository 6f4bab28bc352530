"""The duty hours' part of the year's report: the appointments held at the duty hours
(legal advice, a psychologist...) by kind; one query for all the years asked."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, cast, func, select

from cal.core.figures import Table, Tally, YearSection, within, year_of
from cal.core.timeutil import utcnow
from cal.duties.models import DUTY_KIND_LABELS, Appointment, AppointmentStatus, Duty
from cal.extensions import db


def compute(years: list[int]) -> list[Table]:
    year, kind = year_of(Appointment.starts_at), cast(Duty.kind, String)
    rows = db.session.execute(
        select(kind, year, func.count()).select_from(Appointment)
        .join(Duty, Duty.id == Appointment.duty_id)
        .where(Appointment.status == AppointmentStatus.BOOKED,
               Appointment.starts_at <= utcnow(), *within(Appointment.starts_at, years))
        .group_by(kind, year)).all()
    tally = Tally().add(rows)
    return [Table("appointments", _l("Appointments held at the duty hours, by kind"),
                  [*tally.rows(DUTY_KIND_LABELS, years),
                   Tally().add(("all", y, n) for _, y, n in rows).row(_l("All"), "all", years)],
                  note=_l("Appointments booked and not cancelled, once their time came."))]


SECTION = YearSection("duties", _l("Duty hours"), 80, compute)
