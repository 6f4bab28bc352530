"""What a person registered for an event is told, and the link that lets them cancel.

A resident is not a user of the platform: they are told by e-mail when they gave one
(in Polish, the centre's language), once the response has gone out. The link to cancel is
signed with the application's secret (no table keeps it): whoever holds it may see and
cancel that one registration, nothing else.
"""

from __future__ import annotations

from flask import current_app, has_request_context
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from cal.community.models import Registration
from cal.core.mail import send_mail_after_response, try_send_mail
from cal.core.timeutil import to_local
from cal.core.urls import external_url
from cal.extensions import db

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


def tell_registered(registration, event, kind: str) -> int:
    """Tell a registered person by e-mail, when they gave one; returns 1 if a mail is on
    its way. (A text message, for those who gave a phone only, comes with messages.)"""
    if not registration.email:
        return 0
    with force_locale("pl"):
        subject, body = _text(registration, event, kind)
    if has_request_context():
        send_mail_after_response(registration.email, subject, body)
        return 1
    return int(try_send_mail(registration.email, subject, body))
