"""The duty hours' part of the year's report: the appointments held at the duty hours
(legal advice, a psychologist...) by kind."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from cal.core.figures import Counts, Reads, Table, Tally, YearSection, tally, within, year_of
from cal.core.timeutil import utcnow
from cal.duties.models import DUTY_KIND_LABELS, Appointment, AppointmentStatus, Duty


def counts(years: list[int]) -> dict:
    year = year_of(Appointment.starts_at, years)
    return {"held": select(Duty.kind.label("key"), year.label("year"), func.count())
            .select_from(Appointment).join(Duty, Duty.id == Appointment.duty_id)
            .where(Appointment.status == AppointmentStatus.BOOKED,
                   Appointment.starts_at <= utcnow(), *within(Appointment.starts_at, years))
            .group_by(Duty.kind, year)}


def tables(years: list[int], found: Counts) -> list[Table]:
    held = found["held"]
    return [Table("appointments", _l("Appointments held at the duty hours, by kind"),
                  [*tally(held).rows(DUTY_KIND_LABELS, years),
                   Tally().add(("all", c.year, c.n) for c in held).row(_l("All"), "all", years)],
                  note=_l("Appointments booked and not cancelled, once their time came."))]


SECTION = YearSection(
    "duties", _l("Duty hours"), 80, counts, tables, reads=(
        Reads(Duty, columns=("kind",)),
        Reads(Appointment, dates=("starts_at",), columns=("duty_id", "starts_at", "status"))))
