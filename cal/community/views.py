"""Events: the public calendar and an event's page with its registration (anyone, on a
phone), a registration's own page with its cancel button (by its link), and the events'
making, publishing and cancelling, with the list of those registered (staff)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask import Blueprint, Response, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from cal.community import (
    audiences,
    figures,
    jobs,
    notices,
    personal_data,
    records,
    registrations,
    services,
)
from cal.community.demo import SEED
from cal.community.forms import (
    CancelEventForm,
    EventForm,
    RegistrationForm,
    StaffRegistrationForm,
)
from cal.community.models import (
    AUDIENCE_LABELS,
    KIND_LABELS,
    REGISTRATION_LABELS,
    STATUS_LABELS,
    EventStatus,
    RegistrationStatus,
    event_partners,
)
from cal.core.access import Role, public, roles_required
from cal.core.errors import DomainError
from cal.core.forms import changed_meanwhile, options, show_refusal
from cal.core.http import found
from cal.core.once import submit_once
from cal.core.render import go, refused, render_form, render_page
from cal.core.rooms import MenuEntry, declare
from cal.core.timeutil import add_months, local_today, to_local, utcnow
from cal.core.urls import arg_id
from cal.extensions import db, limiter
from cal.notifications.calendar import ics
from cal.partners import services as partners
from cal.people import services as people

bp = Blueprint("community", __name__, url_prefix="/events")
declare(bp, scans=jobs.SCANS, personal_data=[personal_data.PART], demo=[SEED],
        partner_work=[services.partner_work], records=records.RECORDS,
        year_figures=[figures.SECTION],
        contact_books=[notices.BOOK], audiences=audiences.AUDIENCES,
        menu=[MenuEntry("community.calendar", _l("Events"), 35,
                        only=frozenset({Role.ADMIN, Role.COORDINATOR, Role.LEADER}))])
EDITORS = (Role.ADMIN, Role.COORDINATOR, Role.LEADER)
LABELS = {"kinds": KIND_LABELS, "audiences": AUDIENCE_LABELS, "statuses": STATUS_LABELS,
          "registration_labels": REGISTRATION_LABELS, "registration_statuses": RegistrationStatus,
          "to_local": to_local}
# Anonymous visitors' pages may be kept by their own browser a minute (not by a shared
# cache: each page carries the visitor's form token).
PUBLIC_CACHE = {"Cache-Control": "private, max-age=60"}


def _user():
    """The signed-in user, or None for a visitor."""
    return current_user if current_user.is_authenticated else None


def _editable_or_404(event_id: int):
    """An event the signed-in editor may change (a leader: one they made), or 404."""
    event = found(services.get_event(event_id))
    return event if services.may_edit(event, current_user) else found(None)


def _month(text: str | None) -> date:
    if text and re.fullmatch(r"[0-9]{4}-[0-9]{2}", text):
        year, month = map(int, text.split("-"))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return date(year, month, 1)
    return local_today().replace(day=1)


def _public(answer, headers=None):
    """An anonymous visitor's page, kept a minute by their browser (or with ``headers``)."""
    body, status = answer if isinstance(answer, tuple) else (answer, 200)
    return body, status, headers or ({} if current_user.is_authenticated else PUBLIC_CACHE)


@bp.get("/")
@public
def calendar():
    first = _month(request.args.get("month"))
    events = services.month_of(first, _user())
    return _public(render_page(
        "community/calendar.html", events=events, first=first,
        previous=add_months(first, -1).strftime("%Y-%m"),
        following=add_months(first, 1).strftime("%Y-%m"),
        taken=services.places_taken(e.id for e in events),
        staff=_user() is not None and current_user.role in EDITORS, **LABELS))


@bp.get("/calendar.ics")
@public
@limiter.limit("60 per hour")
def feed():
    entries = ((f"event-{e.id}", e.title if e.status != EventStatus.CANCELLED else
                f"{e.title} (odwołane)", to_local(e.starts_at), to_local(e.ends_at), e.place)
               for e in services.upcoming_public(utcnow()))
    return Response(ics(entries, "CAL – wydarzenia"), mimetype="text/calendar",
                    headers={"Cache-Control": "public, max-age=300"})


def _event_or_404(event_id: int):
    return found(services.visible(services.get_event(event_id), _user()))


@bp.get("/<int:event_id>")
@public
def event(event_id: int):
    return _public(_render_event(_event_or_404(event_id), RegistrationForm()))


def _render_event(event, form, code: int = 200):
    taken = services.places_taken([event.id]).get(event.id, 0)
    return render_page("community/event.html", status=code, event=event, form=form,
                       taken=taken, state=services.registration_state(event, utcnow()),
                       partners=partners.linked(event_partners, event_partners.c.event_id,
                                                event.id),
                       partner_links=partners.reads(_user()),
                       staff=services.may_edit(event, _user()), cancel_form=CancelEventForm(),
                       **LABELS)


@bp.post("/<int:event_id>/register")
@public
@limiter.limit("30 per hour")
def register(event_id: int):
    event = _event_or_404(event_id)
    form = RegistrationForm()
    if form.validate_on_submit():
        def work():
            registration, _new = registrations.register(
                event, form.once_key.data, form.registration_data(), utcnow())
            return url_for("community.registered", token=notices.token_for(registration)), ""
        try:
            return submit_once(form.once_key.data, work)
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
    return _render_event(event, form, code=422)


def _registration_or_404(token: str):
    return found(notices.registration_for(token))


