"""What a person registered for an event is told, and the link that lets them cancel.

A resident is not a user of the platform: they are told through the outbox, in Polish,
on the channel they can be reached on (a text message when they asked for them, else
the e-mail they gave for this registration; a person of the registry as the registry
says). The registrations are the "registration" contact book (cal.core.reach). The link
to cancel is signed with the application's secret (no table keeps it): whoever holds it
may see and cancel that one registration, nothing else.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from cal.community.models import Event, Registration
from cal.core.timeutil import to_local
from cal.core.urls import external_url
from cal.extensions import db
from cal.notifications.outbox import tell_contact
from cal.notifications.walk_ins import walk_in_book

SALT = "event-registration"


def token_for(registration) -> str:
    return URLSafeSerializer(current_app.secret_key, salt=SALT).dumps(registration.id)


def registration_for(token: str):
    try:
        registration_id = URLSafeSerializer(current_app.secret_key, salt=SALT).loads(token)
    except BadSignature:
        return None
    return db.session.get(Registration, registration_id) if isinstance(
        registration_id, int) else None


def _when(event) -> str:
    return to_local(event.starts_at).strftime("%d.%m.%Y, %H:%M")


def _text(registration, event, kind: str) -> tuple[str, str]:
    link = external_url("community.registered", token=token_for(registration))
    what = f"{event.title} ({_when(event)}, {event.place})".replace(", )", ")")
    if kind == "event_cancelled":
        return (_("Cancelled: %(title)s", title=event.title),
                _("We are sorry: %(what)s is cancelled. Reason: %(reason)s",
                  what=what, reason=event.cancel_reason))
    if kind == "reminder":
        return (_("Tomorrow: %(title)s", title=event.title),
                _("We remind you: %(what)s. If you cannot come, cancel here, so that someone "
                  "from the waiting list can: %(link)s", what=what, link=link))
    if kind == "moved_up":
        return (_("A place for you: %(title)s", title=event.title),
                _("A place has come free: you are registered for %(what)s. If you cannot "
                  "come, cancel here: %(link)s", what=what, link=link))
    waiting = registration.status.value == "waiting"
    return (_("Registration: %(title)s", title=event.title),
            (_("You are on the waiting list for %(what)s; we will write when a place comes "
               "free. To cancel: %(link)s", what=what, link=link) if waiting else
             _("You are registered for %(what)s. If you cannot come, cancel here: %(link)s",
               what=what, link=link)))


def tell_registered(registration, event, kind: str, due_at: datetime | None = None) -> int:
    """Tell a registered person through the outbox; returns 1 if a notice is on its
    way, 0 when they cannot be reached (no contact, or no consent)."""
    subject, body = (lambda: _text(registration, event, kind)[0],
                     lambda: _text(registration, event, kind)[1])
    return int(tell_contact("registration", registration.id, kind,
                            f"registration:{registration.id}", subject, body,
                            due_at=due_at) is not None)


def _registrations_said(rows: list[Registration]) -> dict[int, str]:
    """Each registration as the event it is for and its day."""
    events = {event.id: event for event in db.session.scalars(
        select(Event).where(Event.id.in_({row.event_id for row in rows})))}
    return {row.id: f"{events[row.event_id].title}, "
                    f"{to_local(events[row.event_id].starts_at):%d.%m.%Y}" for row in rows}


BOOK = walk_in_book("registration", Registration, "event_registration",
                    describe=_registrations_said)
