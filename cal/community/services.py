"""Events: made and changed by coordinators and leaders, published to the public
calendar, cancelled with a reason (everyone registered is told) or marked held."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import and_, delete, func, insert, or_, select, true

from cal.community.models import (
    KIND_LABELS,
    Event,
    EventStatus,
    Registration,
    RegistrationStatus,
    event_partners,
)
from cal.community.notices import tell_registered
from cal.core.access import Role
from cal.core.audit import AuditAction, audit
from cal.core.errors import DomainError
from cal.core.models import hold
from cal.core.rooms import Together
from cal.core.timeutil import add_months, local_day_start_utc, to_local
from cal.extensions import db

EVENT_FIELDS = ("title", "kind", "description", "starts_at", "ends_at", "place", "organiser",
                "audience", "age_from", "age_to", "public", "capacity",
                "registration_from", "registration_until")
# Shown on the public calendar: what was published, including what was then cancelled
# or held (a resident who saw an event should find it again, and learn it was cancelled).
ON_CALENDAR = (EventStatus.PUBLISHED, EventStatus.CANCELLED, EventStatus.HELD)


def _check(data: dict) -> None:
    refusals = {}
    if data["ends_at"] <= data["starts_at"]:
        refusals["end"] = _("The event must end after it starts.")
    if data["audience"] == "children":
        if data.get("age_from") is None or data.get("age_to") is None:
            refusals["age_from"] = _("Give the children's ages.")
        elif data["age_from"] > data["age_to"]:
            refusals["age_to"] = _("The upper age cannot be below the lower one.")
    opens, closes = data.get("registration_from"), data.get("registration_until")
    if opens and closes and closes <= opens:
        refusals["registration_until"] = _("Registration must close after it opens.")
    if closes and closes > data["ends_at"]:
        refusals["registration_until"] = _("Registration cannot close after the event ends.")
    if refusals:
        raise DomainError.of(refusals)


def save_event(event: Event | None, data: dict, actor) -> Event:
    """A new event (a draft) or the changes to one; places freed by a larger capacity
    go to the waiting list."""
    _check(data)
    if data["audience"] != "children":
        data = {**data, "age_from": None, "age_to": None}
    new = event is None
    if new:
        event = Event(created_by_id=actor.id, status=EventStatus.DRAFT)
        db.session.add(event)
    changed = [name for name in EVENT_FIELDS if getattr(event, name) != data[name]]
    for name in EVENT_FIELDS:
        setattr(event, name, data[name])
    db.session.flush()
    if data.get("partner_ids") is not None and _link_partners(event, data["partner_ids"]):
        changed.append("partners")
    audit(actor, AuditAction.CREATE if new else AuditAction.UPDATE, "event", event.id,
          fields=changed)
    if not new:
        from_waiting_list(event)
    return event


def _link_partners(event: Event, partner_ids: list[int]) -> bool:
    """The event's partner institutions are these; whether they changed."""
    wanted = set(partner_ids)
    if set(partner_ids_of(event)) == wanted:
        return False
    db.session.execute(delete(event_partners).where(event_partners.c.event_id == event.id))
    if wanted:
        db.session.execute(insert(event_partners), [{"event_id": event.id, "partner_id": i}
                                                    for i in sorted(wanted)])
    return True


def partner_ids_of(event: Event) -> list[int]:
    return list(db.session.scalars(select(event_partners.c.partner_id).where(
        event_partners.c.event_id == event.id)))


def partner_work(partner_id: int, user) -> list[Together]:
    """The events held or announced with a partner institution that ``user`` sees on the
    calendar (its page lists them)."""
    return [Together(to_local(event.starts_at).date(), KIND_LABELS[event.kind], event.title,
                     url_for("community.event", event_id=event.id))
            for event in db.session.scalars(select(Event).join(
                event_partners, event_partners.c.event_id == Event.id).where(
                event_partners.c.partner_id == partner_id, _seen_by(user),
                Event.status != EventStatus.CANCELLED))]


def get_event(event_id: int) -> Event | None:
    return db.session.get(Event, event_id)


def publish(event: Event, actor) -> None:
    if event.status != EventStatus.DRAFT:
        raise DomainError(_("Only a draft can be published."))
    event.status = EventStatus.PUBLISHED
    audit(actor, AuditAction.UPDATE, "event", event.id, fields=["status"], detail="published")


