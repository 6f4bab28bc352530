"""The events' part of the year's report: the events held by kind, their participants
(adults and children registered and confirmed) and the volunteers on their shifts
(each once)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, literal, select

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
from cal.core.figures import Counts, Reads, Table, YearSection, tally, within, year_of
from cal.core.timeutil import utcnow

LABELS = {"events": _l("Events held"), "adults": _l("Adults registered"),
          "children": _l("Children registered"),
          "volunteers": _l("Volunteers on the events' shifts, each once")}


def counts(years: list[int]) -> dict:
    year = year_of(Event.starts_at, years)
    held = (Event.status.in_((EventStatus.PUBLISHED, EventStatus.HELD)),
            Event.starts_at <= utcnow(), *within(Event.starts_at, years))
    confirmed = Registration.status == RegistrationStatus.CONFIRMED

    def total(name: str, number):
        return select(literal(name).label("key"), year.label("year"), number)

    return {
        "kinds": select(Event.kind.label("key"), year.label("year"), func.count())
        .where(*held).group_by(Event.kind, year),
        "adults": total("adults", func.sum(Registration.adults))
        .join(Event, Event.id == Registration.event_id).where(*held, confirmed)
        .group_by(year),
        "children": total("children", func.count()).select_from(RegisteredChild)
        .join(Registration, Registration.id == RegisteredChild.registration_id)
        .join(Event, Event.id == Registration.event_id).where(*held, confirmed)
        .group_by(year),
        "volunteers": total("volunteers", func.count(ShiftSignup.volunteer_id.distinct()))
        .select_from(ShiftSignup).join(Shift, Shift.id == ShiftSignup.shift_id)
        .join(Event, Event.id == Shift.event_id).where(*held).group_by(year),
    }


def tables(years: list[int], found: Counts) -> list[Table]:
    kinds = found["kinds"]
    totals = tally([*(c._replace(key="events") for c in kinds), *found["adults"],
                    *found["children"], *found["volunteers"]])
    return [
        Table("events", _l("Events, their participants and volunteers"),
              totals.rows(LABELS, years),
              note=_l("Events that were not cancelled, once begun; confirmed registrations.")),
        Table("events_by_kind", _l("Events held, by kind"), tally(kinds).rows(KIND_LABELS, years)),
    ]


SECTION = YearSection(
    "events", _l("Events"), 70, counts, tables, reads=(
        Reads(Event, dates=("starts_at",), columns=("kind", "starts_at", "status")),
        Reads(Registration, via=("event_id", Event), columns=("event_id", "adults", "status")),
        Reads(RegisteredChild, via=("registration_id", Registration),
              columns=("registration_id",)),
        Reads(Shift, via=("event_id", Event), columns=("event_id",)),
        Reads(ShiftSignup, via=("shift_id", Shift), columns=("shift_id", "volunteer_id"))))
