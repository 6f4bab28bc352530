"""On the day of an event: the participants' list on a tablet with one-tap check-in,
people who walk in added, and the printed list with a signature column. The list shows
guardians' phones and photo consents: it is for those who run the event (coordinators,
and the leader who made it), never for volunteers."""

from __future__ import annotations

from flask import Blueprint, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from cal.community import registrations, services
from cal.community.forms import RegistrationForm
from cal.community.views import EDITORS, LABELS
from cal.core import exports
from cal.core.access import roles_required
from cal.core.errors import DomainError
from cal.core.forms import show_refusal
from cal.core.http import found
from cal.core.once import submit_once
from cal.core.pdf import render_pdf
from cal.core.render import refused, refused_in_place, render_page
from cal.core.rooms import declare
from cal.core.timeutil import local_today, utcnow
from cal.core.urls import arg_id
from cal.extensions import db

bp = Blueprint("event_day", __name__, url_prefix="/events")
declare(bp)


def _event(event_id: int):
    event = found(services.get_event(event_id))
    return event if services.may_edit(event, current_user) else found(None)


class WalkInForm(RegistrationForm):
    """Someone at the door: a name, and their children or adults (consent is asked there
    and then; a phone is optional)."""


@bp.get("/<int:event_id>/day")
@roles_required(*EDITORS)
def check_in_list(event_id: int):
    return _render_list(_event(event_id), WalkInForm())


def _render_list(event, form, code: int = 200, error: str = ""):
    rows = registrations.participants(event)
    present = sum(sum(1 for c in r.children if c.checked_in_at) if event.for_children else
                  (r.adults if r.checked_in_at else 0) for r in rows)
    return render_page("community/day.html", status=code, event=event, rows=rows, form=form,
                       present=present, error=error, **LABELS)


@bp.post("/<int:event_id>/day/<int:registration_id>")
@roles_required(*EDITORS)
def check_in(event_id: int, registration_id: int):
    event = _event(event_id)
    registration = found(registrations.get_registration(registration_id))
    if registration.event_id != event.id:
        found(None)
    try:
        registrations.check_in(registration, arg_id(request.form.get("child")),
                               request.form.get("present") == "1", current_user, utcnow())
    except DomainError as error:
        return refused_in_place(error, lambda **shown: _render_list(event, WalkInForm(),
                                                                    **shown))
    db.session.commit()
    return _render_list(event, WalkInForm())


@bp.post("/<int:event_id>/day/walk-in")
@roles_required(*EDITORS)
def walk_in(event_id: int):
    event = _event(event_id)
    form = WalkInForm()
    if form.validate_on_submit():
        def work():
            registrations.register(event, form.once_key.data, form.registration_data(),
                                   utcnow(), current_user, walk_in=True)
            return url_for("event_day.check_in_list", event_id=event.id), _("Added and present.")
        try:
            return submit_once(form.once_key.data, work)
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
    return _render_list(event, form, code=422)


@bp.get("/<int:event_id>/list.pdf")
@roles_required(*EDITORS)
def participants_pdf(event_id: int):
    event = _event(event_id)
    try:
        pdf = render_pdf("event_list", issued_on=local_today(), event=event,
                         rows=registrations.participants(event), **LABELS)
    except DomainError as error:
        return refused(error, url_for("event_day.check_in_list", event_id=event.id))
    name = exports.ascii_name(event.title, "wydarzenie")
    return exports.attachment(pdf, f"lista-{name}.pdf", "event", event.id, "participants list")