def cancel(event: Event, reason: str, actor) -> int:
    """Cancel with a reason; everyone registered or waiting is told. Returns how many."""
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give the reason: it is sent to everyone registered."), "reason")
    if event.status in (EventStatus.CANCELLED, EventStatus.HELD):
        raise DomainError(_("This event can no longer be cancelled."))
    event.status, event.cancel_reason = EventStatus.CANCELLED, reason[:300]
    audit(actor, AuditAction.UPDATE, "event", event.id, fields=["status"], detail="cancelled")
    told = 0
    for registration in db.session.scalars(select(Registration).where(
            Registration.event_id == event.id,
            Registration.status != RegistrationStatus.CANCELLED)):
        told += tell_registered(registration, event, "event_cancelled")
    return told


def mark_held(event: Event, actor, now: datetime) -> None:
    if event.status != EventStatus.PUBLISHED or event.starts_at > now:
        raise DomainError(_("An event is marked held once it has started."))
    event.status = EventStatus.HELD
    audit(actor, AuditAction.UPDATE, "event", event.id, fields=["status"], detail="held")


def may_edit(event: Event, user) -> bool:
    """Coordinators and administrators change every event; a leader the events they made."""
    role = getattr(user, "role", None)
    if role in (Role.ADMIN, Role.COORDINATOR):
        return True
    return role == Role.LEADER and event.created_by_id == user.id


def _seen_by(user):
    """The condition on events a visitor sees on the calendar: the public ones, published;
    staff also their drafts and internal events (a leader, those they made)."""
    public = and_(Event.public.is_(True), Event.status.in_(ON_CALENDAR))
    role = getattr(user, "role", None)
    if role in (Role.ADMIN, Role.COORDINATOR):
        return true()
    if role == Role.LEADER:
        return or_(public, Event.created_by_id == user.id)
    return public


def month_of(first: date, user) -> list[Event]:
    """The events starting in a local month that ``user`` (None: a visitor) sees, in order."""
    start = local_day_start_utc(first)
    following = add_months(first, 1)
    return list(db.session.scalars(select(Event).where(
        Event.starts_at >= start, Event.starts_at < local_day_start_utc(following),
        _seen_by(user)).order_by(Event.starts_at, Event.id)))


def upcoming_public(now: datetime, days_back: int = 30) -> list[Event]:
    """The public events of the iCalendar feed: from a month back, onwards."""
    return list(db.session.scalars(select(Event).where(
        Event.public.is_(True), Event.status.in_(ON_CALENDAR),
        Event.ends_at >= now - timedelta(days=days_back)).order_by(Event.starts_at)))


def visible(event: Event | None, user) -> Event | None:
    """The event if ``user`` (None: a visitor) may see it."""
    if event is None:
        return None
    published = event.public and event.status in ON_CALENDAR
    return event if published or may_edit(event, user) else None


def places_taken(event_ids) -> dict[int, int]:
    """Places taken by confirmed registrations, per event (one query for a list)."""
    return dict(db.session.execute(
        select(Registration.event_id, func.coalesce(func.sum(Registration.places), 0))
        .where(Registration.event_id.in_(list(event_ids)),
               Registration.status == RegistrationStatus.CONFIRMED)
        .group_by(Registration.event_id)).all())


def from_waiting_list(event: Event) -> list[Registration]:
    """Waiting registrations that now fit, in the order they came (a smaller one may
    pass a larger one that does not fit yet); each is told."""
    hold(event)
    free = None if event.capacity is None else event.capacity - places_taken([event.id]).get(
        event.id, 0)
    moved = []
    for registration in db.session.scalars(select(Registration).where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.WAITING).order_by(Registration.id)):
        if free is not None and registration.places > free:
            continue
        registration.status = RegistrationStatus.CONFIRMED
        free = None if free is None else free - registration.places
        moved.append(registration)
        tell_registered(registration, event, "moved_up")
    return moved


def registration_state(event: Event, now: datetime) -> str:
    """Where registration stands: "open", "not_yet", "closed" or "cancelled"."""
    if event.status == EventStatus.CANCELLED:
        return "cancelled"
    if event.status != EventStatus.PUBLISHED:
        return "closed"
    if event.registration_from and now < event.registration_from:
        return "not_yet"
    if now >= (event.registration_until or event.starts_at):
        return "closed"
    return "open"