@bp.get("/registered/<token>")
@public
def registered(token: str):
    registration = _registration_or_404(token)
    event = services.get_event(registration.event_id)
    return _public(render_page(
        "community/registered.html", registration=registration, event=event,
        children=registrations.children_of(registration), token=token, **LABELS),
        {"Cache-Control": "no-store"})  # the page of one registration: kept nowhere


@bp.post("/registered/<token>/cancel")
@public
@limiter.limit("30 per hour")
def cancel_own(token: str):
    registration = _registration_or_404(token)
    registrations.cancel_registration(registration, utcnow())
    db.session.commit()
    flash(_("Your registration is cancelled. Thank you for letting us know."), "success")
    return go(url_for("community.registered", token=token))


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*EDITORS)
def event_new():
    return _event_form(None)


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def event_edit(event_id: int):
    return _event_form(_editable_or_404(event_id))


def _event_form(event):
    form = EventForm(data=_values(event) if event and request.method == "GET" else None)
    form.partners.choices = options(partners.choices(
        services.partner_ids_of(event) if event else ()))
    if form.validate_on_submit():
        def work():
            if event is not None:
                changed_meanwhile(form, event)
            saved = services.save_event(event, form.event_data(), current_user)
            return url_for("community.event", event_id=saved.id), _("Changes saved.")
        try:
            return submit_once(form.once_key.data, work)
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error, moved={"end": "end"})
    return render_form("community/event_form.html", form, event=event)


def _values(event) -> dict:
    starts, ends = to_local(event.starts_at), to_local(event.ends_at)
    until = event.registration_until and to_local(event.registration_until)
    return {
        "title": event.title, "kind": event.kind.value, "day": starts.date(),
        "start": starts.time(), "end_day": ends.date() if ends.date() != starts.date() else None,
        "end": ends.time(), "place": event.place, "organiser": event.organiser,
        "partners": services.partner_ids_of(event), "audience": event.audience.value,
        "age_from": event.age_from, "age_to": event.age_to, "capacity": event.capacity,
        "registration_from": event.registration_from and to_local(
            event.registration_from).date(),
        "registration_until": until and (until - timedelta(days=1)).date(),
        "public": event.public, "description": event.description, "version": event.version}


@bp.post("/<int:event_id>/publish")
@roles_required(*EDITORS)
def event_publish(event_id: int):
    event = _editable_or_404(event_id)
    back = url_for("community.event", event_id=event.id)
    try:
        services.publish(event, current_user)
    except DomainError as error:
        return refused(error, back)
    db.session.commit()
    flash(_("Published: the event is on the calendar."), "success")
    return go(back)


@bp.post("/<int:event_id>/cancel")
@roles_required(*EDITORS)
def event_cancel(event_id: int):
    event = _editable_or_404(event_id)
    form = CancelEventForm()
    back = url_for("community.event", event_id=event.id)
    try:
        if not form.validate_on_submit():
            raise DomainError(_("The form is out of date: reload the page and send it again."))
        told = services.cancel(event, form.reason.data, current_user)
    except DomainError as error:
        return refused(error, back)
    db.session.commit()
    flash(ngettext("The event is cancelled; %(num)d person is told by text message or e-mail.",
                   "The event is cancelled; %(num)d people are told by text message or e-mail.",
                   told), "success")
    return go(back)


@bp.post("/<int:event_id>/held")
@roles_required(*EDITORS)
def event_held(event_id: int):
    event = _editable_or_404(event_id)
    back = url_for("community.event", event_id=event.id)
    try:
        services.mark_held(event, current_user, utcnow())
    except DomainError as error:
        return refused(error, back)
    db.session.commit()
    flash(_("Saved."), "success")
    return go(back)


@bp.get("/<int:event_id>/registrations")
@roles_required(*EDITORS)
def event_registrations(event_id: int):
    event = _editable_or_404(event_id)
    rows = registrations.registrations_of(event)
    by_status = {status: [r for r in rows if r.status == status] for status in
                 RegistrationStatus}
    return render_page("community/registrations.html", event=event, by_status=by_status,
                       taken=sum(r.places for r in by_status[RegistrationStatus.CONFIRMED]),
                       **LABELS)


@bp.route("/<int:event_id>/registrations/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.COORDINATOR)
def registration_new(event_id: int):
    """Register a person of the registry: found by name, then their places."""
    event = _editable_or_404(event_id)
    person_id = arg_id(request.values.get("person_id"))
    person = people.get_person(person_id) if person_id else None
    if request.method == "POST" and person is None:
        return found(None)  # a registration is of a person found first
    query = request.args.get("q", "")[:100].strip()
    found_people = people.search_people(query, limit=20)[0] if query and person is None else []
    form = StaffRegistrationForm()
    if person is not None and form.validate_on_submit():
        def work():
            registrations.register(event, form.once_key.data, {
                **form.places_data(), "name": person.full_name,
                "phone": person.phone}, utcnow(), current_user, person_id=person.id)
            return (url_for("community.event_registrations", event_id=event.id),
                    _("Registered: %(name)s.", name=person.full_name))
        try:
            return submit_once(form.once_key.data, work)
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
    return render_form("community/registration_new.html", form, event=event, person=person,
                       query=query, found_people=found_people, **LABELS)


@bp.post("/registrations/<int:registration_id>/cancel")
@roles_required(*EDITORS)
def registration_cancel(registration_id: int):
    registration = found(registrations.get_registration(registration_id))
    _editable_or_404(registration.event_id)
    moved = registrations.cancel_registration(registration, utcnow(), current_user)
    db.session.commit()
    flash(_("Cancelled.") + (" " + _("Moved up from the waiting list: %(names)s.", names=", ".join(
        r.name for r in moved)) if moved else ""), "success")
    return go(url_for("community.event_registrations", event_id=registration.event_id))
