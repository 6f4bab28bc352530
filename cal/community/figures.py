"""The events' part of the year's report: the events held by kind, their participants
(adults and children registered and confirmed) and the volunteers on their shifts
(each once); one query for all the years asked."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, cast, func, literal, select, union_all

from cal.community.models import (
    KIND_LABELS,
    Event,
    EventStatus,
    RegisteredChild,
    Registration,
    RegistrationStatus,
    Shift,
    ShiftSignup,
)
from cal.core.figures import Table, Tally, YearSection, within, year_of
from cal.core.timeutil import utcnow
from cal.extensions import db

ALL = "all"
LABELS = {"events": _l("Events held"), "adults": _l("Adults registered"),
          "children": _l("Children registered"),
          "volunteers": _l("Volunteers on the events' shifts, each once")}


def compute(years: list[int]) -> list[Table]:
    year = year_of(Event.starts_at)
    held = (Event.status.in_((EventStatus.PUBLISHED, EventStatus.HELD)),
            Event.starts_at <= utcnow(), *within(Event.starts_at, years))
    confirmed = Registration.status == RegistrationStatus.CONFIRMED
    kind = cast(Event.kind, String)
    rows = db.session.execute(union_all(
        select(literal("kind"), kind, year, func.count()).where(*held).group_by(kind, year),
        select(literal("totals"), literal("events"), year, func.count()).where(*held)
        .group_by(year),
        select(literal("totals"), literal("adults"), year, func.sum(Registration.adults))
        .join(Event, Event.id == Registration.event_id).where(*held, confirmed)
        .group_by(year),
        select(literal("totals"), literal("children"), year, func.count())
        .select_from(RegisteredChild)
        .join(Registration, Registration.id == RegisteredChild.registration_id)
        .join(Event, Event.id == Registration.event_id).where(*held, confirmed)
        .group_by(year),
        select(literal("totals"), literal("volunteers"), year,
               func.count(ShiftSignup.volunteer_id.distinct())).select_from(ShiftSignup)
        .join(Shift, Shift.id == ShiftSignup.shift_id).join(Event, Event.id == Shift.event_id)
        .where(*held).group_by(year))).all()
    kinds = Tally().add((key, y, n) for what, key, y, n in rows if what == "kind")
    totals = Tally().add((key, y, n) for what, key, y, n in rows if what == "totals")
    return [
        Table("events", _l("Events, their participants and volunteers"),
              totals.rows(LABELS, years),
              note=_l("Events that were not cancelled, once begun; confirmed registrations.")),
        Table("events_by_kind", _l("Events held, by kind"), kinds.rows(KIND_LABELS, years)),
    ]


SECTION = YearSection("events", _l("Events"), 70, compute)
