"""Registration for an event: by a resident on the public page or by staff for a person
of the registry. Places are counted in children for an event for children (their
guardians come with them) and in people otherwise; a registration that does not fit
waits, whole, and moves up when places come free. The same form sent twice is stored
once (its key)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from cal.community.models import (
    Event,
    EventStatus,
    RegisteredChild,
    Registration,
    RegistrationStatus,
)
from cal.community.notices import tell_registered
from cal.community.services import from_waiting_list, places_taken, registration_state
from cal.core.audit import AuditAction, audit
from cal.core.errors import DomainError
from cal.core.models import hold
from cal.core.phones import e164, is_mobile
from cal.core.text import fold
from cal.extensions import db

MAX_CHILDREN = 4


@dataclass(frozen=True)
class Child:
    first_name: str
    age: int | None
    photo_consent: bool


def _check(event: Event, name: str, phone: str, email: str, adults: int, sms_consent: bool,
           children: list[tuple[int, Child]], now: datetime, person_id: int | None,
           walk_in: bool, own: bool) -> None:
    """Refused, with each reason beside its field. ``own``: a resident's own form (the
    staff may register two families reached at one number)."""
    state = registration_state(event, now)
    if walk_in:
        if event.status not in (EventStatus.PUBLISHED, EventStatus.HELD):
            raise DomainError(_("This event is not taking place."))
    elif state != "open":
        raise DomainError({"not_yet": _("Registration has not opened yet."),
                           "cancelled": _("This event is cancelled.")}.get(
            state, _("Registration for this event is closed.")))
    refusals = {}
    if not name:
        refusals["name"] = _("Give your name.")
    if not phone and not email and person_id is None and not walk_in:
        refusals["phone"] = _("Give a phone number or an e-mail address, so that we can reach you.")
    if event.for_children:
        if not children:
            refusals["children-0-first_name"] = _("Register at least one child.")
        for row, child in children:
            if child.age is None:
                refusals[f"children-{row}-age"] = _("Give the child's age.")
            elif not event.age_from <= child.age <= event.age_to:
                refusals[f"children-{row}-age"] = _(
                    "The event is for children aged %(low)d to %(high)d.",
                    low=event.age_from, high=event.age_to)
    elif adults < 1:
        refusals["adults"] = _("At least one person comes.")
    if sms_consent and not is_mobile(phone):
        refusals["sms_consent"] = _("Text messages need a mobile phone number above.")
    if person_id is not None and db.session.scalar(select(Registration.id).where(
            Registration.event_id == event.id, Registration.person_id == person_id,
            Registration.status != RegistrationStatus.CANCELLED)) is not None:
        refusals["person_id"] = _("This person is already registered for the event.")
    elif own and "phone" not in refusals:
        # a resident who sent the form and, not sure it went, filled in a new one: the
        # same child again (a large family's second form, for its other children, or a
        # grandparent's for another family from one phone, are welcome), or, at an
        # event for adults, the same name again
        again = _registered_before(event, phone, email)

        def said(who: str) -> str:
            return _("%(name)s is already registered for the event with this phone number "
                     "or e-mail address: the confirmation sent to it has a link to the "
                     "registration.", name=who)
        if event.for_children:
            for row, child in children:
                if fold(child.first_name) in again["children"]:
                    refusals[f"children-{row}-first_name"] = said(child.first_name)
        elif fold(name) in again["names"]:
            refusals["phone"] = said(name)
    if refusals:
        raise DomainError.of(refusals)


def register(event: Event, key: str, data: dict, now: datetime, actor=None,
             person_id: int | None = None, walk_in: bool = False) -> tuple[Registration, bool]:
    """A registration, confirmed when it fits and waiting otherwise; returns it and
    whether it is new (False: this form was stored before). Someone who walks in on the
    day is there already: checked in, whatever the capacity."""
    earlier = by_key(key)
    if earlier is not None:
        return earlier, False
    children = [(row, child) for row, child in enumerate(data.get("children", ()))
                if child.first_name]
    name, phone, email = data["name"], data.get("phone", ""), data.get("email", "")
    adults = data.get("adults", 1)
    sms_consent = bool(data.get("sms_consent"))
    hold(event)  # two forms for the last place: one is confirmed, the other waits
    _check(event, name, phone, email, adults, sms_consent, children, now, person_id, walk_in,
           own=actor is None and not walk_in)
    places = len(children) if event.for_children else adults
    taken = places_taken([event.id]).get(event.id, 0)
    fits = walk_in or event.capacity is None or taken + places <= event.capacity
    present = now if walk_in else None
    registration = Registration(
        event_id=event.id, person_id=person_id, name=name[:120], phone=phone[:40],
        email=email[:254], adults=adults, places=places, key=key, consent_at=now,
        sms_consent_at=now if sms_consent else None,
        status=RegistrationStatus.CONFIRMED if fits else RegistrationStatus.WAITING,
        created_by_id=getattr(actor, "id", None), checked_in_at=present,
        children=[RegisteredChild(first_name=c.first_name[:80], age=c.age, checked_in_at=present,
                                  photo_consent=c.photo_consent) for _row, c in children])
    try:
        with db.session.begin_nested():
            db.session.add(registration)
    except IntegrityError:  # the same form, arriving at the same moment
        return by_key(key), False
    if actor is not None:
        audit(actor, AuditAction.CREATE, "event_registration", registration.id)
    tell_registered(registration, event, "registered")
    return registration, True


def _registered_before(event: Event, phone: str, email: str) -> dict[str, set[str]]:
    """The names and the children's first names (folded) of the live registrations for
    the event that gave this phone (as a number, however written) or e-mail address."""
    number, address = e164(phone), email.strip().lower()
    found = {"names": set(), "children": set()}
    mine = [registration for registration in db.session.scalars(
                select(Registration).where(Registration.event_id == event.id,
                                           Registration.status != RegistrationStatus.CANCELLED)
                .options(selectinload(Registration.children)))
            if (number and e164(registration.phone) == number)
            or (address and (registration.email or "").lower() == address)]
    for registration in mine:
        found["names"].add(fold(registration.name))
        found["children"] |= {fold(child.first_name) for child in registration.children}
    return found


def by_key(key: str) -> Registration | None:
    return db.session.scalar(select(Registration).where(Registration.key == key))


def cancel_registration(registration: Registration, now: datetime,
                        actor=None) -> list[Registration]:
    """Cancel (by its own link, or by staff); the places freed go to the waiting list.
    Returns the registrations that moved up."""
    if registration.status == RegistrationStatus.CANCELLED:
        return []
    hold(db.session.get(Event, registration.event_id))  # first, as every change of places
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    if actor is not None:
        audit(actor, AuditAction.UPDATE, "event_registration", registration.id,
              fields=["status"], detail="cancelled")
    db.session.flush()
    return from_waiting_list(db.session.get(Event, registration.event_id))


def registrations_of(event: Event) -> list[Registration]:
    """Everyone registered, waiting or cancelled, in the order they came, with children."""
    return list(db.session.scalars(
        select(Registration).where(Registration.event_id == event.id)
        .options(selectinload(Registration.children)).order_by(Registration.id)))


def get_registration(registration_id: int) -> Registration | None:
    return db.session.get(Registration, registration_id)


def children_of(registration: Registration) -> list[RegisteredChild]:
    return list(db.session.scalars(select(RegisteredChild).where(
        RegisteredChild.registration_id == registration.id).order_by(RegisteredChild.id)))


def check_in(registration: Registration, child_id: int | None, present: bool, actor,
             now: datetime) -> None:
    """Mark a child (or, for an event for adults, the registration's adults) present or
    not; a second tap with the same answer changes nothing."""
    if registration.status != RegistrationStatus.CONFIRMED:
        raise DomainError(_("Only a confirmed registration is checked in."))
    target = registration if child_id is None else db.session.scalar(
        select(RegisteredChild).where(RegisteredChild.id == child_id,
                                      RegisteredChild.registration_id == registration.id))
    if target is None:
        raise DomainError(_("This child is not on this registration."))
    if (target.checked_in_at is not None) != present:
        target.checked_in_at = now if present else None
        audit(actor, AuditAction.UPDATE, "event_registration", registration.id,
              fields=["checked_in_at"])


def participants(event: Event) -> list[Registration]:
    """The confirmed registrations with their children: the day's list."""
    return [r for r in registrations_of(event) if r.status == RegistrationStatus.CONFIRMED]
